"""Kernel-side parsing of every input kind: what the page sends → what the action gets."""

from __future__ import annotations

import datetime as dt

import pytest

from interval_nb import ActionDefinitionError, io
from interval_nb.io.components import MAX_TEXT_LENGTH, InvalidAnswer


def test_text_bounds_and_cap() -> None:
    c = io.input.text("Name", min_length=2, max_length=5)
    assert c.parse("Ada") == "Ada"
    with pytest.raises(InvalidAnswer, match="at least 2"):
        c.parse("A")
    with pytest.raises(InvalidAnswer, match="at most 5"):
        c.parse("Adaline")
    with pytest.raises(InvalidAnswer, match="Expected text"):
        c.parse(42)
    huge = "x" * (MAX_TEXT_LENGTH + 1)
    with pytest.raises(InvalidAnswer, match="Too long"):
        io.input.text("Notes", multiline=True).parse(huge)


def test_email() -> None:
    c = io.input.email("Email")
    assert c.parse(" ana@example.com ") == "ana@example.com"
    for bad in ("ana", "ana@", "@x.com", "a b@x.com", "ana@example"):
        with pytest.raises(InvalidAnswer, match="valid email"):
            c.parse(bad)


def test_number_int_float_and_bounds() -> None:
    whole = io.input.number("Count", min=1, max=10)
    assert whole.parse("7") == 7 and isinstance(whole.parse("7"), int)
    assert whole.parse(3.0) == 3 and isinstance(whole.parse(3.0), int)
    with pytest.raises(InvalidAnswer, match="whole number"):
        whole.parse("2.5")
    with pytest.raises(InvalidAnswer, match="at least 1"):
        whole.parse(0)
    with pytest.raises(InvalidAnswer, match="at most 10"):
        whole.parse("11")
    money = io.input.number("Amount", decimals=2, currency="USD")
    assert money.props["prepend"] == "$"
    assert money.parse("1,234.56") == pytest.approx(1234.56)
    with pytest.raises(InvalidAnswer, match="up to 2 decimal places"):
        money.parse("1,234.567")  # refused, as Interval does, rather than rounded
    assert isinstance(money.parse(5), float)
    for bad in (True, "abc", "nan", float("inf"), None, [1]):
        with pytest.raises(InvalidAnswer):
            money.parse(bad)


def test_slider_steps() -> None:
    c = io.input.slider("Pct", min=0, max=50, step=5)
    assert c.parse(15) == 15 and isinstance(c.parse(15.0), int)
    with pytest.raises(InvalidAnswer, match="multiple of 5"):
        c.parse(12)
    with pytest.raises(InvalidAnswer, match="at most 50"):
        c.parse(55)
    assert io.input.slider("x", min=0, max=1, step=0.25).parse(0.75) == 0.75


def test_boolean_and_url() -> None:
    b = io.input.boolean("Notify?")
    assert b.parse(True) is True and b.parse(None) is False
    with pytest.raises(InvalidAnswer):
        b.parse("yes")
    u = io.input.url("Site")
    assert u.parse("https://example.com/x") == "https://example.com/x"
    for bad in ("javascript:alert(1)", "example.com", "ftp://example.com"):
        with pytest.raises(InvalidAnswer, match="full URL"):
            u.parse(bad)
    assert io.input.url("F", allowed_protocols=["ftp"]).parse("ftp://h/x") == "ftp://h/x"


def test_dates_and_times() -> None:
    d = io.input.date("Day", min=dt.date(2026, 1, 1), max="2026-12-31")
    assert d.parse("2026-05-04") == dt.date(2026, 5, 4)
    assert d.parse(dt.datetime(2026, 5, 4, 10, 0)) == dt.date(2026, 5, 4)
    with pytest.raises(InvalidAnswer, match="on or after 2026-01-01"):
        d.parse("2025-12-31")
    with pytest.raises(InvalidAnswer, match="like 2026-01-31"):
        d.parse("04/05/2026")
    assert io.input.time("At").parse("14:30") == dt.time(14, 30)
    assert io.input.datetime("When").parse("2026-01-31T14:30") == dt.datetime(2026, 1, 31, 14, 30)
    assert io.input.date("D", default_value=dt.date(2026, 2, 3)).initial_value() == "2026-02-03"
    with pytest.raises(ActionDefinitionError, match="ISO date"):
        io.input.date("D", min="tomorrow")


def test_definition_errors_are_clear() -> None:
    with pytest.raises(ActionDefinitionError, match="string label"):
        io.input.text(42)  # type: ignore[arg-type]
    with pytest.raises(ActionDefinitionError, match="min .* greater than max"):
        io.input.number("x", min=5, max=1)
    with pytest.raises(ActionDefinitionError, match="non-negative"):
        io.input.text("x", min_length=-1)
    with pytest.raises(ActionDefinitionError, match="step"):
        io.input.slider("x", min=0, max=1, step=0)
