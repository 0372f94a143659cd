"""Read what real models answer, not only what the schema asks for, and say what was changed.

Models wrap JSON in code fences or prose, write numbers as strings, "high" where a 0-1 number is
expected, "High" for a priority, a bare string for a list of people, or leave out an optional
list. Each of those is repaired here and recorded (`coerced`, kept in the extract step's audit
entry); anything that still does not fit the schema is an invalid answer (one more attempt,
pipeline/retry.py). Strict validation stays in schema.py.
"""
from __future__ import annotations

import json
import re
from typing import Any

from batch_core.models import Insights
from batch_core.pipeline.faults import ProviderFault
from batch_core.pipeline.schema import PRIORITIES, validate_insights

LISTS = ("decisions", "action_items", "key_topics", "open_questions")
SCORES = {"decisions": "confidence", "key_topics": "importance"}
PEOPLE = {"decisions": "deciders", "key_topics": "related_speakers", "open_questions": "stakeholders"}
WORD_SCORES = {"very low": 0.1, "low": 0.3, "medium": 0.6, "moderate": 0.6, "mid": 0.6, "high": 0.9,
               "very high": 1.0, "critical": 1.0}
PRIORITY_WORDS = {"urgent": "high", "critical": "high", "p1": "high", "normal": "medium",
                  "moderate": "medium", "p2": "medium", "minor": "low", "p3": "low"}
MAIN_TEXT = {"decisions": "decision", "action_items": "task", "key_topics": "name", "open_questions": "question"}
DEFAULT_SCORE = 0.5
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


def _json_text(text: str, coerced: list[str]) -> Any:
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except ValueError:
        pass
    fenced = _FENCE.search(stripped)
    if fenced:
        try:
            value = json.loads(fenced.group(1))
            coerced.append("JSON taken out of a code fence")
            return value
        except ValueError:
            pass
    start, end = stripped.find("{"), stripped.rfind("}")
    if 0 <= start < end:
        try:
            value = json.loads(stripped[start:end + 1])
            coerced.append("JSON taken out of the prose around it")
            return value
        except ValueError:
            pass
    raise ProviderFault("invalid_answer", detail="the answer is not valid JSON")


def _score(value: Any, where: str, coerced: list[str]) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        if value > 1 and value <= 100:
            coerced.append(f"{where} {value!r} read as {value / 100:g} (a percentage)")
            return value / 100
        return value
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in WORD_SCORES:
            coerced.append(f"{where} {value!r} read as {WORD_SCORES[text]}")
            return WORD_SCORES[text]
        number = text.rstrip("%").strip()
        try:
            parsed = float(number)
        except ValueError:
            return value
        if text.endswith("%") or parsed > 1:
            parsed /= 100
        coerced.append(f"{where} {value!r} read as {parsed:g}")
        return parsed
    return value


def _priority(value: Any, where: str, coerced: list[str]) -> Any:
    if value is None or not isinstance(value, str):
        return value
    text = value.strip().casefold()
    if text in PRIORITIES and text == value:
        return value
    mapped = text if text in PRIORITIES else PRIORITY_WORDS.get(text)
    coerced.append(f"{where} {value!r} read as {mapped!r}")
    return mapped


def _item(kind: str, item: Any, where: str, coerced: list[str]) -> Any:
    if isinstance(item, str):  # a bare sentence instead of an object
        coerced.append(f"{where} given as text, read as its {MAIN_TEXT[kind]}")
        item = {MAIN_TEXT[kind]: item}
    if not isinstance(item, dict):
        return item
    item = dict(item)
    score = SCORES.get(kind)
    if score:
        if item.get(score) is None:
            coerced.append(f"{where}.{score} missing, set to {DEFAULT_SCORE}")
            item[score] = DEFAULT_SCORE
        item[score] = _score(item[score], f"{where}.{score}", coerced)
    people = PEOPLE.get(kind)
    if people and isinstance(item.get(people), str):
        coerced.append(f"{where}.{people} given as text, read as a list")
        item[people] = [p.strip() for p in re.split(r"[,;]| and ", item[people]) if p.strip()]
    elif people and item.get(people) is None and people in item:
        item[people] = []
    if kind == "decisions" and "topic" not in item:
        item["topic"] = ""
    if kind == "action_items":
        item["priority"] = _priority(item.get("priority"), f"{where}.priority", coerced)
        for name in ("owner", "deadline"):
            if isinstance(item.get(name), (int, float)):
                item[name] = str(item[name])
    return item


def read_insights(answer: str | dict | None) -> tuple[Insights, list[str]]:
    """The Insights in a provider's answer, and what had to be repaired to read them."""
    coerced: list[str] = []
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        raise ProviderFault("invalid_answer", detail="the answer was empty")
    data = _json_text(answer, coerced) if isinstance(answer, str) else answer
    if isinstance(data, dict) and isinstance(data.get("insights"), dict) and "summary" not in data:
        coerced.append("answer nested under 'insights'")
        data = data["insights"]
    if not isinstance(data, dict):
        raise ProviderFault("invalid_answer", detail="the answer is not a JSON object")
    data = dict(data)
    for kind in LISTS:
        value = data.get(kind)
        if value is None:
            if kind not in data:
                coerced.append(f"{kind} missing, read as an empty list")
            data[kind] = []
            continue
        if isinstance(value, dict):
            coerced.append(f"{kind} given as one object, read as a list of one")
            value = [value]
        if isinstance(value, list):
            data[kind] = [_item(kind, item, f"{kind}[{n}]", coerced) for n, item in enumerate(value)]
    if isinstance(data.get("summary"), list):
        coerced.append("summary given as a list, joined")
        data["summary"] = " ".join(str(s) for s in data["summary"])
    return validate_insights(data), coerced


def read_summary(answer: str | dict | None) -> str:
    """The text of a summary-only answer ({"summary": "..."}, fenced or not)."""
    coerced: list[str] = []
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        raise ProviderFault("invalid_answer", detail="the answer was empty")
    try:
        data = _json_text(answer, coerced) if isinstance(answer, str) else answer
    except ProviderFault:
        return str(answer).strip()  # plain prose is a summary too
    summary = data.get("summary") if isinstance(data, dict) else None
    if not isinstance(summary, str) or not summary.strip():
        raise ProviderFault("invalid_answer", detail="the answer has no summary")
    return summary.strip()
