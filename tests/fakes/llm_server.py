"""A fake OpenAI + Anthropic compatible HTTP server on 127.0.0.1 for tests and benchmarks.

No pytest dependency. Usage:

    from tests.fakes.llm_server import FakeLLMServer, FakeResponse

    with FakeLLMServer() as server:                      # binds 127.0.0.1:0 (a free port)
        os.environ.update(server.env("openai"))           # or server.env("anthropic")
        config.reload_settings()
        server.enqueue(FakeResponse.rate_limited(retry_after=0.05), FakeResponse.ok())
        ...                                               # run the app
        assert server.request_count == 2
        assert "alice@example.com" not in server.all_request_text()

Every request gets the next scripted response; when the queue is empty it gets `default`
(a valid Insights answer whose summary names the meeting title, after `default_delay` seconds).
`plan=` (a callable RecordedRequest -> FakeResponse | None) scripts answers by content instead,
e.g. `random_faults(...)` for fault injection. Each RecordedRequest keeps what was answered.
"""
from __future__ import annotations

import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from tests.fakes.batch_api import FakeBatches
from tests.fakes.llm_scripts import VALID_INSIGHTS, FakeResponse, RecordedRequest, random_faults
from tests.fakes.llm_wire import (ANTHROPIC_MIN_CACHEABLE, anthropic_message, context_error, count_tokens,
                                  error_body, is_summary_request, openai_completion, prompt_tokens)

# Re-exported: tests import the scripting pieces from here.
__all__ = ["FakeLLMServer", "FakeResponse", "RecordedRequest", "VALID_INSIGHTS", "random_faults"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _batch_route(self, method: str, data: bytes) -> bool:
        """The batch APIs' endpoints (tests/fakes/batch_api.py); False for any other path."""
        fake: FakeLLMServer = self.server.owner
        headers = {k.lower(): v for k, v in self.headers.items()}
        answer = fake.batches.route(method, self.path, headers, data)
        if answer is None:
            return False
        if method == "POST" and "/files" not in self.path:
            fake.record_upload(data)
        status, content_type, payload = answer
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        return True

    def do_GET(self) -> None:  # noqa: N802
        if not self._batch_route("GET", b""):
            self.send_response(404)
            self.send_header("content-length", "0")
            self.end_headers()

    def do_POST(self) -> None:  # noqa: N802
        arrived = time.monotonic()
        data = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self._batch_route("POST", data):
            return
        raw = data.decode("utf-8", "replace")
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        request = RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, raw, body, time.time())
        fake: FakeLLMServer = self.server.owner
        request.prompt_tokens = prompt_tokens(body)
        response = fake.too_long(request) or fake.next_response(request)
        request.served = response.kind
        # The answer is ready `delay` seconds after the request arrived, as a provider's latency
        # is measured: this server's own work (reading, counting, rendering) is part of it, not
        # added on top, so ten requests arriving at once do not queue for its GIL afterwards.
        status, payload = (0, b"") if response.reset else fake.render(self.path, request, response)
        remaining = response.delay - (time.monotonic() - arrived)
        if response.delay and fake.stopping.wait(max(0.0, remaining)):
            return
        try:
            if response.reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up (timeout) — nothing to answer
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops the SYNs of ten workers connecting at once, and
    # each dropped one is retried by the kernel a second later: no provider's front end does that.
    request_queue_size = 128
    block_on_close = False
    owner: "FakeLLMServer"


