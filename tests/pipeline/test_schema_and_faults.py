"""The JSON schema sent to providers, answer validation, and Retry-After parsing."""
from __future__ import annotations

import email.utils
import json
import time

import pytest

from batch_core.models import Insights
from batch_core.pipeline.faults import ProviderFault, failure_message, parse_retry_after
from batch_core.pipeline.schema import insights_schema, validate_insights
from tests.fakes.llm_server import VALID_INSIGHTS


def _objects(node):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def test_schema_is_self_contained_and_strict():
    schema = insights_schema()
    assert "$ref" not in json.dumps(schema) and "$defs" not in schema
    objects = list(_objects(schema))
    assert len(objects) == 5  # Insights + Decision, ActionItem, KeyTopic, OpenQuestion
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert set(obj["required"]) == set(obj["properties"])


def test_valid_answer_parses_from_text_and_dict():
    assert validate_insights(json.dumps(VALID_INSIGHTS)) == Insights.model_validate(VALID_INSIGHTS)
    assert validate_insights(VALID_INSIGHTS).summary == VALID_INSIGHTS["summary"]


@pytest.mark.parametrize("answer, detail", [
    ('{"summary": "cut', "the answer is not valid JSON"),
    ("", "the answer was empty"),
    ({"decisions": []}, "summary: Field required"),
    ({**VALID_INSIGHTS, "decisions": [{"topic": "x", "decision": "y", "confidence": 7}]},
     "decisions.0.confidence: Input should be less than or equal to 1"),
])
def test_invalid_answers_name_the_problem(answer, detail):
    with pytest.raises(ProviderFault) as fault:
        validate_insights(answer)
    assert fault.value.kind == "invalid_answer" and fault.value.detail == detail


def test_retry_after_in_seconds_milliseconds_and_http_date():
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= parse_retry_after({"retry-after": future}) <= 31
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_failure_messages_read_as_sentences():
    assert failure_message(ProviderFault("http", status=429), 3, 60) == "rate limited by provider after 3 attempts"
    assert failure_message(ProviderFault("http", status=401), 1, 60) == "provider rejected the API key (401)"
    assert failure_message(ProviderFault("http", status=503), 3, 60) == "provider unavailable (HTTP 503) after 3 attempts"
    assert failure_message(ProviderFault("timeout"), 3, 60) == "provider timed out after 60 s (3 attempts)"


def test_schema_leaves_out_keywords_strict_mode_rejects_but_keeps_the_meaning():
    schema = insights_schema()
    text = json.dumps(schema)
    assert '"minimum"' not in text and '"maximum"' not in text
    decision = schema["properties"]["decisions"]["items"]["properties"]
    assert decision["confidence"]["description"] == "a number from 0.0 to 1.0"
    action = schema["properties"]["action_items"]["items"]["properties"]
    assert action["priority"]["enum"] == ["low", "medium", "high", None]
