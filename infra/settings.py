"""Deploy-time settings, read once from CDK context and checked before any construct exists.

Values come from `cdk.json`, from `cdk synth -c key=value` (always a string) or from a test's
`App(context=...)`; each field takes both the JSON type and its string spelling. The same
pydantic style as `handler/settings.py`, with the same origin-list parser.
"""

from typing import Annotated, Final, Literal

from constructs import Construct
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from handler.constants import BULK_MAX_TEXT_CHARS, BULK_MAX_TEXT_CHARS_CEILING
from handler.origins import parse_origins
from infra.errors import InfraSettingsError

Architecture = Literal["x86_64", "arm64"]
# How CodeDeploy moves traffic to a new version: canary is the default, all-at-once is for dev.
Deployment = Literal["canary", "linear", "all-at-once"]

# API Gateway gives up on an integration after 30 s; a function that may run longer
# would be billed for answers nobody receives.
MAX_TIMEOUT_SECONDS: Final = 29
DEFAULT_BASE_IMAGE: Final = "public.ecr.aws/lambda/python:3.13"
_OFF: Final = ("", "none", "off")


def _whole_number(value: object) -> object:
    # bool is an int subclass, and `true` in cdk.json is surely a mistake here.
    if isinstance(value, bool) or (isinstance(value, str) and not value.strip().isdigit()):
        raise ValueError("expected a whole number")
    return value


def _optional(value: object) -> object:
    return None if value in _OFF else _whole_number(value)


def _optional_text(value: object) -> object:
    return None if value in _OFF else value


def _switch(value: object) -> object:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _origins(value: object) -> object:
    try:
        return parse_origins(value)
    except ValueError as error:
        raise ValueError(f"is not a list of origins like https://example.com: {error}") from None


Count = Annotated[int, BeforeValidator(_whole_number)]


class Settings(BaseModel):
    """Everything an operator may change between deployments, with the defaults we ship."""

    model_config = ConfigDict(frozen=True, validate_by_name=True, validate_by_alias=True)

    stage: str = Field("dev", pattern=r"^[a-z][a-z0-9-]{0,19}$")
    architecture: Architecture = "x86_64"
    memory_mb: Count = Field(1024, ge=128, le=10240, alias="memoryMb")
    timeout_seconds: Count = Field(10, ge=1, le=MAX_TIMEOUT_SECONDS, alias="timeoutSeconds")
    throttle_rate_limit: Count = Field(20, ge=1, le=10_000, alias="throttleRateLimit")
    throttle_burst_limit: Count = Field(40, ge=1, le=5_000, alias="throttleBurstLimit")
    extra_allowed_origins: Annotated[tuple[str, ...], BeforeValidator(_origins)] = Field(
        (), alias="extraAllowedOrigins"
    )
    # Off by default: new accounts often have a concurrency quota of 10, and reserving
    # any of it fails the deployment there.
    reserved_concurrency: Annotated[int | None, BeforeValidator(_optional)] = Field(
        None, ge=1, le=1000, alias="reservedConcurrency"
    )
    # The longest review a bulk job scores (handler.settings: why it has a ceiling).
    bulk_max_text_chars: Count = Field(
        BULK_MAX_TEXT_CHARS, ge=1, le=BULK_MAX_TEXT_CHARS_CEILING, alias="bulkMaxTextChars"
    )
    deployment: Deployment = "canary"
    # Alarms always go to the stack's SNS topic; this address is subscribed to it when set.
    alarm_email: Annotated[str | None, BeforeValidator(_optional_text)] = Field(
        None, pattern=r"^[^@\s,]+@[^@\s,]+\.[A-Za-z]{2,}$", alias="alarmEmail"
    )
    # The opt-in web ACL in front of CloudFront (its own stack in us-east-1).
    waf: Annotated[bool, BeforeValidator(_switch)] = False
    # Requests one client IP may send in any 5 minutes before WAF blocks it (WAF's minimum is 10).
    waf_rate_limit: Count = Field(300, ge=10, le=2_000_000_000, alias="wafRateLimit")
    # The tag by default; `make pin-base-image` writes a digest reference into cdk.json.
    base_image: str = Field(
        DEFAULT_BASE_IMAGE,
        pattern=r"^public\.ecr\.aws/lambda/python:3\.13(@sha256:[0-9a-f]{64})?$",
        alias="baseImage",
    )


def read_settings(scope: Construct) -> Settings:
    """Read and validate every setting from `scope`'s CDK context."""
    keys = [field.alias or name for name, field in Settings.model_fields.items()]
    context = {key: scope.node.try_get_context(key) for key in keys}
    given = {key: value for key, value in context.items() if value is not None}
    try:
        return Settings.model_validate(given)
    except ValidationError as error:
        problems = "; ".join(
            f"context {problem['loc'][0]}={given.get(str(problem['loc'][0]))!r}: "
            f"{problem['msg'].removeprefix('Value error, ')}"
            for problem in error.errors()
        )
        raise InfraSettingsError(problems) from None
