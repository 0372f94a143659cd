"""The engine's start-up loads: the configured provider's SDK and client first, then VADER's
lexicon, once per process, on a thread of its own.

Why a thread: the CLI reads its files and the dashboard draws its page meanwhile. Why this order:
a meeting's first request needs only the SDK, and the rest loads while that request is at the
provider. A caller about to submit (the CLI) waits for the SDK only, so the batch it creates does
not start with every worker queued behind one import; the engine itself never waits for it (a
slow or broken SDK fails the meetings later, with its own message).

py3langid's model is not loaded here: it takes ~1 s of CPU and 68 MB, and plain English is told
without it (pipeline/language.py). The first meeting in another language loads it, once per
process; loading it here cost every English batch ~0.3 s at 10 workers.
"""
from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

_started = threading.Lock()
_thread: threading.Thread | None = None
provider_ready = threading.Event()  # set once the SDK is loaded (or failed to load)


def start_warm_up() -> None:
    """Start the warm-up thread unless this process already has."""
    global _thread
    with _started:
        if _thread is None:
            _thread = threading.Thread(target=_warm_up, name="pipeline-warm-up", daemon=True)
            _thread.start()


def wait_for_provider(timeout: float = 30.0) -> bool:
    """Block until the provider's SDK is loaded (True), or `timeout` seconds have passed."""
    start_warm_up()
    return provider_ready.wait(timeout)


def _warm_up() -> None:
    try:
        from batch_core.pipeline.providers import get_provider  # the SDK and its connection pool
        get_provider()
    except Exception as exc:  # a bad setting fails the meetings later, with its own message
        log.debug("provider warm-up skipped: %s", exc)
    finally:
        provider_ready.set()
    try:
        from batch_core.pipeline.sentiment import utterance_score  # VADER's lexicon
        utterance_score("fine")
    except Exception as exc:
        log.debug("pipeline warm-up skipped: %s", exc)
