"""Settings from CDK context: defaults, both spellings of each value, and clear refusals."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infra.errors import SettingsError
from infra.settings import MAX_TIMEOUT_SECONDS, Settings
from tests.infra.conftest import settings_from as _read


def test_no_context_gives_the_defaults() -> None:
    assert _read() == Settings()
    assert Settings().reserved_concurrency is None
    assert Settings().architecture == "x86_64"


def test_json_and_command_line_spellings_agree() -> None:
    from_json = _read(memoryMb=2048, reservedConcurrency=5, extraAllowedOrigins=["https://a.io"])
    from_cli = _read(memoryMb="2048", reservedConcurrency="5", extraAllowedOrigins="https://a.io")
    assert from_json == from_cli
    assert from_cli.memory_mb == 2048
    assert from_cli.extra_allowed_origins == ("https://a.io",)


def test_comma_separated_origins_keep_their_order() -> None:
    settings = _read(extraAllowedOrigins=" http://localhost:8000 , https://b.example.com,")
    assert settings.extra_allowed_origins == ("http://localhost:8000", "https://b.example.com")


@pytest.mark.parametrize("off", ["none", "off", ""])
def test_reserved_concurrency_can_be_switched_off_from_the_command_line(off: str) -> None:
    assert _read(reservedConcurrency=off).reserved_concurrency is None


@pytest.mark.parametrize(
    ("key", "value", "complaint"),
    [
        ("architecture", "arm", "x86_64, arm64"),
        ("memoryMb", 64, "128 to 10240"),
        ("memoryMb", "lots", "whole number"),
        ("memoryMb", True, "whole number"),
        ("timeoutSeconds", 30, f"1 to {MAX_TIMEOUT_SECONDS}"),
        ("throttleRateLimit", 0, "1 to"),
        ("throttleBurstLimit", -5, "1 to 5000"),
        ("throttleBurstLimit", "-5", "whole number"),
        ("reservedConcurrency", 0, "1 to"),
        ("stage", "Prod", "lowercase"),
        ("stage", "a" * 21, "at most 20"),
        ("extraAllowedOrigins", "*", "is not an origin"),
        ("extraAllowedOrigins", "https://*.example.com", "is not an origin"),
        ("extraAllowedOrigins", "https://example.com/", "is not an origin"),
        ("extraAllowedOrigins", "example.com", "is not an origin"),
        ("extraAllowedOrigins", 42, "expected a list"),
    ],
)
def test_bad_values_are_refused_naming_the_key(key: str, value: object, complaint: str) -> None:
    with pytest.raises(SettingsError, match=key) as raised:
        _read(**{key: value})
    assert complaint in str(raised.value)


@given(st.integers(min_value=128, max_value=10240))
def test_any_memory_in_lambdas_range_is_taken_as_given(memory: int) -> None:
    assert _read(memoryMb=memory).memory_mb == memory
    assert _read(memoryMb=str(memory)).memory_mb == memory


@given(st.integers().filter(lambda n: not 1 <= n <= MAX_TIMEOUT_SECONDS))
def test_no_timeout_outside_api_gateways_window_gets_through(timeout: int) -> None:
    with pytest.raises(SettingsError):
        _read(timeoutSeconds=timeout)
