"""How much the benchmark measures: one frozen pydantic model, as `handler.settings` keeps its own."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    quick: bool = False
    cold_runs: int = Field(default=5, ge=1, description="cold starts per variant")
    priming: int = Field(default=1, ge=0, description="discarded rounds that warm the page cache")
    requests: int = Field(default=1000, ge=1, description="timed warm requests per path")
    warm_up: int = Field(default=50, ge=0, description="untimed requests before those")
    batch_sizes: tuple[int, ...] = (1, 64, 256)
    route_batch: int = Field(default=64, ge=1, description="reviews per request on the batch route")
    min_calls: int = Field(default=5, ge=1, description="calls per batch size, at least")
    min_seconds: float = Field(default=1.0, ge=0, description="seconds per batch size, at least")
    tensorflow: bool = Field(default=True, description="also measure the TensorFlow/Keras path")


FULL = Settings()
# Enough to exercise every path and section; the figures mean nothing.
QUICK = Settings(
    quick=True,
    cold_runs=1,
    priming=0,
    requests=50,
    warm_up=5,
    batch_sizes=(1, 8),
    route_batch=8,
    min_calls=3,
    min_seconds=0.0,
)
