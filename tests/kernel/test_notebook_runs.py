"""Runs started from notebook cells, driven through a RunView exactly as JupyterLab would.

Every test writes cells the way a user does (a cell defining ``actions = inb.Actions()`` and
``@actions.action async def ...``, then a separate ``run = my_action.start()`` cell) and then
only talks to the RunView widget: it reads the prompt from the widget's synced state and
answers with the view's ``custom`` message, on a kernel subshell like JupyterLab 4.6. Each test
runs on ipykernel 7.4 (this venv), 7.3 and 6.29.
"""

from __future__ import annotations

import textwrap
import time
import uuid

import pytest

from .frontend import FrontendError, HeadlessFrontend, run_view

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="module")]

STEP = 10.0
"""Seconds a single prompt hop may take before the test fails (a hop takes ~5–60 ms)."""


def cell(source: str) -> str:
    return textwrap.dedent(source).strip("\n")


def cell_id(name: str) -> str:
    """A fresh JupyterLab-like cell id (one per test, so tests never re-run each other's cells)."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def execute_inputs(fe: HeadlessFrontend) -> int:
    """How many cells the kernel has started executing (``execute_input`` on IOPub)."""
    return sum(1 for m in fe.iopub if m["msg_type"] == "execute_input")


# --------------------------------------------------------------------------------------------
# a. three prompts, one cell
# --------------------------------------------------------------------------------------------

ONBOARDING = cell("""
    import asyncio
    import interval_nb as inb

    actions = inb.Actions()

    @actions.action
    async def onboarding(io, ctx):
        name = await io.input.text("Your name")
        age = await io.input.number("Your age", min=0, max=130)
        colour = await io.select.single("Favourite colour", options=["red", "teal", "navy"])
        return {"name": name, "age": age, "colour": colour}
""")


async def test_three_prompts_answered_from_the_view_without_another_cell(
    fe: HeadlessFrontend, kernel_id: str
) -> None:
    await fe.execute(ONBOARDING, cell_id=cell_id("defs"))
    start = await fe.execute("run = onboarding.start()", cell_id=cell_id("start"))
    executes, inputs = fe.count_sent("execute_request"), execute_inputs(fe)

    view = run_view(fe, start)
    assert view.state["_model_name"] == "AnyModel"
    p1 = await view.wait_prompt(kind="input.text", timeout=STEP)
    assert p1["components"][0]["label"] == "Your name"
    await view.answer("Ada")
    p2 = await view.wait_prompt(kind="input.number", not_id=p1["id"], timeout=STEP)
    assert p2["components"][0]["props"]["min"] == 0
    await view.answer(36)
    p3 = await view.wait_prompt(kind="select.single", not_id=p2["id"], timeout=STEP)
    assert [o["value"] for o in p3["components"][0]["props"]["options"]] == ["red", "teal", "navy"]
    await view.answer("teal")
    state = await view.wait_status("completed", timeout=STEP)

    assert state["result"] == {"name": "Ada", "age": 36, "colour": "teal"}
    assert state["prompt"] is None and state["error"] is None
    # Nothing but the widget messages moved the run: no cell was executed after the start.
    assert fe.count_sent("execute_request") == executes
    assert execute_inputs(fe) == inputs
    # ... and they travelled as JupyterLab 4.6 sends them: on a subshell where the kernel has one.
    answers = [s for s in fe.sent[-3:] if s["msg_type"] == "comm_msg"]
    assert len(answers) == 3
    if kernel_id == "ik-6.29":
        assert not fe.supports_subshells and all(s["subshell_id"] is None for s in answers)
    else:
        assert fe.supports_subshells and fe.subshell_id
        assert all(s["subshell_id"] == fe.subshell_id for s in answers)
    assert await fe.evaluate("[run.status, run.result_value, len(inb.runs())]") == [
        "completed",
        {"name": "Ada", "age": 36, "colour": "teal"},
        0,
    ]


# --------------------------------------------------------------------------------------------
# b. validation round trip
# --------------------------------------------------------------------------------------------

VALIDATION = cell("""
    import interval_nb as inb

    actions = inb.Actions()

    @actions.action
    async def checked(io, ctx):
        age = await io.input.number("Age", min=0, max=120)
        name = await io.input.text("Name", max_length=20)
        colour = await io.select.single("Colour", options=["red", "teal"])
        return [age, name, colour]
