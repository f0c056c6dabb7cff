"""A group validator can name the field its error is about; the prompt shows it there."""

from __future__ import annotations

from typing import Any

import interval_nb as inb
from interval_nb.testing import start

actions = inb.Actions()


def age_needed(values: dict[str, Any]) -> Any:
    if values["name"] and values["age"] is None:
        return {"age": "Age is required when a name is given"}
    if values["age"] is not None and values["age"] > 150:
        return "Nobody is that old"
    return {"name": None}  # only blank messages: nothing to refuse


@actions.action
async def keyword_group(io: Any, ctx: Any) -> Any:
    return await io.group(
        name=io.input.text("Name").optional(),
        age=io.input.number("Age").optional(),
    ).validate(age_needed)


async def test_a_named_field_gets_the_error_and_the_form_none() -> None:
    async with start(keyword_group) as run:
        await run.next_prompt()
        await run.answer({"name": "Ada", "age": None})
        again = await run.next_prompt()
        assert again.errors == [None, "Age is required when a name is given"]
        assert again.error is None
        assert again.components[0].value == "Ada"  # typed values stay
        await run.answer({"name": "Ada", "age": 200})
        again = await run.next_prompt()
        assert again.errors == [None, None]
        assert again.error == "Nobody is that old"
        await run.answer({"name": "Ada", "age": 36})
        assert await run.result() == {"name": "Ada", "age": 36}


@actions.action
async def labelled_group(io: Any, ctx: Any) -> Any:
    def check(values: list[Any]) -> Any:
        return {"End date": "Ends before it starts", "Budget": "Unknown field"} if values else None

    return await io.group(
        io.display.markdown("Dates"), io.input.text("Start date"), io.input.text("End date")
    ).validate(check)


async def test_fields_are_named_by_label_and_unknown_names_go_to_the_form() -> None:
    async with start(labelled_group) as run:
        await run.next_prompt()
        await run.answer([None, "2026-12-03", "2026-12-01"])
        again = await run.next_prompt()
        assert again.errors == [None, None, "Ends before it starts"]
        assert again.error == "Budget: Unknown field"
        journal = [e for e in run.journal if e["event"] == "validation_failed"]
        assert journal[-1]["errors"] == [None, None, "Ends before it starts"]
