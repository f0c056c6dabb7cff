"""Answers racing cancels on a real ``jupyter server``: every request gets its reply, cancel wins.

An answer is judged in the kernel (validators may be async and slow) while a cancel can
arrive at any moment. Whatever the interleaving, the answer's request must get a prompt,
clear reply — its result, or 409 ``cancelled`` / ``not_waiting`` — never hang until the
kernel request times out (504), and the run must end ``cancelled`` with a consistent journal.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from interval_nb.errors import AnswerRejected, RunCancelled
from interval_nb.runtime.run import AnswerOutcome, Run

from . import sample_actions
from . import test_kernel_loss as loss
from .helpers import Process

home = loss.home  # the real-server fixtures
servers = loss.servers
Served = loss.Served
wait_for = loss.wait_for

ROUNDS = 20

TERMINAL = {"completed", "failed", "cancelled", "interrupted"}


def cancelled_cleanly(served: Served, run_id: str) -> list[str]:
    """The run ended ``cancelled``, once, after the request; returns its journal's events."""
    assert served.run(run_id)["status"] == "cancelled"
    events = [e["event"] for e in served.events(run_id)]
    assert events[:2] == ["started", "prompt_shown"], events
    assert [e for e in events if e in TERMINAL] == ["cancelled"] and events[-1] == "cancelled"
    assert events.index("cancel_requested") < events.index("cancelled")
    return events


def judging(served: Served, run_id: str, value: str) -> bool:
    """Whether the slow validator has started judging ``value``."""
    return f"judging {value}" in served.run(run_id)["logs"]


def race(pool: ThreadPoolExecutor, served: Served, run: dict[str, Any], value: str) -> Any:
    """Send the answer and the cancel at the same moment; returns both replies."""
    together = threading.Barrier(2)

    def answer() -> tuple[int, Any]:
        together.wait()
        return served.answer(run, value)

    def cancel() -> tuple[int, Any]:
        together.wait()
        return served.api("POST", f"runs/{run['id']}/cancel")

    answering, cancelling = pool.submit(answer), pool.submit(cancel)
    return answering.result(), cancelling.result()


@pytest.mark.kernel
@pytest.mark.slow
def test_cancel_while_a_slow_validator_judges_the_answer(
    home: dict[str, Any], servers: list[Process]
) -> None:
    served = Served(home, servers)
    with ThreadPoolExecutor(1) as pool:
        for round_ in range(ROUNDS):
            # Judged for 2 s rather than the report's 0.6 s: the cancel must land while the
            # answer is being judged even on a loaded machine; it cuts the wait short anyway.
            run = served.start("slow_check", judge_seconds=2)
            value = f"try {round_}"
            answering = pool.submit(served.answer, run, value)
            # The validator logs when it starts judging (then takes 0.6 s): cancel right then.
            wait_for("the validator judging", functools.partial(judging, served, run["id"], value))
            status, body = served.api("POST", f"runs/{run['id']}/cancel")
            assert status == 200 and body["run"]["status"] == "cancelled", body

            status, body = answering.result()
            assert (status, body["error"]["code"]) == (409, "cancelled"), body
            events = cancelled_cleanly(served, run["id"])
            assert "answered" not in events  # the answer never got its verdict


@pytest.mark.kernel
@pytest.mark.slow
def test_answers_and_cancels_fired_together(home: dict[str, Any], servers: list[Process]) -> None:
    served = Served(home, servers)
    with ThreadPoolExecutor(2) as pool:
        for round_ in range(ROUNDS):
            run = served.start("two_steps")
            (status, body), cancelled = race(pool, served, run, f"try {round_}")
            # two_steps asks again after the first answer, so a cancel always finds it running.
            assert cancelled[0] == 200 and cancelled[1]["run"]["status"] == "cancelled", cancelled
            if status == 200:  # the answer got there first and was accepted
                assert body["run"]["status"] in ("awaiting_input", "cancelled"), body
            else:
                assert status == 409, body
                assert body["error"]["code"] in ("cancelled", "not_waiting"), body
            events = cancelled_cleanly(served, run["id"])
            assert events.count("answered") == (1 if status == 200 else 0), events


# -- the same races inside one kernel, step by step ------------------------------------------


async def waiting(slug: str) -> Run:
    """A run of a sample action, started on this loop, once it shows its first prompt."""
    run = sample_actions.actions.get(slug).create_run({}).start()
    while run.prompt is None:
        await asyncio.sleep(0.01)
    return run


async def verdict_after_the_end(run: Run, outcome: asyncio.Future[AnswerOutcome]) -> str:
    """Once the run has ended, the answer's verdict is settled: a rejection; returns its code."""
    with pytest.raises(RunCancelled):
        await run.result()
    assert outcome.done()  # no sender is left waiting for a verdict that can never come
    error = outcome.exception()
    assert isinstance(error, AnswerRejected), error
    return error.code


async def test_an_answer_handed_over_as_the_run_is_cancelled_gets_its_verdict() -> None:
    run = await waiting("two_steps")
    outcome = run.submit({"prompt_id": run.prompt["id"], "values": ["Ada"], "choice": None})
    run.cancel("cancelled by alice")  # before the run's task has even seen the answer
    assert await verdict_after_the_end(run, outcome) == "cancelled"
    assert [e["event"] for e in run.journal][-2:] == ["cancel_requested", "cancelled"]
    with pytest.raises(AnswerRejected) as late:  # and nothing more gets in
        run.submit({"prompt_id": "x", "values": ["Ada"], "choice": None})
    assert late.value.code == "not_waiting"


@pytest.mark.parametrize("ending", ["cancelled", "interrupted"])
async def test_an_answer_being_judged_when_the_run_ends_gets_its_verdict(ending: str) -> None:
    run = await waiting("slow_check")
    outcome = run.submit({"prompt_id": run.prompt["id"], "values": ["Ada"], "choice": None})
    while "judging Ada" not in run.logs:  # the async validator is at work
        await asyncio.sleep(0.01)
    if ending == "cancelled":
        run.cancel("cancelled by alice")
    else:
        run.interrupt("the page went away")
    assert await verdict_after_the_end(run, outcome) == ending
    assert run.status == ending
    assert "answered" not in [e["event"] for e in run.journal]


async def test_a_cancel_requested_refuses_answers_until_the_run_ends() -> None:
    run = await waiting("two_steps")
    run.cancel("cancelled by alice")
    with pytest.raises(AnswerRejected) as refused:  # the same loop turn: the task has not ended
        run.submit({"prompt_id": run.prompt["id"], "values": ["Ada"], "choice": None})
    assert refused.value.code == "cancelled"
    with pytest.raises(RunCancelled):
        await run.result()
