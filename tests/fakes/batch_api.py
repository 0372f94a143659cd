"""The providers' batch APIs on the fake server: Anthropic Message Batches and the OpenAI Batch
API (files + batches), in their real shapes, with results that arrive over time.

Each request inside a batch is answered as the live endpoint would answer it (the server's queue,
`plan` and context limit apply, and it is recorded in `server.requests` with `via_batch` set),
but its result only becomes visible once its time has come: request i of a batch is done
`item_seconds * (i + 1)` after the batch was created, unless `hold` is set (nothing progresses
until a cancel).
A request whose answer is `FakeResponse.expired()` never runs and expires when the batch ends;
one with an error status is an errored item with the provider's error body. Cancel turns every
request that is not done yet into canceled.
"""
from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser
from typing import TYPE_CHECKING, Any

from tests.fakes.llm_scripts import RecordedRequest
from tests.fakes.llm_wire import prompt_tokens

if TYPE_CHECKING:
    from tests.fakes.llm_server import FakeLLMServer

_ANTHROPIC_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
ANTHROPIC_MAX_REQUESTS = 100_000
OPENAI_MAX_REQUESTS = 50_000


@dataclass
class _Item:
    custom_id: str
    status: int                 # the live endpoint's HTTP status for this request
    payload: dict[str, Any]     # the live endpoint's JSON answer (or error body)
    due: float                  # when its result is visible
    expires: bool = False       # never runs: expired when the batch ends
    outcome: str = "processing"  # processing | succeeded | errored | canceled | expired


@dataclass
class _Batch:
    id: str
    api: str                    # anthropic | openai
    created: float
    items: list[_Item]
    metadata: dict[str, Any] = field(default_factory=dict)
    input_file_id: str = ""
    cancel_at: float | None = None
    ended_at: float | None = None
    failed: list[dict[str, Any]] | None = None  # OpenAI: the input file did not validate
    output_file_id: str | None = None
    error_file_id: str | None = None


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat().replace("+00:00", "Z")


