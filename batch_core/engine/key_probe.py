"""One provider call finds out whether an API key works, instead of one call per worker.

Until a key has been used successfully in this process, only one meeting at a time may start its
provider call (the probe); the others wait at the extract stage. If the provider rejects the key,
the waiting meetings of the same batch fail at once with the same message and without a call of
their own, and processing.py fails the rest of the batch. Any other outcome of the probe (success,
or a fault that is not about the key) opens the gate for good, so only a process's first call
per key is serialised.
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
        self._cond = threading.Condition()
        self._verified: set[str] = set()
        self._probe_by: dict[str, int] = {}               # fingerprint -> prober thread id
        # (fingerprint, batch_id) -> message; the oldest are forgotten (their batches have ended)
        self._rejected: OrderedDict[tuple[str, str], str] = OrderedDict()

    def enter(self, batch_id: str) -> None:
        """Called as a meeting reaches the extract stage; may wait, or raise ProviderAuthError."""
        fingerprint = key_fingerprint()
        if fingerprint is None:
            return
        me = threading.get_ident()
        with self._cond:
            while True:
                if fingerprint in self._verified:
                    return
                message = self._rejected.get((fingerprint, batch_id))
                if message is not None:
                    raise ProviderAuthError(message, attempts=0)
                prober = self._probe_by.get(fingerprint)
                if prober is None or prober == me:
                    self._probe_by[fingerprint] = me
                    return
                self._cond.wait(timeout=1.0)

    def _finish_probe(self) -> str | None:
        """Forget this thread's probe; returns its fingerprint if it was probing."""
        me = threading.get_ident()
        for fingerprint, prober in list(self._probe_by.items()):
            if prober == me:
                del self._probe_by[fingerprint]
                return fingerprint
        return None

    def passed(self) -> None:
        """This thread's provider call did not fail on the key: open the gate."""
        with self._cond:
            fingerprint = self._finish_probe()
            if fingerprint is not None:
                self._verified.add(fingerprint)
                self._cond.notify_all()

    def rejected(self, batch_id: str, message: str) -> None:
        """This thread's call was refused for the key: fail the batch's waiting meetings."""
        fingerprint = key_fingerprint()
        with self._cond:
            self._finish_probe()
            if fingerprint is not None:
                self._rejected[(fingerprint, batch_id)] = message
                while len(self._rejected) > MAX_REMEMBERED_REJECTIONS:
                    self._rejected.popitem(last=False)
            self._cond.notify_all()

    def reset(self) -> None:
        with self._cond:
            self._verified.clear()
            self._probe_by.clear()
            self._rejected.clear()
            self._cond.notify_all()


gate = KeyGate()
