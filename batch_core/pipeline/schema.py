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


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline_refs(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]]), defs)
        return {k: _inline_refs(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _strict(node: Any) -> Any:
    """Strict structured-output rules: every property required, no extras, no defaults/titles."""
    if isinstance(node, dict):
        node = {k: _strict(v) for k, v in node.items() if k not in ("title", "default")}
        if node.get("type") == "object" and "properties" in node:
            node["required"] = list(node["properties"])
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


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
