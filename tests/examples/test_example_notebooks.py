"""The example notebooks and the Voilà dashboard run top to bottom in a real kernel (nbclient),
from their own folder, as JupyterLab and Voilà run them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..notebook_runner import execute_notebook, widget_views

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="function")]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


@pytest.mark.parametrize("name", ["refund.ipynb", "onboarding.ipynb", "data-team.ipynb"])
async def test_example_notebook_runs(name: str) -> None:
    outputs = await execute_notebook(NOTEBOOKS / "examples" / name, {"PYTHONPATH": str(ROOT)})
    assert len(widget_views(outputs)) == 1, "the last code cell shows the action's form"


async def test_dashboard_shows_the_launcher() -> None:
    outputs = await execute_notebook(NOTEBOOKS / "dashboard.ipynb", {"PYTHONPATH": str(ROOT)})
    assert len(widget_views(outputs)) == 1  # one launcher, shown once
