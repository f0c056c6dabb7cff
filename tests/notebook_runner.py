"""Execute a notebook top to bottom in a real kernel (nbclient), as JupyterLab or Voilà would."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"


async def execute_notebook(path: Path, env: Mapping[str, str]) -> list[Any]:
    """Run every code cell of ``path`` from its own folder; return the code cells' outputs.

    The kernel is this interpreter's ipykernel (a private kernelspec, its own IPython dir) with
    ``env`` on top of this process's environment. Fails if a cell did not run, raised, or wrote
    to stderr.
    """
    import nbformat
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
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
            resources={"metadata": {"path": str(path.parent)}},
        )
        kernel_env = {**os.environ, **env, "IPYTHONDIR": str(Path(tmp) / "ipython")}
        try:
            # cleanup_kc: nbclient otherwise leaves a kernel manager it was given (and its client) running
            await client.async_execute(env=kernel_env, cleanup_kc=True)
        finally:
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells), "every code cell must have run"
    outputs = [o for c in code_cells for o in c.get("outputs", [])]
    assert [o for o in outputs if o.output_type == "error"] == []
    assert [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"] == []
    return outputs


def widget_views(outputs: list[Any]) -> list[Any]:
    """The outputs that display a widget."""
    return [
        o
        for o in outputs
        if o.output_type in ("display_data", "execute_result")
        and WIDGET_VIEW_MIME in o.get("data", {})
    ]
