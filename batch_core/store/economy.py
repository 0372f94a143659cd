"""An economy batch's ledger (`batch:{id}:economy`): what was sent to the provider's batch API.

Fields: `sub:{n}` one provider batch (submission) as JSON — its tag, the meetings it carries,
the provider's batch id once known, the provider's status and counts; `plan:{index}` which
submission carries a meeting and in how many parts; `saving_usd` what the batch price saved
against the list price. Ids, counts and numbers only: no title or text of any meeting, so the
ledger needs no sealing for the sensitive tier.

The intent (a submission without a provider id) is written before the provider is called, and
the id right after it answers: a process that crashes in between leaves the intent, and the next
owner looks for that provider batch before it would send the requests again.
"""
from __future__ import annotations

import json
from typing import Any

from batch_core.config import settings
from batch_core.store.client import get_client
from batch_core.store.common import storage
from batch_core.store.keys import batch_key, economy_key

__all__ = ["record_intent", "save_submission", "economy_ledger", "keep_ledger", "expire_ledger",
           "add_saving", "batch_mode", "set_batch_mode", "forget_plans"]


@storage
def record_intent(batch_id: str, submission: dict[str, Any], plans: dict[int, dict[str, Any]]) -> None:
    """A submission about to be sent and the plans of its meetings, in one step."""
    mapping = {f"sub:{submission['n']}": json.dumps(submission)}
    mapping.update({f"plan:{index}": json.dumps(plan) for index, plan in plans.items()})
    get_client().hset(economy_key(batch_id), mapping=mapping)


@storage
def save_submission(batch_id: str, submission: dict[str, Any]) -> None:
    get_client().hset(economy_key(batch_id), f"sub:{submission['n']}", json.dumps(submission))


@storage
def economy_ledger(batch_id: str) -> dict[str, Any]:
    """{"submissions": {n: dict}, "plans": {index: dict}, "saving_usd": float}."""
    raw = get_client().hgetall(economy_key(batch_id))
    submissions = {int(k[4:]): json.loads(v) for k, v in raw.items() if k.startswith("sub:")}
    plans = {int(k[5:]): json.loads(v) for k, v in raw.items() if k.startswith("plan:")}
    return {"submissions": submissions, "plans": plans, "saving_usd": float(raw.get("saving_usd") or 0.0)}


@storage
def keep_ledger(batch_id: str) -> None:
    """While the batch runs (again, after a retry) its ledger has no TTL."""
    get_client().persist(economy_key(batch_id))


@storage
def expire_ledger(batch_id: str) -> None:
    """The batch ended: the ledger goes with the batch's other keys."""
    get_client().expire(economy_key(batch_id), settings().result_ttl_seconds)


@storage
def add_saving(batch_id: str, usd: float) -> None:
    if usd:
        get_client().hincrbyfloat(economy_key(batch_id), "saving_usd", usd)


@storage
def batch_mode(batch_id: str) -> str:
    return get_client().hget(batch_key(batch_id), "mode") or "live"


@storage
def set_batch_mode(batch_id: str, mode: str) -> None:
    get_client().hset(batch_key(batch_id), "mode", mode)


@storage
def forget_plans(batch_id: str, indexes: list[int]) -> None:
    """retry_failed: these meetings are to be sent again, in a new submission."""
    if indexes:
        get_client().hdel(economy_key(batch_id), *[f"plan:{i}" for i in indexes])