""")


async def test_invalid_answers_come_back_with_errors_and_the_values_kept(
    fe: HeadlessFrontend,
) -> None:
    await fe.execute(VALIDATION, cell_id=cell_id("defs"))
    view = run_view(fe, await fe.execute("run = checked.start()", cell_id=cell_id("start")))

    async def rejected(raw: object, message: str, kept: object = ...) -> dict:
        prompt_id = view.prompt["id"]  # type: ignore[index]
        await view.answer(raw)
        state = await view.wait(
            lambda s: s.get("prompt") and s["prompt"]["components"][0]["error"] == message,
            STEP,
            what=f"validation error {message!r}",
        )
        prompt = state["prompt"]
        assert prompt["id"] == prompt_id, "a rejected answer must re-show the same prompt"
        expected = raw if kept is ... else kept
        assert prompt["components"][0]["value"] == expected, "the person's raw value must be kept"
        assert state["status"] == "awaiting_input"
        return prompt

    p1 = await view.wait_prompt(kind="input.number", timeout=STEP)
    await rejected("abc", "Expected a number.")  # wrong type
    await rejected(500, "Must be at most 120.")  # out of range
    await rejected(-1, "Must be at least 0.")
    await view.answer(36)
    p2 = await view.wait_prompt(kind="input.text", not_id=p1["id"], timeout=STEP)
    assert p2["components"][0]["error"] is None and p2["components"][0]["value"] is None
    await rejected(42, "Expected text, got int.")  # wrong type for text
    await rejected("x" * 21, "Too long: at most 20 characters.")
    await view.answer("Ada")
    p3 = await view.wait_prompt(kind="select.single", not_id=p2["id"], timeout=STEP)
    # an option never offered: refused, and not echoed back (a forged value could be anything)
    await rejected("purple", "Choose one of the options offered.", kept=None)
    await view.answer("teal")
    state = await view.wait_status("completed", timeout=STEP)
    assert state["result"] == [36, "Ada", "teal"]
    assert p3["id"] != p2["id"]
    events = await fe.evaluate("[e['event'] for e in run.journal]")
    assert events.count("validation_failed") == 6
    assert events.count("answered") == 3


# --------------------------------------------------------------------------------------------
# c. cancel from the view
# --------------------------------------------------------------------------------------------

CANCELLABLE = cell("""
    import asyncio
    import interval_nb as inb

    actions = inb.Actions()
    CANCEL_LOG = []

    @actions.action
    async def slow_form(io, ctx):
        try:
            await io.input.text("Anything")
            CANCEL_LOG.append("answered")
        except asyncio.CancelledError:
            CANCEL_LOG.append("cancelled")
            raise
        finally:
            CANCEL_LOG.append("finally")
""")


async def test_cancel_from_the_view_cancels_the_action(fe: HeadlessFrontend) -> None:
    await fe.execute(CANCELLABLE, cell_id=cell_id("defs"))
    view = run_view(fe, await fe.execute("run = slow_form.start()", cell_id=cell_id("start")))
    await view.wait_prompt(timeout=STEP)
    await view.cancel()
    state = await view.wait_status("cancelled", timeout=STEP)
    assert state["prompt"] is None
    assert "cancel" in state["cancel_reason"]
    assert await fe.evaluate("[CANCEL_LOG, run.status, len(inb.runs())]") == [
        ["cancelled", "finally"],
        "cancelled",
        0,
    ]


# --------------------------------------------------------------------------------------------
# d. an action that raises
# --------------------------------------------------------------------------------------------

EXPLODING = cell("""
    import interval_nb as inb

    actions = inb.Actions()

    @actions.action
    async def explode(io, ctx):
        n = await io.input.number("How many?")
        raise ValueError(f"boom {n}")
