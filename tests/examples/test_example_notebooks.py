"""The example notebooks and the Voilà dashboard run top to bottom in a real kernel (nbclient),
from their own folder, as JupyterLab and Voilà run them."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="function")]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"


async def _execute(path: Path) -> list[dict]:
    import nbformat
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="inb-examples-") as tmp:
        spec_dir = Path(tmp) / "kernels" / "inb-test"
        spec_dir.mkdir(parents=True)
        (spec_dir / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "interval_nb test",
                    "language": "python",
                }
            )
        )
        km = AsyncKernelManager(
            kernel_name="inb-test",
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(Path(tmp) / "kernels")]),
        )
        client = NotebookClient(
            nb,
            km=km,
            timeout=120,
            kernel_name="inb-test",
            resources={"metadata": {"path": str(path.parent)}},
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT), "IPYTHONDIR": str(Path(tmp) / "ipython")}
        try:
            await client.async_execute(env=env, cleanup_kc=True)
        finally:
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells), "every code cell must have run"
    outputs = [o for c in code_cells for o in c.get("outputs", [])]
    assert [o for o in outputs if o.output_type == "error"] == []
    assert [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"] == []
    return outputs


def _widget_views(outputs: list[dict]) -> list[dict]:
    return [o for o in outputs if WIDGET_VIEW_MIME in o.get("data", {})]


@pytest.mark.parametrize("name", ["refund.ipynb", "onboarding.ipynb", "data-team.ipynb"])
async def test_example_notebook_runs(name: str) -> None:
    outputs = await _execute(NOTEBOOKS / "examples" / name)
    assert len(_widget_views(outputs)) == 1, "the last code cell shows the action's form"


async def test_dashboard_shows_the_launcher() -> None:
    outputs = await _execute(NOTEBOOKS / "dashboard.ipynb")
    assert len(_widget_views(outputs)) == 1  # one launcher, shown once
