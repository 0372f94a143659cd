"""Sensitive batches end to end: planted PII reaches neither the provider nor any Redis key (also
on a server with the Query Engine, where each meeting has a search hash of its text)."""
from __future__ import annotations

import json
from pathlib import Path

from batch_core.store.client import get_client
import batch_core
from tests.pipeline.test_redaction import PLANTED
from tests.redis_scan import every_value

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_planted_pii_is_nowhere_in_requests_or_redis(llm_server, search_backend):
    meetings = [{"title": f"Confidential review {n}", "tier": "sensitive",
                 "transcript": (SAMPLES / name).read_text(encoding="utf-8")}
                for n, name in enumerate(sorted(PLANTED))]
    result = batch_core.submit(meetings)
    batch = batch_core.wait(result["batch_id"], timeout=120, poll=0.05)
    assert (batch["completed"], batch["failed"]) == (len(PLANTED), 0)
    sent = llm_server.all_request_text()
    stored = every_value(get_client())
    assert "SPEAKER_1" in stored  # the redacted transcripts are there
    if search_backend == "redis":
        assert stored.count("search:sensitive:meeting_") == len(PLANTED)  # and their search hashes
    for secrets in PLANTED.values():
        for secret in secrets:
            escaped = json.dumps(secret)[1:-1]  # ø -> \u00f8 inside JSON
            assert secret not in sent and escaped not in sent, f"{secret!r} reached the provider"
            assert secret not in stored and escaped not in stored, f"{secret!r} is in Redis"
