"""Who is asking, and what their roles let them do: the one rule book every surface obeys.

Roles add up. Everyone signed in reads ordinary meetings (viewer); `analyst` uploads and runs
ordinary meetings; `sensitive` reads and runs sensitive ones; `admin` may do everything,
including deleting meetings and reading the access audit. What a principal may not read is not
"forbidden" but absent: a sensitive batch or meeting looks exactly like one that does not exist,
so its existence, counts and titles tell nothing.

The CLI and library callers on this machine act as the local operator (admin): they hold the
data dir and the Redis socket anyway, so roles there would be theatre. The dashboard and the HTTP
API always pass the principal they authenticated.
"""
from __future__ import annotations

import functools
import getpass
import socket
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable

from batch_core.errors import AccessDenied
from batch_core.models import Tier


class Role(str, Enum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    SENSITIVE = "sensitive"
    ADMIN = "admin"


ROLE_NAMES = tuple(role.value for role in Role)


def parse_roles(values: Iterable[str], *, where: str) -> frozenset[Role]:
    """Role names as configured; an unknown name is an error that says where it came from."""
    roles = set()
    for value in values:
        name = str(value).strip().lower()
        if not name:
            continue
        try:
            roles.add(Role(name))
        except ValueError:
            raise ValueError(f"{where}: unknown role {value!r}; roles are "
                             f"{', '.join(ROLE_NAMES)}.") from None
    return frozenset(roles)


@dataclass(frozen=True)
class Principal:
    name: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    via: str = "local"   # how they reached us: "dashboard 10.0.0.7", "api 127.0.0.1", "cli"

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def has(self, role: Role) -> bool:
        return self.is_admin or role in self.roles

    def may_read(self, tier: Tier | str) -> bool:
        return Tier(getattr(tier, "value", tier)) is Tier.ORDINARY or self.has(Role.SENSITIVE)

    def may_process(self, tier: Tier | str) -> bool:
        if Tier(getattr(tier, "value", tier)) is Tier.SENSITIVE:
            return self.has(Role.SENSITIVE)
        return self.has(Role.ANALYST)

    def readable_tiers(self) -> list[Tier]:
        return [tier for tier in Tier if self.may_read(tier)]

    def describe(self) -> str:
        roles = ", ".join(sorted(r.value for r in self.roles)) or "viewer"
        return f"{self.name} ({roles})"


@functools.lru_cache(maxsize=1)
def _local_name() -> str:
    """user@host, looked up once per process (getpwuid alone takes ~1 ms, and every call of the
    public API without a principal asks)."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name in a container without /etc/passwd entry
        user = "operator"
    return f"{user}@{socket.gethostname()}"


def local_operator(via: str = "cli") -> Principal:
    """The person at this machine's shell: the data dir is theirs, so they are admin."""
    return Principal(name=_local_name(), roles=frozenset({Role.ADMIN}), via=via)


def acting(principal: Principal | None) -> Principal:
    return principal if principal is not None else local_operator()


def require_process(principal: Principal, tier: Tier | str) -> None:
    if not principal.may_process(tier):
        needed = "sensitive" if Tier(getattr(tier, "value", tier)) is Tier.SENSITIVE else "analyst"
        raise AccessDenied(f"{principal.describe()} may not process {Tier(getattr(tier, 'value', tier)).value} "
                           f"meetings; that needs the {needed!r} role.")


def require_admin(principal: Principal, what: str) -> None:
    if not principal.is_admin:
        raise AccessDenied(f"{principal.describe()} may not {what}; that needs the 'admin' role.")
