"""Groups, choices and validators: how one answer is judged."""

from __future__ import annotations

import pytest

from interval_nb import ActionDefinitionError, ChoiceResult, io
from interval_nb.io.prompt import Prompt


async def test_group_positional_and_keyword_shapes() -> None:
    positional = io.group(io.input.text("a"), io.input.number("b"))
    assert (await positional.evaluate(["x", "2"], None)).value == ["x", 2]
    named = io.group(name=io.input.text("Name"), age=io.input.number("Age"))
    assert (await named.evaluate(["Ada", 36], None)).value == {"name": "Ada", "age": 36}


async def test_required_optional_and_errors_per_component() -> None:
    group = io.group(io.input.text("a"), io.input.email("b").optional(), io.input.number("c"))
    bad = await group.evaluate(["", "", "x"], None)
    assert not bad.ok
    assert bad.component_errors == ("This field is required.", None, "Expected a number.")
    good = await group.evaluate(["a", "", 1], None)
    assert good.value == ["a", None, 1]


async def test_sync_and_async_validators_on_components_and_groups() -> None:
    async def not_taken(email: str) -> str | None:
        return "Already taken" if email == "ada@example.com" else None

    group = io.group(
        email=io.input.email("Email").validate(not_taken),
        password=io.input.text("Password"),
        confirm=io.input.text("Confirm"),
    ).validate(lambda v: None if v["password"] == v["confirm"] else "Passwords differ")
    e1 = await group.evaluate(["ada@example.com", "p", "p"], None)
    assert e1.component_errors[0] == "Already taken"
    e2 = await group.evaluate(["bob@example.com", "p", "q"], None)
    assert e2.error == "Passwords differ" and not e2.ok
    assert (await group.evaluate(["bob@example.com", "p", "p"], None)).ok


async def test_choices() -> None:
    prompt = io.input.text("Note").with_choices(
        ["Approve", {"label": "Reject", "value": "no", "theme": "danger"}]
    )
    assert [c["value"] for c in prompt.spec("p")["choices"]] == ["Approve", "no"]
    result = await prompt.evaluate(["ok"], "no")
    assert result.value == ChoiceResult(choice="no", value="ok")
    assert (await prompt.evaluate(["ok"], "maybe")).error == "Choose one of the buttons offered."


def test_group_definition_errors() -> None:
    with pytest.raises(ActionDefinitionError, match="either all positional or all by keyword"):
        io.group(io.input.text("a"), b=io.input.text("b"))
    with pytest.raises(ActionDefinitionError, match="on its own"):
        io.group(io.confirm("Sure?"))
    with pytest.raises(ActionDefinitionError, match="not groups"):
        io.group(io.group(io.input.text("a")))  # type: ignore[arg-type]
    with pytest.raises(ActionDefinitionError, match="own buttons"):
        io.confirm("Sure?").with_choices(["a"])
    with pytest.raises(ActionDefinitionError, match="non-empty"):
        io.input.text("a").with_choices([])


async def test_prompt_without_choices_rejects_a_choice() -> None:
    assert (
        await Prompt.single_of(io.input.text("x")).evaluate(["a"], "Approve")
    ).error == "This prompt has no choices."