""")


async def test_a_failing_action_shows_its_error_and_the_kernel_lives_on(
    fe: HeadlessFrontend,
) -> None:
    await fe.execute(EXPLODING, cell_id=cell_id("defs"))
    view = run_view(fe, await fe.execute("run = explode.start()", cell_id=cell_id("start")))
    await view.wait_prompt(timeout=STEP)
    await view.answer(42)
    state = await view.wait_status("failed", timeout=STEP)
    error = state["error"]
    assert error["type"] == "ValueError"
    assert error["message"] == "boom 42"
    assert "Traceback (most recent call last)" in error["traceback"]
    assert 'raise ValueError(f"boom {n}")' in error["traceback"] and "explode" in error["traceback"]
    assert state["prompt"] is None
    assert await fe.is_alive()
    later = await fe.execute("print(6 * 7)", cell_id=cell_id("later"))
    assert later.stdout.strip() == "42"
    assert await fe.evaluate("[run.status, type(run._exception).__name__]") == [
        "failed",
        "ValueError",
    ]


QUIET = cell("""
    import interval_nb as inb

    actions = inb.Actions()

    def broken_validator(value):
        raise RuntimeError("validator bug")

    @actions.action
    async def noisy(io, ctx):
        ctx.log("a log line")
        ctx.notify("a notification")
        await io.input.text("Checked by a broken validator").validate(broken_validator)

    @actions.action
    async def fails(io, ctx):
        await io.input.number("Anything")
        raise KeyError("missing")
""")


async def test_runs_write_nothing_into_cell_outputs(fe: HeadlessFrontend) -> None:
    """A run renders only through its view; nothing from the task may land in the
    starting cell's output area (on 7.x it would appear under the cell, on 6.x under another)."""
    await fe.execute(QUIET, cell_id=cell_id("defs"))
    first = await fe.execute("run = noisy.start()", cell_id=cell_id("start"))
    second = await fe.execute("run2 = fails.start()", cell_id=cell_id("start2"))
    noisy, failing = run_view(fe, first), run_view(fe, second)
    await noisy.wait_prompt(timeout=STEP)
    await noisy.answer("x")
    state = await noisy.wait(
        lambda s: (
            (s.get("prompt") or {}).get("error")
            or any(c.get("error") for c in (s.get("prompt") or {}).get("components", []))
        ),
        STEP,
        what="the validator's error",
    )
    shown = state["prompt"]["error"] or state["prompt"]["components"][0]["error"]
    assert "validator bug" in shown
    assert (
        state["logs"] == ["a log line"] and state["notifications"][0]["message"] == "a notification"
    )
    await failing.wait_prompt(timeout=STEP)
    await failing.answer(1)
    await failing.wait_status("failed", timeout=STEP)
    await noisy.cancel()
    await noisy.wait_status("cancelled", timeout=STEP)
    await fe.execute(
        "pass", cell_id=cell_id("flush")
    )  # anything still buffered in the kernel arrives first
    for ex in (first, second):
        extra = [o for o in ex.outputs if o["msg_type"] != "display_data"]
        assert extra == [], f"the run wrote into its cell's output: {extra}"
        assert len(ex.outputs) == 1


# --------------------------------------------------------------------------------------------
# e. re-running the starting cell
# --------------------------------------------------------------------------------------------

SURVEY = cell("""
    import interval_nb as inb

    actions = inb.Actions()

    @actions.action
    async def survey(io, ctx):
        return await io.input.text("Question")
""")


async def test_rerunning_the_cell_cancels_its_earlier_run_and_runs_can_be_redisplayed(
    fe: HeadlessFrontend,
) -> None:
    await fe.execute(SURVEY, cell_id=cell_id("defs"))
    assert await fe.evaluate("len(inb.runs())") == 0
    start_cell = cell_id("start")
    first = run_view(fe, await fe.execute("run = survey.start()", cell_id=start_cell))
    await first.wait_prompt(timeout=STEP)

    second = run_view(fe, await fe.execute("run = survey.start()", cell_id=start_cell))
    assert second.comm_id != first.comm_id and second.run_id != first.run_id
    old = await first.wait_status("cancelled", timeout=STEP)
    assert "cell" in old["cancel_reason"]
    await second.wait_prompt(timeout=STEP)
    assert await fe.evaluate("[r.id for r in inb.runs()]") == [second.run_id]

    # A run started by another cell is not touched by re-running the first one.
    third = run_view(fe, await fe.execute("other = survey.start()", cell_id=cell_id("other")))
    await third.wait_prompt(timeout=STEP)
    assert second.status == "awaiting_input"
    assert await fe.evaluate("[r.id for r in inb.runs()]") == [second.run_id, third.run_id]
    await third.cancel()
    await third.wait_status("cancelled", timeout=STEP)

    # After an unsaved reload the output is gone: showing the live run again gives the same model.
    again = await fe.execute("inb.runs()[0]", cell_id=cell_id("redisplay"))
    assert again.widget_model_ids == [second.comm_id]
    await second.answer("still here")
    state = await second.wait_status("completed", timeout=STEP)
    assert state["result"] == "still here"
    assert await fe.evaluate("len(inb.runs())") == 0


