"""The headless test driver answers as the page does and reports clearly when things end."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

import interval_nb as inb
from interval_nb import PromptTimeout, RunFinishedError
from interval_nb.testing import start

actions = inb.Actions()


@actions.action
async def onboarding(io, ctx):
    await io.display.heading("New employee")
    person = await io.group(
        name=io.input.text("Name"),
        start=io.input.date("Start date"),
        team=io.select.single(
            "Team", options=[{"label": "Data", "value": 1}, {"label": "Ops", "value": 2}]
        ),
        note=io.input.text("Note").optional(),
    ).with_choices(["Create", "Create and email"])
    sure = await io.confirm(f"Create {person.value['name']}?")
    return person.choice, person.value, sure


@actions.action
async def sleepy(io, ctx):
    await asyncio.sleep(3600)


@actions.action
async def quick(io, ctx):
    return 1


async def test_keyword_group_with_choices_dates_and_confirm() -> None:
    async with start(onboarding, user="ana") as run:
        prompt = await run.next_prompt()
        assert [c.kind for c in prompt.components] == [
            "input.text",
            "input.date",
            "select.single",
            "input.text",
        ]
        assert prompt.choices == ("Create", "Create and email")
        assert run.transcript[0]["components"][0]["kind"] == "display.heading"
        await run.answer(
            {"name": "Grace", "start": dt.date(2026, 12, 1), "team": 2}, choice="Create and email"
        )
        confirm = await run.next_prompt()
        assert confirm.components[0].kind == "confirm" and confirm.spec["exclusive"]
        await run.answer(True)
        choice, value, sure = await run.result()
    assert choice == "Create and email" and sure is True
    assert value == {
        "name": "Grace",
        "start": dt.date(2026, 12, 1),
        "team": {"label": "Ops", "value": 2},
        "note": None,
    }


async def test_unknown_keys_are_refused() -> None:
    async with start(onboarding) as run:
        await run.next_prompt()
        with pytest.raises(inb.AnswerRejected, match="no components named"):
            await run.answer({"nme": "typo"})


async def test_next_prompt_timeout_and_finished_run() -> None:
    async with start(sleepy) as run:
        with pytest.raises(PromptTimeout, match="no new prompt within 0.05s; the run is running"):
            await run.next_prompt(timeout=0.05)
    async with start(quick) as run:
        with pytest.raises(RunFinishedError, match="ended completed"):
            await run.next_prompt()
        assert await run.result() == 1


async def test_exiting_the_block_cancels_a_waiting_run() -> None:
    async with start(onboarding) as run:
        await run.next_prompt()
    assert run.status == "cancelled"
