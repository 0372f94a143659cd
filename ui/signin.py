"""Sign-in for the dashboard, run at the top of every page (ui.components.page_setup).

Three modes, chosen by what is configured:
- OIDC (`[auth]` in .streamlit/secrets.toml: Streamlit's st.login with Authlib; Microsoft Entra ID
  or any OpenID provider). Roles come from ID-token claims (batch_core.access.claims).
- Local users file (`python -m batch_core users add …`): a name and password form, Argon2id.
- Neither: single-user mode for the person at this machine. Every page says so, and the
  dashboard refuses to serve anything when it listens beyond loopback.

The principal found here is what every batch_core call of the page acts as (guarded() passes
it), so roles hold in batch_core, not only in what the pages show.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

import batch_core as core
from batch_core.access import claims, users
from batch_core.access.hosts import is_loopback

SESSION_PRINCIPAL = "signed_in_principal"


def _oidc_providers() -> list[str] | None:
    """None when OIDC is not configured; else the named providers ([] = the default one)."""
    try:
        section: Any = st.secrets.get("auth")
    except Exception:  # no secrets.toml at all: Streamlit raises rather than returning empty
        return None
    if not section:
        return None
    # Named providers are sub-tables with their own client id ([auth.microsoft]); client_kwargs
    # is a table too, but of the default provider.
    return [name for name, value in dict(section).items() if isinstance(value, dict) and "client_id" in value]


def mode() -> str:
    if _oidc_providers() is not None:
        return "oidc"
    return "users" if users.configured() else "none"


def _via() -> str:
    return f"dashboard {st.context.ip_address or '127.0.0.1'}"


def current() -> core.Principal | None:
    return st.session_state.get(SESSION_PRINCIPAL)


def _single_user() -> core.Principal:
    address = str(st.get_option("server.address") or "")
    if not is_loopback(address):  # "" listens on every interface
        st.error(f"**Not served:** this dashboard listens on {address or 'every interface'} without "
                 "sign-in. Configure sign-in (a users file or OIDC, see the README) or run it on "
                 "127.0.0.1.", icon=":material/lock:")
        st.stop()
    st.sidebar.caption(":material/person: Single-user mode: no sign-in, reachable from this machine "
                       "only (127.0.0.1). Set up sign-in before sharing it.")
    return core.local_operator(via=_via())


def _password_form() -> core.Principal:
    found = current()
    if found is not None:
        return found
    st.title(":material/lock: Sign in")
    with st.form("sign_in"):
        name = st.text_input("User name", key="sign_in_name")
        password = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        principal = users.verify(name, password, via=_via())
        if principal is None:
            st.error("Wrong user name or password.", icon=":material/block:")
        else:
            st.session_state[SESSION_PRINCIPAL] = principal
            st.rerun()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def _oidc(providers: list[str]) -> core.Principal:
    if not st.user.is_logged_in:
        st.title(":material/lock: Sign in")
        st.write("This dashboard holds meeting insights; sign in with your organisation account.")
        for provider in providers or [None]:  # type: ignore[list-item]
            label = f"Sign in with {provider.capitalize()}" if provider else "Sign in"
            st.button(label, key=f"login_{provider}", type="primary", on_click=st.login,
                      args=(provider,) if provider else ())
        st.stop()
    principal = claims.principal_from_claims(st.user.to_dict(), via=_via())
    if principal is None:
        st.error(f"Signed in as {st.user.get('email') or st.user.get('name')}, but no role here is "
                 "mapped to your account. Ask an admin to map one of your groups "
                 "(BATCH_OIDC_ROLE_MAP).", icon=":material/block:")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    return principal


def _sign_out() -> None:
    # Everything the session holds goes: the next person must not inherit an upload preview,
    # a selected sensitive meeting or a cached report.
    st.session_state.clear()
    if mode() == "oidc":
        st.logout()


def require() -> core.Principal:
    """The signed-in principal, or a sign-in screen and st.stop()."""
    current_mode = mode()
    if current_mode == "none":
        principal = _single_user()
    elif current_mode == "users":
        principal = _password_form()
    else:
        principal = _oidc(_oidc_providers() or [])
    st.session_state[SESSION_PRINCIPAL] = principal
    if current_mode != "none":
        st.sidebar.caption(f":material/person: Signed in as **{principal.name}** · "
                           f"{', '.join(sorted(r.value for r in principal.roles)) or 'viewer'}")
        st.sidebar.button("Sign out", key="sign_out", on_click=_sign_out, icon=":material/logout:")
    return principal
