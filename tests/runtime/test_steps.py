"""``ctx.step``: a side effect runs once across replays, again only when it never finished, and
its result must be JSON the journal can give back."""

from __future__ import annotations

import asyncio
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import interval_nb as inb
from interval_nb import ActionDefinitionError, ReplayDivergence
from interval_nb.runtime.steps import MAX_STEP_RESULT, StepResultError
from interval_nb.testing import start

actions = inb.Actions()
calls = Counter[str]()
keys: list[tuple[str, str]] = []


def charge(amount: int, *, currency: str) -> dict[str, Any]:
    calls["charge"] += 1
    return {"id": f"ch_{amount}", "amount": amount, "currency": currency}


async def send_email(to: str) -> str:
    calls["email"] += 1
    await asyncio.sleep(0)
    return f"msg-{to}"


@actions.action
async def pay(io: Any, ctx: Any) -> Any:
    amount = await io.input.number("Amount")
    keys.append(("before", ctx.idempotency_key("charge")))
    receipt = await ctx.step("charge", charge, amount, currency="EUR")
    ctx.log("charged", receipt["id"])
    message = await ctx.step("email", send_email, "ana@example.com")
    second = await ctx.step("charge", charge, amount + 1, currency="EUR")
    keys.append(("after", ctx.idempotency_key("charge")))
    note = await io.input.text("Note")
    return receipt, message, second, note


@pytest.fixture(autouse=True)
def fresh_counts() -> None:
    calls.clear()
    keys.clear()


async def test_a_completed_step_runs_once_across_replays() -> None:
    async with start(pay) as run:
        await run.next_prompt()
        await run.answer(5)
        waiting = await run.next_prompt()
        assert calls == {"charge": 2, "email": 1}
        for _ in range(3):
            again = await run.replay()
            assert again is not None and again.id == waiting.id
        assert calls == {"charge": 2, "email": 1}  # the journal answered every replay
        assert run.logs == ["charged ch_5"]  # re-executed code rebuilds the log, once
        await run.answer("thanks")
        receipt, message, second, note = await run.result()
    assert receipt == {"id": "ch_5", "amount": 5, "currency": "EUR"}
    assert (message, second["id"], note) == ("msg-ana@example.com", "ch_6", "thanks")
    events = [e["event"] for e in run.journal]
    assert events.count("step_started") == 3 and events.count("step_completed") == 3


async def test_idempotency_keys_are_stable_across_replays_and_differ_per_occurrence() -> None:
    async with start(pay) as run:
        await run.next_prompt()
        await run.answer(5)
        await run.next_prompt()
        await run.replay()
        run_id = run.run.id
    assert keys == [
        ("before", f"{run_id}:charge:1"),
        ("after", f"{run_id}:charge:3"),
        ("before", f"{run_id}:charge:1"),  # the replay computes the same keys
        ("after", f"{run_id}:charge:3"),
    ]
    started = [e for e in run.journal if e["event"] == "step_started"]
    assert [e["key"] for e in started] == [
        f"{run_id}:charge:1",
        f"{run_id}:email:1",
        f"{run_id}:charge:2",
    ]


gate: dict[str, asyncio.Event] = {}


async def slow_refund(charge_id: str, *, key: str) -> dict[str, str]:
    calls["refund"] += 1
    keys.append(("refund", key))
    if calls["refund"] == 1:  # the first call hangs: the kernel "dies" while it runs
        await gate["refund"].wait()
    return {"refund": f"re_{charge_id}"}


@actions.action
async def refund(io: Any, ctx: Any) -> Any:
    charge_id = await io.input.text("Charge")
    result = await ctx.step("refund", slow_refund, charge_id, key=ctx.idempotency_key("refund"))
    return result, await io.input.text("Note")


async def test_a_step_in_doubt_runs_again_with_the_same_idempotency_key() -> None:
    gate["refund"] = asyncio.Event()
    async with start(refund) as run:
        await run.next_prompt()
        await run.answer("ch_1")
        while calls["refund"] == 0:  # the step has started and hangs
            await asyncio.sleep(0.001)
        assert [e["event"] for e in run.journal][-1] == "step_started"
        waiting = await run.replay()
        assert waiting is not None and waiting.components[0].label == "Note"
        assert calls["refund"] == 2  # at least once: started, never finished, so once more
        assert keys[0] == keys[1] == ("refund", f"{run.run.id}:refund:1")
        await run.answer("ok")
        assert await run.result() == ({"refund": "re_ch_1"}, "ok")
    events = [e["event"] for e in run.journal]
    assert events.count("step_started") == 2 and events.count("step_completed") == 1
    assert "step_failed" not in events  # the dropped coroutine journals nothing


flaky = {"fail": True}


def flaky_call() -> str:
    calls["flaky"] += 1
    if flaky["fail"]:
        raise ConnectionError("the API is down")
    return "ok"


@actions.action
async def retrying(io: Any, ctx: Any) -> Any:
    try:
        outcome = await ctx.step("call", flaky_call)
    except ConnectionError as exc:
        outcome = f"failed: {exc}"
    return outcome, await io.input.text("Next")


