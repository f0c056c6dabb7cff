"""Shared fixtures: every test leaves no live run behind."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the kernels and nbclient tests also use the source tree
    sys.path.insert(0, str(ROOT))

from interval_nb.runtime import registry  # noqa: E402

# Kernels and servers started by the tests journal into a throwaway store, never into the
# user's own history (tests that check the store set their own path).
if "INTERVAL_NB_STORE" not in os.environ:
    os.environ["INTERVAL_NB_STORE"] = os.path.join(
        tempfile.mkdtemp(prefix="interval_nb-test-store-"), "runs.sqlite"
    )


@pytest.fixture(autouse=True)
def no_leaked_runs() -> Iterator[None]:
    """Fail a test that leaves a run of this process waiting (a leaked task)."""
    before = {r.id for r in registry.live_runs()}
    yield
    leaked = [r for r in registry.live_runs() if r.id not in before]
    for run in leaked:
        run.cancel("leaked by a test")
    assert not leaked, f"runs left live by the test: {leaked}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last: pytest-playwright's sync API leaves an event loop running in
    the main thread, which breaks every pytest-asyncio test that comes after it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
