"""Several concurrent batches with a reader polling all of them: no error, counts always agree.

The full 10 x 50 run with latency figures is bench/bench_durability.py.
"""
from __future__ import annotations

import batch_core
from tests.durability.invariant import assert_invariant
from tests.durability.load import run_load


def test_concurrent_batches_with_a_polling_reader_see_no_error(own_redis, set_workers):
    set_workers(4)
    result = run_load(batches=4, per_batch=15, poll_seconds=0.2, timeout=240)
    print("\n" + result.summary())
    assert result.errors == []
    assert len(result.read_ms) >= 4
    for batch_id in result.batch_ids:
        batch = batch_core.get(batch_id)
        assert (batch["status"], batch["completed"]) == ("completed", 15)
    assert_invariant(own_redis, result.batch_ids)