async def test_a_failed_step_is_journaled_and_runs_again_on_replay() -> None:
    flaky["fail"] = True
    async with start(retrying) as run:
        await run.next_prompt()
        failed = [e for e in run.journal if e["event"] == "step_failed"]
        assert failed[0]["error"] == "ConnectionError: the API is down"
        flaky["fail"] = False
        await run.replay()
        await run.answer("x")
        assert await run.result() == ("ok", "x")
    assert calls["flaky"] == 2


@actions.action
async def returns(io: Any, ctx: Any) -> Any:
    kind = await io.input.text("Kind")
    values: dict[str, Any] = {
        "object": object(),
        "tuple": (1, 2),
        "int keys": {1: "a"},
        "nan": math.nan,
        "huge": "x" * (MAX_STEP_RESULT + 1),
    }
    return await ctx.step("make", lambda: values[kind])


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("object", "it returned object. Return an id"),
        ("tuple", "its tuple would come back different"),
        ("int keys", "its dict would come back different"),
        ("nan", "it returned float"),
        ("huge", "its result is 100,003 characters of JSON"),
    ],
)
async def test_a_result_the_journal_cannot_give_back_is_a_clear_error(
    kind: str, message: str
) -> None:
    async with start(returns) as run:
        await run.next_prompt()
        await run.answer(kind)
        with pytest.raises(StepResultError, match=message):
            await run.result()
        assert "must return plain JSON" in run.run.error["message"]  # type: ignore[index]
        assert [e["event"] for e in run.journal][-3:-1] == ["step_started", "step_failed"]


@actions.action
async def misuse(io: Any, ctx: Any) -> Any:
    how = await io.input.text("How")

    async def ask_inside() -> Any:
        return await io.input.text("Inside")

    async def nested() -> Any:
        return await ctx.step("inner", lambda: 1)

    if how == "prompt":
        return await ctx.step("outer", ask_inside)
    if how == "nested":
        return await ctx.step("outer", nested)
    return await ctx.step("", lambda: 1)


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("prompt", r"io prompts cannot be awaited inside ctx.step\('outer'\)"),
        ("nested", r"ctx.step\('inner'\) inside step 'outer': steps do not nest"),
        ("name", "a step's name is a short non-empty text"),
    ],
)
async def test_steps_refuse_prompts_nesting_and_blank_names(how: str, message: str) -> None:
    async with start(misuse) as run:
        await run.next_prompt()
        await run.answer(how)
        with pytest.raises(ActionDefinitionError, match=message):
            await run.result()


order = {"first": "charge"}


@actions.action
async def reordered(io: Any, ctx: Any) -> Any:
    names = ["charge", "email"] if order["first"] == "charge" else ["email", "charge"]
    for name in names:
        await ctx.step(name, str, name)
    return await io.input.text("Last")


async def test_steps_in_another_order_stop_the_replay() -> None:
    async with start(reordered) as run:
        await run.next_prompt()
        order["first"] = "email"
        try:
            with pytest.raises(ReplayDivergence) as stopped:
                await run.replay()
        finally:
            order["first"] = "charge"
        assert str(stopped.value) == (
            'the action changed since this run started: step 1 was "charge", now step 1 "email"'
        )
        assert run.status == "interrupted"


@actions.action
async def logging_step(io: Any, ctx: Any) -> Any:
    def work() -> int:
        ctx.log("inside the step")
        ctx.notify("step done")
        return 42

    value = await ctx.step("work", work)
    ctx.log("after", value)
    return await io.input.text("Last")


async def test_what_a_skipped_step_logged_is_restored_not_journaled_again() -> None:
    async with start(logging_step) as run:
        await run.next_prompt()
        logs, notes, journal = run.logs, run.notifications, run.journal
        await run.replay()
        assert run.logs == logs == ["inside the step", "after 42"]
        assert run.notifications == notes
        assert [e["event"] for e in run.journal[len(journal) :]] == ["resumed", "replayed"]


def _support_tools() -> Any:
    notebooks = str(Path(__file__).resolve().parents[2] / "notebooks")
    if notebooks not in sys.path:
        sys.path.insert(0, notebooks)
    from examples import support_tools

    return support_tools


async def test_the_example_refund_survives_a_kernel_loss_mid_refund_without_refunding_twice() -> (
    None
):
    st = _support_tools()
    async with start(st.refund_user) as run:
        await run.next_prompt()
        await run.answer("ana@example.com")
        await run.next_prompt()
        await run.answer([c["id"] for c in st.charges_for("ana@example.com")[:3]])
        await run.next_prompt()
        await run.answer(True)
        while [e["event"] for e in run.journal].count("step_completed") < 1:
            await asyncio.sleep(0.01)  # the first refund is journaled, the second under way
        assert await run.replay() is None  # caught up while refunding: no prompt waits
        result = await run.result(timeout=10)
    assert result["refunded"] == 3
    started = [e for e in run.journal if e["event"] == "step_started"]
    completed = [e for e in run.journal if e["event"] == "step_completed"]
    assert [e["id"] for e in completed] == [e["id"] for e in started[:1]] + [
        e["id"] for e in started[2:]
    ]  # refund 1 once; refund 2 started, then again (in doubt); refund 3 once
    assert started[1]["key"] == started[2]["key"]  # the retry carries the same idempotency key
    assert len(run.logs) == 3 and all(line.startswith("Refunded ch_") for line in run.logs)
