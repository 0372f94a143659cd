"""A rejected API key fails the rest of its batch at once, without costing a working key anything.

The first meetings of a process call the provider concurrently, as every later one does: a
working key (the usual case) pays no probe, so a cold start runs as fast as a warm one. If the
provider rejects the key, the meetings already calling get the same 401 (free, and at most one per
worker), the ones that reach the extract stage afterwards fail at once with the same message and
without a call of their own, and processing.py fails the rest of the batch.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from batch_core.config import Settings, settings
from batch_core.errors import ProviderAuthError


def key_fingerprint(config: Settings | None = None) -> str | None:
    """Provider + endpoint + key digest; None for the offline provider, which has no key."""
    config = config or settings()
    if config.llm_provider == "openai":
        url, key = config.openai_base_url, config.openai_api_key
    elif config.llm_provider == "anthropic":
        url, key = config.anthropic_base_url, config.anthropic_api_key
    else:
        return None
    digest = hashlib.sha256((key or "").encode("utf-8")).hexdigest()[:16]
    return f"{config.llm_provider}|{url or ''}|{digest}"


# Waiting meetings of a rejected batch read its message within seconds; remembering the last
# few hundred batches is plenty, and the map no longer grows with every rejected batch.
MAX_REMEMBERED_REJECTIONS = 256


class KeyGate:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # (fingerprint, batch_id) -> message; the oldest are forgotten (their batches have ended)
        self._rejected: OrderedDict[tuple[str, str], str] = OrderedDict()

    def enter(self, batch_id: str) -> None:
        """Called as a meeting reaches the extract stage: raises ProviderAuthError when the key
        was already rejected for this batch; never waits."""
        fingerprint = key_fingerprint()
        if fingerprint is None:
            return
        with self._lock:
            message = self._rejected.get((fingerprint, batch_id))
        if message is not None:
            raise ProviderAuthError(message, attempts=0)

    def rejected(self, batch_id: str, message: str) -> None:
        """A call was refused for the key: the batch's meetings that have not called yet fail."""
        fingerprint = key_fingerprint()
        if fingerprint is None:
            return
        with self._lock:
            self._rejected[(fingerprint, batch_id)] = message
            while len(self._rejected) > MAX_REMEMBERED_REJECTIONS:
                self._rejected.popitem(last=False)

    def reset(self) -> None:
        with self._lock:
            self._rejected.clear()


gate = KeyGate()
