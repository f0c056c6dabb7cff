"""The base of every io component: a labelled piece of a prompt, data first.

A component knows its ``kind`` (the io method path), its JSON ``props``, the raw value the
page should start with, and how to turn the raw value the page sends back into the Python
value the action receives (:meth:`Component.parse`, which raises :class:`InvalidAnswer`
with a message for the person). Modifiers return changed copies, so a component can be
reused. Awaiting a component shows it alone as a prompt.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from .._util import shorten
from ..errors import ActionDefinitionError
from ..protocol import ComponentSpec

C = TypeVar("C", bound="Component")

Refusal = str | Mapping[str, str] | None
"""What a validator returns: an error message, ``None`` when the value is fine, or (for a
group) ``{field: message}`` (see ``Prompt.validate``)."""

Validator = Callable[[Any], "Refusal | Awaitable[Refusal]"]
"""An author validator, sync or async."""

MAX_TEXT_LENGTH = 100_000
"""Longest text any answer may carry unless a component says less (a huge answer is refused)."""


MAX_ECHOED_ITEMS = 10_000
"""Longest list echoed back to the page with a validation error."""

MAX_NAMED_PICKS = 10
"""How many picked rows the journal names; the rest are counted (:func:`picked_text`)."""

MAX_PICK_NAME = 40
"""Longest name of one picked row in the journal, in characters."""


class InvalidAnswer(ValueError):
    """A raw answer value is not acceptable; the message is shown to the person."""


def check_label(label: object, method: str) -> str:
    """Return ``label`` if it is a string, else raise a clear definition error."""
    if not isinstance(label, str):
        raise ActionDefinitionError(
            f"io.{method}() needs a string label as its first argument, got {type(label).__name__}"
        )
    return label


@dataclasses.dataclass(frozen=True, eq=False)
class Component:
    """One labelled element of a prompt (input, select, display or confirm)."""

    kind: ClassVar[str] = ""
    is_display: ClassVar[bool] = False
    exclusive: ClassVar[bool] = False
    """An exclusive component (``confirm``) brings its own buttons and cannot join a group."""

    label: str
    props: dict[str, Any] = dataclasses.field(default_factory=dict)
    is_optional: bool = False
    validators: tuple[Validator, ...] = ()
    warnings: tuple[str, ...] = ()
    """Lines for the run's log when shown (e.g. an impossible ``default_value`` that was ignored)."""

    # -- what the page sees ------------------------------------------------------------
    def initial_value(self) -> Any:
        """The raw value the page starts with (a default, or ``None``)."""
        return None

    async def prepare(self) -> Component:
        """Resolve anything lazy in the props before display; returns the ready component."""
        return self

    def spec(self, value: Any = None, error: str | None = None) -> ComponentSpec:
        """The JSON the page renders."""
        return {
            "kind": self.kind,
            "label": self.label,
            "props": self.props,
            "optional": self.is_optional,
            "value": value,
            "error": error,
        }

    # -- what the action receives ------------------------------------------------------
    def is_missing(self, raw: Any) -> bool:
        """Whether the page left this component empty."""
        return raw is None or raw == "" or raw == []

    def parse(self, raw: Any) -> Any:
        """Turn a raw page value into the action's value, or raise :class:`InvalidAnswer`."""
        return raw

    def echo(self, raw: Any) -> Any:
        """The raw value as shown back to the page after a validation error (JSON-safe).

        The kept value is shown to whoever views the run next and stored in the history, so
        it is held to what an accepted answer could be: displays keep nothing, and the base
        keeps only a scalar (text capped at :data:`MAX_TEXT_LENGTH`). Components whose answers
        are lists or markup override this and echo only what they offered or sanitised.
        """
        if self.is_display:
            return None
        return echo_scalar(raw, MAX_TEXT_LENGTH)

    def readable(self, raw: Any) -> Any:
        """An accepted raw answer as a person reads it in the journal and the run's history.

        JSON-safe and bounded like :meth:`echo`, which it defaults to. Components whose raw
        answers are keys (picked options, search results, table rows) override it to name
        what was picked instead.
        """
        return self.echo(raw)

    # -- modifiers ---------------------------------------------------------------------
    def optional(self: C, is_optional: bool = True) -> C:
        """Let the person leave this blank; the action then receives ``None``.

        Validators still run for a blank, called with ``None`` (as in Interval).
        """
        if self.is_display:
            raise ActionDefinitionError(
                f"io.{self.kind}() shows information; it cannot be optional"
            )
        return dataclasses.replace(self, is_optional=bool(is_optional))

    def sensitive(self: C, is_sensitive: bool = True) -> C:
        """Mark the value as a secret: journals and the run history store it redacted.

        The person still sees what they type; only the record keeps ``"[redacted]"``.

        >>> token = await io.input.text("API token").sensitive()  # doctest: +SKIP
        """
        if self.is_display:
            raise ActionDefinitionError(
                f"io.{self.kind}() shows information; it has no value to keep secret"
            )
        props = {k: v for k, v in self.props.items() if k != "sensitive"}
        if is_sensitive:
            props["sensitive"] = True
        return dataclasses.replace(self, props=props)

    @property
    def is_sensitive(self) -> bool:
        """Whether the value is kept out of journals and history (see :meth:`sensitive`)."""
        return bool(self.props.get("sensitive"))

    def validate(self: C, fn: Validator) -> C:
        """Add a validator: ``fn(value)`` returns an error message or ``None`` (sync or async)."""
        if not callable(fn):
            raise ActionDefinitionError(
                ".validate() needs a function that returns an error string or None"
            )
        if self.is_display:
            raise ActionDefinitionError(
                f"io.{self.kind}() shows information; there is nothing to validate"
            )
        return dataclasses.replace(self, validators=(*self.validators, fn))

    def with_choices(self, choices: Sequence[str | dict[str, Any]]) -> Any:
        """Replace the Submit button with one button per choice; see :class:`ChoiceResult`."""
        from .prompt import Prompt

        return Prompt.single_of(self).with_choices(choices)

    def assign_to(self, *who: str) -> Any:
        """Only the people named may answer this prompt; see :meth:`.Prompt.assign_to`."""
        from .prompt import Prompt

        return Prompt.single_of(self).assign_to(*who)

    def __await__(self) -> Generator[Any, None, Any]:
        from .prompt import Prompt

        return Prompt.single_of(self).__await__()

    def __repr__(self) -> str:
        return f"<io.{self.kind} {self.label!r}>"


