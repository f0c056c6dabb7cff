"""Durable runs: a run rebuilt from its journal (``TestRun.replay``) gets the same values, waits on
the same prompt, keeps its state without journaling it twice, and stops loudly when it cannot."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import pytest

import interval_nb as inb
from interval_nb import NotReplayable, ReplayDivergence, RunCancelled, io
from interval_nb.io.prompt import ChoiceResult, Prompt
from interval_nb.io.tabular import TableQuery
from interval_nb.runtime.recording import FetchLog, durable_answer
from interval_nb.testing import TestRun, start

actions = inb.Actions()
executions = Counter[str]()
"""How often each action's body started: a replay runs it again, with fresh objects."""

ROWS = [{"id": f"ch_{i}", "amount": i * 10} for i in range(30)]
PEOPLE = [
    {"name": "Ana Lima", "email": "ana@example.com"},
    {"name": "Bob Stone", "email": "bob@example.com"},
    {"name": "Ann Lee", "email": "ann@example.com"},
]


def people(query: str) -> list[dict[str, str]]:
    return [p for p in PEOPLE if query.lower() in p["name"].lower()]


def positive(result: ChoiceResult[Any]) -> str | None:
    return None if result.value > 0 else "must be positive"


@actions.action
async def every_kind(io: Any, ctx: Any) -> dict[str, Any]:
    executions["every_kind"] += 1
    gen = executions["every_kind"]
    plans = [
        {"label": "Free", "value": "free", "gen": gen},
        {"label": "Pro", "value": "pro", "gen": gen},
    ]
    extras = [{"label": n, "value": i, "gen": gen} for i, n in enumerate("ABC", start=1)]
    return {
        "gen": gen,
        "text": await io.input.text("Name"),
        "number": await io.input.number("Amount", decimals=2),
        "day": await io.input.date("Day"),
        "plan": await io.select.single("Plan", options=plans),
        "extras": await io.select.multiple("Extras", options=extras),
        "by_key": await io.select.table("Charges", data=ROWS, row_key="id"),
        "by_position": await io.select.table("Rows", data=ROWS),
        "person": await io.search("Person", on_search=people, render_result=lambda p: p["name"]),
        "group": await io.group(
            note=io.input.text("Note").optional(),
            when=io.input.datetime("When"),
            ok=io.input.boolean("OK"),
        ),
        "choice": await io.input.number("Refund")
        .with_choices(["Approve", "Reject"])
        .validate(positive),
        "blank": await io.input.email("Email").optional(),
        "rich": await io.input.rich_text("Body"),
        "last": await io.input.text("Last"),
    }


async def answer_up_to_last(run: TestRun) -> inb.testing.PromptView:
    for value in ("Ada", "12.50", "2026-03-01", "pro", [3, 1], ["ch_3", "ch_7"], [2, "5"]):
        await run.next_prompt()
        await run.answer(value)
    await run.next_prompt()
    found = await run.search(0, "an")  # Ana Lima, Ann Lee: keys only this search offered
    await run.answer(found[1]["key"])
    await run.next_prompt()
    await run.answer({"note": None, "when": "2026-03-01T10:30", "ok": True})
    await run.next_prompt()
    refused = await run.answer(-5, choice="Approve")
    assert not refused.accepted  # journaled as a validation failure, skipped by replays
    await run.next_prompt()
    await run.answer(7, choice="Reject")
    await run.next_prompt()
    await run.answer(None)
    await run.next_prompt()
    await run.answer("<p>Hi <script>alert(1)</script><b>there</b></p>")
    return await run.next_prompt()


