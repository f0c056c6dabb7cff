"""Shared plumbing for the benchmarks: a real kernel driven by the tests' headless frontend.

The frontend (``tests/kernel/frontend.py``) sends exactly the messages JupyterLab's widget
manager sends, optionally on a kernel subshell as JupyterLab 4.6 does by default.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.kernel.frontend import HeadlessFrontend  # noqa: E402


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


def summary(values_ms: list[float]) -> str:
    """``p50 / p90`` in milliseconds."""
    return f"{statistics.median(values_ms):7.2f} / {percentile(values_ms, 0.9):7.2f} ms"


def now() -> float:
    """The clock the frontend stamps received messages with."""
    return time.monotonic()
