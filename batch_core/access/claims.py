"""Roles of an OpenID Connect user, from the claims of their ID token.

Microsoft Entra ID puts app roles in `roles` and security-group object ids in `groups`; other
providers use `groups` or their own claim. BATCH_OIDC_ROLE_CLAIMS names the claims to read,
BATCH_OIDC_ROLE_MAP maps their values to our roles ("<group id>=sensitive;HR-Legal=analyst,
sensitive"); a claim value equal to one of our role names counts as that role. Everyone who
signs in gets BATCH_OIDC_DEFAULT_ROLES (viewer by default; empty = no access until mapped).
"""
from __future__ import annotations

from typing import Any, Mapping

from batch_core.access.principals import Principal, Role, parse_roles
from batch_core.config import settings


def role_map(raw: str) -> dict[str, frozenset[Role]]:
    mapping: dict[str, frozenset[Role]] = {}
    for pair in raw.split(";"):
        if not pair.strip():
            continue
        value, sep, roles = pair.partition("=")
        if not sep or not value.strip():
            raise ValueError(f"BATCH_OIDC_ROLE_MAP: {pair!r} is not 'claim value=role,role'.")
        mapping[value.strip()] = parse_roles(roles.split(","), where="BATCH_OIDC_ROLE_MAP")
    return mapping


def _values(claim: Any) -> list[str]:
    if isinstance(claim, str):
        return claim.replace(",", " ").split()
    if isinstance(claim, (list, tuple)):
        return [str(item) for item in claim]
    return []


def principal_from_claims(claims: Mapping[str, Any], via: str) -> Principal | None:
    """None when the user has no role at all (signed in, but not let in)."""
    config = settings()
    mapping = role_map(config.oidc_role_map)
    roles = set(parse_roles(config.oidc_default_roles.split(","), where="BATCH_OIDC_DEFAULT_ROLES"))
    for claim in config.oidc_role_claims:
        for value in _values(claims.get(claim)):
            roles |= mapping.get(value, frozenset())
            if value.lower() in {r.value for r in Role}:
                roles.add(Role(value.lower()))
    if not roles:
        return None
    name = str(claims.get("email") or claims.get("preferred_username") or claims.get("name")
               or claims.get("sub") or "unknown")
    return Principal(name=name, roles=frozenset(roles), via=via)
