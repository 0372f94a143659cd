"""Request size cap of the HTTP API, matching the ingest limits.

An upload may carry at most INGEST_MAX_TOTAL_MB of files (and no single file over
INGEST_MAX_FILE_MB, checked per file by the upload route), so no request body needs to be larger
than that plus a little multipart framing. Bodies are counted as they stream in: a missing or
false Content-Length cannot get around the cap.

A client that stops sending mid-body (slowloris) is cut off after BATCH_API_BODY_TIMEOUT_SECONDS
without a new piece, with a 408; once the body is complete, waits are not timed (a streaming
answer listens for the disconnect for as long as it runs).
"""
from __future__ import annotations

import asyncio

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from batch_core.config import settings

MB = 1024 * 1024
# Room for multipart boundaries, part headers and form fields around the files themselves.
FRAMING_BYTES = 1 * MB


def max_body_bytes() -> int:
    s = settings()
    return int(max(s.ingest_max_total_mb, s.ingest_max_file_mb) * MB) + FRAMING_BYTES


def too_large_response(limit: int) -> JSONResponse:
    return JSONResponse(
        {"detail": f"Request body is larger than the limit of {limit / MB:.1f} MB "
                   "(INGEST_MAX_TOTAL_MB plus 1 MB for form framing).", "errors": []},
        status_code=413,
    )


def timed_out_response(seconds: float) -> JSONResponse:
    return JSONResponse(
        {"detail": f"The request body stalled: nothing arrived for {seconds:g} s "
                   "(BATCH_API_BODY_TIMEOUT_SECONDS). Send it again.", "errors": []},
        status_code=408, headers={"Connection": "close"},
    )


class _BodyGuard:
    """One request's body: counted against the cap, each piece awaited with a deadline."""

    def __init__(self, receive: Receive, send: Send, limit: int, patience: float) -> None:
        self._receive, self._send = receive, send
        self.limit, self.patience = limit, patience
        self.received = 0
        self.exceeded = self.stalled = self.body_done = self.response_started = False

    async def receive(self) -> Message:
        if self.body_done:
            return await self._receive()
        try:
            message = await asyncio.wait_for(self._receive(), timeout=self.patience)
        except asyncio.TimeoutError:
            self.stalled = True
            raise BodyStalled() from None
        if message["type"] == "http.request":
            self.body_done = not message.get("more_body", False)
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                self.exceeded = True
                # Whatever the app makes of this is dropped below in favour of a 413.
                raise BodyTooLarge()
        return message

    async def send(self, message: Message) -> None:
        if self.exceeded or self.stalled:
            return
        self.response_started = True
        await self._send(message)

    def refusal(self) -> JSONResponse | None:
        if self.response_started:
            return None
        if self.exceeded:
            return too_large_response(self.limit)
        return timed_out_response(self.patience) if self.stalled else None


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = max_body_bytes()
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await too_large_response(limit)(scope, receive, send)
            return
        guard = _BodyGuard(receive, send, limit, settings().api_body_timeout_seconds)
        try:
            await self.app(scope, guard.receive, guard.send)
        except Exception:
            if not (guard.exceeded or guard.stalled):
                raise
        refusal = guard.refusal()
        if refusal is not None:
            await refusal(scope, receive, send)


class BodyTooLarge(Exception):
    pass


class BodyStalled(Exception):
    pass


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