async def test_every_prompt_kind_replays_to_the_same_value_with_fresh_objects() -> None:
    async with start(every_kind) as run:
        await answer_up_to_last(run)
        await run.answer("done")
        straight = await run.result()
    async with start(every_kind) as run:
        last = await answer_up_to_last(run)
        again = await run.replay()
        assert again is not None and again.id == last.id  # the same prompt waits, same id
        assert again.components == last.components
        await run.answer("done")
        replayed = await run.result()
    assert replayed["gen"] == straight["gen"] + 2  # the replay ran the action again
    assert replayed["plan"]["gen"] == replayed["gen"]  # and the select returned *its* option
    assert all(extra["gen"] == replayed["gen"] for extra in replayed["extras"])
    for value in (straight, replayed):
        value.pop("gen")
        value["plan"].pop("gen")
        for extra in value["extras"]:
            extra.pop("gen")
    assert replayed == straight
    assert straight["person"] == PEOPLE[2]
    assert straight["choice"] == ChoiceResult("Reject", 7)
    assert straight["by_position"] == [ROWS[2], ROWS[5]]
    assert straight["group"] == {"note": None, "when": dt.datetime(2026, 3, 1, 10, 30), "ok": True}
    assert "<script>" not in straight["rich"]


async def test_a_replayed_run_can_be_replayed_again_and_journals_nothing_twice() -> None:
    async with start(every_kind) as run:
        last = await answer_up_to_last(run)
        before = [e["event"] for e in run.journal]
        await run.replay()
        again = await run.replay()
        assert again is not None and again.id == last.id
        after = [e["event"] for e in run.journal]
        assert after == [*before, "resumed", "replayed", "resumed", "replayed"]
        assert run.journal[-1]["answers"] == 12 and run.journal[-1]["steps"] == 0
        await run.answer("done")
        await run.result()
    events = Counter(e["event"] for e in run.journal)
    assert events["prompt_shown"] == 13 and events["answered"] == 13
    assert events["validation_failed"] == 1


@actions.action
async def chatty(io: Any, ctx: Any) -> str:
    ctx.log("starting")
    await io.display.markdown("Welcome")
    ctx.loading.start(label="Loading", items_in_queue=3)
    name = await io.input.text("Name")
    ctx.notify(f"Hello {name}", title="Hi")
    ctx.loading.complete_one()
    await io.display.table("Rows", data=ROWS[:3])
    ctx.log("asked", name)
    return str(await io.input.text("Next"))


async def test_displays_logs_and_notifications_are_rebuilt_but_not_journaled_twice() -> None:
    async with start(chatty) as run:
        await run.next_prompt()
        await run.answer("Ada")
        waiting = await run.next_prompt()
        state = (run.logs, run.notifications, run.transcript, run.loading)
        journal = run.journal
        again = await run.replay()
        assert again is not None and again.id == waiting.id
        assert (run.logs, run.notifications, run.transcript, run.loading) == state
        assert run.journal[: len(journal)] == journal
        assert [e["event"] for e in run.journal[len(journal) :]] == ["resumed", "replayed"]
        assert run.journal[-1]["displays"] == 2
        rows, total = await run.query(0, prompt_id=run.transcript[1]["id"])  # still pages
        assert total == 3 and len(rows) == 3
        assert run.run.state()["status"] == "awaiting_input"
        await run.answer("more")
        assert await run.result() == "more"


async def test_the_replay_waits_on_the_prompt_that_waited_and_it_takes_answers() -> None:
    async with start(chatty) as run:
        first = await run.next_prompt()
        again = await run.replay()  # nothing answered yet: only the first prompt, again
        assert again is not None and again.id == first.id
        assert run.status == "awaiting_input"
        await run.answer("Ada")
        await run.next_prompt()
        await run.answer("x")
        assert await run.result() == "x"
        assert run.logs == ["starting", "asked Ada"]


# -- divergence ------------------------------------------------------------------------------

shape = {"second": "email", "option": "pro", "people": list(PEOPLE)}


@actions.action
async def changing(io: Any, ctx: Any) -> Any:
    name = await io.input.text("Name")
    if shape["second"] == "email":
        second = await io.input.email("Customer email")
    elif shape["second"] == "text":
        second = await io.input.text("Email")
    elif shape["second"] == "return":
        return name
    elif shape["second"] == "raise":
        raise LookupError("no such customer")
    else:
        second = await ctx.step("lookup", lambda: "ana@example.com")
    options = [o for o in ("free", "pro") if o == "free" or shape["option"] == "pro"]
    plan = await io.select.single("Plan", options=options)
    person = await io.search(
        "Person", on_search=lambda q: [p for p in shape["people"] if q in p["name"]]
    )
    last = await io.input.text("Last")
    return name, second, plan, person, last


