"""What tests script the fake provider with: FakeResponse (one answer: ok, an error status, a
fault, a delay), RecordedRequest (what arrived and what was answered) and random_faults (a plan
answering with faults at given rates). Used by tests/fakes/llm_server.py, which re-exports them."""
from __future__ import annotations

import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

VALID_INSIGHTS: dict[str, Any] = {
    "summary": "The team reviewed the plan.",
    "decisions": [{"topic": "plan", "decision": "Go with the smaller scope", "deciders": ["SPEAKER_1"],
                   "confidence": 0.9}],
    "action_items": [{"task": "Send the updated plan", "owner": "SPEAKER_2", "deadline": "Friday",
                      "priority": "medium"}],
    "key_topics": [{"name": "plan", "importance": 1.0, "related_speakers": ["SPEAKER_1"]}],
    "open_questions": [{"question": "Who signs off?", "context": "", "stakeholders": []}],
}
_TITLE = re.compile(r"Meeting title: (.+)")


@dataclass
class FakeResponse:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    insights: dict[str, Any] | None = None  # answer wrapped in the endpoint's envelope (default: valid)
    body: Any = None          # raw override: dict/list sent as JSON, str/bytes sent as is
    delay: float = 0.0        # seconds before answering (longer than the client timeout = a timeout)
    malformed: bool = False   # valid envelope, answer is broken JSON (finish_reason "stop")
    truncated: bool = False   # the answer stopped at max_tokens: cut JSON, finish_reason "length"
    content: str | None = None  # raw answer text (e.g. JSON in a code fence), sent instead of a tool call
    schema_invalid: bool = False  # valid JSON that does not fit the Insights schema
    reset: bool = False       # drop the connection (TCP RST) without answering
    kind: str = "ok"          # label recorded with the request

    @classmethod
    def ok(cls, insights: dict | None = None, delay: float = 0.0) -> "FakeResponse":
        return cls(insights=insights, delay=delay)

    @classmethod
    def error(cls, status: int, retry_after: float | str | None = None, retry_after_ms: float | None = None,
              headers: dict | None = None) -> "FakeResponse":
        headers = dict(headers or {})
        if retry_after is not None:
            headers["retry-after"] = str(retry_after)
        if retry_after_ms is not None:
            headers["retry-after-ms"] = str(retry_after_ms)
        return cls(status=status, headers=headers, kind=f"http_{status}")

    @classmethod
    def rate_limited(cls, retry_after: float | None = None) -> "FakeResponse":
        return cls.error(429, retry_after=retry_after)

    @classmethod
    def malformed_json(cls) -> "FakeResponse":
        return cls(malformed=True, kind="malformed")

    @classmethod
    def cut_off(cls) -> "FakeResponse":
        return cls(truncated=True, kind="truncated")

    @classmethod
    def text(cls, content: str) -> "FakeResponse":
        return cls(content=content, kind="text")

    @classmethod
    def wrong_schema(cls) -> "FakeResponse":
        return cls(schema_invalid=True, kind="schema_invalid")

    @classmethod
    def connection_reset(cls) -> "FakeResponse":
        return cls(reset=True, kind="reset")

    @classmethod
    def slow(cls, delay: float) -> "FakeResponse":
        return cls(delay=delay, kind="slow")

    @classmethod
    def expired(cls) -> "FakeResponse":
        """Inside a provider batch: the request never runs and expires (24 h passed)."""
        return cls(kind="batch_expired")


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    raw: str
    body: Any
    received_at: float
    served: str = ""  # FakeResponse.kind that was answered
    prompt_tokens: int = 0  # as this server counts them (count_tokens)
    reported: tuple[int, int, int] | None = None  # (input, output, cache-read) tokens this server reported

    @property
    def prompt(self) -> str:
        """The text of every message sent (system prompts included)."""
        body = self.body if isinstance(self.body, dict) else {}
        system = body.get("system")
        parts = [system if isinstance(system, str) else
                 "\n".join(b.get("text", "") for b in system if isinstance(b, dict)) if isinstance(system, list) else ""]
        for message in body.get("messages") or []:
            content = message.get("content")
            parts.append(content if isinstance(content, str) else json.dumps(content))
        return "\n".join(p for p in parts if p)

    @property
    def title(self) -> str | None:
        match = _TITLE.search(self.prompt)
        return match.group(1).strip() if match else None


def random_faults(rates: dict[str, float], seed: int = 0, retry_after: float = 0.01,
                  slow_delay: float = 0.2) -> Callable[[RecordedRequest], FakeResponse | None]:
    """A plan answering with faults at the given rates: keys 429, 500, 503, malformed, reset, slow."""
    rng = random.Random(seed)
    lock = threading.Lock()

    def plan(_: RecordedRequest) -> FakeResponse | None:
        with lock:
            roll = rng.random()
        for name, rate in rates.items():
            if roll < rate:
                return {"429": lambda: FakeResponse.rate_limited(retry_after),
                        "malformed": FakeResponse.malformed_json, "reset": FakeResponse.connection_reset,
                        "slow": lambda: FakeResponse.slow(slow_delay)}.get(
                    name, lambda status=int(name) if name.isdigit() else 500: FakeResponse.error(status))()
            roll -= rate
        return None

    return plan


class InFlight:
    """A plan that holds each request `seconds` and counts how many were inside at once (`peak`),
    then lets the server give its default answer."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.peak = 0
        self._inside = 0
        self._lock = threading.Lock()

    def __call__(self, request: Any) -> None:
        with self._lock:
            self._inside += 1
            self.peak = max(self.peak, self._inside)
        time.sleep(self.seconds)
        with self._lock:
            self._inside -= 1
