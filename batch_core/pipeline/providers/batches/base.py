"""What both batch APIs hand to the engine: a request, the provider batch's status, one result."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol, Sequence

# Both providers bill batch requests at half the list price (Anthropic Message Batches, OpenAI
# Batch API; as of PRICES_AS_OF in pipeline/pricing.py).
BATCH_PRICE_FACTOR = 0.5


@dataclass(frozen=True)
class BatchRequest:
    custom_id: str           # "m{index}-p{part}-of{parts}": ties the answer to its meeting
    params: dict[str, Any]   # the same body a live call sends


@dataclass
class BatchStatus:
    """A provider batch as the provider reports it, in Anthropic's count names for both APIs."""
    id: str
    status: str                # the provider's own word (in_progress, ended, completed, ...)
    ended: bool                # results (or the error file) can be read
    counts: dict[str, int] = field(default_factory=dict)  # processing, succeeded, errored, canceled, expired
    problem: str = ""          # why the provider refused the whole batch (OpenAI: validation failed)

    @property
    def done(self) -> int:
        return sum(v for k, v in self.counts.items() if k != "processing")


@dataclass(frozen=True)
class ItemResult:
    custom_id: str
    outcome: str               # succeeded | errored | canceled | expired
    answer: Any = None         # succeeded: the SDK's message / chat completion object
    message: str = ""          # errored: the provider's own sentence


class BatchAPI(Protocol):
    name: str
    max_requests: int
    max_bytes: int

    def create(self, requests: Sequence[BatchRequest], tag: str) -> str: ...

    def find(self, tag: str, created_after: float, requests: int) -> str | None: ...

    def status(self, batch_id: str) -> BatchStatus: ...

    def results(self, batch_id: str) -> Iterator[ItemResult]: ...

    def cancel(self, batch_id: str) -> None: ...


def request_bytes(request: BatchRequest) -> int:
    return len(json.dumps({"custom_id": request.custom_id, "params": request.params}).encode("utf-8")) + 1


def split_requests(requests: Sequence[BatchRequest], max_requests: int, max_bytes: int,
                   ) -> list[list[BatchRequest]]:
    """Requests in groups within one provider batch's limits; a meeting's parts stay together
    unless one meeting alone is over a limit."""
    groups: list[list[BatchRequest]] = []
    current: list[BatchRequest] = []
    size = 0
    for meeting in _by_meeting(requests):
        meeting_size = sum(request_bytes(r) for r in meeting)
        if current and (len(current) + len(meeting) > max_requests or size + meeting_size > max_bytes):
            groups.append(current)
            current, size = [], 0
        current.extend(meeting)
        size += meeting_size
    if current:
        groups.append(current)
    return groups


def _by_meeting(requests: Sequence[BatchRequest]) -> list[list[BatchRequest]]:
    meetings: dict[str, list[BatchRequest]] = {}
    for request in requests:
        meetings.setdefault(request.custom_id.split("-p", 1)[0], []).append(request)
    return list(meetings.values())
