"""Deploy-time settings, read once from CDK context and checked before any construct exists.

Values come from `cdk.json`, from `cdk synth -c key=value` (always a string) or from a test's
`App(context=...)`; each parser accepts both the JSON type and its string spelling.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal, TypeVar, cast

from constructs import Construct

from handler.constants import ORIGIN_PATTERN
from infra.errors import SettingsError

Architecture = Literal["x86_64", "arm64"]
ARCHITECTURES: Final[tuple[Architecture, ...]] = ("x86_64", "arm64")

# API Gateway gives up on an integration after 30 s; a function that may run longer
# would be billed for answers nobody receives.
MAX_TIMEOUT_SECONDS: Final = 29

_STAGE = re.compile(r"[a-z][a-z0-9-]{0,19}")
_ORIGIN = re.compile(ORIGIN_PATTERN)

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything an operator may change between deployments, with the defaults we ship."""

    stage: str = "dev"
    architecture: Architecture = "x86_64"
    memory_mb: int = 1024
    timeout_seconds: int = 10
    throttle_rate_limit: int = 20
    throttle_burst_limit: int = 40
    extra_allowed_origins: tuple[str, ...] = ()
    # Off by default: new accounts often have a concurrency quota of 10, and reserving
    # any of it fails the deployment there.
    reserved_concurrency: int | None = None


def read_settings(scope: Construct) -> Settings:
    """Read and validate every setting from `scope`'s CDK context."""
    defaults = Settings()

    def get(key: str, parse: Callable[[str, object], T], default: T) -> T:
        value = scope.node.try_get_context(key)
        return default if value is None else parse(key, value)

    return Settings(
        stage=get("stage", _stage, defaults.stage),
        architecture=get("architecture", _architecture, defaults.architecture),
        memory_mb=get("memoryMb", _bounded(128, 10240), defaults.memory_mb),
        timeout_seconds=get(
            "timeoutSeconds", _bounded(1, MAX_TIMEOUT_SECONDS), defaults.timeout_seconds
        ),
        throttle_rate_limit=get(
            "throttleRateLimit", _bounded(1, 10000), defaults.throttle_rate_limit
        ),
        throttle_burst_limit=get(
            "throttleBurstLimit", _bounded(1, 5000), defaults.throttle_burst_limit
        ),
        extra_allowed_origins=get("extraAllowedOrigins", _origins, defaults.extra_allowed_origins),
        reserved_concurrency=get(
            "reservedConcurrency", _optional_count, defaults.reserved_concurrency
        ),
    )


def _stage(key: str, value: object) -> str:
    if not isinstance(value, str) or not _STAGE.fullmatch(value):
        raise SettingsError(
            f"context {key}={value!r}: expected lowercase letters, digits and '-', "
            "starting with a letter, at most 20 characters"
        )
    return value


def _architecture(key: str, value: object) -> Architecture:
    if value not in ARCHITECTURES:
        raise SettingsError(f"context {key}={value!r}: expected one of {', '.join(ARCHITECTURES)}")
    return value


def _bounded(low: int, high: int) -> Callable[[str, object], int]:
    def parse(key: str, value: object) -> int:
        number = _integer(key, value)
        if not low <= number <= high:
            raise SettingsError(f"context {key}={value!r}: expected {low} to {high}")
        return number

    return parse


def _optional_count(key: str, value: object) -> int | None:
    if value in ("", "none", "off"):
        return None
    return _bounded(1, 1000)(key, value)


def _integer(key: str, value: object) -> int:
    # bool is an int subclass, and `true` in cdk.json is surely a mistake here.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise SettingsError(f"context {key}={value!r}: expected a whole number")


def _origins(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list[object] = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        items = list(value)
    else:
        raise SettingsError(f"context {key}={value!r}: expected a list or comma-separated origins")
    for item in items:
        if not isinstance(item, str) or not _ORIGIN.fullmatch(item):
            raise SettingsError(
                f"context {key}: {item!r} is not an origin like https://example.com "
                "(scheme and host, optional port, no path, no wildcard)"
            )
    return tuple(cast(list[str], items))
