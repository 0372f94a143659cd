"""Public API of the batch engine (see docs/architecture.md). Full API lands with store/runner."""
from __future__ import annotations

from batch_core.redis_server import StorageUnavailable


def reset_for_tests() -> None:
    """Drain this process's workers and forget cached clients (tests and settings changes)."""
    from batch_core import redis_server
    redis_server.reset_client()
