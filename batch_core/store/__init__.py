"""The storage layer: the only place with Redis key names and Redis I/O.

    keys.py         key names (layout in docs/architecture.md)
    scripts.py      Lua for atomic row + counter transitions, adoption, heartbeats
    batches.py      batch header, rows, inputs, listing, leases
    transitions.py  the named moves of a row (models.TRANSITIONS), one function each
    client.py       the shared client; embedded.py the embedded server; retry.py outages
    fleet.py        fleet-wide provider limits; sealing.py sensitive input at rest
    meetings.py     processed meeting records and their indexes
    idempotency.py  HTTP API Idempotency-Key reservations
    usage.py        a batch's running token and cost totals
    board.py        the action-item board: items and decisions per meeting, done marks
    search_index.py full-text search (SQLite FTS5 in the data dir, kept in step with Redis)
    speakers.py     speaker names users gave (sealed for the sensitive tier)
    economy.py      an economy batch's ledger: provider batch ids, counts, per-meeting plans
    audit.py        the append-only access audit (a stream)

Callers use `from batch_core import store` and `store.<function>`; everything public is
re-exported here.
"""
from batch_core.store.audit import append_audit, read_audit  # noqa: F401
from batch_core.store.board import *  # noqa: F401,F403
from batch_core.store.economy import *  # noqa: F401,F403
from batch_core.store.speakers import *  # noqa: F401,F403
from batch_core.store.search_index import *  # noqa: F401,F403
from batch_core.store.batches import *  # noqa: F401,F403
from batch_core.store.common import parse_time, storage, utc_now  # noqa: F401
from batch_core.store.idempotency import *  # noqa: F401,F403
from batch_core.store.keys import *  # noqa: F401,F403
from batch_core.store.meetings import *  # noqa: F401,F403
from batch_core.store.usage import add_usage, batch_tokens, usage_from_header  # noqa: F401
from batch_core.store.transitions import (cancel_queued, cancel_running, claim, complete, fail,  # noqa: F401
                                          fail_job, fail_queued, requeue, requeue_canceled, requeue_failed,
                                          settle_partial, update_running)
