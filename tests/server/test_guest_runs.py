"""A run started in a notebook kernel this server runs is answered through the API.

The kernel is started by the server's kernel manager, as JupyterLab starts a notebook's, with
no interval_nb flag: the server opens its own client to it when the API first needs the run,
loads the kernel extension there, and asks the kernel to follow the run. The run is the
notebook's own: its state in the kernel (what the notebook's widget draws) moves with the
answer.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from .helpers import Api
from .test_api import answer

pytestmark = pytest.mark.kernel

CELL = """
import interval_nb as inb
nb_actions = inb.Actions()

@nb_actions.action
async def survey(io, ctx):
    colour = await io.input.text("Favourite colour")
    size = await io.input.number("Size")
    return {"colour": colour, "size": size}

run = survey.start()
"""


async def evaluate(client: Any, expression: str) -> str:
    """``expression`` evaluated in the kernel, as its repr."""
    reply = await client.execute("", user_expressions={"x": expression}, reply=True, timeout=30)
    value = reply["content"]["user_expressions"]["x"]
    assert value["status"] == "ok", value
    return str(value["data"]["text/plain"])


@pytest.fixture
async def notebook_kernel(jp_serverapp: Any, store_path: Path) -> Any:
    manager = jp_serverapp.kernel_manager
    env = {**os.environ, "INTERVAL_NB_STORE": str(store_path)}
    kernel_id = await manager.start_kernel(kernel_name="python3", env=env)
    client = manager.get_kernel(kernel_id).client()
    client.start_channels()
    await client.wait_for_ready(timeout=60)
    try:
        yield client
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(kernel_id, now=True)


async def test_a_notebook_run_is_answered_through_the_api(api: Api, notebook_kernel: Any) -> None:
    client = notebook_kernel
    reply = await client.execute(CELL, reply=True, timeout=60)
    assert reply["content"]["status"] == "ok", reply["content"]
    run_id = (await evaluate(client, "run.id")).strip("'")
    for _ in range(100):
        status, body = await api("GET", "runs", run_id)
        if status == 200 and body["run"]["status"] == "awaiting_input":
            break
        await asyncio.sleep(0.05)
    run = body["run"]
    assert run["answerable"] is True  # this server runs its kernel
    assert run["source"] == "notebook" and run["prompt"]["components"][0]["label"] == (
        "Favourite colour"
    )

    status, body = await answer(api, run, ["teal"])
    assert status == 200, body
    assert body["run"]["source"] == "notebook"
    assert body["run"]["prompt"]["components"][0]["label"] == "Size"
    # The notebook's run moved: its widget draws the same state.
    assert await evaluate(client, "run.prompt['components'][0]['label']") == "'Size'"
    status, body = await answer(api, body["run"], [3])
    assert status == 200 and body["run"]["status"] == "completed", body
    assert body["run"]["result"] == {"colour": "teal", "size": 3}
    assert await evaluate(client, "run.status") == "'completed'"
    status, journal = await api("GET", "runs", run_id, "events")
    assert [e.get("by") for e in journal["events"] if e["event"] == "answered"] == [
        "alice",
        "alice",
    ]