class FakeLLMServer:
    def __init__(self, default: FakeResponse | None = None, default_delay: float = 0.0,
                 plan: Callable[[RecordedRequest], FakeResponse | None] | None = None,
                 context_limit: int | None = None, name_limit: bool = True) -> None:
        self.default = default or FakeResponse(delay=default_delay)
        # Like a real server: prompt + max_tokens over `context_limit` is a 400 in the provider's
        # own words (naming the window unless name_limit is False, as some servers do).
        self.context_limit = context_limit
        self.name_limit = name_limit
        self._cached_prefixes: set = set()
        self.plan = plan
        self.requests: list[RecordedRequest] = []
        self.stopping = threading.Event()
        self._queue: list[FakeResponse] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.uploads: list[bytes] = []  # batch bodies and input files, as received
        self.batches = FakeBatches(self)

    # lifecycle
    def start(self) -> "FakeLLMServer":
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-llm-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeLLMServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # addresses and configuration
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def env(self, provider: str = "openai", api_key: str = "test-key", model: str = "fake-model") -> dict[str, str]:
        """Environment variables pointing the app at this server."""
        if provider == "anthropic":
            return {"LLM_PROVIDER": "anthropic", "ANTHROPIC_BASE_URL": self.url, "ANTHROPIC_API_KEY": api_key,
                    "LLM_MODEL": model}
        return {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": self.url + "/v1", "OPENAI_API_KEY": api_key,
                "LLM_MODEL": model}

    # scripting and inspection
    def enqueue(self, *responses: FakeResponse) -> None:
        with self._lock:
            self._queue.extend(responses)

    def next_response(self, request: RecordedRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
            if self._queue:
                return self._queue.pop(0)
        planned = self.plan(request) if self.plan else None
        return planned or self.default

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def all_request_text(self) -> str:
        """Every received body and header value, for 'this never left the process' assertions."""
        with self._lock:
            uploads = [u.decode("utf-8", "replace") for u in self.uploads]
            return "\n".join([*(r.raw + "\n" + json.dumps(r.headers) for r in self.requests), *uploads])

    def record_upload(self, data: bytes) -> None:
        with self._lock:
            self.uploads.append(data)

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()
            self._queue.clear()

    def too_long(self, request: RecordedRequest) -> FakeResponse | None:
        """The provider's 400 for a request over the context window (recorded like any other)."""
        if self.context_limit is None or not isinstance(request.body, dict):
            return None
        body = request.body
        output = int(body.get("max_tokens") or body.get("max_completion_tokens") or 0)
        if request.prompt_tokens + output <= self.context_limit:
            return None
        with self._lock:
            self.requests.append(request)
        error = context_error(request.path.rstrip("/").endswith("/messages"), request.prompt_tokens, output,
                              self.context_limit, self.name_limit)
        return FakeResponse(status=400, body=error, kind="context_exceeded")

    def cache_split(self, request: RecordedRequest) -> tuple[int, int]:
        """Anthropic prompt caching: (written, read) tokens of a system prefix marked for caching."""
        body = request.body if isinstance(request.body, dict) else {}
        system = body.get("system")
        if not isinstance(system, list) or not any(isinstance(b, dict) and b.get("cache_control") for b in system):
            return 0, 0
        prefix = json.dumps(body.get("tools")) + json.dumps(system)
        tokens = count_tokens(prefix)
        if tokens < ANTHROPIC_MIN_CACHEABLE:  # shorter prefixes are not cached (Anthropic docs)
            return 0, 0
        with self._lock:
            seen = prefix in self._cached_prefixes
            self._cached_prefixes.add(prefix)
        return (0, tokens) if seen else (tokens, 0)

    def openai_cached(self, request: RecordedRequest) -> int:
        """OpenAI's automatic caching: a repeated prefix (schema + system prompt) of 1024+ tokens
        is reported as cached."""
        body = request.body if isinstance(request.body, dict) else {}
        messages = body.get("messages") or []
        system = next((m.get("content") for m in messages if m.get("role") == "system"), None)
        if not isinstance(system, str):
            return 0
        prefix = json.dumps(body.get("response_format")) + system
        if count_tokens(prefix) < ANTHROPIC_MIN_CACHEABLE:
            return 0
        with self._lock:
            seen = ("openai", prefix) in self._cached_prefixes
            self._cached_prefixes.add(("openai", prefix))
        return count_tokens(prefix) if seen else 0

    @property
    def usage_totals(self) -> dict[str, int]:
        """Input (cache included) and output tokens this server reported, over every answer."""
        with self._lock:
            reported = [r.reported for r in self.requests if r.reported]
        return {"input_tokens": sum(u[0] for u in reported), "output_tokens": sum(u[1] for u in reported),
                "cache_read_tokens": sum(u[2] for u in reported), "answers": len(reported)}

    # rendering
    def render(self, path: str, request: RecordedRequest, response: FakeResponse) -> tuple[int, bytes]:
        if response.body is not None:
            body = response.body
            return response.status, body if isinstance(body, bytes) else (
                body.encode() if isinstance(body, str) else json.dumps(body).encode())
        anthropic = path.rstrip("/").endswith("/messages")
        if response.status >= 400:
            return response.status, json.dumps(error_body(response.status, anthropic)).encode()
        insights = dict(response.insights or VALID_INSIGHTS)
        if response.insights is None and request.title:
            insights["summary"] = f"Summary of {request.title}."
        if is_summary_request(request) and response.insights is None:
            insights = {"summary": f"Summary of {request.title or 'the meeting'} from its parts."}
        answer: Any = insights
        stop = "stop"
        if response.schema_invalid:
            answer = {"decisions": "not a list"}
        if response.malformed:
            answer = json.dumps(insights)[:40]
        if response.truncated:
            answer, stop = json.dumps(insights)[:40], "length"
        if response.content is not None:
            answer = response.content
        if anthropic:
            written, read = self.cache_split(request)
            envelope = anthropic_message(request, answer, stop, written, read)
            usage = envelope["usage"]
            request.reported = (usage["input_tokens"] + written + read, usage["output_tokens"], read)
        else:
            envelope = openai_completion(request, answer, stop, self.openai_cached(request))
            usage = envelope["usage"]
            request.reported = (usage["prompt_tokens"], usage["completion_tokens"],
                                usage["prompt_tokens_details"]["cached_tokens"])
        return 200, json.dumps(envelope).encode()
