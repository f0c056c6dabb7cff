"""interval-sdk's io promises: what ``io.input.text(...)`` returns before it is awaited.

Each io call of the compat ``IO`` makes an :class:`IOCall`: the interval_nb component to show
and how its answer becomes interval-sdk's value (``input.url`` → ``ParseResult``, files →
``IntervalFile`` …). Promise objects wrap an ``IOCall`` and add interval-sdk's modifiers —
``.optional()``, ``.validate()``, ``.multiple()``, ``.with_choices()`` — mutating it and
returning ``self`` or a promise of the next type, as interval-sdk does (so ``p.validate(f)``
without reassigning still counts). Awaiting builds an interval_nb prompt, shows it in the run
and converts the answer:

- a single call gives its value; ``.with_choices()`` gives ``ChoiceReturn(choice, return_value)``;
- ``io.group(a, b)`` gives a list, ``io.group(a=..., b=...)`` a :class:`KeyedIONamespace`;
- group validators are called as ``fn(*values)`` / ``fn(**values)``, validators of prompts with
  choices with a ``ChoiceReturn``.

The person cancelling the run surfaces as ``IOError("CANCELED")`` at the pending ``await``;
an io call after that (or after ``ctx.redirect(route=...)``) raises ``IOError("TRANSACTION_CLOSED")``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Awaitable, Callable, Generator, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._util import call_maybe_async
from ..errors import ActionDefinitionError
from ..io.components import Component
from ..io.prompt import ChoiceResult, Evaluation, Prompt
from .errors import IntervalIOError

if TYPE_CHECKING:
    from .namespace import IO

__all__ = [
    "ChoiceReturn",
    "DisplayIOPromise",
    "ExclusiveIOPromise",
    "IOCall",
    "IOGroupPromise",
    "IOPromise",
    "InputIOPromise",
    "KeyedIONamespace",
    "MultipleIOPromise",
    "MultipleableIOPromise",
    "WithChoicesIOGroupPromise",
    "WithChoicesIOPromise",
]

T = TypeVar("T")
Transform = Callable[[Any], Any]
Validator = Callable[..., Any]
"""An interval-sdk validator: returns an error message or ``None`` (sync or async)."""


@dataclasses.dataclass(frozen=True)
class ChoiceReturn(Generic[T]):
    """What a prompt with ``.with_choices()`` returns: the button clicked and the value."""

    choice: str
    return_value: T


class KeyedIONamespace(Mapping[str, Any]):
    """The value of a keyword group: ``values.name`` and ``values["name"]`` both work."""

    def __init__(self, /, **items: Any) -> None:
        self._items = items

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not an answer (and no recursion before __init__ ran)
            raise AttributeError(name)
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._items[name]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __repr__(self) -> str:
        return f"KeyedIONamespace({', '.join(f'{k}={v!r}' for k, v in self._items.items())})"


@dataclasses.dataclass
class IOCall:
    """One io call: the component to show, how its answer converts, and its modifiers."""

    io: IO
    component: Component | None
    get_value: Transform | None = None
    build: Callable[[], Awaitable[Component]] | None = None
    """Makes the component at await time (a table whose columns come from its first page)."""
    disabled: tuple[Component, Any] | None = None
    """interval-sdk's ``disabled=True``: shown as this display; the action gets this value."""
    set_defaults: Callable[[list[Any]], None] | None = None
    """For calls that take ``.multiple()`` (files, searches): sets ``default_value``."""
    optional: bool = False
    multiple: bool = False
    validator: Validator | None = None

    def make_multiple(self, default_value: Iterable[Any] | None) -> None:
        """``.multiple()``: a list of values; a single-value validator no longer fits."""
        if self.set_defaults is None:
            raise ActionDefinitionError(".multiple() is only for io.input.file and io.search")
        self.multiple = True
        self.validator = None
        if default_value is not None:
            self.set_defaults(list(default_value))

    def value(self, raw: Any) -> Any:
        """interval-sdk's value of an interval_nb answer."""
        if self.disabled is not None:
            return self.disabled[1]
        if raw is None or self.get_value is None:
            return raw
        if self.multiple:
            return [self.get_value(v) for v in raw]
        return self.get_value(raw)

    async def shown(self) -> Component:
        """The interval_nb component, with the modifiers applied."""
        if self.disabled is not None:
            return self.disabled[0]
        component = self.component if self.build is None else await self.build()
        assert component is not None
        if self.multiple:
            component = component.multiple()  # type: ignore[attr-defined]
        if self.optional:
            component = component.optional()
        if self.validator is not None:
            validator = self.validator
            component = component.validate(lambda raw: validator(self.value(raw)))
        return component


