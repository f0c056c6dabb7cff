"""A real ``jupyter server`` (and one behind a real kernel gateway), driven with curl."""

from __future__ import annotations

import getpass
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .helpers import Process, free_port, http, jupyter_server_args

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

HERE = Path(__file__).resolve().parent
TOKEN = "e2e-secret-token"


@pytest.fixture
def home(tmp_path: Path) -> dict[str, Any]:
    """A root dir with ``my_actions.py``, a config dir that names it, isolated Jupyter dirs."""
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(HERE / "sample_actions.py", root / "my_actions.py")
    config = tmp_path / "config"
    config.mkdir()
    (config / "jupyter_server_config.py").write_text(
        'c.IntervalNB.actions = ["my_actions:actions"]\n'
        # jupyter-lsp and voila are installed in the dev environment; not needed here
        'c.ServerApp.jpserver_extensions = {"jupyter_lsp": False, "voila.server_extension": False}\n'
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JUPYTER", "INTERVAL_NB", "KERNEL_"))
    }
    env.update(
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    return {"root": root, "env": env, "tmp": tmp_path}


@pytest.fixture
def servers() -> Iterator[list[Process]]:
    """Every server a test starts; all stopped (with their kernels) at teardown."""
    started: list[Process] = []
    yield started
    for process in reversed(started):
        process.stop()


def jupyter_server(home: dict[str, Any], port: int, name: str, *extra: str) -> Process:
    return Process(
        jupyter_server_args(home["root"], port, TOKEN, *extra),
        cwd=home["root"],
        env=home["env"],
        log=home["tmp"] / f"{name}.log",
    )


def test_curl_drives_a_run_and_the_history_survives_a_restart(
    home: dict[str, Any], servers: list[Process]
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    api = f"{base}/interval/api"
    server = jupyter_server(home, port, "first")
    servers.append(server)
    server.wait_for(f"{base}/api/status?token={TOKEN}")

    status, listing = http("GET", f"{api}/actions", TOKEN)
    assert status == 200 and "greet" in [a["slug"] for a in listing["actions"]]
    status, body = http("POST", f"{api}/actions/greet/runs", TOKEN, {"params": {"ticket": 12}})
    assert status == 201
    run = body["run"]
    assert run["prompt"]["components"][0]["label"] == "Your name"
    answer = {"prompt_id": run["prompt"]["id"], "values": ["Grace"], "choice": None}
    status, body = http("POST", f"{api}/runs/{run['id']}/answer", TOKEN, answer)
    assert status == 200 and body["run"]["status"] == "completed"
    status, body = http("POST", f"{api}/actions/greet/runs", TOKEN, {})
    waiting = body["run"]

    server.stop()  # the waiting run hibernates (journaled), its kernel shut down
    server = jupyter_server(home, port, "second")
    servers.append(server)
    server.wait_for(f"{base}/api/status?token={TOKEN}")

    status, history = http("GET", f"{api}/runs", TOKEN)
    assert status == 200 and history["total"] == 2
    by_id = {r["id"]: r for r in history["runs"]}
    assert by_id[run["id"]]["status"] == "completed"
    assert by_id[run["id"]]["result"].startswith("Hello, Grace!")
    assert by_id[run["id"]]["params"] == {"ticket": 12}
    assert by_id[waiting["id"]]["status"] == "awaiting_input"
    assert by_id[waiting["id"]]["hibernated"] is True
    status, journal = http("GET", f"{api}/runs/{run['id']}/events", TOKEN)
    assert [e["event"] for e in journal["events"]] == [
        "started",
        "prompt_shown",
        "answered",
        "completed",
    ]
    # The history is the Jupyter data dir's, the default place.
    assert (home["tmp"] / "data" / "interval_nb" / "runs.sqlite").exists()


def test_runs_work_unchanged_behind_a_kernel_gateway(
    home: dict[str, Any], servers: list[Process]
) -> None:
    gateway_port, port = free_port(), free_port()
    gateway = Process(
        [
            sys.executable,
            "-m",
            "jupyter",
            "kernelgateway",
            "--KernelGatewayApp.ip=127.0.0.1",
            f"--KernelGatewayApp.port={gateway_port}",
            "--JupyterWebsocketPersonality.list_kernels=True",
        ],
        cwd=home["root"],
        env=home["env"],
        log=home["tmp"] / "gateway.log",
    )
    servers.append(gateway)
    gateway.wait_for(f"http://127.0.0.1:{gateway_port}/api")
    server = jupyter_server(home, port, "server", f"--gateway-url=http://127.0.0.1:{gateway_port}")
    servers.append(server)
    base = f"http://127.0.0.1:{port}"
    server.wait_for(f"{base}/api/status?token={TOKEN}")
    api = f"{base}/interval/api"

    status, body = http("POST", f"{api}/actions/refund/runs", TOKEN, {})
    # refund is for alice only; with token login the caller is the server's owner (OS user)
    assert status == (201 if getpass.getuser() == "alice" else 403)
    status, body = http("POST", f"{api}/actions/greet/runs", TOKEN, {})
    assert status == 201, body
    run = body["run"]
    answer = {"prompt_id": run["prompt"]["id"], "values": ["Ada"], "choice": None}
    status, body = http("POST", f"{api}/runs/{run['id']}/answer", TOKEN, answer)
    assert status == 200 and body["run"]["status"] == "completed", body

    # The kernel ran on the gateway, and journaled to the history it was given.
    status, kernels = http("GET", f"http://127.0.0.1:{gateway_port}/api/kernels", "")
    assert status == 200 and len(kernels) == 1
    db = sqlite3.connect(home["tmp"] / "data" / "interval_nb" / "runs.sqlite")
    (kernel_pid,) = db.execute("SELECT pid FROM runs WHERE id = ?", (run["id"],)).fetchone()
    assert kernel_pid != gateway.popen.pid and kernel_pid != server.popen.pid
    status, journal = http("GET", f"{api}/runs/{run['id']}/events", TOKEN)
    assert [e["event"] for e in journal["events"]][-1] == "completed"
