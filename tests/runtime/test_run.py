"""The run engine's state machine, answer handling and hygiene, driven headless."""

from __future__ import annotations

import asyncio

import pytest

import interval_nb as inb
from interval_nb import AnswerRejected, NoActiveRunError, PromptConflictError, RunCancelled
from interval_nb.errors import ActionDefinitionError
from interval_nb.runtime.run import COALESCE_SECONDS
from interval_nb.testing import start

actions = inb.Actions()
events: list[str] = []


@actions.action
async def two_steps(io, ctx):
    name = await io.input.text("Name")
    age = await io.input.number("Age", min=0)
    return {"name": name, "age": age}


@actions.action
async def careful(io, ctx):
    try:
        await io.input.text("Waiting")
    except asyncio.CancelledError:
        events.append("cancelled inside")
        raise
    finally:
        events.append("finally")


@actions.action
async def broken(io, ctx):
    await io.display.markdown("about to fail")
    raise ValueError("the database is down")


@actions.action
async def greedy(io, ctx):
    await asyncio.gather(io.input.text("a"), io.input.text("b"))


async def test_statuses_follow_the_state_machine() -> None:
    seen: list[str] = []
    async with start(two_steps) as run:
        run.run.subscribe(lambda r, changed: seen.append(r.status) if "status" in changed else None)
        await run.next_prompt()
        assert run.status == "awaiting_input"
        await run.answer("Ada")
        await run.next_prompt()
        await run.answer(36)
        assert await run.result() == {"name": "Ada", "age": 36}
    assert run.status == "completed"
    # "running" between two prompts is folded into the next prompt's update (one message)
    assert seen == ["running", "awaiting_input", "awaiting_input", "completed"]
    assert [e["event"] for e in run.journal] == [
        "started",
        "prompt_shown",
        "answered",
        "prompt_shown",
        "answered",
        "completed",
    ]


async def test_validation_error_keeps_values_and_same_prompt_id() -> None:
    async with start(two_steps) as run:
        await run.next_prompt()
        await run.answer("Ada")
        first = await run.next_prompt()
        outcome = await run.answer("-3")
        assert not outcome.accepted
        again = await run.next_prompt()
        assert again.id == first.id
        assert again.errors == ["Must be at least 0."]
        assert (first.spec["attempt"], again.spec["attempt"]) == (0, 1)
        await run.answer("-3")  # the very same mistake again is still a new render
        assert (await run.next_prompt()).spec["attempt"] == 2
        assert again.components[0].value == "-3"
        await run.answer("4")
        assert (await run.result())["age"] == 4


async def test_cancel_raises_inside_the_action_and_ends_cancelled() -> None:
    events.clear()
    async with start(careful) as run:
        await run.next_prompt()
        run.cancel()
        with pytest.raises(RunCancelled):
            await run.result()
    assert run.status == "cancelled"
    assert events == ["cancelled inside", "finally"]
    assert run.journal[-1]["reason"] == "cancelled from the view"


async def test_failure_is_shown_and_reraised() -> None:
    async with start(broken) as run:
        with pytest.raises(ValueError, match="database is down"):
            await run.result()
    assert run.status == "failed"
    error = run.run.state()["error"]
    assert error["type"] == "ValueError" and "Traceback" in error["traceback"]
    assert run.transcript[0]["components"][0]["kind"] == "display.markdown"


async def test_bad_answers_are_rejected_without_harm() -> None:
    async with start(two_steps) as run:
        prompt = await run.next_prompt()
        with pytest.raises(AnswerRejected) as forged:
            run.run.submit({"prompt_id": "forged", "values": ["x"]})
        assert forged.value.code == "stale_prompt"
        for bad in (
            {"prompt_id": prompt.id, "values": "x"},
            {"prompt_id": prompt.id, "values": [1, 2]},
            {"prompt_id": prompt.id, "values": ["x"], "choice": 3},
        ):
            with pytest.raises(AnswerRejected) as exc:
                run.run.submit(bad)
            assert exc.value.code == "malformed"
        run.run.handle_view_message("not a dict")
        run.run.handle_view_message({"type": "explode"})
        assert [e["event"] for e in run.journal[-2:]] == ["message_dropped", "message_dropped"]
        # two answers racing for one prompt: the first wins, the second is refused
        first = run.run.submit({"prompt_id": prompt.id, "values": ["first"]})
        with pytest.raises(AnswerRejected) as busy:
            run.run.submit({"prompt_id": prompt.id, "values": ["second"]})
        assert busy.value.code == "busy"
        assert (await first).accepted
        await run.next_prompt()
        await run.answer(1)
        assert (await run.result())["name"] == "first"
        with pytest.raises(AnswerRejected) as late:
            run.run.submit({"prompt_id": prompt.id, "values": ["late"]})
        assert late.value.code == "not_waiting"


