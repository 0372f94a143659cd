"""Run the real OpenID Provider (tests/fakes/oidc/provider.mjs, panva's oidc-provider under node)
on a free 127.0.0.1 port for the sign-in tests. `make test` installs its node modules."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.servers import free_port
from tests.waiting import wait_for

HERE = Path(__file__).resolve().parent / "oidc"


def require_node() -> str:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("The OIDC sign-in test needs node and tests/fakes/oidc/node_modules: "
                           "run `make test` (it installs both) or `make oidc-provider`.")
    return node


@contextmanager
def oidc_provider(client_id: str, client_secret: str, redirect_uri: str,
                  timeout: float = 30.0) -> Iterator[str]:
    """Yields the issuer URL; the provider process is killed afterwards."""
    port = free_port()
    process = subprocess.Popen([require_node(), str(HERE / "provider.mjs"), str(port), client_id,
                                client_secret, redirect_uri], cwd=HERE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    issuer = f"http://127.0.0.1:{port}"
    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"oidc-provider exited with code {process.returncode}")
        with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1):
            return True

    try:
        wait_for(answers, timeout, "oidc-provider to answer", poll=0.1, ignore=(OSError,))
        yield issuer
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
