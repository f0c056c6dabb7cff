"""Shared plumbing for the benchmarks: a real kernel driven by the tests' headless frontend,
a real ``jupyter server`` serving one action registry, and the figures they print.

The frontend (``tests/kernel/frontend.py``) sends exactly the messages JupyterLab's widget
manager sends, optionally on a kernel subshell as JupyterLab 4.6 does by default.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.kernel.frontend import HeadlessFrontend  # noqa: E402
from tests.server.helpers import Process, free_port, jupyter_server_args  # noqa: E402

T = TypeVar("T")


@asynccontextmanager
async def kernel(name: str) -> AsyncIterator[HeadlessFrontend]:
    """A fresh kernel of this interpreter that can import interval_nb from the source tree.

    It journals to a run history of its own, made for this run: measured on a fresh history
    every time, and never filling the user's (a run of P2 writes 10,000 runs).
    """
    frontend = HeadlessFrontend(name, default_timeout=600)
    with tempfile.TemporaryDirectory(prefix="inb-bench-") as history:
        env = {"PYTHONPATH": str(ROOT), "INTERVAL_NB_STORE": str(Path(history) / "runs.sqlite")}
        await frontend.start(env=env)
        try:
            yield frontend
        finally:
            await frontend.shutdown()


async def next_iopub(
    frontend: HeadlessFrontend, start: int, match: Callable[[dict[str, Any]], bool], what: str
) -> dict[str, Any]:
    """The first IOPub message at or after index ``start`` that ``match``es (waits for it)."""

    def found(_models: Any) -> dict[str, Any] | None:
        for msg in frontend.iopub[start:]:
            if match(msg):
                return msg
        return None

    return await frontend.wait_for(found, 60, what=what)  # type: ignore[no-any-return]


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timing_line(label: str, values_ms: list[float], *, width: int = 44, digits: int = 7) -> str:
    """``label  p50 … ms   p90 … ms   (n=…)``, the label ``width`` wide, each figure ``digits``."""
    return (
        f"  {label:<{width}} p50 {statistics.median(values_ms):{digits}.2f} ms   "
        f"p90 {percentile(values_ms, 0.9):{digits}.2f} ms   (n={len(values_ms)})"
    )


def summary(values_ms: list[float]) -> str:
    """``p50 / p90`` in milliseconds."""
    return f"{statistics.median(values_ms):7.2f} / {percentile(values_ms, 0.9):7.2f} ms"


def now() -> float:
    """The clock the frontend stamps received messages with."""
    return time.monotonic()


PATIENCE = 600.0
"""Seconds a state may take to arrive before a benchmark gives up on it."""


def wait_for(
    what: str, probe: Callable[[], T | None], pause: float = 0.05, patience: float = PATIENCE
) -> T:
    """Poll ``probe`` until it returns something truthy (``TimeoutError`` after ``patience`` s)."""
    deadline = time.monotonic() + patience
    last: T | None = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(pause)
    raise TimeoutError(f"never saw {what}; last: {last!r}")


@dataclass
class JupyterServer:
    """A ``jupyter server`` subprocess on 127.0.0.1 serving one action registry (see :func:`serve`)."""

    process: Process
    port: int
    token: str
    runtime: Path
    """Its Jupyter runtime folder (the kernels' connection files)."""

    def wait_until_up(self) -> None:
        """Wait until the server answers ``GET /api/status``."""
        self.process.wait_for(f"http://127.0.0.1:{self.port}/api/status?token={self.token}")

    def stop(self) -> None:
        """Stop the server and its kernels."""
        self.process.stop()


def serve(folder: Path, module: str, actions: str, token: str, *extra: str) -> JupyterServer:
    """Start a ``jupyter server`` whose action registry is ``actions`` (the source of ``module``).

    Everything is in ``folder``: the server's root (with ``module``.py), its own Jupyter
    config, data and runtime folders (no ``JUPYTER*``/``INTERVAL_NB*`` variable is passed on)
    and its log, ``server.log``. Logs at WARN; ``extra`` are more command-line options.
    """
    root = folder / "root"
    root.mkdir(parents=True)
    (root / f"{module}.py").write_text(actions)
    config = folder / "config"
    config.mkdir()
    (config / "jupyter_server_config.py").write_text(
        f'c.IntervalNB.actions = ["{module}:actions"]\n'
        'c.ServerApp.jpserver_extensions = {"jupyter_lsp": False, "voila.server_extension": False}\n'
    )
    runtime = folder / "runtime"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "INTERVAL_NB"))}
    env.update(
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTER_DATA_DIR=str(folder / "data"),
        JUPYTER_RUNTIME_DIR=str(runtime),
    )
    port = free_port()
    args = jupyter_server_args(root, port, token, "--ServerApp.log_level=WARN", *extra)
    process = Process(args, cwd=root, env=env, log=folder / "server.log")
    return JupyterServer(process, port, token, runtime)
