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


def owner_is_gone(owner: str) -> bool:
    """True when `owner` ran on this host and its process no longer exists: its batches need
    not wait for the lease to run out. Owners on other hosts: unknown, so False."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def lease_deadline() -> float:
    return time.time() + settings().lease_seconds
