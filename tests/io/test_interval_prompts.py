"""Interval's scenarios on the native io: choices with optional and validators, table columns."""

from __future__ import annotations

from typing import Any

import pytest

import interval_nb as inb
from interval_nb import ActionDefinitionError, ChoiceResult
from interval_nb.io import tabular
from interval_nb.testing import start

actions = inb.Actions()

PEOPLE = [
    {"name": "Ada", "number": 1},
    {"name": "Grace", "number": 2},
    {"name": "Alan", "number": 3, "favoriteColor": "Orange"},
]


@actions.action
async def optional_amount(io: Any, ctx: Any) -> Any:
    return await io.input.number("Amount").with_choices(["Refund", "Skip"]).optional()


async def test_optional_after_with_choices_gives_none_for_a_blank() -> None:
    async with start(optional_amount) as run:
        prompt = await run.next_prompt()
        assert prompt.components[0].optional
        await run.answer(None, choice="Skip")
        assert await run.result() == ChoiceResult("Skip", None)


def test_a_group_cannot_be_optional() -> None:
    group = inb.io.group(inb.io.input.text("a")).with_choices(["Go"])
    with pytest.raises(ActionDefinitionError, match="components inside it"):
        group.optional()


@actions.action
async def refund(io: Any, ctx: Any) -> Any:
    def judge(result: ChoiceResult[Any]) -> str | None:
        if result.choice == "Refund" and result.value > 100:
            return "Refunds above 100 need a manager"
        return None

    return await io.input.number("Amount").with_choices(["Refund", "Note"]).validate(judge)


async def test_a_validator_after_with_choices_gets_the_choice_result() -> None:
    async with start(refund) as run:
        await run.next_prompt()
        await run.answer(500, choice="Refund")
        again = await run.next_prompt()
        assert again.error == "Refunds above 100 need a manager"
        await run.answer(500, choice="Note")
        assert await run.result() == ChoiceResult("Note", 500)


@actions.action
async def grouped(io: Any, ctx: Any) -> Any:
    def judge(result: ChoiceResult[Any]) -> str | None:
        if result.choice == "Save" and not result.value["name"]:
            return "Saving needs a name"
        return None

    return (
        await io.group(name=io.input.text("Name").optional(), age=io.input.number("Age"))
        .with_choices(["Save", "Draft"])
        .validate(judge)
    )


async def test_a_group_validator_after_with_choices_gets_the_choice_result() -> None:
    async with start(grouped) as run:
        await run.next_prompt()
        await run.answer({"name": None, "age": 3}, choice="Save")
        assert (await run.next_prompt()).error == "Saving needs a name"
        await run.answer({"name": None, "age": 3}, choice="Draft")
        assert await run.result() == ChoiceResult("Draft", {"name": None, "age": 3})


@actions.action
async def person(io: Any, ctx: Any) -> Any:
    seen: list[Any] = []

    def age_needed(age: int | None) -> str | None:
        seen.append(age)
        return "Age is required when a name is given" if age is None else None

    answer = await io.group(
        name=io.input.text("Name"), age=io.input.number("Age").optional().validate(age_needed)
    )
    return answer, seen


async def test_the_validator_of_a_blank_optional_field_gets_none() -> None:
    async with start(person) as run:
        await run.next_prompt()
        await run.answer({"name": "Ada", "age": None})
        again = await run.next_prompt()
        assert again.errors == [None, "Age is required when a name is given"]
        await run.answer({"name": "Ada", "age": 36})
        assert await run.result() == ({"name": "Ada", "age": 36}, [None, 36])


@actions.action
async def colours(io: Any, ctx: Any) -> Any:
    await io.display.table("Everyone", data=PEOPLE)
    return await io.select.table("Pick", data=PEOPLE)


@pytest.mark.parametrize("component", ["display.table", "select.table"])
async def test_columns_are_every_rows_keys_labelled_as_written(component: str) -> None:
    async with start(colours) as run:
        prompt = await run.next_prompt()
        if component == "display.table":
            shown = run.transcript[0]  # the table displayed alone
            prompt_id, props = shown["id"], shown["components"][0]["props"]
        else:
            prompt_id, props = prompt.id, prompt.components[0].props
        assert [c["label"] for c in props["columns"]] == ["name", "number", "favoriteColor"]
        rows, total = await run.query(0, search="orange", prompt_id=prompt_id)
        assert total == 1 and [c["text"] for c in rows[0]["cells"]] == ["Alan", "3", "Orange"]


async def test_explicit_column_labels_stay_as_given() -> None:
    table = inb.io.display.table(
        "Sales", data=PEOPLE, columns=["number", {"label": "Full NAME", "accessor": "name"}]
    )
    assert [c.label for c in table.columns] == ["number", "Full NAME"]


def test_columns_of_a_long_list_come_from_its_head_and_an_even_sample() -> None:
    head = tabular.COLUMN_SCAN_HEAD
    rows: list[dict[str, Any]] = [{"id": i} for i in range(head + 50_000)]
    rows[head - 1] = {"id": 0, "in_head": 1}
    rows[-1] = {"id": 0, "last": 1}
    rows[head + 1] = {"id": 0, "skipped": 1}  # between two sampled rows: not looked at
    assert tabular.fields_of(rows) == ["id", "in_head", "last"]
    table = inb.io.display.table("Big", data=rows, columns=["id", "skipped"])
    assert [c.label for c in table.columns] == ["id", "skipped"]  # columns= is exact
