"""The native io and ``interval_nb.compat`` give the same results for Interval's scenarios.

Each scenario is one action body, run once through ``interval_nb.Actions`` and once through
``interval_nb.compat.Interval``; the person's answers and what the test sees are the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pytest

import interval_nb as inb
from interval_nb import ChoiceResult
from interval_nb.actions import Action
from interval_nb.compat import ChoiceReturn, Interval
from interval_nb.testing import start

APIS = ["native", "compat"]

Body = Callable[[Any], Awaitable[Any]]

PEOPLE = [
    {"name": "Ada", "number": 1},
    {"name": "Grace", "number": 2},
    {"name": "Alan", "number": 3, "favoriteColor": "Orange"},
]


def action_of(api: str, body: Body) -> Action:
    """The scenario ``body(io)`` as an action of the native API or of the compat layer."""
    if api == "native":

        async def native(io: Any, ctx: Any) -> Any:
            return await body(io)

        return inb.Actions().action(native)

    async def compat(io: Any) -> Any:
        return await body(io)

    return Interval("test_key").action(compat)


def parts(result: Any) -> tuple[str, Any]:
    """``(choice, value)`` of a native ``ChoiceResult`` or an interval-sdk ``ChoiceReturn``."""
    if isinstance(result, ChoiceReturn):
        return result.choice, result.return_value
    assert isinstance(result, ChoiceResult)
    return result.choice, result.value


def plain(value: Any) -> Any:
    """A result with both APIs' wrappers (choices, keyword namespaces) as plain data."""
    if isinstance(value, (ChoiceResult, ChoiceReturn)):
        choice, inner = parts(value)
        return (choice, plain(inner))
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


async def optional_with_choices(io: Any) -> Any:
    return await io.input.number("Amount").with_choices(["Refund", "Skip"]).optional()


@pytest.mark.parametrize("api", APIS)
async def test_optional_after_with_choices(api: str) -> None:
    async with start(action_of(api, optional_with_choices)) as run:
        await run.next_prompt()
        await run.answer(None, choice="Skip")
        assert plain(await run.result()) == ("Skip", None)


def refund_limit(result: Any) -> str | None:
    choice, amount = parts(result)
    return "Refunds above 100 need a manager" if choice == "Refund" and amount > 100 else None


async def validated_choice(io: Any) -> Any:
    return await io.input.number("Amount").with_choices(["Refund", "Note"]).validate(refund_limit)


def name_to_save(result: Any) -> str | None:
    choice, values = parts(result)
    return "Saving needs a name" if choice == "Save" and not values["name"] else None


async def validated_group_choice(io: Any) -> Any:
    group = io.group(name=io.input.text("Name").optional(), age=io.input.number("Age"))
    return await group.with_choices(["Save", "Draft"]).validate(name_to_save)


@pytest.mark.parametrize("api", APIS)
async def test_validators_after_with_choices_see_the_choice(api: str) -> None:
    async with start(action_of(api, validated_choice)) as run:
        await run.next_prompt()
        await run.answer(500, choice="Refund")
        assert (await run.next_prompt()).error == "Refunds above 100 need a manager"
        await run.answer(500, choice="Note")
        assert plain(await run.result()) == ("Note", 500)
    async with start(action_of(api, validated_group_choice)) as run:
        await run.next_prompt()
        await run.answer({"name": None, "age": 3}, choice="Save")
        assert (await run.next_prompt()).error == "Saving needs a name"
        await run.answer({"name": None, "age": 3}, choice="Draft")
        assert plain(await run.result()) == ("Draft", {"name": None, "age": 3})


def age_needed(age: int | None) -> str | None:
    return "Age is required when a name is given" if age is None else None


async def blank_optional(io: Any) -> Any:
    return await io.group(
        name=io.input.text("Name"), age=io.input.number("Age").optional().validate(age_needed)
    )


@pytest.mark.parametrize("api", APIS)
async def test_the_validator_of_a_blank_optional_field_runs(api: str) -> None:
    async with start(action_of(api, blank_optional)) as run:
        await run.next_prompt()
        await run.answer({"name": "Ada", "age": None})
        assert (await run.next_prompt()).errors == [None, "Age is required when a name is given"]
        await run.answer({"name": "Ada", "age": 36})
        assert plain(await run.result()) == {"name": "Ada", "age": 36}


async def tables(io: Any) -> Any:
    await io.display.table("Everyone", data=PEOPLE)
    return await io.select.table("Pick", data=PEOPLE)


@pytest.mark.parametrize("api", APIS)
async def test_table_columns_are_every_rows_keys_as_written(api: str) -> None:
    async with start(action_of(api, tables)) as run:
        prompt = await run.next_prompt()
        shown = run.transcript[0]
        for prompt_id, props in [
            (shown["id"], shown["components"][0]["props"]),
            (prompt.id, prompt.components[0].props),
        ]:
            assert [c["label"] for c in props["columns"]] == ["name", "number", "favoriteColor"]
            rows, total = await run.query(0, search="orange", prompt_id=prompt_id)
            assert total == 1 and [c["text"] for c in rows[0]["cells"]] == ["Alan", "3", "Orange"]
        await run.answer([rows[0]["key"]])
        assert plain(await run.result()) == [PEOPLE[2]]
