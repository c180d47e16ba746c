"""Settings from CDK context: defaults, both spellings of each value, and clear refusals."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infra.errors import InfraSettingsError
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
        ("architecture", "arm", "'x86_64' or 'arm64'"),
        ("memoryMb", 64, "greater than or equal to 128"),
        ("memoryMb", "lots", "whole number"),
        ("memoryMb", True, "whole number"),
        ("timeoutSeconds", 30, f"less than or equal to {MAX_TIMEOUT_SECONDS}"),
        ("throttleRateLimit", 0, "greater than or equal to 1"),
        ("throttleBurstLimit", -5, "greater than or equal to 1"),
        ("throttleBurstLimit", "-5", "whole number"),
        ("reservedConcurrency", 0, "greater than or equal to 1"),
        ("stage", "Prod", "should match pattern"),
        ("stage", "a" * 21, "should match pattern"),
        ("extraAllowedOrigins", "*", "is not a list of origins"),
        ("extraAllowedOrigins", "https://*.example.com", "no '*' and no path"),
        ("extraAllowedOrigins", "https://example.com/", "no '*' and no path"),
        ("extraAllowedOrigins", "example.com", "is not a list of origins"),
        ("extraAllowedOrigins", 42, "expected a list"),
        ("deployment", "blue-green", "'canary', 'linear' or 'all-at-once'"),
        ("waf", "yes", "true or false"),
        ("wafRateLimit", 5, "greater than or equal to 10"),
        ("alarmEmail", "ops at example", "should match pattern"),
        ("baseImage", "python:3.13", "should match pattern"),
        ("baseImage", "public.ecr.aws/lambda/python:3.13@sha256:abc", "should match pattern"),
    ],
)
def test_bad_values_are_refused_naming_the_key(key: str, value: object, complaint: str) -> None:
    with pytest.raises(InfraSettingsError, match=key) as raised:
        _read(**{key: value})
    assert complaint in str(raised.value)


@given(st.integers(min_value=128, max_value=10240))
def test_any_memory_in_lambdas_range_is_taken_as_given(memory: int) -> None:
    assert _read(memoryMb=memory).memory_mb == memory
    assert _read(memoryMb=str(memory)).memory_mb == memory


@given(st.integers().filter(lambda n: not 1 <= n <= MAX_TIMEOUT_SECONDS))
def test_no_timeout_outside_api_gateways_window_gets_through(timeout: int) -> None:
    with pytest.raises(InfraSettingsError):
        _read(timeoutSeconds=timeout)


def test_the_opt_ins_and_a_pinned_base_image_are_read() -> None:
    digest = "public.ecr.aws/lambda/python:3.13@sha256:" + "a" * 64
    settings = _read(
        waf="true", wafRateLimit="500", deployment="all-at-once", alarmEmail="ops@example.com",
        baseImage=digest,
    )  # fmt: skip
    assert (settings.waf, settings.waf_rate_limit, settings.deployment) == (
        True,
        500,
        "all-at-once",
    )
    assert (settings.alarm_email, settings.base_image) == ("ops@example.com", digest)
    assert _read(waf=False).waf is False
