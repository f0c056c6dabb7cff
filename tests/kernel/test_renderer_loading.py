"""A RunView carries a small loader, not the renderer: the renderer comes once per page.

The page gets the renderer from the server's static route, or, where there is none, by asking
the kernel once with ``{"type": "renderer"}``. A saved notebook keeps a few KB per run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from interval_nb.channels import renderer

from .frontend import HeadlessFrontend, run_view

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="module")]

STATIC = Path(__file__).resolve().parents[2] / "interval_nb" / "static"
COMM_OPEN_LIMIT = 10_000
"""Bytes a RunView's comm_open may take (the renderer alone is ~100 KB)."""

CELLS = """
import interval_nb as inb

actions = inb.Actions()

@actions.action
async def ask(io, ctx):
    return await io.input.text("Name")

run = ask.start()
"""


async def test_the_view_carries_the_loader_and_the_kernel_serves_the_renderer_once_asked(
    fe: HeadlessFrontend,
) -> None:
    since = len(fe.iopub)
    view = run_view(fe, await fe.execute(CELLS))
    (opened,) = [m for m in fe.comm_opens(since) if m["content"]["comm_id"] == view.comm_id]
    size = len(json.dumps(opened["content"]).encode())
    assert size <= COMM_OPEN_LIMIT, f"comm_open is {size} bytes"
    state = view.state
    assert "jupyter-config-data" in state["_esm"] and "static/interval_nb/" in state["_esm"]
    assert renderer.VERSION_MARK not in state["_esm"]  # stamped with the package version
    assert renderer.ROUTE_MARK not in state["_esm"]
    assert '"none"' in state["_esm"]  # this kernel's host has no interval_nb server extension
    assert await fe.evaluate("inb.__version__") in state["_esm"]
    assert state["_css"] == ""

    # a page with no server route asks the kernel, and gets the renderer's module and CSS
    await fe.send_custom(view.comm_id, {"type": "renderer"})
    reply = await fe.wait_for(
        lambda _models: next(
            (c for c in fe.model_customs.get(view.comm_id, []) if c.get("type") == "renderer"),
            None,
        ),
        what="the renderer reply",
    )
    assert reply["js"] == (STATIC / "runview.js").read_text(encoding="utf-8")
    assert reply["css"] == (STATIC / "runview.css").read_text(encoding="utf-8")
    assert len(reply["js"]) > 10 * COMM_OPEN_LIMIT


async def test_inline_renderer_puts_the_whole_module_in_every_view(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(renderer.INLINE_ENV, "1")
    assert renderer.module_source() == (STATIC / "runview.js").read_text(encoding="utf-8")
    assert renderer.css_source() == (STATIC / "runview.css").read_text(encoding="utf-8")
    monkeypatch.setenv(renderer.INLINE_ENV, "0")
    assert len(renderer.module_source()) < 4_000 and renderer.css_source() == ""
    monkeypatch.delenv(renderer.SERVED_ENV, raising=False)
    assert '"none"' in renderer.module_source()  # a kernel of standalone Voilà, VS Code, …
    monkeypatch.setenv(renderer.SERVED_ENV, str(os.getppid()))  # started by such a server
    assert '"served"' in renderer.module_source()
    monkeypatch.setenv(renderer.SERVED_ENV, str(os.getpid()))  # inherited from another process
    assert '"none"' in renderer.module_source()
