"""Bearer-token guard of the HTTP API and the rule that an open server stays on loopback.

The check runs as ASGI middleware, before any request body is read, so an unauthenticated client
cannot make the server parse (or spool to disk) a large upload.
"""
from __future__ import annotations

import hmac
import ipaddress

from fastapi.security import HTTPBearer
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from batch_core.config import settings

# Shown in the OpenAPI schema; enforcement is BearerAuthMiddleware.
bearer_scheme = HTTPBearer(auto_error=False, description="The value of BATCH_API_TOKEN.")

OPEN_PATHS = frozenset({"/health"})


def token_matches(authorization: str | None, expected: str) -> bool:
    scheme, _, supplied = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        supplied = ""
    # Compare in constant time even when the header is missing, so timing tells nothing.
    return hmac.compare_digest(supplied.strip().encode(), expected.encode())


class BearerAuthMiddleware:
    """401 unless `Authorization: Bearer <BATCH_API_TOKEN>`; no check when no token is set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        expected = settings().api_token
        if scope["type"] != "http" or not expected or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        header = None
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                header = value.decode("latin-1")
                break
        if token_matches(header, expected):
            await self.app(scope, receive, send)
            return
        reason = "Missing bearer token." if header is None else "Wrong bearer token."
        response = JSONResponse(
            {"detail": f"{reason} Send 'Authorization: Bearer <BATCH_API_TOKEN>'.", "errors": []},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
        await response(scope, receive, send)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind_allowed(host: str, token: str | None) -> None:
    """Refuse to serve an unauthenticated API beyond this machine."""
    if not token and not is_loopback(host):
        raise SystemExit(
            f"Refusing to listen on {host}: without BATCH_API_TOKEN the API may only bind to "
            "loopback (127.0.0.1, ::1 or localhost). Set BATCH_API_TOKEN or BATCH_API_HOST=127.0.0.1."
        )
