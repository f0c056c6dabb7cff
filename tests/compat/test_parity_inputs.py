"""The native io and ``interval_nb.compat`` give the same answers to Interval's input scenarios.

Each scenario is one action body written once against the io API both share; it runs as a
native action and as an interval-sdk action, is answered the same way, and must end the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

import interval_nb as inb
from interval_nb.actions import Action
from interval_nb.compat import Interval
from interval_nb.testing import start

Body = Callable[[Any], Awaitable[Any]]

NATIVE = inb.Actions()
COMPAT = Interval("parity_key", log_level="info")
DAY = dt.date(2022, 7, 20)


async def euro(io: Any) -> Any:
    return await io.input.number("Euro", currency="EUR", decimals=2)


async def alarm(io: Any) -> Any:
    return await io.input.time("Enter time", min=dt.time(8, 30), max=dt.time(20))


async def dated(io: Any) -> Any:
    single = await io.select.single("One", options=[1, True, DAY])
    several = await io.select.multiple("Several", options=[1, True, DAY])
    return single, several


async def impossible(io: Any) -> Any:
    return await io.select.single(
        "Pick", options=["a"], default_value={"label": "Invalid", "value": "invalid"}
    )


def _native(body: Body) -> Action:
    async def native(io: Any, ctx: Any) -> Any:
        return await body(io)

    native.__name__ = f"native_{body.__name__}"
    return NATIVE.action(native)


def _compat(body: Body) -> Action:
    async def compat(io: Any, ctx: Any) -> Any:
        return await body(io)

    compat.__name__ = f"compat_{body.__name__}"
    return COMPAT.action(compat)  # type: ignore[no-any-return]


BUILDERS = {"native": _native, "compat": _compat}


async def _play(action: Action, answers: list[Any]) -> tuple[list[Any], Any, int]:
    """Answer each prompt in turn: every component error seen, the result, the log lines."""
    errors: list[Any] = []
    async with start(action) as run:
        for answer in answers:
            prompt = await run.next_prompt()
            errors.append(prompt.errors)
            await run.answer(answer)
        result = await run.result()
        return errors, result, len(run.logs)


SCENARIOS: dict[str, tuple[Body, list[Any], tuple[list[Any], Any, int]]] = {
    "decimals": (
        euro,
        ["10.001", "10.00"],
        ([[None], ["Please enter a number with up to 2 decimal places."]], 10.0, 0),
    ),
    "time bounds": (
        alarm,
        ["08:29", "20:01", "08:30"],
        (
            [[None], ["Must be on or after 08:30."], ["Must be on or before 20:00."]],
            dt.time(8, 30),
            0,
        ),
    ),
    "dated options": (
        dated,
        [DAY, ["2022-07-20", True]],
        ([[None], [None]], (DAY, [DAY, True]), 0),
    ),
    "impossible default": (
        impossible,
        ["invalid", "a"],
        ([[None], ["Choose one of the options offered."]], "a", 1),
    ),
}


ACTIONS = {
    (api, name): build(body)
    for api, build in BUILDERS.items()
    for name, (body, *_) in SCENARIOS.items()
}


@pytest.mark.parametrize("api", sorted(BUILDERS))
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
async def test_native_and_compat_agree(api: str, scenario: str) -> None:
    _, answers, expected = SCENARIOS[scenario]
    errors, result, logs = await _play(ACTIONS[api, scenario], answers)
    assert (errors, result, logs) == expected
    if scenario == "dated options":
        assert type(result[0]) is dt.date and type(result[1][0]) is dt.date