def component_class(kind: str) -> Callable[[type[C]], type[C]]:
    """Class decorator that sets ``kind`` (kept explicit, so a grep for the kind finds it)."""

    def decorate(cls: type[C]) -> type[C]:
        cls.kind = kind
        return cls

    return decorate


def echo_scalar(raw: Any, limit: int) -> Any:
    """``raw`` if it is a bool, a finite number or text (cut to ``limit``), else ``None``.

    What a plain input keeps after a refused answer: a forged object or list is not echoed.
    """
    if isinstance(raw, str):
        return raw[:limit]
    if isinstance(raw, bool) or (isinstance(raw, int) and abs(raw) < 2**53):
        return raw
    if isinstance(raw, float) and math.isfinite(raw):
        return raw
    return None


def echo_items(items: Sequence[Any]) -> list[Any] | None:
    """Echoed items capped at :data:`MAX_ECHOED_ITEMS` (``None`` beyond: too many to keep)."""
    return list(items) if len(items) <= MAX_ECHOED_ITEMS else None


def picked_text(names: Sequence[str], total: int, noun: str = "row") -> str:
    """Picked items as a person reads them: ``"ch_1, ch_3 (2 rows)"``.

    At most :data:`MAX_NAMED_PICKS` names are listed, each cut to :data:`MAX_PICK_NAME`
    characters; the rest are counted (``"… and 90 more (100 rows)"``).
    """
    shown = [shorten(str(n), MAX_PICK_NAME) for n in names[:MAX_NAMED_PICKS]]
    more = total - len(shown)
    listed = ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")
    count = f"{total:,} {noun}" + ("" if total == 1 else "s")
    return f"{listed} ({count})" if shown else count


def drop_none(**props: Any) -> dict[str, Any]:
    """Props without the ``None`` entries (the page treats a missing prop as unset)."""
    return {k: v for k, v in props.items() if v is not None}
