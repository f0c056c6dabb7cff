"""The quickstart notebook runs top to bottom with nbclient in a real kernel."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import ROOT, kernel_env
from .frontend import WIDGET_VIEW_MIME

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="function")]

QUICKSTART = ROOT / "notebooks" / "quickstart.ipynb"


async def test_quickstart_notebook_executes() -> None:
    if not QUICKSTART.exists():
        pytest.skip(f"{QUICKSTART.relative_to(ROOT)} does not exist yet")
    import nbformat
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    nb = nbformat.read(QUICKSTART, as_version=4)
    with tempfile.TemporaryDirectory(prefix="inb-nbclient-") as tmp:
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
            resources={"metadata": {"path": str(QUICKSTART.parent)}},
        )
        env = {**os.environ, **kernel_env(), "IPYTHONDIR": str(Path(tmp) / "ipython")}
        try:
            # cleanup_kc: nbclient otherwise leaves a kernel manager it was given (and its client) running
            await client.async_execute(env=env, cleanup_kc=True)
        finally:
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells), "every code cell must have run"
    outputs = [o for c in code_cells for o in c.get("outputs", [])]
    assert [o for o in outputs if o.output_type == "error"] == []
    assert [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"] == []
    widget_views = [
        o
        for o in outputs
        if o.output_type in ("display_data", "execute_result")
        and WIDGET_VIEW_MIME in o.get("data", {})
    ]
    assert widget_views, "the quickstart shows no widget at all"
