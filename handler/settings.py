"""The service's settings, read once from the environment (names in `handler.constants`).

A plain pydantic model over `os.environ`, not pydantic-settings' `BaseSettings`: that package
imports every source it has (dotenv, argparse, the AWS and Azure providers...) on each cold
start, for nothing more than what `_from_environment` does here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from handler import constants
from handler.errors import SettingsError
from handler.inference.paths import MODEL_DIR
from handler.origins import parse_origins

DEFAULT_MODEL_DIR = MODEL_DIR
# Lambda's synchronous payload limit is 6 MB: a larger body never reaches the function anyway.
LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024
_ROOT_PATH = re.compile(r"(/[A-Za-z0-9._~$-]+)*")


class Settings(BaseModel):
    """Validated at start, so a bad value stops the service with a message naming the variable.

    `Settings(**values)` reads the environment, as `BaseSettings` did; values passed by field
    name win over it. A value read is keyed by its variable's name, so its error names that.
    """

    model_config = ConfigDict(frozen=True, validate_by_name=True, extra="ignore")

    def __init__(self, **values: Any) -> None:
        fields = type(self).model_fields
        given = {fields[name].validation_alias for name in values if name in fields}
        found = {k: v for k, v in _from_environment(type(self)).items() if k not in given}
        super().__init__(**found, **values)

    model_dir: Path = Field(default=DEFAULT_MODEL_DIR, validation_alias=constants.ENV_MODEL_DIR)
    allowed_origins: Annotated[tuple[str, ...], BeforeValidator(parse_origins)] = Field(
        default=(), validation_alias=constants.ENV_ALLOWED_ORIGINS
    )
    max_text_chars: int = Field(
        default=10_000, ge=1, le=200_000, validation_alias=constants.ENV_MAX_TEXT_CHARS
    )
    # A bulk line has no caller waiting on it, so the API's latency bound does not apply. This one
    # bounds a record's bytes (handler.bulk.scoring.max_record_bytes) and a batch's time: the text
    # pipeline reads the whole text, so the ceiling keeps a batch of SCORE_BATCH texts at the limit
    # well inside the job function's timeout (infra/bulk.py). The model reads the same beginning
    # of a text either way (docs/api-contract.md, "Bulk jobs").
    bulk_max_text_chars: int = Field(
        default=constants.BULK_MAX_TEXT_CHARS,
        ge=1,
        le=constants.BULK_MAX_TEXT_CHARS_CEILING,
        validation_alias=constants.ENV_BULK_MAX_TEXT_CHARS,
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


def _from_environment(model: type[BaseModel]) -> dict[str, Any]:
    """The variables the model names, by alias (how errors name them), matched regardless of
    case as pydantic-settings did; a value stays a string, for the fields to validate."""
    environ = {name.upper(): value for name, value in os.environ.items()}
    found: dict[str, Any] = {}
    for field in model.model_fields.values():
        alias = field.validation_alias
        if isinstance(alias, str) and alias.upper() in environ:
            found[alias] = environ[alias.upper()]
    return found


def load_settings() -> Settings:
    """Settings from the environment; `SettingsError` names every variable that is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from None