class FakeBatches:
    """The batch endpoints of one FakeLLMServer."""

    def __init__(self, server: "FakeLLMServer", item_seconds: float = 0.05) -> None:
        self.server = server
        self.item_seconds = item_seconds
        self.hold = False
        self.lock = threading.Lock()
        self.batches: dict[str, _Batch] = {}
        self.files: dict[str, bytes] = {}
        self.creates: list[str] = []       # ids of every batch created, in order
        self.cancels: list[str] = []

    # ------------------------------------------------------------------ routing
    def route(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, str, bytes] | None:
        path = path.split("?", 1)[0].rstrip("/")
        anthropic = re.fullmatch(r"/v1/messages/batches(?:/([^/]+))?(?:/(results|cancel))?", path)
        if anthropic:
            return self._anthropic(method, anthropic.group(1), anthropic.group(2), raw)
        if path == "/v1/files" and method == "POST":
            return self._upload(headers, raw)
        content = re.fullmatch(r"/v1/files/([^/]+)/content", path)
        if content and method == "GET":
            data = self.files.get(content.group(1))
            if data is None:
                return _json(404, _openai_error("No such File object: " + content.group(1), "invalid_request_error"))
            return 200, "application/octet-stream", data
        openai = re.fullmatch(r"/v1/batches(?:/([^/]+))?(?:/(cancel))?", path)
        if openai:
            return self._openai(method, openai.group(1), openai.group(2), raw)
        return None

    # ------------------------------------------------------------------ shared
    def _answer(self, live_path: str, body: dict[str, Any], index: int, created: float) -> _Item:
        raw = json.dumps(body)
        request = RecordedRequest(live_path, {}, raw, body, time.time())
        request.via_batch = True  # type: ignore[attr-defined]
        request.prompt_tokens = prompt_tokens(body)
        response = self.server.too_long(request) or self.server.next_response(request)
        request.served = response.kind
        status, payload = self.server.render(live_path, request, response)
        return _Item(custom_id="", status=status, payload=json.loads(payload),
                     due=created + self.item_seconds * (index + 1), expires=response.kind == "batch_expired")

    def _advance(self, batch: _Batch) -> None:
        """Bring the batch up to now: due items get their outcome; the batch ends when none is left."""
        now = time.time()
        if batch.ended_at is not None or batch.failed is not None:
            return
        for item in batch.items:
            if item.outcome != "processing":
                continue
            if batch.cancel_at is not None:
                item.outcome = "canceled"
            elif not self.hold and not item.expires and now >= item.due:
                item.outcome = "succeeded" if item.status == 200 else "errored"
        waiting = [i for i in batch.items if i.outcome == "processing" and not i.expires]
        if not waiting and (not self.hold or batch.cancel_at is not None):
            for item in batch.items:
                if item.outcome == "processing":
                    item.outcome = "expired"
            batch.ended_at = now
            if batch.api == "openai":
                self._write_openai_files(batch)

    def _find(self, batch_id: str | None, api: str) -> _Batch | None:
        batch = self.batches.get(batch_id or "")
        return batch if batch is not None and batch.api == api else None

    def requests_sent(self) -> int:
        """Requests received inside batches, over every batch created."""
        with self.lock:
            return sum(len(b.items) for b in self.batches.values())

    # ------------------------------------------------------------------ Anthropic
    def _anthropic(self, method: str, batch_id: str | None, action: str | None, raw: bytes) -> tuple[int, str, bytes]:
        with self.lock:
            if method == "POST" and batch_id is None:
                return self._anthropic_create(raw)
            if method == "GET" and batch_id is None:
                data = [self._anthropic_view(b) for b in sorted(self.batches.values(), key=lambda b: -b.created)
                        if b.api == "anthropic"]
                return _json(200, {"data": data, "has_more": False, "first_id": data[0]["id"] if data else None,
                                   "last_id": data[-1]["id"] if data else None})
            batch = self._find(batch_id, "anthropic")
            if batch is None:
                return _json(404, {"type": "error", "error": {"type": "not_found_error",
                                                              "message": f"No batch found with id {batch_id}"}})
            if action == "cancel" and method == "POST":
                self.cancels.append(batch.id)
                if batch.ended_at is None:
                    batch.cancel_at = time.time()
                return _json(200, self._anthropic_view(batch))
            if action == "results" and method == "GET":
                self._advance(batch)
                if batch.ended_at is None:
                    return _json(400, {"type": "error", "error": {
                        "type": "invalid_request_error",
                        "message": f"Batch {batch.id} has not ended: results are not available yet"}})
                lines = "".join(json.dumps(_anthropic_result(i)) + "\n" for i in batch.items)
                return 200, "application/binary", lines.encode()
            return _json(200, self._anthropic_view(batch))

    def _anthropic_create(self, raw: bytes) -> tuple[int, str, bytes]:
        body = json.loads(raw or b"{}")
        requests = body.get("requests") or []
        problem = None
        ids = [r.get("custom_id", "") for r in requests]
        if not requests:
            problem = "requests: List should have at least 1 item after validation, not 0"
        elif len(requests) > ANTHROPIC_MAX_REQUESTS:
            problem = f"requests: at most {ANTHROPIC_MAX_REQUESTS} requests are allowed in a batch"
        elif bad := next((i for i in ids if not _ANTHROPIC_ID.match(str(i))), None):
            problem = f"requests.custom_id: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$' ({bad!r})"
        elif len(set(ids)) != len(ids):
            problem = "requests: custom_id values must be unique within a batch"
        if problem:
            return _json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": problem}})
        created = time.time()
        items = []
        for index, request in enumerate(requests):
            item = self._answer("/v1/messages", request.get("params") or {}, index, created)
            item.custom_id = request["custom_id"]
            items.append(item)
        batch = _Batch(id=f"msgbatch_{uuid.uuid4().hex[:24]}", api="anthropic", created=created, items=items)
        self.batches[batch.id] = batch
        self.creates.append(batch.id)
        return _json(200, self._anthropic_view(batch))

    def _anthropic_view(self, batch: _Batch) -> dict[str, Any]:
        self._advance(batch)
        counts = {k: 0 for k in ("processing", "succeeded", "errored", "canceled", "expired")}
        for item in batch.items:
            counts[item.outcome] += 1
        status = "ended" if batch.ended_at else ("canceling" if batch.cancel_at else "in_progress")
        base = self.server.url
        return {"id": batch.id, "type": "message_batch", "processing_status": status, "request_counts": counts,
                "ended_at": _iso(batch.ended_at), "created_at": _iso(batch.created),
                "expires_at": _iso(batch.created + 86400), "archived_at": None,
                "cancel_initiated_at": _iso(batch.cancel_at),
                "results_url": f"{base}/v1/messages/batches/{batch.id}/results" if batch.ended_at else None}

    # ------------------------------------------------------------------ OpenAI
    def _upload(self, headers: dict[str, str], raw: bytes) -> tuple[int, str, bytes]:
        head = b"Content-Type: " + headers.get("content-type", "").encode() + b"\r\n\r\n"
        message = BytesParser(policy=policy.default).parsebytes(head + raw)
        fields: dict[str, tuple[str | None, bytes]] = {}
        for part in message.iter_parts() if message.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            fields[str(name)] = (part.get_filename(), part.get_payload(decode=True) or b"")
        if fields.get("purpose", (None, b""))[1].decode() != "batch" or "file" not in fields:
            return _json(400, _openai_error("'purpose' must be 'batch' and a 'file' must be given", "invalid_request_error"))
        file_id = f"file-{uuid.uuid4().hex[:24]}"
        with self.lock:
            self.files[file_id] = fields["file"][1]
        self.server.record_upload(fields["file"][1])
        return _json(200, {"id": file_id, "object": "file", "bytes": len(fields["file"][1]), "created_at": int(time.time()),
                           "filename": fields["file"][0] or "upload.jsonl", "purpose": "batch", "status": "processed",
                           "expires_at": None, "status_details": None})

    def _openai(self, method: str, batch_id: str | None, action: str | None, raw: bytes) -> tuple[int, str, bytes]:
        with self.lock:
            if method == "POST" and batch_id is None:
                return self._openai_create(raw)
            if method == "GET" and batch_id is None:
                data = [self._openai_view(b) for b in sorted(self.batches.values(), key=lambda b: -b.created)
                        if b.api == "openai"]
                return _json(200, {"object": "list", "data": data, "first_id": data[0]["id"] if data else None,
                                   "last_id": data[-1]["id"] if data else None, "has_more": False})
            batch = self._find(batch_id, "openai")
            if batch is None:
                return _json(404, _openai_error(f"No batch found with id '{batch_id}'.", "invalid_request_error"))
            if action == "cancel" and method == "POST":
                self.cancels.append(batch.id)
                if batch.ended_at is None:
                    batch.cancel_at = time.time()
            return _json(200, self._openai_view(batch))

    def _openai_create(self, raw: bytes) -> tuple[int, str, bytes]:
        body = json.loads(raw or b"{}")
        data = self.files.get(body.get("input_file_id", ""))
        if data is None:
            return _json(400, _openai_error(f"Invalid 'input_file_id': '{body.get('input_file_id')}'.", "invalid_request_error"))
        if body.get("completion_window") != "24h" or body.get("endpoint") != "/v1/chat/completions":
            return _json(400, _openai_error("completion_window must be '24h' and endpoint '/v1/chat/completions'",
                                            "invalid_request_error"))
        created = time.time()
        batch = _Batch(id=f"batch_{uuid.uuid4().hex[:24]}", api="openai", created=created, items=[],
                       metadata=body.get("metadata") or {}, input_file_id=body["input_file_id"])
        lines = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
        ids = [line.get("custom_id") for line in lines]
        if len(set(ids)) != len(ids):
            batch.failed = [{"code": "duplicate_custom_id", "message": "The custom_id values must be unique.", "line": 1}]
        elif len(lines) > OPENAI_MAX_REQUESTS:
            batch.failed = [{"code": "too_many_requests", "message": f"at most {OPENAI_MAX_REQUESTS} requests", "line": None}]
        else:
            for index, line in enumerate(lines):
                item = self._answer("/v1/chat/completions", line.get("body") or {}, index, created)
                item.custom_id = str(line.get("custom_id"))
                batch.items.append(item)
        self.batches[batch.id] = batch
        self.creates.append(batch.id)
        return _json(200, self._openai_view(batch))

    def _write_openai_files(self, batch: _Batch) -> None:
        output, errors = [], []
        for item in batch.items:
            line: dict[str, Any] = {"id": f"batch_req_{uuid.uuid4().hex[:16]}", "custom_id": item.custom_id,
                                    "response": None, "error": None}
            if item.outcome in ("succeeded", "errored"):
                line["response"] = {"status_code": item.status, "request_id": f"req_{uuid.uuid4().hex[:12]}",
                                    "body": item.payload}
            elif item.outcome == "expired":
                line["error"] = {"code": "batch_expired",
                                 "message": "This request could not be executed before the completion window expired."}
            else:
                line["error"] = {"code": "batch_cancelled", "message": "This request was cancelled before it executed."}
            (output if item.outcome == "succeeded" else errors).append(json.dumps(line) + "\n")
        if output:
            batch.output_file_id = f"file-{uuid.uuid4().hex[:24]}"
            self.files[batch.output_file_id] = "".join(output).encode()
        if errors:
            batch.error_file_id = f"file-{uuid.uuid4().hex[:24]}"
            self.files[batch.error_file_id] = "".join(errors).encode()

    def _openai_view(self, batch: _Batch) -> dict[str, Any]:
        self._advance(batch)
        done = sum(i.outcome == "succeeded" for i in batch.items)
        failed = sum(i.outcome == "errored" for i in batch.items)
        outcomes = {i.outcome for i in batch.items}
        if batch.failed is not None:
            status = "failed"
        elif batch.ended_at is None:
            status = "cancelling" if batch.cancel_at else "in_progress"
        elif batch.cancel_at is not None:
            status = "cancelled"
        elif "expired" in outcomes:
            status = "expired"
        else:
            status = "completed"
        return {"id": batch.id, "object": "batch", "endpoint": "/v1/chat/completions",
                "errors": {"object": "list", "data": batch.failed} if batch.failed else None,
                "input_file_id": batch.input_file_id, "completion_window": "24h", "status": status,
                "output_file_id": batch.output_file_id, "error_file_id": batch.error_file_id,
                "created_at": int(batch.created), "in_progress_at": int(batch.created),
                "expires_at": int(batch.created + 86400), "finalizing_at": None,
                "completed_at": int(batch.ended_at) if batch.ended_at and status == "completed" else None,
                "failed_at": int(batch.created) if batch.failed else None,
                "expired_at": int(batch.ended_at) if batch.ended_at and status == "expired" else None,
                "cancelling_at": int(batch.cancel_at) if batch.cancel_at else None,
                "cancelled_at": int(batch.ended_at) if batch.ended_at and status == "cancelled" else None,
                "request_counts": {"total": len(batch.items), "completed": done, "failed": failed},
                "metadata": batch.metadata or None}


def _anthropic_result(item: _Item) -> dict[str, Any]:
    if item.outcome == "succeeded":
        return {"custom_id": item.custom_id, "result": {"type": "succeeded", "message": item.payload}}
    if item.outcome == "errored":
        return {"custom_id": item.custom_id, "result": {"type": "errored", "error": item.payload}}
    return {"custom_id": item.custom_id, "result": {"type": item.outcome}}


def _openai_error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def _json(status: int, body: Any) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(body).encode()

