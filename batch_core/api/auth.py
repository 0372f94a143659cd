"""Who is calling the HTTP API: bearer tokens -> principals, and the checks made before any
route runs (ASGI middleware, before a request body is read).

- Host: only names in BATCH_API_ALLOWED_HOSTS (DNS rebinding: a web page on evil.example that
  resolves to 127.0.0.1 still sends `Host: evil.example`).
- Origin: a browser request from another site is refused unless BATCH_API_CORS_ORIGINS lists it
  (a "simple" cross-site POST needs no preflight, so CORS alone would not stop it).
- Token: every route but /health needs one (access/tokens.py); the principal it names is put in
  the request state for the routes to pass to batch_core.
"""
from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.security import HTTPBearer
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from batch_core import Principal
from batch_core.access import tokens
from batch_core.access.hosts import host_name
from batch_core.config import settings

# Shown in the OpenAPI schema; enforcement is the middleware below.
bearer_scheme = HTTPBearer(auto_error=False, description="A token from BATCH_API_TOKEN, the tokens "
                                                         "file, or <data dir>/api_token.")

OPEN_PATHS = frozenset({"/health"})


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return value.decode("latin-1")
    return None


def host_allowed(host: str | None) -> bool:
    allowed = {h.lower().strip("[]") for h in settings().api_allowed_hosts}
    return "*" in allowed or (host is not None and host_name(host) in allowed)


def _origin_allowed(origin: str, host: str | None) -> bool:
    if origin in settings().api_cors_origins:
        return True
    # Same origin (a page served by this very host) is not cross-site.
    scheme_host = origin.split("://", 1)[-1]
    return host is not None and scheme_host.lower() == host.lower()


def _refuse(scope: Scope, status: int, detail: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail, "errors": []}, status_code=status, headers=headers)


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def bearer_token(authorization: str | None) -> str:
    scheme, _, supplied = (authorization or "").partition(" ")
    return supplied.strip() if scheme.lower() == "bearer" else ""


class AccessMiddleware:
    """Host, Origin, then the bearer token; 400/403/401 with a sentence that says what to do."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        if not host_allowed(host):
            await _refuse(scope, 400, f"Host {str(host)[:80]!r} is not served here; allowed hosts are "
                          "BATCH_API_ALLOWED_HOSTS.")(scope, receive, send)
            return
        origin = _header(scope, b"origin")
        if origin is not None and not _origin_allowed(origin, host):
            await _refuse(scope, 403, f"Cross-site request from {origin[:80]!r} refused; list the "
                          "origin in BATCH_API_CORS_ORIGINS to allow it.")(scope, receive, send)
            return
        header = _header(scope, b"authorization")
        principal = tokens.principal_for(bearer_token(header), via=f"api {client_address(scope)}") if header else None
        scope.setdefault("state", {})["principal"] = principal
        if principal is None and scope["path"] not in OPEN_PATHS:
            reason = "Missing bearer token." if header is None else "Wrong bearer token."
            await _refuse(scope, 401, f"{reason} Send 'Authorization: Bearer <token>' (BATCH_API_TOKEN, "
                          "a token from `python -m batch_core tokens add`, or <data dir>/api_token).",
                          {"WWW-Authenticate": "Bearer"})(scope, receive, send)
            return
        await self.app(scope, receive, send)


def principal(request: Request) -> Principal:
    """Route dependency: the caller, as the middleware found them."""
    found: Any = request.state.principal
    return found
