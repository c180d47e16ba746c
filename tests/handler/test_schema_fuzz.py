"""Schemathesis against the app's own OpenAPI schema, in process (ASGI), with every default check.

Positive and negative cases, at least 200 per operation where the schema allows that many (the
two GET operations take no input, so Hypothesis runs out of distinct cases after a few); fixed
seed, so a failure reproduces.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from handler.app import create_app
from handler.predictor import LitePredictor
from handler.settings import DEFAULT_MODEL_DIR, Settings

app = create_app(Settings(), LitePredictor.load(DEFAULT_MODEL_DIR))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
schema.config.generation.update(max_examples=200, deterministic=True)


@schema.parametrize()
@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case):
    case.call_and_validate()