@pytest.fixture
def original_shape() -> Any:
    saved = {**shape, "people": list(shape["people"])}
    yield
    shape.update(saved)


async def _changing_up_to_last(run: TestRun) -> None:
    for value in ("Ada", "ana@example.com", "pro"):
        await run.next_prompt()
        await run.answer(value)
    await run.next_prompt()
    found = await run.search(0, "Bob")
    await run.answer(found[0]["key"])
    await run.next_prompt()


async def _divergence(run: TestRun) -> str:
    with pytest.raises(ReplayDivergence) as stopped:
        await run.replay()
    assert run.status == "interrupted"
    assert run.run.error is not None and run.run.error["message"] == str(stopped.value)
    assert run.run.error["type"] == "ReplayDivergence"
    assert run.journal[-1]["event"] == "interrupted"
    with pytest.raises(RunCancelled, match="the action changed"):
        await run.result()
    return str(stopped.value)


@pytest.mark.usefixtures("original_shape")
async def test_a_prompt_whose_kind_and_label_changed_stops_the_replay() -> None:
    async with start(changing) as run:
        await _changing_up_to_last(run)
        shape["second"] = "text"
        assert await _divergence(run) == (
            "the action changed since this run started: "
            'prompt 2 was input.email "Customer email", now input.text "Email"'
        )


@pytest.mark.usefixtures("original_shape")
@pytest.mark.parametrize("ending", ["return", "raise"])
async def test_an_action_that_now_ends_before_the_journal_does_stops_the_replay(
    ending: str,
) -> None:
    async with start(changing) as run:
        await _changing_up_to_last(run)
        shape["second"] = ending
        assert await _divergence(run) == (
            "the action changed since this run started: "
            'prompt 2 was input.email "Customer email", now the action ends before it'
        )


@pytest.mark.usefixtures("original_shape")
async def test_a_step_where_a_prompt_was_stops_the_replay() -> None:
    async with start(changing) as run:
        await _changing_up_to_last(run)
        shape["second"] = "step"
        assert await _divergence(run) == (
            "the action changed since this run started: "
            'prompt 2 was input.email "Customer email", now step 1 "lookup"'
        )


@pytest.mark.usefixtures("original_shape")
async def test_a_recorded_option_no_longer_offered_stops_the_replay() -> None:
    async with start(changing) as run:
        await _changing_up_to_last(run)
        shape["option"] = "gone"
        assert await _divergence(run) == (
            "the action changed since this run started: prompt 3 no longer offers what was "
            'picked for select.single "Plan" (Choose one of the options offered.)'
        )


@pytest.mark.usefixtures("original_shape")
async def test_a_search_result_no_longer_found_stops_the_replay() -> None:
    async with start(changing) as run:
        await _changing_up_to_last(run)
        shape["people"] = [{**p, "email": "moved@example.com"} for p in PEOPLE]
        assert await _divergence(run) == (
            "the action changed since this run started: prompt 4 no longer finds the result "
            'picked for search "Person"'
        )


@pytest.mark.usefixtures("original_shape")
async def test_an_unchanged_action_replays_past_every_checkpoint() -> None:
    async with start(changing) as run:
        await _changing_up_to_last(run)
        await run.replay()
        await run.answer("end")
        assert await run.result() == ("Ada", "ana@example.com", "pro", PEOPLE[1], "end")


@actions.action
async def swallowing(io: Any, ctx: Any) -> str:
    try:
        await io.input.text("Name" if shape["second"] == "email" else "Renamed")
    except Exception:
        return "swallowed"
    return str(await io.input.text("Last"))


@pytest.mark.usefixtures("original_shape")
async def test_an_action_catching_exceptions_cannot_swallow_a_divergence() -> None:
    async with start(swallowing) as run:
        await run.next_prompt()
        await run.answer("Ada")
        await run.next_prompt()
        shape["second"] = "text"
        message = await _divergence(run)
        assert 'prompt 1 was input.text "Name", now input.text "Renamed"' in message


