"""Speaker names given by users, per meeting, in one hash per tier (`speakers:{tier}`).

For the sensitive tier the names are sealed (Fernet, store/sealing.py): a name given to
"SPEAKER_1" is exactly what the redaction removed, so it never sits in clear at rest.
"""
from __future__ import annotations

import json
from typing import Iterable

from batch_core.models import Tier
from batch_core.store import sealing
from batch_core.store.client import get_client
from batch_core.store.common import storage
from batch_core.store.keys import speaker_names_key

__all__ = ["save_speaker_names", "speaker_names", "all_speaker_names"]


def _encode(tier: str, names: dict[str, str]) -> str:
    text = json.dumps(names, ensure_ascii=False)
    return sealing.seal(text) if tier == Tier.SENSITIVE.value else text


def _decode(raw: str) -> dict[str, str]:
    return json.loads(sealing.unseal(raw))


@storage
def save_speaker_names(tier: str, meeting_id: str, names: dict[str, str]) -> None:
    if names:
        get_client().hset(speaker_names_key(tier), meeting_id, _encode(tier, names))
    else:
        get_client().hdel(speaker_names_key(tier), meeting_id)


@storage
def speaker_names(tier: str, meeting_id: str) -> dict[str, str]:
    raw = get_client().hget(speaker_names_key(tier), meeting_id)
    return _decode(raw) if raw else {}


@storage
def all_speaker_names(tiers: Iterable[str]) -> dict[str, dict[str, str]]:
    """meeting_id -> names, for the board."""
    found: dict[str, dict[str, str]] = {}
    for tier in tiers:
        found.update({m: _decode(raw) for m, raw in get_client().hgetall(speaker_names_key(tier)).items()})
    return found
