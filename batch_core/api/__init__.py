"""The HTTP API: a thin FastAPI shell over batch_core's public API.

    app.py              the application, error bodies, `python -m batch_core.api`
    auth.py             bearer token, loopback-only without one
    limits.py           request body size limits
    idempotency.py      Idempotency-Key for the submit endpoints
    schemas.py          request and response models (the OpenAPI schema)
    routes_batches.py   submit (JSON or files), list, progress, cancel, retry, results
    routes_meetings.py  one-call processing, meetings, health
    upload.py           multipart files -> meetings, within the caps
"""
from batch_core.api.app import create_app, main

__all__ = ["create_app", "main"]
