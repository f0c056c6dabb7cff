"""Fixtures for the real-kernel tests: kernels of several ipykernel versions behind a headless,
JupyterLab-like frontend (``frontend.HeadlessFrontend``).

Kernels:

- ``ik-7.4``  – this venv's own ipykernel (the newest 7.x; 7.4.0 when written);
- ``ik-7.3``  – ipykernel 7.3.0: widget messages on a subshell run on the subshell thread (#1510);
- ``ik-6.29`` – ipykernel 6.29.5: no subshells, no top-level-await bypass.

The extra versions live in venvs under ``$INTERVAL_NB_TEST_KERNELS`` (default
``~/.cache/interval_nb/test-kernels/ipykernel-<ver>``), created on first use with
``python -m venv`` + ``pip install`` and reused while their marker file says the install
completed. If one cannot be created (no package index), the tests that need it fail with
pip's output; they are never skipped silently.

Every kernel gets ``PYTHONPATH`` = the project root (the package is not installed), or
``$INTERVAL_NB_KERNEL_PYTHONPATH`` when set (e.g. to test another checkout of the package).

One kernel is shared per test module and version (pytest groups tests by the module-scoped
parameter, so only one kernel of a module runs at a time); after every test the ``fe``
fixture cancels the runs the test left live and checks the kernel still executes a cell,
restarting it if it died.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

ROOT = Path(__file__).resolve().parents[2]
# The package is not installed: make `import interval_nb` work in this process too.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from .frontend import FrontendError, HeadlessFrontend, ensure_kernel_env, pid_alive  # noqa: E402

KERNELS: dict[str, str | None] = {
    "ik-7.4": None,  # this interpreter's ipykernel
    "ik-7.3": "7.3.0",
    "ik-6.29": "6.29.5",
}
KERNEL_IDS = list(KERNELS)


def kernel_pythonpath() -> str:
    return os.environ.get("INTERVAL_NB_KERNEL_PYTHONPATH") or str(ROOT)


def kernel_env() -> dict[str, str]:
    """What every test kernel gets on top of this process's environment."""
    return {"PYTHONPATH": kernel_pythonpath()}


_envs: dict[str, str | BaseException] = {}


def _python_for(kernel_id: str) -> str:
    """The env's python; a failure is remembered, so the next test fails at once (no retry)."""
    if kernel_id not in _envs:
        version = KERNELS[kernel_id]
        try:
            _envs[kernel_id] = (
                sys.executable
                if version is None
                else ensure_kernel_env(
                    version, log=lambda line: print(f"[kernel envs] {line}", file=sys.stderr)
                )
            )
        except Exception as exc:
            _envs[kernel_id] = exc
    found = _envs[kernel_id]
    if isinstance(found, BaseException):
        raise found
    return found


async def python_for(kernel_id: str) -> str:
    """The python of the kernel env ``kernel_id``; fails the test (never skips) if it can't be made."""
    try:
        return await asyncio.to_thread(_python_for, kernel_id)
    except Exception as exc:
        pytest.fail(f"kernel env {kernel_id} is not available: {exc}", pytrace=False)


_started_pids: list[int] = []


async def start_frontend(kernel_id: str, name: str | None = None) -> HeadlessFrontend:
    """A started frontend on a fresh kernel of ``kernel_id`` (the caller shuts it down)."""
    python = await python_for(kernel_id)
    fe = HeadlessFrontend(name or kernel_id)
    try:
        await fe.start(python, env=kernel_env())
    except BaseException:
        _started_pids.extend(fe.kernel_pids)
        await fe.shutdown()
        raise
    fe.kernel_id = kernel_id  # type: ignore[attr-defined]
    return fe


async def stop_frontend(fe: HeadlessFrontend) -> None:
    pids = fe.kernel_pids
    _started_pids.extend(pids)
    await fe.shutdown()
    leaked = [pid for pid in pids if pid_alive(pid)]
    assert not leaked, f"kernel processes still alive after shutdown: {leaked}"


@pytest.fixture(scope="session", autouse=True)
def _no_leaked_kernels() -> object:
    """After the whole session, no kernel process this suite started may be left running."""
    yield
    leaked = [pid for pid in _started_pids if pid_alive(pid)]
    assert not leaked, f"kernel processes leaked by the kernel tests: {leaked}"


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=KERNEL_IDS)
async def module_frontend(request: pytest.FixtureRequest) -> AsyncIterator[HeadlessFrontend]:
    """One kernel (of each version) for the tests of a module, behind a headless Lab-like frontend."""
    fe = await start_frontend(request.param)
    try:
        yield fe
    finally:
        await stop_frontend(fe)


CLEANUP = """
import interval_nb as _inb_cleanup
_inb_left = [r for r in _inb_cleanup.runs()]
for _r in _inb_left:
    _r.cancel("test cleanup")
print(len(_inb_left))
"""


@pytest_asyncio.fixture(loop_scope="module")
async def fe(module_frontend: HeadlessFrontend) -> AsyncIterator[HeadlessFrontend]:
    """The module's frontend for one test; afterwards leftover runs are cancelled and the kernel
    must still execute a cell (if it died it is restarted for the next test and this test errors)."""
    module_frontend.use_subshells = True
    yield module_frontend
    module_frontend.use_subshells = True
    if not await module_frontend.is_alive():
        await module_frontend.restart()
        pytest.fail("the kernel died during this test (restarted for the next one)", pytrace=False)
    try:
        ex = await module_frontend.execute(CLEANUP, timeout=15, allow_error=True)
        problem = None if ex.status == "ok" else ex.describe()
    except FrontendError as exc:  # e.g. a cell still blocked on an answer: the kernel is stuck
        problem = str(exc)
    if problem is not None:
        await module_frontend.restart()
        pytest.fail(
            f"the kernel could not run the cleanup cell after this test (restarted for the next "
            f"one):\n{problem}",
            pytrace=False,
        )


@pytest.fixture
def kernel_id(module_frontend: HeadlessFrontend) -> str:
    return module_frontend.kernel_id  # type: ignore[attr-defined,no-any-return]
