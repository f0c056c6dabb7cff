"""Groups, choices, validation, optional, multiple and disabled, with interval-sdk's shapes."""

from __future__ import annotations

import datetime as dt

import pytest

from interval_nb import ActionDefinitionError
from interval_nb.compat import ChoiceReturn, Interval, KeyedIONamespace
from interval_nb.testing import start

from .sdk_actions import interval


async def test_validators_groups_and_choices_get_interval_sdk_arguments() -> None:
    async with start(interval.get("onboard")) as run:
        await run.next_prompt()
        await run.answer(["grace", "grace@navy.mil", None])
        again = await run.next_prompt()
        assert again.errors == ["Start with a capital letter", None, None]  # the field's validator
        await run.answer(["Grace", "grace@navy.mil", None])
        again = await run.next_prompt()
        assert again.error == "Use an @example.com address"  # the group's, called fn(*values)
        assert again.components[1].value == "grace@navy.mil"  # the person's values are kept
        await run.answer(["Grace", "grace@example.com", "http://grace.dev"])
        assert (await run.next_prompt()).error == "Use https"  # ... with the url as ParseResult
        await run.answer(["Grace", "grace@example.com", "https://grace.dev"])

        form = await run.next_prompt()
        assert form.choices == ("create", "delete")
        assert [c["theme"] for c in form.spec["choices"]] == ["primary", "danger"]
        await run.answer({"team": "data", "start": dt.date(2030, 1, 1)}, choice="delete")
        assert (await run.next_prompt()).error == "Only ops can be deleted"
        await run.answer({"team": "data", "start": dt.date(2030, 1, 1)}, choice="create")

        flag = await run.next_prompt()
        assert flag.choices == ("Finish", "Skip")
        await run.answer(True, choice="Skip")
        result = await run.result()
    assert result == {
        "name": "Grace",
        "email": "grace@example.com",
        "site": "https://grace.dev",
        "choice": "create",
        "team": "data",
        "start": dt.date(2030, 1, 1),
        "flag": ("Skip", True),
    }


async def test_keyword_group_validator_is_called_with_keywords() -> None:
    async with start(interval.get("uses_kw_validator")) as run:
        await run.next_prompt()
        await run.answer({"low": 5, "high": 2})
        assert (await run.next_prompt()).error == "low must be below high"
        await run.answer({"low": 1, "high": 2})
        assert await run.result() == {"low": 1, "high": 2}


async def test_disabled_field_is_shown_read_only_and_returns_its_value() -> None:
    async with start(interval.get("fixed_value")) as run:
        prompt = await run.next_prompt()
        region, amount = prompt.components
        assert (region.kind, region.label, region.props["data"]) == (
            "display.object",
            "Region",
            "eu-west-1",
        )
        assert amount.kind == "input.number"
        await run.answer([None, 12])
        assert await run.result() == ["eu-west-1", 12]
    assert interval.get("fixed_value").name == "Fixed value"
    assert interval.get("fixed_value").description == "A disabled field"


local = Interval("test_key")


@local.action
async def shapes(io):
    values = await io.group(a=io.input.text("A"), b=io.input.number("B").optional())
    pair = await io.group(io.input.text("X"), io.input.text("Y")).with_choices(["Go"])
    button = await io.group(io.input.text("Z")).continue_button_options(
        label="Next", theme="danger"
    )
    checked = (
        await io.input.text("Code")
        .with_choices(["Ok", "Other"])
        .validate(
            lambda r: None if r.return_value.isdigit() or r.choice == "Other" else "Digits only"
        )
    )
    display = await io.display.markdown("Pick one").with_choices(["Left", "Right"])
    return values, pair, button, checked, display


async def test_group_results_have_attribute_and_item_access_and_choice_returns() -> None:
    async with start(shapes) as run:
        await run.next_prompt()
        await run.answer({"a": "x"})
        pair = await run.next_prompt()
        assert pair.choices == ("Go",)
        await run.answer(["1", "2"], choice="Go")
        button = await run.next_prompt()
        assert button.spec["choices"] == [{"label": "Next", "value": "Next", "theme": "danger"}]
        await run.answer(["z"], choice="Next")
        await run.next_prompt()
        await run.answer("abc", choice="Ok")
        assert (await run.next_prompt()).error == "Digits only"
        await run.answer("abc", choice="Other")
        await run.next_prompt()
        await run.answer(choice="Right")
        values, pair, button, checked, display = await run.result()
    assert isinstance(values, KeyedIONamespace)
    assert values.a == "x" and values["a"] == "x" and values.b is None
    assert dict(values) == {"a": "x", "b": None} and "a" in values and len(values) == 2
    with pytest.raises(AttributeError):
        _ = values.missing
    assert pair == ChoiceReturn(choice="Go", return_value=["1", "2"])
    assert button == ["z"]  # continue_button_options relabels Submit; the value stays a list
    assert (checked.choice, checked.return_value) == ("Other", "abc")
    assert display == ChoiceReturn(choice="Right", return_value=None)


@local.action
async def reuse_and_mutate(io):
    name = io.input.text("Name")
    name.validate(lambda v: "Too short" if len(v) < 3 else None)  # not reassigned: still counts
    first = await name
    later = await io.group(io.input.text("Again").optional(), io.input.email("Mail").optional())
    return first, later


async def test_modifiers_mutate_the_promise_like_interval_sdk() -> None:
    async with start(reuse_and_mutate) as run:
        await run.next_prompt()
        await run.answer("ab")
        assert (await run.next_prompt()).errors == ["Too short"]
        await run.answer("abc")
        await run.next_prompt()
        await run.answer([None, None])
        assert await run.result() == ("abc", [None, None])


async def test_group_refuses_what_interval_sdk_cannot_group() -> None:
    from interval_nb.compat import IO

    io = IO()
    with pytest.raises(ActionDefinitionError, match="all positional or all by keyword"):
        io.group(io.input.text("a"), b=io.input.text("b"))
    with pytest.raises(ActionDefinitionError, match="must be awaited on its own"):
        io.group(io.confirm("Sure?"))
    with pytest.raises(ActionDefinitionError, match="not groups or calls with choices"):
        io.group(io.input.text("a").with_choices(["x"]))
    with pytest.raises(ActionDefinitionError, match="only for io.input.file and io.search"):
        io.input.text("a").with_choices(["x"]).multiple()
    with pytest.raises(ActionDefinitionError, match="takes a list of choices"):
        io.input.text("a").with_choices("x")
    with pytest.raises(ActionDefinitionError, match="needs a string label"):
        io.input.text(3)  # type: ignore[arg-type]
