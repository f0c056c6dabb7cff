"""Kernels Voilà starts under /voila/render/ are shut down once no page is connected to them
for ``IntervalNB.voila_cull_idle_timeout``; nothing else on the server is culled.

A real ``jupyter server`` with Voilà's and interval_nb's extensions. The order of events makes
the test decide by state, not by time: every kernel that must survive was idle *longer* than
the Voilà kernel that gets culled, so a culler that looked at idleness alone would have taken
it in the same pass or earlier.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tornado.websocket import websocket_connect

from tests.browser.servers import Server, start_jupyter_server

pytestmark = pytest.mark.kernel


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    started = start_jupyter_server(
        tmp_path,
        ["dashboard.ipynb"],
        dirs=["examples"],
        extra_args=[
            "--IntervalNB.voila_cull_idle_timeout=2",
            "--IntervalNB.voila_cull_interval=0.5",
        ],
    )
    try:
        yield started
    finally:
        started.stop()


def _call(server: Server, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{server.url}{path}?token={server.token}", data=data, method=method
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        text = response.read().decode()
    return json.loads(text) if text.startswith(("{", "[")) else text


def _kernel_ids(server: Server) -> set[str]:
    return {k["id"] for k in _call(server, "GET", "/api/kernels")}


def _render_dashboard(server: Server) -> str:
    """Render the dashboard as a page would (Voilà starts a kernel for it); return that kernel."""
    before = _kernel_ids(server)
    page = _call(server, "GET", "/voila/render/dashboard.ipynb")
    assert "inb" in page or "interval" in page.lower()
    (new,) = _kernel_ids(server) - before
    return new


async def _wait_gone(server: Server, kernel_id: str, timeout: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while kernel_id in await asyncio.to_thread(_kernel_ids, server):
        if loop.time() > deadline:
            raise AssertionError(f"kernel {kernel_id} still running:\n{server.log_tail()}")
        await asyncio.sleep(0.2)


async def test_only_unconnected_voila_kernels_are_culled(server: Server) -> None:
    # a notebook kernel as JupyterLab starts one (a session), with no tab connected
    session = await asyncio.to_thread(
        _call,
        server,
        "POST",
        "/api/sessions",
        {"path": "notes.ipynb", "type": "notebook", "name": "", "kernel": {"name": "python3"}},
    )
    lab_kernel = session["kernel"]["id"]

    # a dashboard with its page still open: connected over the kernel's websocket
    open_page = await asyncio.to_thread(_render_dashboard, server)
    ws_url = server.url.replace("http", "ws", 1)
    socket = await websocket_connect(
        f"{ws_url}/api/kernels/{open_page}/channels?token={server.token}"
    )
    try:
        connected = await asyncio.to_thread(_call, server, "GET", f"/api/kernels/{open_page}")
        assert connected["connections"] == 1

        # a dashboard whose tab vanished without closing: nobody connected
        vanished = await asyncio.to_thread(_render_dashboard, server)
        await _wait_gone(server, vanished)

        still = await asyncio.to_thread(_kernel_ids, server)
        assert lab_kernel in still, "a notebook kernel was culled"
        assert open_page in still, "a Voilà kernel with its page open was culled"
        assert "Voilà kernel" in server.log.read_text()
    finally:
        await _close(socket)


async def _close(socket: Any) -> None:
    """Close the websocket and wait for the server's close (no socket left for the GC to warn of)."""
    socket.close()
    while await asyncio.wait_for(socket.read_message(), timeout=30) is not None:
        pass  # messages the kernel sent before the close


def test_intervals_below_a_tenth_of_a_second_are_refused() -> None:
    """A zero interval would spin the server's loop; the configuration error says so instead."""
    from traitlets import TraitError

    from interval_nb.server.app import IntervalNB

    app = IntervalNB()
    for name in ("voila_cull_interval", "kernel_check_interval", "sweep_interval"):
        with pytest.raises(TraitError, match="should not be less than 0.1"):
            setattr(app, name, 0)
    with pytest.raises(TraitError):
        app.voila_cull_idle_timeout = -1
