"""``inb.resume(run_id)``: a notebook kernel rebuilds an interrupted run from the run history
(the SQLite store every kernel journals to) and shows its form again."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import interval_nb as inb
from interval_nb import IntervalNBError
from interval_nb.runtime import registry
from interval_nb.runtime.run import Run
from interval_nb.store import Store, install_journal_sink, journal_writer, uninstall_journal_sink
from interval_nb.testing import TestRun, start

actions = inb.Actions()
charged: list[str] = []


def charge(email: str) -> dict[str, str]:
    charged.append(email)
    return {"charge": f"ch_{len(charged)}", "email": email}


@actions.action
async def refund_flow(io: Any, ctx: Any) -> Any:
    email = await io.input.email("Customer email")
    receipt = await ctx.step("charge", charge, email)
    ctx.log("charged", receipt["charge"])
    ok = await io.confirm(f"Refund {email}?")
    return {"email": email, "receipt": receipt, "ok": ok}


@actions.action
async def secret_flow(io: Any, ctx: Any) -> Any:
    token = await io.input.text("Token").sensitive()
    return token, await io.input.text("Next")


@pytest.fixture
def history(tmp_path: Path) -> Iterator[Store]:
    """This process journals to a throwaway history, as a kernel does to its store."""
    assert journal_writer() is None
    install_journal_sink(tmp_path / "runs.sqlite")
    store = Store(tmp_path / "runs.sqlite")
    charged.clear()
    try:
        yield store
    finally:
        store.close()
        uninstall_journal_sink()


async def _lose_kernel(run: TestRun, store: Store) -> str:
    """The kernel holding ``run`` dies; the server marks its runs interrupted."""
    run.run.drop()
    writer = journal_writer()
    assert writer is not None
    writer.flush()
    assert store.mark_interrupted([run.run.id], "its kernel is gone") == [run.run.id]
    return run.run.id


async def _caught_up(run: Run) -> None:
    assert run.replaying is not None
    try:
        await run.replaying.wait()
    finally:
        journal_writer().flush()  # type: ignore[union-attr]


async def test_an_interrupted_run_resumes_on_its_pending_prompt_and_finishes(
    history: Store,
) -> None:
    async with start(refund_flow, user="ana") as driver:
        await driver.next_prompt()
        await driver.answer("ana@example.com")
        waiting = await driver.next_prompt()
        run_id = await _lose_kernel(driver, history)
    assert history.get_run(run_id)["status"] == "interrupted"  # type: ignore[index]

    listed = inb.runs(interrupted=True)
    assert [(r.run_id, r.action, r.user, r.action_here) for r in listed] == [
        (run_id, "refund_flow", "ana", True)
    ]
    assert listed[0].reason == "its kernel is gone"
    assert "inb.resume(run_id)" in listed._repr_html_()

    run = inb.resume(run_id, display=False)
    try:
        await _caught_up(run)
        assert run.id == run_id and run.user.username == "ana"
        assert run.prompt is not None and run.prompt["id"] == waiting.id
        assert run.logs == ["charged ch_1"] and charged == ["ana@example.com"]
        row = history.get_run(run_id)
        assert row is not None and row["status"] == "awaiting_input"
        assert row["prompt"]["id"] == waiting.id and row["pid"] == os.getpid()
        assert inb.resume(run_id, display=False) is run  # one replay at a time per run
        assert inb.runs(interrupted=True) == []
        await run.submit({"prompt_id": waiting.id, "values": [True], "choice": None})
        result = await run.result()
    finally:
        run.cancel("the test ended")
    assert result == {
        "email": "ana@example.com",
        "receipt": {"charge": "ch_1", "email": "ana@example.com"},
        "ok": True,
    }
    journal_writer().flush()  # type: ignore[union-attr]
    events = history.events(run_id)
    assert [e["seq"] for e in events] == list(range(len(events)))  # the journal continues
    names = [e["event"] for e in events]
    assert names.count("started") == 1 and names.count("step_completed") == 1
    assert names[names.index("interrupted") :] == [
        "interrupted",
        "resumed",
        "replayed",
        "answered",
        "completed",
    ]
    assert history.get_run(run_id)["status"] == "completed"  # type: ignore[index]


async def test_a_run_whose_action_is_not_defined_here_stays_interrupted_saying_so(
    history: Store,
) -> None:
    async def defined_in_another_notebook(io: Any, ctx: Any) -> Any:
        return await io.input.text("Name")

    # A run of a function no registry of this kernel holds, as another kernel's cell defines it
    elsewhere = Run(defined_in_another_notebook, slug="elsewhere", title="Elsewhere")
    registry.track(elsewhere)
    driver = TestRun(elsewhere.start(), timeout=5)
    await driver.next_prompt()
    run_id = await _lose_kernel(driver, history)
    await asyncio.gather(elsewhere.result(), return_exceptions=True)
    assert [r.action_here for r in inb.runs(interrupted=True)] == [False]

    run = inb.resume(run_id, display=False)
    with pytest.raises(inb.NotReplayable, match="no action 'elsewhere'"):
        await _caught_up(run)
    assert run.status == "interrupted" and run.id == run_id
    row = history.get_run(run_id)
    assert row is not None and row["status"] == "interrupted"
    assert "is defined in this kernel" in row["error"]["message"]
    assert "another kernel's notebook cell" in row["error"]["message"]


async def test_a_run_that_held_a_secret_stays_interrupted_with_the_reason(
    history: Store,
) -> None:
    async with start(secret_flow) as driver:
        await driver.next_prompt()
        await driver.answer("hunter2")
        await driver.next_prompt()
        run_id = await _lose_kernel(driver, history)
    run = inb.resume(run_id, display=False)
    with pytest.raises(inb.NotReplayable, match="it held a secret"):
        await _caught_up(run)
    row = history.get_run(run_id)
    assert row is not None and row["status"] == "interrupted"
    assert row["error"]["message"].startswith("this run cannot be rebuilt past prompt 1")
    assert "hunter2" not in str(history.events(run_id))
    assert run not in registry.live_runs()


async def test_only_interrupted_runs_of_the_history_can_be_resumed(history: Store) -> None:
    async with start(refund_flow) as driver:
        await driver.next_prompt()
        run_id = driver.run.id
        assert inb.resume(run_id, display=False) is driver.run  # live here: that run
        driver.run.drop()  # live in another kernel, as far as this one knows
        await asyncio.gather(driver.run.result(), return_exceptions=True)
        journal_writer().flush()  # type: ignore[union-attr]
        with pytest.raises(IntervalNBError, match="awaiting_input: only interrupted runs"):
            inb.resume(run_id)
    with pytest.raises(IntervalNBError, match="no run 'nope' in the run history"):
        inb.resume("nope")