async def test_several_runs_started_by_one_execution_all_stay(fe: HeadlessFrontend) -> None:
    await fe.execute(SURVEY, cell_id=cell_id("defs"))
    many = cell_id("many")
    ran = await fe.execute("batch = [survey.start() for _ in range(3)]", cell_id=many)
    views = [run_view(fe, ran, index) for index in range(3)]
    for view in views:
        await view.wait_prompt(timeout=STEP)
    assert await fe.evaluate("[r.status for r in batch]") == ["awaiting_input"] * 3
    # Running that cell again is a re-run: all three give way to the new ones.
    await fe.execute("batch2 = [survey.start() for _ in range(3)]", cell_id=many)
    for view in views:
        await view.wait_status("cancelled", timeout=STEP)
    assert await fe.evaluate("[r.status for r in batch2]") == ["awaiting_input"] * 3
    await fe.execute("for r in batch2: r.cancel()", cell_id=cell_id("end"))


# --------------------------------------------------------------------------------------------
# f. forged and malformed messages
# --------------------------------------------------------------------------------------------

FORGED = cell("""
    import interval_nb as inb

    actions = inb.Actions()

    @actions.action
    async def target(io, ctx):
        name = await io.input.text("Name")
        count = await io.input.number("Count")
        return [name, count]
""")

HUGE = 10_000_000


async def test_forged_and_malformed_messages_never_break_the_run(fe: HeadlessFrontend) -> None:
    await fe.execute(FORGED, cell_id=cell_id("defs"))
    view = run_view(fe, await fe.execute("run = target.start()", cell_id=cell_id("start")))
    p1 = await view.wait_prompt(kind="input.text", timeout=STEP)
    pid = p1["id"]

    junk: list[object] = [
        "hello",
        [1, 2],
        None,
        42,
        {"no": "type"},
        {"type": "bogus"},
        {"type": ["answer"]},
        {
            "type": "answer",
            "prompt_id": pid + "-forged",
            "values": ["x"],
            "choice": None,
        },  # forged prompt id
        {"type": "answer", "prompt_id": "other-run-p1", "values": ["x"], "choice": None},
        {"type": "answer", "prompt_id": pid, "values": ["a", "b"], "choice": None},  # wrong length
        {"type": "answer", "prompt_id": pid, "values": [], "choice": None},
        {"type": "answer", "prompt_id": pid, "values": "abc", "choice": None},  # not a list
        {"type": "answer", "prompt_id": pid, "values": ["x"] * 5000, "choice": None},  # oversized
        {"type": "answer", "prompt_id": pid, "values": ["x"], "choice": 5},  # bad choice
        {"type": "answer", "prompt_id": pid},  # no values
        {"type": "answer", "prompt_id": {"a": 1}, "values": ["x"]},
    ]
    for content in junk:
        await view.send(content)
    await fe.send_custom("no-such-comm", {"type": "cancel"}, check=False)
    # A huge text answer is refused by validation; every message before it was handled first.
    await view.answer("y" * HUGE)
    state = await view.wait(
        lambda s: (s.get("prompt") or {}).get("components", [{}])[0].get("error"),
        30,
        what="the error for a 10 MB answer",
    )
    assert state["prompt"]["id"] == pid and state["status"] == "awaiting_input"
    assert state["prompt"]["components"][0]["error"].startswith("Too long")

    await view.answer("Ada")
    p2 = await view.wait_prompt(kind="input.number", not_id=pid, timeout=STEP)
    # Two answers back to back (a double click): the first one wins.
    await view.answer(7)
    await view.answer(8)
    state = await view.wait_status("completed", timeout=STEP)
    assert state["result"] == ["Ada", 7]

    # Messages after the end change nothing.
    await view.answer(9, prompt_id=p2["id"])
    await view.send({"type": "answer", "prompt_id": pid, "values": ["late"], "choice": None})
    await view.cancel()
    last = await view.send("junk")
    # On a subshell these are handled on another thread than cells: wait until the kernel is
    # done with the last one before reading the journal from a cell.
    await fe.wait_idle(last, STEP)
    alive = await fe.execute("print('still alive')", cell_id=cell_id("later"))
    assert alive.stdout.strip() == "still alive"
    assert view.status == "completed" and view.state["result"] == ["Ada", 7]

    journal = await fe.evaluate(
        "[[e['event'], e.get('code')] for e in run.journal if e['event'] in ('answer_rejected', 'message_dropped')]"
    )
    seen = [code or event for event, code in journal]
    second_of_double = seen[16]
    assert second_of_double in ("busy", "not_waiting"), seen  # the later of the double answer lost
    assert seen[:16] + seen[17:] == [
        *["message_dropped"] * 7,  # not an object (4), no type, unknown type, unhashable type
        "stale_prompt",
        "stale_prompt",  # forged prompt ids
        "malformed",
        "malformed",
        "malformed",  # wrong length (2), [] , not a list
        "message_dropped",  # 5000 values: dropped before reaching the run
        "malformed",
        "malformed",  # bad choice, no values
        "stale_prompt",  # a prompt id that is not even a string
        # (the 10 MB answer is judged, not rejected: it shows as a validation error)
        "not_waiting",
        "not_waiting",  # two answers after the end
        "message_dropped",  # junk after the end (the late cancel is a no-op)
    ], seen
    assert await fe.evaluate("[run.status, run.result_value]") == ["completed", ["Ada", 7]]


