"""interval-sdk actions in real kernels, driven through the RunView as JupyterLab would.

Each test runs on ipykernel 7.4 (this venv), 7.3 and 6.29 (see ``tests/kernel/conftest.py``).
"""

from __future__ import annotations

import textwrap
import uuid
from pathlib import Path

import nbformat
import pytest

from ..kernel.frontend import HeadlessFrontend, RunViewHandle, run_view

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="module")]

STEP = 10.0


def cell_id(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


LAUNCHER_CELL = textwrap.dedent("""
    from interval_nb.compat import Action, Interval, IO, ctx_var

    interval = Interval("ignored-api-key")

    @interval.action
    async def add_two_numbers(io: IO):
        a = await io.input.number("First number")
        b = await io.input.number("Second number", min=a + 1)
        ctx = ctx_var.get()
        await ctx.loading.start("Adding")
        await ctx.log("adding", a, b)
        return {"sum": a + b}

    async def hidden(io):
        return None

    interval.routes.add("hidden", Action(hidden, unlisted=True))
""")


def _children(state: dict) -> list[str]:
    return [c.removeprefix("IPY_MODEL_") for c in state.get("children", [])]


async def test_listen_in_a_cell_shows_the_launcher_and_its_card_runs_the_action(
    fe: HeadlessFrontend,
) -> None:
    await fe.execute(LAUNCHER_CELL, cell_id=cell_id("defs"))
    shown = await fe.execute("interval.listen()", cell_id=cell_id("listen"))
    assert len(shown.widget_model_ids) == 1, "listen() must display the launcher once"
    cards_id, runs_box_id = _children(fe.models[shown.widget_model_ids[0]])
    assert [a["slug"] for a in fe.models[cards_id]["actions"]] == ["add_two_numbers"]
    assert fe.models[cards_id]["actions"][0]["name"] == "Add two numbers"

    await fe.send_custom(cards_id, {"type": "start", "slug": "add_two_numbers"})
    box = await fe.wait_for_model(
        runs_box_id, lambda s: len(s.get("children", [])) == 1, STEP, what="the run's view"
    )
    view = RunViewHandle(fe, _children(box)[0])
    first = await view.wait_prompt(kind="input.number", timeout=STEP)
    await view.answer(3)
    second = await view.wait_prompt(not_id=first["id"], timeout=STEP)
    assert second["components"][0]["props"]["min"] == 4
    await view.answer(2)
    rejected = await view.wait_prompt(with_error=True, timeout=STEP)
    assert rejected["components"][0]["error"] == "Must be at least 4."
    await view.answer(5)
    state = await view.wait_status("completed", timeout=STEP)
    assert state["result"] == {"sum": 8}
    assert state["logs"] == ["adding 3 5"] and state["loading"]["label"] == "Adding"
    assert await fe.evaluate("interval.is_connected and interval.launcher is not None") is True


async def test_sdk_module_runs_groups_choices_and_validation_in_the_kernel(
    fe: HeadlessFrontend,
) -> None:
    await fe.execute(
        "from tests.compat.sdk_actions import interval as sdk", cell_id=cell_id("import")
    )
    start = await fe.execute('run = sdk.get("onboard").start()', cell_id=cell_id("start"))
    view = run_view(fe, start)
    group = await view.wait_prompt(timeout=STEP)
    assert [c["kind"] for c in group["components"]] == ["input.text", "input.email", "input.url"]
    await view.answer("Grace", "grace@navy.mil", None)
    rejected = await view.wait_prompt(with_error=True, timeout=STEP)
    assert rejected["error"] == "Use an @example.com address"
    await view.answer("Grace", "grace@example.com", "https://grace.dev")
    form = await view.wait_prompt(not_id=group["id"], timeout=STEP)
    assert [c["value"] for c in form["choices"]] == ["create", "delete"]
    await view.answer("data", "2030-01-01", choice="delete")
    assert (await view.wait_prompt(with_error=True, timeout=STEP))["error"] == (
        "Only ops can be deleted"
    )
    await view.answer("ops", "2030-01-01", choice="delete")
    flag = await view.wait_prompt(not_id=form["id"], timeout=STEP)
    await view.answer(True, choice="Finish")
    state = await view.wait_status("completed", timeout=STEP)
    assert state["result"] == {
        "name": "Grace",
        "email": "grace@example.com",
        "site": "https://grace.dev",
        "choice": "delete",
        "team": "ops",
        "start": "2030-01-01",
        "flag": ["Finish", True],
    }
    assert flag["components"][0]["kind"] == "input.boolean"


async def test_cancel_from_the_view_reaches_the_action_as_ioerror(fe: HeadlessFrontend) -> None:
    await fe.execute(
        "from tests.compat import sdk_actions\nsdk_actions.CLEANUPS.clear()",
        cell_id=cell_id("import"),
    )
    start = await fe.execute(
        'run = sdk_actions.interval.get("cancellable").start()', cell_id=cell_id("start")
    )
    view = run_view(fe, start)
    await view.wait_prompt(timeout=STEP)
    await view.cancel()
    await view.wait_status("cancelled", timeout=STEP)
    assert await fe.evaluate("[run.status, sdk_actions.CLEANUPS]") == ["cancelled", ["CANCELED"]]


REGISTER_ON_COMM = textwrap.dedent("""
    from comm import get_comm_manager
    from interval_nb.compat import Interval

    served = Interval("ignored-api-key")
    seen = []

    def on_open(comm, msg):  # like the server extension, which loads registries over a comm
        served.listen()
        seen.append((msg["header"]["msg_type"], served.is_connected, served.launcher))

    get_comm_manager().register_target("compat-listen-test", on_open)
""")


async def test_listen_outside_a_cell_only_registers(fe: HeadlessFrontend) -> None:
    await fe.execute(REGISTER_ON_COMM, cell_id=cell_id("target"))
    before = len(fe.iopub)
    fe._send(
        "shell",
        "comm_open",
        {"comm_id": uuid.uuid4().hex, "target_name": "compat-listen-test", "data": {}},
    )
    # The shell handles the comm_open before this later execute_request.
    seen = await fe.evaluate("seen")
    assert seen == [["comm_open", True, None]]
    displayed = [m for m in fe.iopub[before:] if m["msg_type"] == "display_data"]
    assert displayed == [], "listen() outside a cell must not display anything"


NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "migrating-from-interval.ipynb"


async def test_the_migration_notebook_runs_cell_by_cell(fe: HeadlessFrontend) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    executions = [
        await fe.execute(cell.source, cell_id=cell_id(f"nb{i}"))
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
    ]
    assert all(ex.status == "ok" and not ex.stdout and not ex.stderr for ex in executions)
    launcher, start = executions[-2], executions[-1]
    assert len(launcher.widget_model_ids) == 1, "interval.listen() shows the launcher"
    cards_id, _ = _children(fe.models[launcher.widget_model_ids[0]])
    assert [a["name"] for a in fe.models[cards_id]["actions"]] == [
        "Add two numbers",
        "Refund a customer",
        "Whoami",
    ]
    view = run_view(fe, start)
    first = await view.wait_prompt(timeout=STEP)
    await view.answer(20)
    await view.wait_prompt(not_id=first["id"], timeout=STEP)
    await view.answer(22)
    assert (await view.wait_status("completed", timeout=STEP))["result"] == {"sum": 42}


async def test_every_input_and_display_in_the_kernel(fe: HeadlessFrontend) -> None:
    await fe.execute("from tests.compat.sdk_actions import interval as sdk", cell_id=cell_id("i"))
    inputs = run_view(fe, await fe.execute('sdk.get("every-input").start()', cell_id=cell_id("s")))
    group = await inputs.wait_prompt(timeout=STEP)
    assert len(group["components"]) == 12
    await inputs.answer(
        "Ada",
        "Hi",
        "ada@example.com",
        "12.35",
        3,
        7,
        True,
        "https://ada.dev/x",
        "2019-05-01",
        "07:15",
        "2030-05-01T09:30",
        None,
    )
    result = (await inputs.wait_status("completed", timeout=STEP))["result"]
    assert (result["amount"], result["rating"], result["alarm"]) == (12.35, 7, "07:15:00")
    assert result["homepage"][:3] == ["https", "ada.dev", "/x"]  # a ParseResult, as JSON

    displays = run_view(
        fe, await fe.execute('sdk.get("show_everything").start()', cell_id=cell_id("d"))
    )
    state = await displays.wait(
        lambda s: (s.get("prompt") or {}).get("exclusive"), STEP, what="the confirm"
    )
    assert len(state["transcript"]) == 10  # heading … grid, shown before the question
    await displays.answer(True)
    assert (await displays.wait_status("completed", timeout=STEP))["result"] is True