async def test_two_prompts_at_once_is_a_clear_error() -> None:
    async with start(greedy) as run:
        with pytest.raises(PromptConflictError, match="io.group"):
            await run.result()


async def test_io_outside_a_run() -> None:
    with pytest.raises(NoActiveRunError, match="inside a running action"):
        await inb.io.input.text("Name")


async def test_loading_updates_are_coalesced() -> None:
    @actions.action(slug="progress_loop")
    async def progress(io, ctx):
        ctx.loading.start(label="Working", items_in_queue=100_000)
        for i in range(100_000):
            ctx.loading.complete_one()
            if i % 20_000 == 0:
                await asyncio.sleep(0.06)  # let a flush happen mid-loop
        await io.input.text("done?")

    updates: list[int] = []
    async with start(progress) as run:
        run.run.subscribe(lambda r, changed: updates.append(1) if "loading" in changed else None)
        await run.next_prompt()
        await asyncio.sleep(COALESCE_SECONDS * 2)
        assert run.loading == {
            "label": "Working",
            "description": None,
            "items_in_queue": 100_000,
            "items_completed": 100_000,
        }
        assert 1 <= len(updates) <= 10
        run.cancel()


async def test_logs_and_notifications() -> None:
    @actions.action(slug="chatty")
    async def chatty(io, ctx):
        ctx.log("step", 1, {"a": 1})
        ctx.notify("Halfway", title="Progress")
        ctx.log("x" * 20_000)
        return ctx.params["n"] * 2, ctx.user.username, ctx.run_id == ctx._run.id

    async with start(chatty, params={"n": 21}, user="ana") as run:
        assert await run.result() == (42, "ana", True)
        assert run.logs[0] == "step 1 {'a': 1}"
        assert len(run.logs[1]) <= 10_001
        assert run.notifications[0]["title"] == "Progress"


async def test_progress_of_a_synchronous_loop_reaches_views_while_it_runs() -> None:
    import time

    @actions.action(slug="sync_loop")
    async def sync_loop(io, ctx):
        ctx.loading.start(label="Crunching", items_in_queue=40)
        for _ in range(40):
            time.sleep(0.01)  # blocking work: no timer can fire until the loop ends
            ctx.loading.complete_one()

    seen: list[int] = []
    async with start(sync_loop) as run:
        run.run.subscribe(
            lambda r, changed: (
                seen.append(r.loading.state["items_completed"])
                if "loading" in changed and r.loading.state
                else None
            )
        )
        await run.result()
    assert len(seen) >= 4, seen  # about every 50 ms of the 0.4 s loop, not only at the end
    assert seen == sorted(seen) and seen[-1] == 40


async def test_a_huge_refused_answer_is_not_echoed_whole() -> None:
    async with start(two_steps) as run:
        await run.next_prompt()
        await run.answer("x" * 10_000_000)
        again = await run.next_prompt()
        assert again.errors == ["Too long: at most 100,000 characters."]
        assert len(again.components[0].value) == 100_000
        run.cancel()


async def test_notifications_to_people_name_them_as_access_does() -> None:
    @actions.action(slug="tell")
    async def tell(io, ctx):
        ctx.notify("Look", to=["group:ops", " carol ", "group:ops"])
        ctx.notify("Just here")
        for bad in (5, [], ["carol", ""], "group:", ["x" * 201], ["u"] * 101):
            with pytest.raises(ActionDefinitionError, match="ctx.notify"):
                ctx.notify("no", to=bad)
        return "told"

    async with start(tell) as run:
        assert await run.result() == "told"
        sent, mine = run.notifications
        assert sent["to"] == ["group:ops", "carol"] and "to" not in mine
        (told,) = [e for e in run.journal if e["event"] == "notified" and "to" in e]
        assert told["to"] == ["group:ops", "carol"]
