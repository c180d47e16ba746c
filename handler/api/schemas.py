"""What `/v1/model` answers: the public part of the manifest and the limits in force.

The other answers are documented by `handler.api.responses`, which only the published schema
imports; requests are `handler.requests`, shared with bulk jobs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from handler.constants import MODEL_CARD_PATH
from handler.requests import Limits

if TYPE_CHECKING:
    from handler.inference.manifest import Manifest

Label = Literal["negative", "positive"]


class ModelInfo(BaseModel):
    """The public part of the model's manifest, and the limits in force."""

    model_version: str
    architecture: str
    quantization: str
    evaluated_on: str = Field(description="the data the scores below were measured on")
    accuracy: dict[str, float] = Field(description="keras, float_tflite and int8 on the same data")
    agreement_with_keras: dict[str, dict[str, float]]
    sizes_bytes: dict[str, int]
    inputs: dict[str, int] = Field(description="input name -> length in ids")
    labels: list[Label] = Field(description="output classes in index order")
    sentences: dict[str, dict[str, float]] = Field(
        description="accuracy, calibration error and answers near 0.5 on labelled sentences"
    )
    head: dict[str, Any] = Field(description="how the service mixes and calibrates the outputs")
    limits: Limits
    model_card: str | None = Field(description="path of the model card (Markdown)")

    @classmethod
    def of(cls, manifest: Manifest, limits: Limits, has_card: bool = False) -> ModelInfo:
        metrics = manifest.metrics
        public = manifest.to_json()  # the head as the file writes it: keys sorted, lists
        # Plain strings: pydantic checks that each one is a Label.
        by_index: list[Any] = sorted(manifest.labels, key=manifest.labels.__getitem__)
        return cls(
            model_version=manifest.model_version,
            architecture=manifest.architecture,
            quantization=manifest.quantization,
            evaluated_on=metrics.get("split", ""),
            accuracy={k: v["accuracy"] for k, v in metrics.get("scores", {}).items()},
            agreement_with_keras=metrics.get("agreement_with_keras", {}),
            sizes_bytes=dict(manifest.sizes_bytes),
            inputs=dict(manifest.inputs),
            labels=by_index,
            sentences={
                name: {k: v for k, v in s.items() if k != "n"}
                for name, s in metrics.get("evaluation", {}).get("sentences", {}).items()
            },
            head=public.get("head", {}),
            limits=limits,
            model_card=MODEL_CARD_PATH if has_card else None,
        )
