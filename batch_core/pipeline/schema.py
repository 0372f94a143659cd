"""The Insights JSON schema sent to LLM providers, and validation of what they send back."""
from __future__ import annotations

import copy
import json
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from batch_core.models import Insights
from batch_core.pipeline.faults import ProviderFault

SCHEMA_NAME = "meeting_insights"
PRIORITIES = ("low", "medium", "high")


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline_refs(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]]), defs)
        return {k: _inline_refs(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


# Strict structured output on some OpenAI-compatible servers rejects these; pydantic still checks
# them on the answer, and the range is kept in words for the model.
_VALIDATION_ONLY = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
                    "pattern", "format")


def _strict(node: Any) -> Any:
    """Strict structured-output rules: every property required, no extras, no defaults/titles."""
    if isinstance(node, list):
        return [_strict(v) for v in node]
    if not isinstance(node, dict):
        return node
    if "minimum" in node and "maximum" in node and "description" not in node:
        node = {**node, "description": f"a number from {node['minimum']} to {node['maximum']}"}
    strict: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("title", "default", *_VALIDATION_ONLY):
            continue
        if key == "properties":  # a mapping of field names, not schema keywords: keep every name
            strict[key] = {name: _strict(sub) for name, sub in value.items()}
        else:
            strict[key] = _strict(value)
    if strict.get("type") == "object" and "properties" in strict:
        strict["required"] = list(strict["properties"])
        strict["additionalProperties"] = False
    if "priority" in strict.get("properties", {}):
        # null when nothing in the meeting says how urgent it is (no default that pretends)
        strict["properties"]["priority"] = {"type": ["string", "null"], "enum": [*PRIORITIES, None]}
    return strict


@lru_cache(maxsize=1)
def _schema_json() -> str:
    raw = Insights.model_json_schema()
    defs = raw.pop("$defs", {})
    return json.dumps(_strict(_inline_refs(raw, defs)))


def insights_schema() -> dict[str, Any]:
    """Self-contained (no $ref) strict JSON schema of models.Insights; a fresh copy each call."""
    return json.loads(_schema_json())


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"]) or "answer"
    return f"{where}: {error['msg']}"


def validate_insights(answer: str | dict | None) -> Insights:
    """Parse a provider's answer; raise an invalid_answer fault naming the first problem."""
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        raise ProviderFault("invalid_answer", detail="the answer was empty")
    try:
        if isinstance(answer, str):
            return Insights.model_validate_json(answer)
        return Insights.model_validate(answer)
    except ValidationError as exc:
        if isinstance(answer, str) and any(e["type"] == "json_invalid" for e in exc.errors()):
            raise ProviderFault("invalid_answer", detail="the answer is not valid JSON") from None
        raise ProviderFault("invalid_answer", detail=_first_problem(exc)) from None