@actions.action
async def grouped(io: Any, ctx: Any) -> Any:
    kind = io.input.text if shape["second"] == "email" else io.input.email
    await io.group(name=io.input.text("Name"), email=kind("Email"))
    return await io.input.text("Last")


@pytest.mark.usefixtures("original_shape")
async def test_a_changed_field_of_a_group_is_named() -> None:
    async with start(grouped) as run:
        await run.next_prompt()
        await run.answer({"name": "Ada", "email": "ada@example.com"})
        await run.next_prompt()
        shape["second"] = "text"
        assert await _divergence(run) == (
            "the action changed since this run started: "
            'prompt 1, field 2, was input.text "Email", now input.email "Email"'
        )


# -- what the journal cannot give back -------------------------------------------------------


@actions.action
async def with_secret(io: Any, ctx: Any) -> Any:
    token = await io.input.text("API token").sensitive()
    return token, await io.input.text("Last")


async def test_a_run_past_a_secret_stops_with_a_clear_reason_and_never_replays_none() -> None:
    async with start(with_secret) as run:
        first = await run.next_prompt()
        assert (await run.replay()).id == first.id  # type: ignore[union-attr]  # not answered yet
        await run.answer("s3cr3t-token")
        await run.next_prompt()
        assert "s3cr3t-token" not in json.dumps(run.journal)
        with pytest.raises(NotReplayable) as stopped:
            await run.replay()
        assert str(stopped.value) == (
            "this run cannot be rebuilt past prompt 1: it held a secret "
            '(input.text "API token"); secrets are never journaled'
        )
        assert run.status == "interrupted" and run.run.error is not None
        assert run.run.error["type"] == "NotReplayable"


@actions.action
async def with_files(io: Any, ctx: Any) -> Any:
    optional = await io.input.file("Attachment").optional()
    receipt = await io.input.file("Receipt")
    return optional, receipt.name, await io.input.text("Last")


async def test_a_run_past_an_uploaded_file_stops_but_a_blank_optional_file_replays() -> None:
    async with start(with_files) as run:
        await run.next_prompt()
        await run.answer(None)
        receipt = await run.next_prompt()
        assert (await run.replay()).id == receipt.id  # type: ignore[union-attr]
        await run.answer(("receipt.txt", b"paid"))
        await run.next_prompt()
        with pytest.raises(NotReplayable, match="prompt 2: it asked for a file"):
            await run.replay()


# -- tables loaded by get_data: the replay asks the database again ---------------------------

database = {"rows": [{"id": f"u{i}", "name": f"User {i}"} for i in range(50)]}


async def users_page(query: TableQuery) -> tuple[list[dict[str, Any]], int]:
    rows = database["rows"]
    return rows[query.offset : query.offset + query.page_size], len(rows)


@actions.action
async def from_database(io: Any, ctx: Any) -> Any:
    first = await io.select.table("Users", data=users_page, columns=["id", "name"], row_key="id")
    second = await io.select.table("Again", data=users_page, columns=["id", "name"], row_key="id")
    return first, second, await io.input.text("Last")


async def test_rows_of_a_get_data_table_come_from_the_database_again() -> None:
    async with start(from_database) as run:
        await run.next_prompt()
        await run.query(0, offset=20, page_size=10)  # page 3: a key only that request found
        await run.answer(["u1", "u25"])
        await run.next_prompt()
        await run.query(0, offset=40, page_size=10, sort=("name", "desc"))
        await run.answer(["u3", "u42"])  # u3 from the first page, u42 from a sorted one
        await run.next_prompt()
        await run.replay()
        await run.answer("end")
        rows = database["rows"]
        assert await run.result() == ([rows[1], rows[25]], [rows[3], rows[42]], "end")


async def test_a_get_data_row_that_is_gone_stops_the_replay() -> None:
    saved = list(database["rows"])
    async with start(from_database) as run:
        await run.next_prompt()
        await run.query(0, offset=20, page_size=10)
        await run.answer(["u25"])
        await run.next_prompt()
        database["rows"] = [r for r in saved if r["id"] != "u25"]
        try:
            with pytest.raises(
                ReplayDivergence, match='no longer offers what was picked for select.table "Users"'
            ):
                await run.replay()
        finally:
            database["rows"] = saved


