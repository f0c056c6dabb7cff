"""A real JupyterHub on 127.0.0.1: alice's server runs the actions, shared with bob and carol.

The hub (``jupyterhub`` from PyPI, ``configurable-http-proxy`` from the labextension's npm
dev dependencies) authenticates with ``SharedPasswordAuthenticator`` (``PASSWORD``), spawns with
``SimpleLocalProcessSpawner`` (no OS users) and knows two groups: ops (bob) and managers
(carol). alice's single-user server runs the interval_nb server extension with ``ACTIONS``; it
is shared with bob and carol through the hub's sharing API (JupyterHub ≥ 5). A test-admin
service token drives the hub; each user gets a hub token of their own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.server.helpers import free_port, http

ROOT = Path(__file__).resolve().parents[2]
PROXY = ROOT / "labextension" / "node_modules" / ".bin" / "configurable-http-proxy"
ADMIN_TOKEN = "test-admin-token-0123456789abcdef"
PASSWORD = "hub-test-password"

ACTIONS = '''
import interval_nb as inb

actions = inb.Actions()


@actions.action(access=["alice", "group:ops", "group:managers"])
async def refund(io, ctx):
    """A refund an ops person asks for and a manager approves."""
    amount = await io.input.number("Amount", min=1)
    approved = await io.confirm(f"Refund ${amount}?").assign_to("group:managers")
    note = await io.input.text("Note for the customer")
    return {"amount": amount, "approved": approved, "note": note, "by": ctx.user.username}
'''

CONFIG = """
import os, sys
c = get_config()  # noqa: F821
PORT = int(os.environ["HUB_PORT"])
RUN = os.environ["HUB_RUN"]
c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{PORT + 1}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 2}"
c.ConfigurableHTTPProxy.command = [os.environ["HUB_PROXY"]]
c.ConfigurableHTTPProxy.pid_file = os.path.join(RUN, "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{RUN}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = os.path.join(RUN, "cookie_secret")
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["HUB_PASSWORD"]
c.Authenticator.allowed_users = {"alice", "bob", "carol", "dave"}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(RUN, "homes", "{username}")
c.Spawner.cmd = [os.path.join(os.path.dirname(sys.executable), "jupyterhub-singleuser")]
c.Spawner.args = [
    "--allow-root",
    "--HubOAuth.cache_max_age=2",
    "--LabApp.expose_app_in_browser=True",  # browser tests wait for window.jupyterapp.restored
    "--LabApp.user_settings_dir=" + os.path.join(RUN, "settings"),
    "--IntervalNB.actions=" + os.environ["HUB_ACTIONS"],
    "--IntervalNB.store_path=" + os.path.join(RUN, "runs.sqlite"),
]
c.Spawner.environment = {
    "JUPYTER_DATA_DIR": os.path.join(RUN, "data"),
    "JUPYTER_RUNTIME_DIR": os.path.join(RUN, "runtime"),
    "INTERVAL_NB_STORE": os.path.join(RUN, "runs.sqlite"),
}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.JupyterHub.load_groups = {"ops": {"users": ["bob"]}, "managers": {"users": ["carol"]}}
c.JupyterHub.services = [{"name": "test-admin", "api_token": os.environ["HUB_ADMIN_TOKEN"]}]
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", "shares!user", "read:users:name", "read:groups:name"]},
    {
        "name": "test-admin",
        "services": ["test-admin"],
        "scopes": ["admin:users", "admin:servers", "admin:server_state", "admin:groups",
                   "tokens", "shares", "read:users", "read:groups"],
    },
]
"""


@dataclass
class Hub:
    """A running hub: its public URL, its process, and the hub tokens of its users."""

    url: str
    run: Path
    process: subprocess.Popen[bytes]
    tokens: dict[str, str] = field(default_factory=dict)

    def api(self, method: str, path: str, body: Any = None, token: str = ADMIN_TOKEN) -> Any:
        """A call to the hub's REST API (as the test-admin service by default)."""
        status, reply = http(method, f"{self.url}/hub/api/{path}", token, body)
        assert 200 <= status < 300, (method, path, status, reply)
        return reply

    def token(self, user: str) -> str:
        """A hub token of ``user`` (made once), good on servers shared with them."""
        if user not in self.tokens:
            made = self.api("POST", f"users/{user}/tokens", {"note": "tests", "expires_in": 3600})
            self.tokens[user] = made["token"]
        return self.tokens[user]

    def interval(self, method: str, path: str, user: str, body: Any = None) -> tuple[int, Any]:
        """A call to the interval API on alice's server, as ``user``."""
        url = f"{self.url}/user/alice/interval/api/{path}"
        return http(method, url, self.token(user), body)

    def log_tail(self, lines: int = 60) -> str:
        """The end of the hub's log (the single-user servers log there too)."""
        log = self.run / "hub.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _wait(what: str, probe: Any, hub: Hub, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise AssertionError(f"the hub exited while waiting for {what}\n{hub.log_tail()}")
        found = probe()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"never saw {what}\n{hub.log_tail()}")


def _reachable(url: str) -> bool:
    try:
        status, _ = http("GET", url, "")
    except Exception:
        return False
    return status == 200


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The hub with alice's server up (running the actions) and shared with bob and carol."""
    if not PROXY.exists():
        pytest.fail(f"configurable-http-proxy is missing: run `npm ci` in labextension ({PROXY})")
    run = tmp_path_factory.mktemp("hub")
    (run / "jupyterhub_config.py").write_text(CONFIG)
    (run / "actions.py").write_text(ACTIONS)
    _quiet_lab_settings(run / "settings")
    port = free_port()
    while not all(_port_free(p) for p in (port + 1, port + 2)):
        port = free_port()
    env = {
        **os.environ,
        "HUB_PORT": str(port),
        "HUB_RUN": str(run),
        "HUB_PROXY": str(PROXY),
        "HUB_PASSWORD": PASSWORD,
        "HUB_ADMIN_TOKEN": ADMIN_TOKEN,
        "HUB_ACTIONS": str(run / "actions.py"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env = {k: v for k, v in env.items() if not k.startswith(("JUPYTER_", "INTERVAL_NB"))}
    log = (run / "hub.log").open("wb")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(run / "jupyterhub_config.py")],
        cwd=run,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    hub = Hub(url=f"http://127.0.0.1:{port}", run=run, process=process)
    try:
        _wait("the hub API", lambda: _reachable(f"{hub.url}/hub/api/"), hub)
        hub.api("POST", "users/alice/server")
        _wait(
            "alice's server",
            lambda: hub.api("GET", "users/alice")["servers"].get("", {}).get("ready"),
            hub,
        )
        for user in ("bob", "carol"):
            hub.api("POST", "shares/alice/", {"user": user})
        yield hub
    finally:
        _stop(process)
        log.close()
        shutil.rmtree(run / "runtime", ignore_errors=True)


def _quiet_lab_settings(settings: Path) -> None:
    """Lab settings without the "Would you like to get Jupyter news?" toast over screenshots."""
    target = settings / "@jupyterlab" / "apputils-extension"
    target.mkdir(parents=True)
    (target / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the hub (it stops the single-user servers and the proxy), SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
