"""Who may see what: principals and roles, the users file, API tokens, OIDC claims.

    principals.py    Role, Principal, the local operator, the checks the public API makes
    users.py         the dashboard's local users file (Argon2id hashes)
    tokens.py        API bearer tokens (SHA-256 hashes), the first-start token
    claims.py        OIDC ID-token claims -> roles
    secrets_file.py  the 0600 TOML files both keep

The access audit is written by service.py through store/audit.py (Redis I/O lives in store/).
"""
from batch_core.access.principals import (ROLE_NAMES, Principal, Role, acting, local_operator,
                                          parse_roles, require_admin, require_process)

__all__ = ["Principal", "Role", "ROLE_NAMES", "acting", "local_operator", "parse_roles",
           "require_admin", "require_process"]
