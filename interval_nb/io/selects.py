"""Select components: pick one or several of the options the action offered.

Options may be primitives (``"red"``, ``3``), dates and times, or mappings with ``label``,
``value`` and an optional ``description``. The page answers with option *values* (dates and
times as ISO text); the kernel checks each was actually offered and hands the action the
original option objects.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from ..errors import ActionDefinitionError
from .components import Component, InvalidAnswer, component_class, echo_items

_PRIMITIVES = (str, int, float, bool)
_TEMPORAL = (dt.date, dt.time)  # datetime is a date


def wire_value(value: Any) -> Any:
    """An option value as the page sends it back: dates and times as ISO text."""
    return value.isoformat() if isinstance(value, _TEMPORAL) else value


def _label_text(label: Any) -> str:
    return str(wire_value(label))


def option_key(value: Any) -> str:
    """A key that tells ``1``, ``1.5``, ``True`` and ``"1"`` apart, as JSON does.

    Whole floats key like ints: JavaScript sends the option ``2.0`` back as ``2``.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def normalise_options(
    options: Iterable[Any], method: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Return the options as the page shows them and a map from value key to original option."""
    if isinstance(options, (str, bytes)) or not isinstance(options, Iterable):
        raise ActionDefinitionError(f"io.{method}() needs options as a list")
    shown: list[dict[str, Any]] = []
    originals: dict[str, Any] = {}
    for option in options:
        if isinstance(option, dict):
            if "value" not in option:
                raise ActionDefinitionError(f"io.{method}() option {option!r} has no 'value'")
            value = option["value"]
            label = option.get("label", value)
            description = option.get("description")
        elif isinstance(option, (*_PRIMITIVES, *_TEMPORAL)):
            value, label, description = option, option, None
        else:
            raise ActionDefinitionError(
                f"io.{method}() options must be str/int/float/bool/date/time or dicts with label "
                f"and value; got {type(option).__name__}"
            )
        if not isinstance(value, (*_PRIMITIVES, *_TEMPORAL)):
            raise ActionDefinitionError(
                f"io.{method}() option values must be str, int, float, bool, date or time; "
                f"got {value!r}"
            )
        key = option_key(wire_value(value))
        if key in originals:
            raise ActionDefinitionError(f"io.{method}() has two options with the value {value!r}")
        originals[key] = option
        entry = {"label": _label_text(label), "value": wire_value(value)}
        if description is not None:
            entry["description"] = str(description)
        shown.append(entry)
    return shown, originals


def _is_option_value(raw: Any) -> bool:
    # Option values travel as primitives; a forged list or object cannot be one (nor keyed).
    return isinstance(raw, _PRIMITIVES)


def value_of(option: Any) -> Any:
    """The value of an option (a primitive, a date, or a mapping's ``value``)."""
    return option["value"] if isinstance(option, dict) else option


def label_of(option: Any) -> str:
    """What the page shows for an option: its ``label``, else the value in ISO/plain text."""
    if isinstance(option, dict):
        return _label_text(option.get("label"))
    return _label_text(option)


def ignored_default(method: str, default: Any) -> str:
    """The run-log line for a ``default_value`` that is not among the options (Interval shows
    the prompt without it rather than failing the run)."""
    return (
        f"io.{method}(): default_value {default!r} is not among the options; "
        "the prompt is shown without it"
    )


@component_class("select.single")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class SingleSelect(Component):
    """Pick exactly one option; the action gets the original option back."""

    originals: dict[str, Any] = dataclasses.field(default_factory=dict)

    def initial_value(self) -> Any:
        return self.props.get("default_value")

    def echo(self, raw: Any) -> Any:
        # Only an offered value is kept; anything else was never on the page.
        original = self.originals.get(option_key(raw)) if _is_option_value(raw) else None
        return None if original is None else wire_value(value_of(original))

    def readable(self, raw: Any) -> Any:
        original = self.originals.get(option_key(raw)) if _is_option_value(raw) else None
        return None if original is None else label_of(original)

    def parse(self, raw: Any) -> Any:
        key = option_key(raw)
        if key not in self.originals:
            raise InvalidAnswer("Choose one of the options offered.")
        return self.originals[key]


@component_class("select.multiple")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class MultipleSelect(Component):
    """Pick several options, between ``min_selections`` and ``max_selections``."""

    originals: dict[str, Any] = dataclasses.field(default_factory=dict)

    def initial_value(self) -> Any:
        return list(self.props.get("default_value") or [])

    def echo(self, raw: Any) -> Any:
        if not isinstance(raw, list):
            return []
        kept: dict[str, Any] = {}
        for value in raw:
            key = option_key(value) if _is_option_value(value) else None
            if key is not None and key in self.originals:
                kept.setdefault(key, wire_value(value_of(self.originals[key])))
        return echo_items(list(kept.values()))

    def readable(self, raw: Any) -> Any:
        values = raw if isinstance(raw, list) else []
        keys = dict.fromkeys(option_key(v) for v in values if _is_option_value(v))
        return [label_of(self.originals[k]) for k in keys if k in self.originals]

    def is_missing(self, raw: Any) -> bool:
        # An empty selection is an answer when nothing is required.
        return raw is None or (raw == [] and (self.props.get("min_selections") or 0) > 0)

    def parse(self, raw: Any) -> list[Any]:
        if not isinstance(raw, list):
            raise InvalidAnswer("Expected a list of selected options.")
        keys = [option_key(v) for v in raw]
        if any(k not in self.originals for k in keys):
            raise InvalidAnswer("Choose only among the options offered.")
        if len(set(keys)) != len(keys):
            raise InvalidAnswer("Each option can be selected once.")
        lo, hi = self.props.get("min_selections"), self.props.get("max_selections")
        if lo is not None and len(keys) < lo:
            raise InvalidAnswer(f"Select at least {lo}.")
        if hi is not None and len(keys) > hi:
            raise InvalidAnswer(f"Select at most {hi}.")
        return [self.originals[k] for k in keys]