def choice_specs(choices: Iterable[str | Mapping[str, Any]]) -> list[str | dict[str, Any]]:
    """interval-sdk choice buttons (strings or ``{label, value, theme}``) for interval_nb."""
    if isinstance(choices, str):
        raise ActionDefinitionError(
            ".with_choices() takes a list of choices, e.g. .with_choices(['Approve', 'Reject'])"
        )
    return [c if isinstance(c, str) else dict(c) for c in choices]


@dataclasses.dataclass(frozen=True)
class CompatPrompt(Prompt):
    """An interval_nb prompt that also runs interval-sdk's group and choice validators."""

    judge: Callable[[Any, str | None], Awaitable[str | None]] | None = None

    async def evaluate(self, raw_values: Sequence[Any], choice: str | None) -> Evaluation:
        evaluation = await super().evaluate(raw_values, choice)
        if not evaluation.ok or self.judge is None:
            return evaluation
        value = evaluation.value.value if self.choices else evaluation.value
        message = await self.judge(value, choice)
        if message:
            return Evaluation(False, error=str(message))
        return evaluation


def compat_prompt(
    components: tuple[Component, ...],
    *,
    names: tuple[str, ...] | None = None,
    single: bool = False,
    choices: list[str | dict[str, Any]] | None = None,
    judge: Callable[[Any, str | None], Awaitable[str | None]] | None = None,
) -> Prompt:
    """An interval_nb prompt of ``components`` that runs ``judge`` after its own checks."""
    prompt = CompatPrompt(components=components, names=names, single=single, judge=judge)
    return prompt.with_choices(choices) if choices else prompt


async def show(io: IO, prompt: Prompt) -> Any:
    """Show ``prompt`` in the run of ``io``; a cancelled run raises interval-sdk's IOError."""
    transaction = io._transaction
    if transaction is None:
        return await prompt  # outside a run: interval_nb's own NoActiveRunError explains
    transaction.check_open()
    try:
        return await prompt
    except asyncio.CancelledError:
        if transaction.cancelled:
            raise IntervalIOError("CANCELED", "the run was cancelled") from None
        raise


class IOPromise(Generic[T]):
    """An io call not shown yet; ``await`` it to show it and get the answer."""

    def __init__(self, call: IOCall) -> None:
        self._call = call

    def __await__(self) -> Generator[Any, None, T]:
        return self._show().__await__()

    async def _show(self) -> Any:
        component = await self._call.shown()
        return self._call.value(await show(self._call.io, Prompt.single_of(component)))

    def with_choices(
        self, choices: Iterable[str | Mapping[str, Any]]
    ) -> WithChoicesIOPromise[ChoiceReturn[T]]:
        """Replace the Submit button with one button per choice; returns a ``ChoiceReturn``."""
        return WithChoicesIOPromise(self._call, choice_specs(choices))


class DisplayIOPromise(IOPromise[None]):
    """A display (``io.display.*``): shown alone it resolves at once; in a group it is ``None``."""


class ExclusiveIOPromise(IOPromise[T]):
    """``io.confirm``: brings its own buttons and cannot join a group."""


