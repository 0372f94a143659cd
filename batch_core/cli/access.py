"""`users`, `tokens` and `audit` commands: who may sign in to the dashboard, which API tokens
exist, and what the access audit recorded. Run on the app's host (they edit the data dir)."""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Callable

import batch_core
from batch_core.access import ROLE_NAMES, tokens, users

ROLES_HELP = f"comma-separated roles: {', '.join(ROLE_NAMES)} (default viewer)"


def _roles(raw: str) -> list[str]:
    return [part for part in raw.split(",") if part.strip()]


def _password(args: argparse.Namespace) -> str:
    # A variable keeps it out of `ps` and the shell history; a prompt keeps it off the screen.
    from_env = os.environ.get(args.password_env) if args.password_env else None
    if from_env:
        return from_env
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        raise ValueError("The two passwords differ.")
    return first


def _edit(args: argparse.Namespace, noun: str, add: Callable[[], str], remove: Callable[[str], bool],
          listed: Callable[[], list]) -> int:
    """add | remove | list on one credential file; a bad name, password or role is exit 2."""
    try:
        if args.action == "add":
            print(add())
        elif args.action == "remove":
            print("Removed." if remove(args.name) else f"No {noun} {args.name!r}.")
        else:
            for principal in listed():
                print(principal.describe())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    def add() -> str:
        added = users.add_user(args.name, _password(args), _roles(args.roles))
        return f"{added.describe()} can sign in to the dashboard ({users.users_path()})."
    return _edit(args, "user", add, users.remove_user, users.list_users)


def cmd_tokens(args: argparse.Namespace) -> int:
    def add() -> str:
        token = tokens.add_token(args.name, _roles(args.roles))
        return f"Token for {args.name} (shown once; only its hash is kept):\n{token}"
    return _edit(args, "token", add, tokens.remove_token, tokens.list_tokens)


def cmd_audit(args: argparse.Namespace) -> int:
    entries = batch_core.audit_log(limit=args.limit, meeting_id=args.meeting)
    for entry in entries:
        if args.json:
            print(json.dumps(entry, ensure_ascii=False))
        else:
            target = entry["meeting_id"] or entry["batch_id"]
            print(f"{entry['at']}  {entry['action']:<9} {target:<22} {entry['who']} via {entry['via']}"
                  + (f"  ({entry['detail']})" if entry["detail"] else ""))
    if not entries and not args.json:
        print("No access to a sensitive meeting has been recorded.")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    for noun, func in (("users", cmd_users), ("tokens", cmd_tokens)):
        what = "dashboard users (the local users file)" if noun == "users" else "HTTP API tokens"
        parser = sub.add_parser(noun, help=f"add, remove or list {what}")
        parser.add_argument("action", choices=["add", "remove", "list"])
        parser.add_argument("name", nargs="?", default="")
        parser.add_argument("--roles", default="viewer", help=ROLES_HELP)
        if noun == "users":
            parser.add_argument("--password-env", metavar="VAR",
                                help="read the password from this environment variable instead of a prompt")
        parser.set_defaults(func=func)
    audit = sub.add_parser("audit", help="the access audit of sensitive meetings, newest first")
    audit.add_argument("--limit", type=int, default=50)
    audit.add_argument("--meeting", help="only this meeting's entries")
    audit.add_argument("--json", action="store_true")
    audit.set_defaults(func=cmd_audit)