# --------------------------------------------------------------------------------------------
# g. no widget per prompt
# --------------------------------------------------------------------------------------------

MANY = cell("""
    import interval_nb as inb

    actions = inb.Actions()

    @actions.action
    async def many(io, ctx):
        total = 0
        for i in range(50):
            total += await io.input.number(f"Number {i}")
        return total
""")

LIVE_WIDGETS = "len(__import__('ipywidgets').widgets.widget._instances)"


async def test_prompts_cost_no_widgets(fe: HeadlessFrontend) -> None:
    await fe.execute(MANY, cell_id=cell_id("defs"))
    before = await fe.evaluate(LIVE_WIDGETS)
    view = run_view(fe, await fe.execute("run = many.start()", cell_id=cell_id("start")))
    mark = len(fe.iopub)
    previous = None
    for i in range(50):
        prompt = await view.wait_prompt(not_id=previous, timeout=STEP)
        assert prompt["components"][0]["label"] == f"Number {i}"
        previous = prompt["id"]
        await view.answer(i)
    state = await view.wait_status("completed", timeout=STEP)
    assert state["result"] == sum(range(50))
    assert fe.comm_opens(mark) == [], "a prompt opened a widget model"
    after = await fe.evaluate(LIVE_WIDGETS)
    assert after - before <= 2, (
        f"one run of 50 prompts left {after - before} widget models (RunView + Layout = 2)"
    )


# --------------------------------------------------------------------------------------------
# h. loading updates are coalesced
# --------------------------------------------------------------------------------------------

CRUNCH = cell("""
    import asyncio
    import time
    import interval_nb as inb

    actions = inb.Actions()

    @actions.action
    async def crunch(io, ctx):
        yield_every = ctx.params["yield_every"]
        ctx.loading.start(label="Crunching", items_in_queue=100_000)
        t0 = time.perf_counter()
        for i in range(100_000):
            ctx.loading.complete_one()
            if yield_every and i % yield_every == yield_every - 1:
                await asyncio.sleep(0.005)
        return time.perf_counter() - t0
""")


@pytest.mark.parametrize("yield_every", [0, 1000], ids=["tight", "yielding"])
async def test_loading_updates_are_coalesced(fe: HeadlessFrontend, yield_every: int) -> None:
    await fe.execute(CRUNCH, cell_id=cell_id("defs"))
    start = await fe.execute(
        f"run = crunch.start(params={{'yield_every': {yield_every}}})", cell_id=cell_id("start")
    )
    view = run_view(fe, start)
    state = await view.wait_status("completed", timeout=60)
    duration = state["result"]
    assert state["loading"]["items_completed"] == 100_000
    assert state["loading"]["label"] == "Crunching"
    updates = [
        m["content"]["data"]["state"]["loading"]
        for m in fe.iopub_for(view.comm_id, "update")
        if "loading" in m["content"]["data"]["state"]
    ]
    allowed = 20 * duration + 5
    assert len(updates) <= allowed, (
        f"{len(updates)} loading updates for a {duration:.2f}s loop (allowed {allowed:.0f})"
    )
    if yield_every:
        # Progress reaches the page while the loop runs, not only at the end.
        assert any(u and 0 < u["items_completed"] < 100_000 for u in updates), updates
        assert duration > 0.3