class InputIOPromise(IOPromise[T]):
    """An input or select: ``.optional()``, ``.validate(fn)``, ``.with_choices([...])``."""

    def optional(self, optional: bool = True) -> InputIOPromise[T | None]:
        """Let the person leave it blank; the action then gets ``None``."""
        self._call.optional = bool(optional)
        return self  # type: ignore[return-value]

    def validate(self, validator: Validator | None) -> InputIOPromise[T]:
        """Check the value: ``validator(value)`` returns an error message or ``None`` (sync or async)."""
        if validator is not None and not callable(validator):
            raise ActionDefinitionError(
                ".validate() needs a function that returns an error string or None"
            )
        self._call.validator = validator
        return self


class MultipleableIOPromise(InputIOPromise[T]):
    """``io.input.file`` and ``io.search``: ``.multiple()`` asks for several."""

    def multiple(self, *, default_value: Iterable[Any] | None = None) -> MultipleIOPromise[T]:
        """Ask for several; the action gets a list (``default_value``: initially picked)."""
        self._call.make_multiple(default_value)
        return MultipleIOPromise(self._call)


class MultipleIOPromise(InputIOPromise[list[T]]):
    """Several values at once; ``.validate(fn)`` gets the whole list."""


class WithChoicesIOPromise(Generic[T]):
    """A single io call with choice buttons; awaiting gives ``ChoiceReturn(choice, return_value)``."""

    def __init__(self, call: IOCall, choices: list[str | dict[str, Any]]) -> None:
        self._call = call
        self._choices = choices
        self._validator: Validator | None = None

    def __await__(self) -> Generator[Any, None, T]:
        return self._show().__await__()

    async def _show(self) -> Any:
        component = await self._call.shown()
        prompt = compat_prompt((component,), single=True, choices=self._choices, judge=self._judge)
        result: ChoiceResult[Any] = await show(self._call.io, prompt)
        return ChoiceReturn(choice=result.choice, return_value=self._call.value(result.value))

    async def _judge(self, value: Any, choice: str | None) -> str | None:
        if self._validator is None:
            return None
        returned = ChoiceReturn(choice=str(choice), return_value=self._call.value(value))
        message: str | None = await call_maybe_async(self._validator, returned)
        return message

    def with_choices(self, choices: Iterable[str | Mapping[str, Any]]) -> WithChoicesIOPromise[T]:
        """Replace the choices."""
        self._choices = choice_specs(choices)
        return self

    def validate(self, validator: Validator | None) -> WithChoicesIOPromise[T]:
        """Check the answer: ``validator(ChoiceReturn(choice, return_value))`` returns an error or ``None``."""
        self._call.validator = None
        self._validator = validator
        return self

    def optional(self, optional: bool = True) -> WithChoicesIOPromise[T]:
        """Let the person leave it blank (``return_value`` is then ``None``)."""
        self._call.optional = bool(optional)
        return self

    def multiple(self, *, default_value: Iterable[Any] | None = None) -> WithChoicesIOPromise[Any]:
        """Ask for several (file inputs and searches); ``return_value`` is a list."""
        self._call.make_multiple(default_value)
        return self


def _group_member(promise: Any) -> IOCall:
    if isinstance(promise, (WithChoicesIOPromise, IOGroupPromise, WithChoicesIOGroupPromise)):
        raise ActionDefinitionError(
            "io.group() takes io calls, not groups or calls with choices; put .with_choices() "
            "on the group itself"
        )
    if isinstance(promise, ExclusiveIOPromise):
        raise ActionDefinitionError("io.confirm() must be awaited on its own, not in a group")
    if not isinstance(promise, IOPromise):
        raise ActionDefinitionError(f"io.group() takes io calls, got {promise!r}")
    return promise._call


