"""Helpers shared by the server tests."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

Api = Callable[..., Any]
"""``await api(method, *path, body=, token=, params=, raw=)`` → ``(status, json)``."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    """A server started as a subprocess in its own process group; ``stop()`` ends them all."""

    def __init__(self, args: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._log = log.open("wb")
        self.popen = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_for(self, url: str, timeout: float = 60) -> None:
        """Poll ``url`` until it answers 200 (fails early if the process exits)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{url} did not answer: {self.log.read_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        """Stop the server gracefully (its kernels with it); kill the group if it lingers."""
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(5)
        self._log.close()


def http(method: str, url: str, token: str, body: Any = None) -> tuple[int, Any]:
    """One request with curl when installed (as a user would), else urllib."""
    data = None if body is None else json.dumps(body)
    if shutil.which("curl"):
        args = [
            "curl",
            "-s",
            "-X",
            method,
            "-H",
            f"Authorization: token {token}",
            "-w",
            "\n%{http_code}",
        ]
        if data is not None:
            args += ["-H", "Content-Type: application/json", "-d", data]
        out = subprocess.run(
            [*args, url], capture_output=True, text=True, timeout=60, check=True
        ).stdout
        text, _, code = out.rpartition("\n")
        return int(code), json.loads(text) if text else None
    request = urllib.request.Request(
        url,
        method=method,
        data=None if data is None else data.encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def stored_row(run_id: str, **overrides: Any) -> dict[str, Any]:
    """A ``runs`` row as a kernel writes it (override any column)."""
    now = time.time()
    row = {
        "id": run_id,
        "action": "greet",
        "title": "Greet",
        "status": "running",
        "user": "alice",
        "params": "{}",
        "created": now,
        "updated": now,
        "prompt": None,
        "loading": None,
        "result": None,
        "error": None,
        "source": "api",
        "access": None,
        "kernel_id": None,
        "host": "here",
        "pid": None,
    }
    row.update(overrides)
    return row


def jupyter_server_args(root: Path, port: int, token: str, *extra: str) -> list[str]:
    """``python -m jupyter server`` on 127.0.0.1 with a token, as root if need be."""
    return [
        sys.executable, "-m", "jupyter", "server", "--allow-root", "--no-browser",
        "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", *extra,
    ]  # fmt: skip
