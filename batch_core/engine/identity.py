"""Who this process is: the owner id recorded on the batches it runs, and their lease deadline."""
from __future__ import annotations

import os
import socket
import time
import uuid

from batch_core.config import settings


def _new_owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


OWNER = _new_owner_id()

def owner_id() -> str:
    """host:pid:random of this process (recorded as the owner of batches it runs)."""
    global OWNER
    if OWNER.split(":")[1] != str(os.getpid()):  # a forked child is a different owner
        OWNER = _new_owner_id()
    return OWNER


def lease_deadline() -> float:
    return time.time() + settings().lease_seconds
