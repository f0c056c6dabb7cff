"""A prompt: the components shown together, how they are submitted and how answers are judged.

``await io.input.text("Name")`` wraps one component in a :class:`Prompt`; ``io.group(...)``
wraps several. Modifiers (``.validate()``, ``.with_choices()``, ``.optional()``) return new
prompts. When awaited, a prompt asks the active run to show it; the run passes every answer to
:meth:`Prompt.evaluate`, which parses each component, runs the authors' validators and
returns either the value for the action or the errors to show.

As in Interval, a validator added after ``.with_choices()`` receives the same
:class:`ChoiceResult` the action receives, and a validator of an optional field left blank
is called with ``None``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator, Mapping, Sequence
from typing import Any, Generic, TypeVar

from .._context import current_host
from .._util import call_maybe_async, shorten
from ..errors import ActionDefinitionError
from ..principals import parse_principals
from ..protocol import ChoiceSpec, PromptSpec
from .components import Component, InvalidAnswer, Validator

T = TypeVar("T")

CHOICE_THEMES = ("default", "primary", "secondary", "danger")


@dataclasses.dataclass(frozen=True)
class ChoiceResult(Generic[T]):
    """What a prompt with ``.with_choices()`` returns: the button clicked and the value."""

    choice: str
    value: T


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """The outcome of judging one answer: a value, or errors to show with the same prompt."""

    ok: bool
    value: Any = None
    component_errors: tuple[str | None, ...] = ()
    error: str | None = None


def _choices(choices: Sequence[str | dict[str, Any]]) -> tuple[ChoiceSpec, ...]:
    if isinstance(choices, str) or not choices:
        raise ActionDefinitionError(".with_choices() needs a non-empty list of choices")
    out: list[ChoiceSpec] = []
    for choice in choices:
        if isinstance(choice, str):
            out.append({"label": choice, "value": choice, "theme": None})
        elif isinstance(choice, dict) and isinstance(choice.get("label", choice.get("value")), str):
            value = choice.get("value", choice["label"])
            theme = choice.get("theme")
            if theme is not None and theme not in CHOICE_THEMES:
                raise ActionDefinitionError(
                    f"choice theme must be one of {CHOICE_THEMES}, not {theme!r}"
                )
            out.append(
                {"label": str(choice.get("label", value)), "value": str(value), "theme": theme}
            )
        else:
            raise ActionDefinitionError(
                f"a choice is a string or {{label, value, theme}}; got {choice!r}"
            )
    values = [c["value"] for c in out]
    if len(set(values)) != len(values):
        raise ActionDefinitionError(".with_choices() has two choices with the same value")
    return tuple(out)


@dataclasses.dataclass(frozen=True)
class Prompt:
    """Components shown together, with their submit buttons and group-level validators."""

    components: tuple[Component, ...]
    names: tuple[str, ...] | None = None
    """Keyword group: the key of each component; the value is then a dict."""
    single: bool = False
    """One component awaited alone: the value is that component's value, not a list."""
    choices: tuple[ChoiceSpec, ...] = ()
    validators: tuple[Validator, ...] = ()
    choice_validators: tuple[Validator, ...] = ()
    """Validators added after ``.with_choices()``: each gets the :class:`ChoiceResult`."""
    assignees: tuple[str, ...] = ()
    """Who may answer (``.assign_to()``): user names and ``group:NAME``; empty: whoever may
    answer the run (the person who started it, or anyone the action admits)."""

    @classmethod
    def single_of(cls, component: Component) -> Prompt:
        """A prompt showing one component alone."""
        return cls(components=(component,), single=True)

    @classmethod
    def group(cls, *components: Any, **named: Any) -> Prompt:
        """A prompt showing several components at once (``io.group``)."""
        if components and named:
            raise ActionDefinitionError(
                "io.group() takes components either all positional or all by keyword"
            )
        items = list(named.values()) if named else list(components)
        if not items:
            raise ActionDefinitionError("io.group() needs at least one component")
        for item in items:
            if isinstance(item, Prompt):
                raise ActionDefinitionError(
                    "io.group() takes components, not groups or prompts with choices; "
                    "put .with_choices() and .validate() on the group itself"
                )
            if not isinstance(item, Component):
                raise ActionDefinitionError(f"io.group() takes io components, got {item!r}")
            if item.exclusive:
                raise ActionDefinitionError(
                    f"io.{item.kind}() must be awaited on its own, not in a group"
                )
        return cls(components=tuple(items), names=tuple(named) if named else None)

    # -- modifiers ---------------------------------------------------------------------
    def with_choices(self, choices: Sequence[str | dict[str, Any]]) -> Prompt:
        """Submit with one of several buttons; the prompt then returns a :class:`ChoiceResult`."""
        if any(c.exclusive for c in self.components):
            raise ActionDefinitionError("io.confirm() has its own buttons; it cannot take choices")
        return dataclasses.replace(self, choices=_choices(choices))

    def assign_to(self, *who: str) -> Prompt:
        """Hand this prompt to someone else: only the people named may answer it.

        ``who`` uses the ``access=`` syntax: user names and ``"group:NAME"``. Served through
        the server, anyone else gets 403 ``not_assignee`` and a read-only view, and the run
        shows in the assignees' inbox (``GET runs?waiting_for=me``). The journal records who
        answered. The next prompt without ``assign_to`` goes back to whoever started the run.
        """
        names = parse_principals(list(who), ".assign_to()") or ()  # a list: never None
        return dataclasses.replace(self, assignees=names)

    def validate(self, fn: Validator) -> Prompt:
        """Validate the whole value (list, dict or single value); return an error or ``None``.

        For a group, the error may also be ``{field: message}``, a field named by its keyword
        (``io.group(age=…)``) or its label: the page shows each message with its field and
        highlights it. A plain message is shown for the whole form, above its buttons.

        After ``.with_choices()`` the validator gets ``ChoiceResult(choice, value)`` instead,
        as the action does, so it can judge the value by the button pressed.
        """
        if not callable(fn):
            raise ActionDefinitionError(
                ".validate() needs a function that returns an error string or None"
            )
        if self.choices:
            return dataclasses.replace(self, choice_validators=(*self.choice_validators, fn))
        if self.single:
            return dataclasses.replace(self, components=(self.components[0].validate(fn),))
        return dataclasses.replace(self, validators=(*self.validators, fn))

    def optional(self, is_optional: bool = True) -> Prompt:
        """Let the person leave a single input blank, even after ``.with_choices()``.

        A blank answer then gives ``ChoiceResult(choice, None)``. Groups have no optional
        form: mark their components optional instead.
        """
        if not self.single:
            raise ActionDefinitionError(
                "io.group() cannot be optional; call .optional() on the components inside it"
            )
        return dataclasses.replace(self, components=(self.components[0].optional(is_optional),))

    # -- what the page sees ------------------------------------------------------------
    @property
    def is_display_only(self) -> bool:
        """Whether there is nothing to answer (a display shown alone)."""
        return all(c.is_display for c in self.components) and not self.choices

    async def prepare(self) -> Prompt:
        """Resolve lazy props of every component before the prompt is shown."""
        ready = tuple([await c.prepare() for c in self.components])
        return dataclasses.replace(self, components=ready)

    def spec(
        self,
        prompt_id: str,
        values: Sequence[Any] | None = None,
        errors: Sequence[str | None] | None = None,
        error: str | None = None,
        attempt: int = 0,
    ) -> PromptSpec:
        """The prompt as the page renders it, with the values to show and any errors.

        ``attempt`` counts the answers rejected so far, so a prompt re-shown with the very
        same errors still differs from the last one the page saw.
        """
        shown = (
            [c.echo(v) for c, v in zip(self.components, values, strict=True)]
            if values is not None
            else [c.initial_value() for c in self.components]
        )
        errs = errors or [None] * len(self.components)
        spec: PromptSpec = {
            "id": prompt_id,
            "components": [
                c.spec(v, e) for c, v, e in zip(self.components, shown, errs, strict=True)
            ],
            "choices": list(self.choices),
            "error": error,
            "exclusive": any(c.exclusive for c in self.components),
            "attempt": attempt,
        }
        if self.assignees:
            spec["assignees"] = list(self.assignees)
        return spec

    # -- judging answers ---------------------------------------------------------------
    def shape(self, parsed: Sequence[Any]) -> Any:
        """Arrange parsed component values as the action receives them."""
        if self.single:
            return parsed[0]
        if self.names is not None:
            return dict(zip(self.names, parsed, strict=True))
        return list(parsed)

    async def evaluate(self, raw_values: Sequence[Any], choice: str | None) -> Evaluation:
        """Parse and validate one answer; authoritative, whatever the page checked."""
        if self.choices:
            if choice not in {c["value"] for c in self.choices}:
                return Evaluation(False, error="Choose one of the buttons offered.")
        elif choice is not None:
            return Evaluation(False, error="This prompt has no choices.")
        parsed: list[Any] = []
        errors: list[str | None] = []
        for component, raw in zip(self.components, raw_values, strict=True):
            value, err = await _judge(component, raw)
            parsed.append(value)
            errors.append(err)
        if any(errors):
            return Evaluation(False, component_errors=tuple(errors))
        value = self.shape(parsed)
        for validator in self.validators:
            refused = self.refusal(await call_maybe_async(validator, value))
            if refused is not None:
                return refused
        if self.choices:
            value = ChoiceResult(choice=str(choice), value=value)
        for validator in self.choice_validators:
            refused = self.refusal(await call_maybe_async(validator, value))
            if refused is not None:
                return refused
        return Evaluation(True, value=value)

    def field_index(self, field: object) -> int | None:
        """The component a group validator names: by keyword (``io.group(age=…)``) or label."""
        if self.names is not None and field in self.names:
            return self.names.index(field)
        labels = [c.label for c in self.components]
        return labels.index(field) if field in labels else None

    def refusal(self, message: Any) -> Evaluation | None:
        """A whole-prompt validator's refusal: a text for the form, or ``{field: text}``.

        Messages for fields this prompt has are shown with those fields, which the page
        highlights; any other message is shown for the whole form, above its buttons.
        ``None`` when there is nothing to refuse (no message, or only blank ones).
        """
        if not message:
            return None
        if not isinstance(message, Mapping):
            return Evaluation(False, error=shorten(str(message)))
        errors: list[str | None] = [None] * len(self.components)
        rest: list[str] = []
        for field, text in message.items():
            index = self.field_index(field)
            if not text:
                continue
            if index is None or self.components[index].is_display:
                rest.append(f"{field}: {text}")
            else:
                errors[index] = shorten(str(text))
        if not rest and not any(errors):
            return None
        form = shorten("\n".join(rest)) if rest else None
        return Evaluation(False, component_errors=tuple(errors) if any(errors) else (), error=form)

    def __await__(self) -> Generator[Any, None, Any]:
        return current_host().ask(self).__await__()


async def _judge(component: Component, raw: Any) -> tuple[Any, str | None]:
    """Parse one raw value and run the component's validators."""
    if component.is_display:
        return None, None
    if component.is_missing(raw):
        if not component.is_optional:
            return None, "This field is required."
        # Interval calls the validator of a blank optional field with None, so rules such as
        # "required when another field is given" can refuse the blank.
        value = None
    else:
        try:
            value = component.parse(raw)
        except InvalidAnswer as exc:
            return None, str(exc)
    for validator in component.validators:
        message = await call_maybe_async(validator, value)
        if message:
            # An author's message may quote the answer; it is shown and stored, so kept short.
            return value, shorten(str(message))
    return value, None
