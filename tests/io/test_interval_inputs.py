"""Interval's end-to-end input and select scenarios, run through ``interval_nb.testing``.

Decimal places on numbers, bounds on times (and dates, datetimes), dates among select options
and a ``default_value`` that is not among the options behave as they do in Interval.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import interval_nb as inb
from interval_nb.testing import start

actions = inb.Actions()

PLACES = "Please enter a number with up to 2 decimal places."


@actions.action
async def euro(io: Any, ctx: Any) -> Any:
    return await io.input.number("Euro", currency="EUR", decimals=2)


@actions.action
async def whole(io: Any, ctx: Any) -> Any:
    return await io.input.number("Count", decimals=0)


@actions.action
async def alarm(io: Any, ctx: Any) -> Any:
    return await io.input.time("Enter time", min=dt.time(8, 30), max=dt.time(20))


@actions.action
async def bounded_days(io: Any, ctx: Any) -> Any:
    return await io.group(
        io.input.date("Day", min=dt.date(2022, 7, 1), max=dt.date(2022, 7, 31)),
        io.input.datetime(
            "When", min=dt.datetime(2022, 7, 1, 9, 0), max=dt.datetime(2022, 7, 1, 17, 0)
        ),
    )


DAY = dt.date(2022, 7, 20)
LABELLED = {"label": "Launch", "value": dt.datetime(2022, 7, 20, 9, 30)}


@actions.action
async def dated_single(io: Any, ctx: Any) -> Any:
    return await io.select.single("Pick", options=[1, True, DAY, dt.time(8, 30), LABELLED])


@actions.action
async def dated_multiple(io: Any, ctx: Any) -> Any:
    return await io.select.multiple("Pick", options=[1, True, DAY], default_value=[DAY])


@actions.action
async def impossible_single(io: Any, ctx: Any) -> Any:
    return await io.select.single(
        "Pick", options=[], default_value={"label": "Invalid", "value": "invalid"}
    )


@actions.action
async def impossible_multiple(io: Any, ctx: Any) -> Any:
    return await io.select.multiple("Pick", options=["a", "b"], default_value=["a", "zzz"])


async def test_more_decimal_places_than_allowed_are_refused_and_kept_on_the_page() -> None:
    async with start(euro) as run:
        shown = (await run.next_prompt()).components[0]
        assert (shown.props["prepend"], shown.props["decimals"]) == ("€", 2)
        await run.answer("10.001")
        again = (await run.next_prompt()).components[0]
        assert (again.error, again.value) == (PLACES, "10.001")
        await run.answer(10.001)  # a number, not text: refused the same way
        assert (await run.next_prompt()).errors == [PLACES]
        await run.answer("10.00")
        assert await run.result() == 10.0


@pytest.mark.parametrize("typed", ["10", 10, "0.29", 0.29, "1,234.50", 10.0])
async def test_up_to_the_allowed_places_is_accepted_exactly(typed: Any) -> None:
    # 0.29 * 100 is 28.999999999999996: the check is on decimal text, not float arithmetic.
    async with start(euro) as run:
        await run.next_prompt()
        await run.answer(typed)
        assert await run.result() == pytest.approx(float(str(typed).replace(",", "")))


async def test_a_float_sum_with_a_long_tail_is_refused() -> None:
    async with start(euro) as run:
        await run.next_prompt()
        await run.answer(0.1 + 0.2)  # 0.30000000000000004
        assert (await run.next_prompt()).errors == [PLACES]
        await run.answer("0.3")
        assert await run.result() == pytest.approx(0.3)


async def test_zero_decimals_means_whole_numbers() -> None:
    async with start(whole) as run:
        await run.next_prompt()
        await run.answer("2.5")
        assert (await run.next_prompt()).errors == ["Enter a whole number."]
        await run.answer("3")
        assert await run.result() == 3


async def test_time_bounds_are_shown_and_enforced() -> None:
    async with start(alarm) as run:
        shown = (await run.next_prompt()).components[0]
        assert (shown.props["min"], shown.props["max"]) == ("08:30", "20:00")
        await run.answer("08:29")
        assert (await run.next_prompt()).errors == ["Must be on or after 08:30."]
        await run.answer("20:01")
        assert (await run.next_prompt()).errors == ["Must be on or before 20:00."]
        await run.answer(dt.time(20, 0))
        assert await run.result() == dt.time(20, 0)


async def test_date_and_datetime_bounds_are_shown_and_enforced() -> None:
    async with start(bounded_days) as run:
        shown = (await run.next_prompt()).components
        assert [(c.props["min"], c.props["max"]) for c in shown] == [
            ("2022-07-01", "2022-07-31"),
            ("2022-07-01T09:00", "2022-07-01T17:00"),
        ]
        await run.answer(["2022-06-30", "2022-07-01T17:01"])
        assert (await run.next_prompt()).errors == [
            "Must be on or after 2022-07-01.",
            "Must be on or before 2022-07-01T17:00.",
        ]
        await run.answer(["2022-07-31", "2022-07-01T09:00"])
        assert await run.result() == [dt.date(2022, 7, 31), dt.datetime(2022, 7, 1, 9, 0)]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (DAY, DAY),
        ("2022-07-20", DAY),
        (dt.time(8, 30), dt.time(8, 30)),
        (1, 1),
        (True, True),
        ("2022-07-20T09:30:00", LABELLED),
    ],
)
async def test_single_select_offers_dates_in_iso_and_returns_the_objects(
    answer: Any, expected: Any
) -> None:
    async with start(dated_single) as run:
        options = (await run.next_prompt()).components[0].props["options"]
        assert options == [
            {"label": "1", "value": 1},
            {"label": "True", "value": True},
            {"label": "2022-07-20", "value": "2022-07-20"},
            {"label": "08:30:00", "value": "08:30:00"},
            {"label": "Launch", "value": "2022-07-20T09:30:00"},
        ]
        await run.answer(answer)
        result = await run.result()
    assert result == expected and type(result) is type(expected)
    if isinstance(expected, dict):
        assert result is LABELLED and type(result["value"]) is dt.datetime


async def test_multiple_select_with_a_date_default_returns_dates() -> None:
    async with start(dated_multiple) as run:
        shown = (await run.next_prompt()).components[0]
        assert shown.value == ["2022-07-20"]
        await run.answer(["2022-07-21"])  # never offered
        assert (await run.next_prompt()).errors == ["Choose only among the options offered."]
        await run.answer([DAY, 1])
        result = await run.result()
    assert result == [DAY, 1] and type(result[0]) is dt.date


async def test_an_impossible_default_is_ignored_with_a_log_line_and_cannot_be_submitted() -> None:
    async with start(impossible_single) as run:
        shown = (await run.next_prompt()).components[0]
        assert (shown.props["options"], shown.value) == ([], None)
        assert "default_value" not in shown.props
        assert len(run.logs) == 1 and "not among the options" in run.logs[0]
        assert [e["line"] for e in run.journal if e.get("event") == "log"] == run.logs
        await run.answer("invalid")
        assert (await run.next_prompt()).errors == ["Choose one of the options offered."]
        await run.answer(None)
        again = await run.next_prompt()
        assert again.errors[0] is not None
        assert run.status == "awaiting_input"


async def test_a_multiple_default_keeps_only_the_offered_values() -> None:
    async with start(impossible_multiple) as run:
        shown = (await run.next_prompt()).components[0]
        assert shown.value == ["a"]
        assert len(run.logs) == 1 and "'zzz'" in run.logs[0]
        await run.answer(["a", "zzz"])
        assert (await run.next_prompt()).errors == ["Choose only among the options offered."]
        await run.answer(["b"])
        assert await run.result() == ["b"]
