"""Request size cap of the HTTP API, matching the ingest limits.

An upload may carry at most INGEST_MAX_TOTAL_MB of files (and no single file over
INGEST_MAX_FILE_MB, checked per file by the upload route), so no request body needs to be larger
than that plus a little multipart framing. Bodies are counted as they stream in: a missing or
false Content-Length cannot get around the cap.
"""
from __future__ import annotations

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

        received = 0
        exceeded = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    # Whatever the app makes of this is dropped below in favour of a 413.
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if exceeded:
                return
            response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not response_started:
            await too_large_response(limit)(scope, receive, send)


class BodyTooLarge(Exception):
    pass


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
