"""Input components: text, email, number, slider, boolean, url, date, time, datetime.

Each class parses the raw value the page sends (strings, numbers, ISO dates) and checks it
against its props in the kernel; the page's own checks are only a convenience.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import math
import re
from typing import Any, ClassVar
from urllib.parse import urlparse

from .._util import shorten
from ..errors import ActionDefinitionError
from .components import MAX_TEXT_LENGTH, Component, InvalidAnswer, component_class, echo_scalar

MAX_EMAIL_LENGTH = 320
"""RFC 3696's longest address (64 before the @, 255 after)."""

MAX_NUMBER_TEXT = 64
MAX_URL_LENGTH = 8192
MAX_TEMPORAL_TEXT = 40

CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CAD": "CA$",
    "AUD": "A$",
    "CHF": "CHF",
    "CNY": "CN¥",
    "INR": "₹",
}


def _text(raw: Any, limit: int) -> str:
    if not isinstance(raw, str):
        raise InvalidAnswer(f"Expected text, got {type(raw).__name__}.")
    if len(raw) > limit:
        raise InvalidAnswer(f"Too long: at most {limit:,} characters.")
    return raw


@component_class("input.text")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class TextInput(Component):
    """Free text, one line or several (``multiline``), with optional length bounds."""

    @property
    def limit(self) -> int:
        """The longest text accepted: ``max_length``, never above :data:`MAX_TEXT_LENGTH`."""
        return int(min(self.props.get("max_length") or MAX_TEXT_LENGTH, MAX_TEXT_LENGTH))

    def initial_value(self) -> Any:
        return self.props.get("default_value")

    def echo(self, raw: Any) -> Any:
        # The author's max_length is what gets refused, not what gets cut: the person sees all
        # they typed and trims it themselves. Only the global cap bounds what is echoed.
        return echo_scalar(raw, MAX_TEXT_LENGTH)

    def parse(self, raw: Any) -> str:
        text = _text(raw, self.limit)
        min_length = self.props.get("min_length")
        if min_length is not None and len(text) < min_length:
            raise InvalidAnswer(f"Too short: at least {min_length:,} characters.")
        return text


@component_class("input.email")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class EmailInput(Component):
    """An email address."""

    def initial_value(self) -> Any:
        return self.props.get("default_value")

    def echo(self, raw: Any) -> Any:
        return echo_scalar(raw, MAX_EMAIL_LENGTH)

    def parse(self, raw: Any) -> str:
        return check_email(_text(raw, MAX_EMAIL_LENGTH))


def check_email(text: str) -> str:
    """``text`` as a normalised email address, or :class:`InvalidAnswer` saying what is wrong.

    email-validator applies the RFC 5322/6531 syntax (no ``..``, no leading dot, no hyphen
    starting a domain label, no ``<``); deliverability is not checked (no DNS lookups from
    the kernel while a person waits). The domain comes back lower-cased and IDNA-normalised.
    """
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidAnswer(
            shorten(f"Enter a valid email address, like name@example.com. {exc}")
        ) from None
    return str(checked.normalized)


def _number(raw: Any) -> float | int:
    if isinstance(raw, bool):
        raise InvalidAnswer("Expected a number.")
    if isinstance(raw, (int, float)):
        value: float | int = raw
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "")
        if len(text) > MAX_NUMBER_TEXT:
            raise InvalidAnswer("Expected a number.")
        try:
            value = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise InvalidAnswer("Expected a number.") from None
    else:
        raise InvalidAnswer("Expected a number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidAnswer("Expected a finite number.")
    return value


def _bounds(value: float, props: dict[str, Any]) -> None:
    lo, hi = props.get("min"), props.get("max")
    if lo is not None and value < lo:
        raise InvalidAnswer(f"Must be at least {lo:g}.")
    if hi is not None and value > hi:
        raise InvalidAnswer(f"Must be at most {hi:g}.")


@component_class("input.number")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class NumberInput(Component):
    """A number: an ``int`` unless ``decimals`` is set, then a ``float`` with at most that many places."""

    def initial_value(self) -> Any:
        return self.props.get("default_value")

    def echo(self, raw: Any) -> Any:
        return echo_scalar(raw, MAX_NUMBER_TEXT)

    def parse(self, raw: Any) -> int | float:
        value = _number(raw)
        decimals = self.props.get("decimals")
        if not decimals:
            if isinstance(value, float):
                if not value.is_integer():
                    raise InvalidAnswer("Enter a whole number.")
                value = int(value)
        else:
            _check_places(raw, value, decimals)
            value = float(value)
        _bounds(value, self.props)
        return value


def _check_places(raw: Any, value: float | int, decimals: int) -> None:
    """Refuse ``value`` if it has more than ``decimals`` places, as Interval does.

    Counted on the decimal text (what was typed, or the shortest repr of a float), never with
    float arithmetic: ``0.29 * 100`` is not whole, yet ``0.29`` has two places. Trailing zeros
    do not count (``10.00`` and ``10.000`` are ten).
    """
    text = raw.strip().replace(",", "") if isinstance(raw, str) else repr(value)
    try:
        places = decimal.Decimal(text).normalize().as_tuple().exponent
    except decimal.InvalidOperation:  # _number accepted it, so only exotic text lands here
        places = decimal.Decimal(repr(value)).normalize().as_tuple().exponent
    if isinstance(places, int) and places < -decimals:
        unit = "place" if decimals == 1 else "places"
        raise InvalidAnswer(f"Please enter a number with up to {decimals} decimal {unit}.")


@component_class("input.slider")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class SliderInput(Component):
    """A number picked on a slider between ``min`` and ``max`` in ``step`` increments."""

    def initial_value(self) -> Any:
        default = self.props.get("default_value")
        return self.props["min"] if default is None else default

    def echo(self, raw: Any) -> Any:
        return echo_scalar(raw, MAX_NUMBER_TEXT)

    def parse(self, raw: Any) -> int | float:
        value = _number(raw)
        _bounds(value, self.props)
        lo, step = self.props["min"], self.props.get("step") or 1
        steps = (value - lo) / step
        if abs(steps - round(steps)) > 1e-9:
            raise InvalidAnswer(f"Must be {lo:g} plus a multiple of {step:g}.")
        whole = all(isinstance(self.props.get(k, 1), int) for k in ("min", "max", "step"))
        return round(value) if whole else float(value)


@component_class("input.boolean")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class BooleanInput(Component):
    """A checkbox: ``True`` or ``False``."""

    def initial_value(self) -> Any:
        return bool(self.props.get("default_value", False))

    def is_missing(self, raw: Any) -> bool:
        return False  # unchecked is an answer

    def echo(self, raw: Any) -> Any:
        return raw if isinstance(raw, bool) else None

    def parse(self, raw: Any) -> bool:
        if raw is None:
            return False
        if not isinstance(raw, bool):
            raise InvalidAnswer("Expected true or false.")
        return raw


@component_class("input.url")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class UrlInput(Component):
    """A URL whose scheme is one of ``allowed_protocols`` (http and https by default)."""

    def initial_value(self) -> Any:
        return self.props.get("default_value")

    def echo(self, raw: Any) -> Any:
        return echo_scalar(raw, MAX_URL_LENGTH)

    def parse(self, raw: Any) -> str:
        text = _text(raw, MAX_URL_LENGTH).strip()
        allowed = self.props.get("allowed_protocols") or ["http", "https"]
        parsed = urlparse(text)
        if parsed.scheme.lower() not in allowed or not parsed.netloc:
            raise InvalidAnswer(
                f"Enter a full URL starting with {' or '.join(p + '://' for p in allowed)}."
            )
        return text


def _iso(raw: Any, kind: type, what: str, example: str) -> Any:
    if kind is dt.date and isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, kind):
        return raw
    if not isinstance(raw, str) or len(raw) > MAX_TEMPORAL_TEXT:
        raise InvalidAnswer(f"Expected {what} like {example}.")
    try:
        return kind.fromisoformat(raw.strip())  # type: ignore[attr-defined]
    except ValueError:
        raise InvalidAnswer(f"Expected {what} like {example}.") from None


