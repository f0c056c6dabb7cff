"""Selects accept only values that were offered and return the original option objects."""

from __future__ import annotations

import pytest

from interval_nb import ActionDefinitionError, io
from interval_nb.io.components import InvalidAnswer

PLANS = [
    {"label": "Free", "value": "free", "description": "No cost", "limit": 1},
    {"label": "Pro", "value": "pro", "limit": 10},
]


def test_single_returns_original_object() -> None:
    c = io.select.single("Plan", options=PLANS)
    assert c.props["options"][0] == {"label": "Free", "value": "free", "description": "No cost"}
    assert c.parse("pro") is PLANS[1]
    with pytest.raises(InvalidAnswer, match="options offered"):
        c.parse("enterprise")


def test_primitive_options_keep_their_type() -> None:
    c = io.select.single("N", options=[1, "1", True, 2.5])
    assert c.parse(1) == 1 and type(c.parse(1)) is int
    assert c.parse("1") == "1"
    assert c.parse(True) is True
    with pytest.raises(InvalidAnswer):
        c.parse(3)


def test_multiple_bounds_duplicates_and_forgery() -> None:
    c = io.select.multiple("Tags", options=["a", "b", "c"], min_selections=1, max_selections=2)
    assert c.parse(["c", "a"]) == ["c", "a"]
    with pytest.raises(InvalidAnswer, match="at most 2"):
        c.parse(["a", "b", "c"])
    with pytest.raises(InvalidAnswer, match="once"):
        c.parse(["a", "a"])
    with pytest.raises(InvalidAnswer, match="among the options"):
        c.parse(["a", "zzz"])
    with pytest.raises(InvalidAnswer, match="list"):
        c.parse("a")
    assert c.is_missing([])  # min_selections=1: empty is missing
    assert not io.select.multiple("T", options=["a"]).is_missing([])


def test_option_definition_errors() -> None:
    with pytest.raises(ActionDefinitionError, match="two options"):
        io.select.single("x", options=["a", "a"])
    with pytest.raises(ActionDefinitionError, match="no 'value'"):
        io.select.single("x", options=[{"label": "A"}])
    with pytest.raises(ActionDefinitionError, match="option values"):
        io.select.single("x", options=[{"label": "A", "value": [1]}])
    impossible = io.select.single("x", options=["a"], default_value="b")  # Interval shows it
    assert "default_value" not in impossible.props and "not among" in impossible.warnings[0]
    with pytest.raises(ActionDefinitionError, match="min_selections is greater"):
        io.select.multiple("x", options=["a"], min_selections=2, max_selections=1)


def test_whole_float_options_match_what_javascript_sends() -> None:
    c = io.select.single("Size", options=[{"label": "Two", "value": 2.0}, 2.5])
    assert c.parse(2) == {"label": "Two", "value": 2.0}  # JSON.stringify(2.0) === "2"
    assert c.parse(2.5) == 2.5
