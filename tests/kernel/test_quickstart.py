"""The quickstart notebook runs top to bottom with nbclient in a real kernel."""

from __future__ import annotations

import pytest

from ..notebook_runner import execute_notebook, widget_views
from .conftest import ROOT, kernel_env

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="function")]

QUICKSTART = ROOT / "notebooks" / "quickstart.ipynb"


async def test_quickstart_notebook_executes() -> None:
    if not QUICKSTART.exists():
        pytest.skip(f"{QUICKSTART.relative_to(ROOT)} does not exist yet")
    outputs = await execute_notebook(QUICKSTART, kernel_env())
    assert widget_views(outputs), "the quickstart shows no widget at all"
