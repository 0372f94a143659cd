"""10 concurrent batches x 50 meetings with a reader polling every batch every 2 s: no error,
counts always agree. bench/bench_durability.py runs the same with provider latency and prints
the read latency percentiles.
"""
from __future__ import annotations

import batch_core
from tests.durability.invariant import assert_invariant
from tests.durability.load import run_load


def test_concurrent_batches_with_a_polling_reader_see_no_error(own_redis, set_workers):
    set_workers(4)
    result = run_load(batches=10, per_batch=50, poll_seconds=2.0, timeout=240)
    print("\n" + result.summary())
    assert result.errors == []
    assert len(result.read_ms) >= 10  # every batch was read at least once
    for batch_id in result.batch_ids:
        batch = batch_core.get(batch_id)
        assert (batch["status"], batch["completed"]) == ("completed", 50)
    assert_invariant(own_redis, result.batch_ids)