class IOGroupPromise:
    """``io.group(...)``: several io calls in one prompt.

    Awaiting gives a list (positional) or a :class:`KeyedIONamespace` (keywords).
    """

    def __init__(
        self, io: IO, promises: Sequence[Any], kw_promises: Mapping[str, Any] | None = None
    ) -> None:
        if promises and kw_promises:
            raise ActionDefinitionError(
                "io.group() takes io calls either all positional or all by keyword"
            )
        self._io = io
        self._names: tuple[str, ...] | None = tuple(kw_promises) if kw_promises else None
        members = list(kw_promises.values()) if kw_promises else list(promises)
        self._calls = [_group_member(p) for p in members]
        self._validator: Validator | None = None
        self._continue: list[str | dict[str, Any]] | None = None

    def __await__(self) -> Generator[Any, None, Any]:
        return self._show(None, None).__await__()

    async def _show(
        self, choices: list[str | dict[str, Any]] | None, choice_validator: Validator | None
    ) -> Any:
        components = tuple([await call.shown() for call in self._calls])
        buttons = choices if choices is not None else self._continue

        async def judge(value: Any, choice: str | None) -> str | None:
            if choice_validator is not None:
                returned = ChoiceReturn(str(choice), self._values(value))
                message: str | None = await call_maybe_async(choice_validator, returned)
                return message
            if self._validator is None:
                return None
            values = self._values(value)
            if self._names is not None:
                return await call_maybe_async(functools.partial(self._validator, **values))
            return await call_maybe_async(self._validator, *values)

        prompt = compat_prompt(components, names=self._names, choices=buttons, judge=judge)
        result = await show(self._io, prompt)
        if choices is not None:
            return ChoiceReturn(result.choice, self._values(result.value))
        if buttons:  # continue_button_options(): a relabelled Submit, not a choice
            result = result.value
        return self._values(result)

    def _values(self, shaped: Any) -> Any:
        if self._names is None:
            return [call.value(v) for call, v in zip(self._calls, shaped, strict=True)]
        values = {
            n: call.value(shaped[n]) for call, n in zip(self._calls, self._names, strict=True)
        }
        return KeyedIONamespace(**values)

    def validate(self, validator: Validator | None) -> IOGroupPromise:
        """Check the answers together: ``fn(*values)`` (or ``fn(**values)`` for keyword groups)."""
        self._validator = validator
        return self

    def continue_button_options(
        self, label: str | None = None, theme: str | None = None
    ) -> IOGroupPromise:
        """Deprecated in interval-sdk: relabel the Submit button (use ``.with_choices()``)."""
        button: dict[str, Any] = {"label": label or "Continue", "value": label or "Continue"}
        if theme is not None:
            button["theme"] = theme
        self._continue = [button]
        return self

    def with_choices(self, choices: Iterable[str | Mapping[str, Any]]) -> WithChoicesIOGroupPromise:
        """Submit with one of several buttons; awaiting gives a ``ChoiceReturn``."""
        return WithChoicesIOGroupPromise(self, choice_specs(choices))


class WithChoicesIOGroupPromise:
    """A group with choice buttons: ``ChoiceReturn(choice, return_value=list | KeyedIONamespace)``.

    Its validator gets the same ``ChoiceReturn`` (interval-sdk passes a plain dict for keyword
    groups; a ``KeyedIONamespace`` is a read-only mapping, so code written for that still works).
    """

    def __init__(self, group: IOGroupPromise, choices: list[str | dict[str, Any]]) -> None:
        self._group = group
        self._choices = choices
        self._validator: Validator | None = None

    def __await__(self) -> Generator[Any, None, Any]:
        return self._group._show(self._choices, self._validator).__await__()

    def validate(self, validator: Validator | None) -> WithChoicesIOGroupPromise:
        """Check the answer: ``validator(ChoiceReturn(choice, return_value))``."""
        self._validator = validator
        return self

    def with_choices(self, choices: Iterable[str | Mapping[str, Any]]) -> WithChoicesIOGroupPromise:
        """Replace the choices."""
        self._choices = choice_specs(choices)
        return self