def _iso_default(value: Any) -> Any:
    return (
        value.isoformat(timespec="minutes")
        if isinstance(value, (dt.datetime, dt.time))
        else (value.isoformat() if isinstance(value, dt.date) else value)
    )


class _TemporalInput(Component):
    _type: ClassVar[Any] = None
    _what = ""
    _example = ""

    def initial_value(self) -> Any:
        return _iso_default(self.props.get("default_value"))

    def echo(self, raw: Any) -> Any:
        return echo_scalar(raw, MAX_TEMPORAL_TEXT)

    def parse(self, raw: Any) -> Any:
        value = _iso(raw, self._type, self._what, self._example)
        lo, hi = self.props.get("min"), self.props.get("max")
        if lo is not None and value < self._type.fromisoformat(lo):
            raise InvalidAnswer(f"Must be on or after {lo}.")
        if hi is not None and value > self._type.fromisoformat(hi):
            raise InvalidAnswer(f"Must be on or before {hi}.")
        return value


@component_class("input.date")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class DateInput(_TemporalInput):
    """A calendar date (``datetime.date``)."""

    _type = dt.date
    _what, _example = "a date", "2026-01-31"


@component_class("input.time")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class TimeInput(_TemporalInput):
    """A time of day (``datetime.time``)."""

    _type = dt.time
    _what, _example = "a time", "14:30"


@component_class("input.datetime")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class DateTimeInput(_TemporalInput):
    """A date and time (naive ``datetime.datetime``)."""

    _type = dt.datetime
    _what, _example = "a date and time", "2026-01-31T14:30"


def temporal_bound(value: Any, kind: type, name: str) -> str | None:
    """Normalise a ``min``/``max`` bound of a date/time input to ISO text (or ``None``)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            kind.fromisoformat(value)  # type: ignore[attr-defined]
        except ValueError:
            raise ActionDefinitionError(f"{name}={value!r} is not an ISO {kind.__name__}") from None
        return value
    if not isinstance(value, kind):
        raise ActionDefinitionError(f"{name} must be a {kind.__name__} or ISO string")
    return str(_iso_default(value))


@component_class("input.rich_text")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class RichTextInput(Component):
    """Formatted text; the action gets HTML sanitised in the kernel."""

    def initial_value(self) -> Any:
        return self.props.get("default_value")

    def is_missing(self, raw: Any) -> bool:
        if not isinstance(raw, str):
            return raw is None
        return not re.sub(r"<[^>]*>|&nbsp;|\s", "", raw)

    def echo(self, raw: Any) -> Any:
        # The page writes this into the editor with innerHTML: it must be the sanitised HTML
        # an accepted answer would be, never what was sent. Escaping can lengthen text, so
        # a result over the cap is not kept at all rather than cut inside a tag.
        from .displays import sanitize_html

        if not isinstance(raw, str):
            return None
        clean = sanitize_html(raw[:MAX_TEXT_LENGTH])
        return clean if len(clean) <= MAX_TEXT_LENGTH else None

    def parse(self, raw: Any) -> str:
        from .displays import sanitize_html

        return sanitize_html(_text(raw, MAX_TEXT_LENGTH))