# --------------------------------------------------------------------------------------------
# i. top-level await
# --------------------------------------------------------------------------------------------

AWAITED = cell("""
    import interval_nb as inb

    actions = inb.Actions()

    @actions.action
    async def shout(io, ctx):
        return (await io.input.text("Say something")).upper()
""")

AWAIT_CELL = 'value = await shout.start()\nprint("VALUE", value)'


async def test_top_level_await_works_on_7_4_and_fails_fast_before(fe: HeadlessFrontend) -> None:
    await fe.execute(AWAITED, cell_id=cell_id("defs"))
    if fe.ipykernel_version >= (7, 4):
        ex = fe.submit(AWAIT_CELL, cell_id=cell_id("await"))
        await fe.wait_for(lambda _models: ex.widget_model_ids, STEP, what="the awaited run's view")
        view = run_view(fe, ex)
        await view.wait_prompt(timeout=STEP)
        assert not ex.reply_future.done(), (
            "the awaiting cell must still be executing when the answer is sent"
        )
        await view.answer("hello")  # on the subshell, while the cell still runs
        await fe.wait_execution(ex, STEP)
        assert "VALUE HELLO" in ex.stdout
        assert view.status == "completed"
    else:
        t0 = time.monotonic()
        ex = await fe.execute(AWAIT_CELL, cell_id=cell_id("await"), timeout=STEP, allow_error=True)
        assert time.monotonic() - t0 < 5, "the cell must fail at once, not hang"
        assert ex.error is not None, ex.describe()
        assert ex.error["ename"] == "TopLevelAwaitUnsupported"
        assert "drop the `await`" in ex.error["evalue"].lower()
        assert "VALUE" not in ex.stdout
        later = await fe.execute("print('next cell runs')", cell_id=cell_id("later"))
        assert later.stdout.strip() == "next cell runs"


async def test_frontend_errors_are_clear(fe: HeadlessFrontend) -> None:
    """The harness itself: a failing cell and a timeout say what happened."""
    with pytest.raises(FrontendError, match="ZeroDivisionError"):
        await fe.execute("1 / 0", cell_id=cell_id("boom"))
    with pytest.raises(FrontendError, match="timed out after 0.3s waiting for nothing"):
        await fe.wait_for(lambda _m: False, 0.3, what="nothing")


# --------------------------------------------------------------------------------------------
# the widget's cost: one shared Layout, the run's state in the comm open
# --------------------------------------------------------------------------------------------


def _comm_open_state(fe: HeadlessFrontend, comm_id: str) -> dict[str, object]:
    opens = [
        m["content"]["data"]["state"]
        for m in fe.iopub
        if m["msg_type"] == "comm_open" and m["content"]["comm_id"] == comm_id
    ]
    assert len(opens) == 1
    state: dict[str, object] = opens[0]
    return state


async def test_views_share_one_layout_that_outlives_a_closed_view(fe: HeadlessFrontend) -> None:
    await fe.execute(ONBOARDING, cell_id=cell_id("defs"))
    first = run_view(fe, await fe.execute("a = onboarding.start()", cell_id=cell_id("a")))
    second = run_view(fe, await fe.execute("b = onboarding.start()", cell_id=cell_id("b")))
    # The view's opening message already shows its run (no second message to fill it in).
    opened = _comm_open_state(fe, first.comm_id)
    assert opened["run_id"] == first.state["run_id"] and opened["title"]

    layout = first.state["layout"]
    assert layout == second.state["layout"] and layout.startswith("IPY_MODEL_")
    await fe.execute("a.view.close()", cell_id=cell_id("close"))
    assert layout.removeprefix("IPY_MODEL_") in fe.models  # still drawn by the second view
    await second.wait_prompt(kind="input.text", timeout=STEP)
    await second.answer("Ada")
    await second.wait_prompt(kind="input.number", timeout=STEP)
    await fe.execute("a.cancel(); b.cancel()", cell_id=cell_id("end"))
