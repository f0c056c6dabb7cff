"""Jupyter servers for browser tests: real subprocesses on 127.0.0.1, free ports, cleaned up."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running Jupyter server (JupyterLab or standalone Voilà)."""

    url: str
    token: str
    root: Path
    process: subprocess.Popen[bytes]
    log: Path
    log_file: IO[bytes]

    def stop(self) -> None:
        """Stop the server and its kernels (SIGTERM to its process group, then SIGKILL)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log_file.close()

    def interval(self, method: str, path: str, token: str, body: Any = None) -> Any:
        """Call the interval API (``{url}/interval/api/{path}``) as ``token``'s person; its JSON."""
        request = urllib.request.Request(
            f"{self.url}/interval/api/{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server log, for failure messages."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def kernel_exists(self, kernel_id: str) -> bool:
        """Whether the server still runs kernel ``kernel_id`` (``GET /api/kernels/<id>``).

        Standalone Voilà serves that route too (it has no kernel list).
        """
        url = f"{self.url}/api/kernels/{kernel_id}?token={self.token}"
        try:
            with urllib.request.urlopen(url, timeout=10):
                return True
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return False
            raise


def _wait_up(server: Server, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}{path}?token={server.token}", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"server not up after {timeout}s:\n{server.log_tail()}")


def _prepare_root(tmp: Path, notebooks: list[str], files: dict[str, str] | None = None) -> Path:
    root = tmp / "root"
    root.mkdir()
    for name in notebooks:
        shutil.copy(NOTEBOOKS / name, root / name)
    for name, text in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _quiet_lab_settings(tmp: Path) -> Path:
    settings = tmp / "settings"
    target = settings / "@jupyterlab" / "apputils-extension"
    target.mkdir(parents=True)
    # no "Would you like to get Jupyter news?" toast over the screenshots
    (target / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    return settings


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["JUPYTER_RUNTIME_DIR"] = str(tmp / "runtime")
    env["JUPYTER_DATA_DIR_TEST"] = str(tmp)
    env["INTERVAL_NB_STORE"] = str(tmp / "runs.sqlite")  # each server its own run history
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")]
    )
    return env


def start_lab(
    tmp: Path,
    notebooks: list[str],
    files: dict[str, str] | None = None,
    extra_args: Sequence[str] = (),
    base_url: str = "/",
) -> Server:
    """Start ``jupyter lab`` serving ``notebooks`` (and extra ``files``) from a temp root.

    ``extra_args`` go on the command line (e.g. ``--IntervalNB.actions=...``); with a
    ``base_url`` such as ``/user/ana/`` (JupyterHub's shape) the returned ``url`` includes it.
    """
    root = _prepare_root(tmp, notebooks, files)
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        *_server_args(port, token, root),
        f"--LabApp.user_settings_dir={_quiet_lab_settings(tmp)}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        "--ServerApp.open_browser=False",
        "--LabApp.expose_app_in_browser=True",  # tests wait for window.jupyterapp.restored
        f"--ServerApp.base_url={base_url}",
        *extra_args,
    ]
    return _launch(tmp, "lab", cmd, _env(tmp), root, port, token, base_url=base_url)


def _server_args(port: int, token: str, root: Path) -> list[str]:
    """The command-line arguments every Jupyter server here gets (loopback, token, root, root user)."""
    return [
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]


def _launch(
    tmp: Path,
    name: str,
    cmd: list[str],
    env: dict[str, str],
    root: Path,
    port: int,
    token: str,
    *,
    base_url: str = "/",
    health: str = "/api/status",
    cwd: Path | None = None,
) -> Server:
    """Start ``cmd`` in its own process group (logging to ``<tmp>/<name>.log``) and wait until up."""
    log = tmp / f"{name}.log"
    log_file = log.open("wb")
    process = subprocess.Popen(
        cmd,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
        cwd=cwd,
    )
    url = f"http://127.0.0.1:{port}{base_url.rstrip('/')}"
    server = Server(url, token, root, process, log, log_file)
    _wait_up(server, health)
    return server


def _copy_dirs(root: Path, dirs: Sequence[str]) -> None:
    """Copy folders of ``notebooks/`` (e.g. ``examples``, which a dashboard imports) into ``root``."""
    for name in dirs:
        shutil.copytree(NOTEBOOKS / name, root / name, ignore=shutil.ignore_patterns("exports"))


def _voila_env(tmp: Path) -> dict[str, str]:
    """The environment for Voilà: as ``_env``, with the interval-nb labextension as real files.

    An editable install links ``share/jupyter/labextensions/interval-nb`` to the source tree;
    tornado ≥ 6.5 refuses to serve files through a symlink that leaves the static directory,
    and unlike JupyterLab, Voilà does not allow it, so the page would log a 403 for the
    extension. A copy first on ``JUPYTER_PATH`` serves what a regular ``pip install`` has.
    """
    env = _env(tmp)
    from jupyter_core.paths import jupyter_path

    for base in jupyter_path("labextensions"):
        installed = Path(base) / "interval-nb"
        if installed.is_symlink():
            share = tmp / "jupyter-path"
            shutil.copytree(installed.resolve(), share / "labextensions" / "interval-nb")
            env["JUPYTER_PATH"] = os.pathsep.join([str(share), env.get("JUPYTER_PATH", "")])
            break
    return env


def start_voila(
    tmp: Path,
    notebook: str,
    dirs: Sequence[str] = (),
    config: Path | None = None,
) -> Server:
    """Start standalone ``voila`` on one notebook (with ``dirs`` of ``notebooks/`` beside it).

    ``config`` is copied into the server's working directory as ``voila.json``, where Voilà
    looks for it, as when ``voila notebooks/dashboard.ipynb`` runs from the checkout.
    """
    root = _prepare_root(tmp, [notebook])
    _copy_dirs(root, dirs)
    if config is not None:
        shutil.copy(config, root / "voila.json")
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--token={token}",
        str(root / notebook),
    ]
    return _launch(tmp, "voila", cmd, _voila_env(tmp), root, port, token, health="/", cwd=root)


def start_jupyter_server(
    tmp: Path,
    notebooks: list[str],
    dirs: Sequence[str] = (),
    extra_args: Sequence[str] = (),
    files: dict[str, str] | None = None,
) -> Server:
    """Start a plain ``jupyter server`` (no Lab UI) for ``/voila/render/…`` and the APIs.

    Voilà's server extension is enabled when voila is installed, so its notebooks render at
    ``{url}/voila/render/<notebook>``; ``extra_args`` go on the command line, ``files``
    (name → text) into the root.
    """
    root = _prepare_root(tmp, notebooks, files)
    _copy_dirs(root, dirs)
    port, token = free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter_server", *_server_args(port, token, root), *extra_args]
    return _launch(tmp, "server", cmd, _voila_env(tmp), root, port, token)