# -- the raw answer the journal keeps is the answer ------------------------------------------

OPTIONS = [
    {"label": "One", "value": 1},
    {"label": "Two", "value": 2.0},
    {"label": "Day", "value": dt.date(2026, 1, 2)},
]

ACCEPTED = [
    (io.input.text("t"), "hello  "),
    (io.input.text("t", multiline=True), "a\nb"),
    (io.input.email("e"), "Ana@Example.COM"),
    (io.input.number("n"), "1,234"),
    (io.input.number("n"), 7.0),
    (io.input.number("n", decimals=2), "3.10"),
    (io.input.slider("s", min=0, max=10, step=0.5), 2.5),
    (io.input.boolean("b"), True),
    (io.input.boolean("b"), None),
    (io.input.url("u"), "https://example.com/x?y=1"),
    (io.input.date("d"), "2026-03-01"),
    (io.input.time("t"), "14:30"),
    (io.input.datetime("dt"), "2026-03-01T14:30:05"),
    (io.input.rich_text("r"), "<p>x<script>y</script><a href='javascript:z'>l</a></p>"),
    (io.select.single("s", options=OPTIONS), 2),
    (io.select.single("s", options=OPTIONS), "2026-01-02"),
    (io.select.multiple("m", options=OPTIONS), [2, 1]),
    (io.select.multiple("m", options=OPTIONS), []),
    (io.select.table("t", data=ROWS, row_key="id"), ["ch_4", "ch_1"]),
    (io.select.table("t", data=ROWS), [1, "12"]),
    (io.select.table("t", data=ROWS), {"all_matching": "1", "except": ["10", "x"]}),
    (io.confirm("c"), False),
    (io.input.text("t").optional(), ""),
]


@pytest.mark.parametrize(("component", "raw"), ACCEPTED, ids=lambda v: getattr(v, "kind", None))
async def test_the_journaled_raw_answer_parses_to_the_same_value(component: Any, raw: Any) -> None:
    prompt = await Prompt.single_of(component).prepare()
    original = await prompt.evaluate([raw], None)
    assert original.ok, original
    kept = durable_answer(prompt, [raw], FetchLog())
    assert "lost" not in kept
    journaled = json.loads(json.dumps(kept["raw"]))  # as the history gives it back
    again = await prompt.evaluate(journaled, None)
    assert again.ok and again.value == original.value


async def test_a_search_answer_keeps_the_request_that_found_each_pick() -> None:
    prompt = await Prompt.single_of(io.search("p", on_search=people).multiple()).prepare()
    search = prompt.components[0]
    found = await search.search("an")  # type: ignore[attr-defined]
    log = FetchLog()
    log.note(search, 0, [r["key"] for r in found], "an")
    kept = durable_answer(prompt, [[found[1]["key"]]], log)
    assert kept["raw"] == [[found[1]["key"]]]
    assert kept["found"]["0"][found[1]["key"]]["request"] == "an"


async def test_an_answer_too_large_to_echo_is_marked_lost() -> None:
    rows = [{"id": i} for i in range(10_001)]
    prompt = await Prompt.single_of(io.select.table("t", data=rows)).prepare()
    raw = [str(i) for i in range(10_001)]
    assert (await prompt.evaluate([raw], None)).ok
    assert durable_answer(prompt, [raw], FetchLog())["lost"] == [0]


@pytest.mark.parametrize("row_key", ["id", None])
async def test_a_dataframe_table_answer_replays_to_the_same_rows(row_key: str | None) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(ROWS)
    prompt = await Prompt.single_of(io.select.table("t", data=frame, row_key=row_key)).prepare()
    raw = ["ch_2", "ch_9"] if row_key else [2, "9"]
    original = await prompt.evaluate([raw], None)
    journaled = json.loads(json.dumps(durable_answer(prompt, [raw], FetchLog())["raw"]))
    again = await prompt.evaluate(journaled, None)
    assert original.ok and again.ok and again.value.equals(original.value)
    assert list(again.value["id"]) == ["ch_2", "ch_9"]
