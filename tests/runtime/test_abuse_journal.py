"""A client cannot grow a run's journal (and the history) without limit with failing requests."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import interval_nb as inb
from interval_nb.runtime.run import MAX_NOISY_EVENTS, add_journal_sink
from interval_nb.store import JournalWriter, Store
from interval_nb.testing import start

actions = inb.Actions()


def lookup(query: str) -> list[str]:
    if query.startswith("fail"):
        raise RuntimeError(f"the directory is down for {query!r}")
    return [query]


@actions.action
async def find_someone(io: Any, ctx: Any) -> Any:
    return await io.search("Person", on_search=lookup)


async def test_a_thousand_failed_searches_leave_a_bounded_journal_and_a_count(
    tmp_path: Path,
) -> None:
    path = tmp_path / "runs.sqlite"
    writer = JournalWriter(path)
    remove = add_journal_sink(writer)
    try:
        async with start(find_someone) as run:
            await run.next_prompt()
            for i in range(1_000):
                with pytest.raises(ValueError, match="the directory is down"):
                    await run.search(0, f"fail {i} " + "q" * 900)
            assert run.run.suppressed_events == {"search_failed": 1_000 - MAX_NOISY_EVENTS}
            [found] = await run.search(0, "ana")
            await run.answer(found["key"])
            assert await run.result() == "ana"
    finally:
        remove()
        writer.close()

    kinds = Counter(e["event"] for e in run.journal)
    assert kinds["search_failed"] == MAX_NOISY_EVENTS
    assert len(run.journal) < MAX_NOISY_EVENTS + 10
    failures = [e for e in run.journal if e["event"] == "search_failed"]
    assert failures[-1].get("cap_reached") is True
    assert all(len(e["reason"]) <= 1_000 for e in failures)
    final = run.journal[-1]
    assert final["event"] == "completed"
    assert final["suppressed"] == {"search_failed": 1_000 - MAX_NOISY_EVENTS}

    store = Store(path)
    try:
        stored = store.events(run.run.id)
    finally:
        store.close()
    assert len(stored) == len(run.journal)
    assert stored[-1]["suppressed"] == {"search_failed": 1_000 - MAX_NOISY_EVENTS}


async def test_forged_messages_are_counted_not_journaled_one_by_one() -> None:
    async with start(find_someone) as run:
        await run.next_prompt()
        for i in range(300):
            run.run.handle_view_message(["not", "an", "object"])
            run.run.handle_view_message({"type": "x" * 10_000})
            run.run.handle_view_message({"type": "answer", "prompt_id": f"p{i}", "values": []})
        kinds = Counter(e["event"] for e in run.journal)
        assert kinds["message_dropped"] == MAX_NOISY_EVENTS
        assert kinds["answer_rejected"] == MAX_NOISY_EVENTS
        assert run.run.suppressed_events == {
            "message_dropped": 600 - MAX_NOISY_EVENTS,
            "answer_rejected": 300 - MAX_NOISY_EVENTS,
        }
        for event in run.journal:
            if event["event"] in ("message_dropped", "answer_rejected"):
                assert len(event["reason"]) < 200
        run.cancel()
    assert run.journal[-1]["event"] == "cancelled"
    assert run.journal[-1]["suppressed"]["answer_rejected"] == 300 - MAX_NOISY_EVENTS


async def test_a_run_that_stays_quiet_carries_no_counts() -> None:
    async with start(find_someone) as run:
        await run.next_prompt()
        with pytest.raises(ValueError):
            await run.search(0, "fail once")
        [found] = await run.search(0, "bo")
        await run.answer(found["key"])
        await run.result()
    assert run.run.suppressed_events == {}
    assert "suppressed" not in run.journal[-1]
    assert [e["event"] for e in run.journal].count("search_failed") == 1
