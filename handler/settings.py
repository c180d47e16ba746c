"""The service's settings, read once from the environment (names in `handler.constants`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from handler import constants
from handler.errors import SettingsError
from handler.origins import parse_origins
from handler.paths import MODEL_DIR

DEFAULT_MODEL_DIR = MODEL_DIR
# Lambda's synchronous payload limit is 6 MB: a larger body never reaches the function anyway.
LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024
_ROOT_PATH = re.compile(r"(/[A-Za-z0-9._~$-]+)*")


class Settings(BaseSettings):
    """Validated at start, so a bad value stops the service with a message naming the variable."""

    model_config = SettingsConfigDict(frozen=True, validate_by_name=True, extra="ignore")

    model_dir: Path = Field(default=DEFAULT_MODEL_DIR, validation_alias=constants.ENV_MODEL_DIR)
    allowed_origins: Annotated[tuple[str, ...], NoDecode, BeforeValidator(parse_origins)] = Field(
        default=(), validation_alias=constants.ENV_ALLOWED_ORIGINS
    )
    max_text_chars: int = Field(
        default=10_000, ge=1, le=200_000, validation_alias=constants.ENV_MAX_TEXT_CHARS
    )
    max_batch_items: int = Field(
        default=64, ge=1, le=1_000, validation_alias=constants.ENV_MAX_BATCH_ITEMS
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1_024,
        le=LAMBDA_PAYLOAD_BYTES,
        validation_alias=constants.ENV_MAX_BODY_BYTES,
    )
    # Every sentence is one more row for the model, as costly as a whole review: at 100 a text
    # (4 of IMDb's 25,000 training reviews have more) and 256 a batch, no request costs more
    # rows than an explanation and a batch together (201 + 64).
    max_sentences: int = Field(
        default=100, ge=1, le=1_000, validation_alias=constants.ENV_MAX_SENTENCES
    )
    max_batch_sentences: int = Field(
        default=256, ge=1, le=10_000, validation_alias=constants.ENV_MAX_BATCH_SENTENCES
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias=constants.ENV_LOG_LEVEL
    )
    root_path: str = Field(default="", validation_alias=constants.ENV_ROOT_PATH)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("root_path")
    @classmethod
    def _root_path(cls, value: str) -> str:
        if not _ROOT_PATH.fullmatch(value):
            raise ValueError("must be empty or like /prod (leading slash, no trailing slash)")
        return value


def load_settings() -> Settings:
    """Settings from the environment; `SettingsError` names every variable that is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from None
