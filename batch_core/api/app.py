"""HTTP API for scripted batch ingestion: a thin FastAPI shell over batch_core's public API.

`python -m batch_core.api` (or `make api`) serves it with uvicorn on BATCH_API_HOST:BATCH_API_PORT.
Batches are processed in this process's worker pool and stored in the same Redis the dashboard
reads, so they show up there live.
"""
from __future__ import annotations

from typing import Any

import logging

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

import batch_core
from batch_core.api import routes_batches as api_batches
from batch_core.api import routes_meetings as api_meetings
from batch_core.api import routes_board as api_board
from batch_core.access import tokens
from batch_core.access.hosts import is_loopback
from batch_core.api.auth import AccessMiddleware, bearer_scheme
from batch_core.api.limits import BodySizeLimitMiddleware
from batch_core.api.schemas import ErrorBody
from batch_core.config import settings

log = logging.getLogger("batch_core.api")

# Declared on every protected route; the 422 replaces FastAPI's default validation body.
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad input, or a Host header not served here."},
    401: {"model": ErrorBody, "description": "Missing or wrong bearer token."},
    403: {"model": ErrorBody, "description": "Your token's roles do not allow this, or a cross-site request."},
    408: {"model": ErrorBody, "description": "The request body stalled."},
    413: {"model": ErrorBody, "description": "Request body over the size cap."},
    422: {"model": ErrorBody, "description": "Invalid request; `errors` names each field."},
}


def create_app() -> FastAPI:
    generated = tokens.ensure_token()
    if generated is not None:
        log.warning("No API token configured: clients must send the token in %s "
                    "(Authorization: Bearer <token>).", generated)
    app = FastAPI(
        title="Meeting batch ingestion API",
        version="1.0.0",
        description="Submit meeting transcripts in batches, follow their progress, read insights.",
    )
    protected = [Depends(bearer_scheme)]
    app.include_router(api_batches.router, dependencies=protected, responses=COMMON_ERRORS)
    app.include_router(api_meetings.router, dependencies=protected, responses=COMMON_ERRORS)
    app.include_router(api_meetings.access_router, dependencies=protected, responses=COMMON_ERRORS)
    app.include_router(api_board.router, dependencies=protected, responses=COMMON_ERRORS)
    app.include_router(api_meetings.health_router)
    _add_error_handlers(app)
    # Starlette runs the last added middleware first: CORS answers preflights before the access
    # check, and Host, Origin and token are checked before any body is read.
    app.add_middleware(BodySizeLimitMiddleware)
    app.add_middleware(AccessMiddleware)
    origins = settings().api_cors_origins
    if origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(origins), allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        )
    return app


def _error(status: int, detail: str, errors: list[dict] | None = None,
           headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail, "errors": errors or []}, status_code=status,
                        headers=headers)


def _field_name(location: tuple) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


def _describe(error: dict) -> dict:
    location = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "malformed")
        return {"field": "body", "message": f"not valid JSON ({reason}, at character "
                                            f"{location[-1] if location else '?'})"}
    return {"field": _field_name(location),
            "message": error.get("msg", "").removeprefix("Value error, ")}


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_describe(e) for e in exc.errors()]
        shown = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        return _error(422, f"Invalid request: {shown}{more}", errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(batch_core.BatchError)
    async def batch_error(_: Request, exc: batch_core.BatchError) -> JSONResponse:
        return _error(400, str(exc))

    @app.exception_handler(batch_core.AccessDenied)
    async def access_denied(_: Request, exc: batch_core.AccessDenied) -> JSONResponse:
        return _error(403, str(exc))

    @app.exception_handler(batch_core.StorageUnavailable)
    async def storage_down(_: Request, exc: batch_core.StorageUnavailable) -> JSONResponse:
        return _error(503, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The trace goes to the server log, never to the client.
        log.exception("Unhandled error on %s %s", request.method, request.url.path)
        return _error(500, "Internal error; the server log has the details.")


def main() -> None:
    import uvicorn  # the server only when serving, not for create_app() in tests

    s = settings()
    logging.basicConfig(level=logging.INFO)
    if not is_loopback(s.api_host) and all(is_loopback(h) for h in s.api_allowed_hosts if h != "*"):
        log.warning("Listening on %s, but BATCH_API_ALLOWED_HOSTS names only loopback: clients "
                    "elsewhere get 400 until you list the host name they use.", s.api_host)
    # First use of the engine starts this process's pool, which also resumes batches left
    # behind by a process that died: do it now rather than at the first request.
    log.info("Engine: %s", batch_core.health())
    # Beyond the limit uvicorn answers 503 at once instead of queueing without end. It counts
    # the arriving connection too, hence the + 1: BATCH_API_MAX_CONCURRENCY requests at once.
    uvicorn.run(create_app(), host=s.api_host, port=s.api_port, log_level="info",
                limit_concurrency=s.api_max_concurrency + 1, timeout_keep_alive=5)
