"""``actions.show()``: a launcher whose cards start runs from a widget message (no cell executed)."""

from __future__ import annotations

import textwrap
import uuid

import pytest

from .frontend import HeadlessFrontend, RunViewHandle

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="module")]

STEP = 10.0

LAUNCHER_ACTIONS = textwrap.dedent("""
    import interval_nb as inb

    actions = inb.Actions()

    @actions.action
    async def greet(io, ctx):
        "Say hello to someone."
        name = await io.input.text("Who?")
        return f"Hello, {name}!"

    @actions.action(name="Add numbers")
    async def add(io, ctx):
        a = await io.input.number("a")
        b = await io.input.number("b")
        return a + b
""")


def _children(state: dict) -> list[str]:
    return [c.removeprefix("IPY_MODEL_") for c in state.get("children", [])]


async def test_launcher_card_starts_a_run_that_can_be_answered(fe: HeadlessFrontend) -> None:
    await fe.execute(LAUNCHER_ACTIONS, cell_id=f"defs-{uuid.uuid4().hex[:8]}")
    shown = await fe.execute("actions.show()", cell_id=f"launcher-{uuid.uuid4().hex[:8]}")
    assert len(shown.widget_model_ids) == 1, "the launcher must be displayed exactly once"
    host = fe.models[shown.widget_model_ids[0]]
    cards_id, runs_box_id = _children(host)
    cards = fe.models[cards_id]
    assert cards["_model_name"] == "AnyModel"
    assert [a["slug"] for a in cards["actions"]] == ["greet", "add"]
    assert cards["actions"][0]["description"] == "Say hello to someone."
    assert cards["actions"][1]["name"] == "Add numbers"
    executes = fe.count_sent("execute_request")

    await fe.send_custom(cards_id, {"type": "start", "slug": "no-such-action"})  # ignored
    await fe.send_custom(cards_id, "junk")
    await fe.send_custom(cards_id, {"type": "start", "slug": "greet"})
    box = await fe.wait_for_model(
        runs_box_id,
        lambda s: len(s.get("children", [])) == 1,
        STEP,
        what="the run's view under the launcher",
    )
    view = RunViewHandle(fe, _children(box)[0])
    # the card's button is given back as soon as the run started (no fixed cool-down)
    started = await fe.wait_for(
        lambda _models: fe.model_customs.get(cards_id), STEP, what="the card's 'started' reply"
    )
    assert started == [{"type": "started", "slug": "greet"}]
    prompt = await view.wait_prompt(kind="input.text", timeout=STEP)
    assert prompt["components"][0]["label"] == "Who?"
    await view.answer("Grace")
    state = await view.wait_status("completed", timeout=STEP)
    assert state["result"] == "Hello, Grace!"

    # A second start: the newest view comes first.
    await fe.send_custom(cards_id, {"type": "start", "slug": "add"})
    box = await fe.wait_for_model(runs_box_id, lambda s: len(s.get("children", [])) == 2, STEP)
    newest = RunViewHandle(fe, _children(box)[0])
    assert _children(box)[1] == view.comm_id
    first = await newest.wait_prompt(timeout=STEP)
    await newest.answer(2)
    second = await newest.wait_prompt(not_id=first["id"], timeout=STEP)
    assert second["components"][0]["label"] == "b"
    await newest.answer(40)
    assert (await newest.wait_status("completed", timeout=STEP))["result"] == 42

    assert fe.count_sent("execute_request") == executes, (
        "the launcher must work without executing cells"
    )
    assert await fe.evaluate("[r.status for r in inb.runs(all=True)][-2:]") == [
        "completed",
        "completed",
    ]
