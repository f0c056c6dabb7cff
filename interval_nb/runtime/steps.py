"""``ctx.step``: side effects that happen once, even when a run is rebuilt from its journal.

``await ctx.step("refund", refund_charge, charge_id)`` calls ``refund_charge(charge_id)``
(sync or async), journals its result and returns it. A replay (:mod:`.replay`) returns the
journaled result without calling the function again. The journal says::

    step_started   {"id": "{run_id}-s{k}", "name", "key"}
    step_completed {"id", "name", "result"}       or  step_failed {"id", "name", "error"}

A step that started but never completed (the kernel died while it ran, or it raised) runs
again on replay: steps are *at least once*. Give external APIs :meth:`Steps.idempotency_key`
so a second call is recognised as the same request.

Results must be plain JSON that comes back equal (``dict`` with text keys, ``list``, ``str``,
numbers, ``bool``, ``None``), at most :data:`MAX_STEP_RESULT` characters: return an id rather
than an API client's object.
"""

from __future__ import annotations

import inspect
import itertools
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._util import quote, shorten
from ..errors import ActionDefinitionError

if TYPE_CHECKING:
    from .replay import Replay

MAX_STEP_RESULT = 100_000
"""Longest step result, as JSON text: the journal keeps every result."""

MAX_STEP_NAME = 200


class StepResultError(ActionDefinitionError):
    """A step's function returned something the journal cannot give back on replay."""


def check_result(name: str, result: Any) -> None:
    """Raise :class:`StepResultError` unless ``result`` is plain JSON that comes back equal."""
    advice = (
        f"ctx.step({name!r}) must return plain JSON (a dict with text keys, a list, text, a "
        "number, a bool or None) so a replay can return it again"
    )
    try:
        text = json.dumps(result, allow_nan=False)
    except (TypeError, ValueError):
        raise StepResultError(
            f"{advice}; it returned {type(result).__name__}. Return an id (e.g. refund.id) "
            "and look the object up again when you need it"
        ) from None
    if len(text) > MAX_STEP_RESULT:
        raise StepResultError(
            f"{advice}; its result is {len(text):,} characters of JSON, more than "
            f"{MAX_STEP_RESULT:,}. Return an id and look the data up again when you need it"
        )
    if json.loads(text) != result:
        raise StepResultError(
            f"{advice}; its {type(result).__name__} would come back different (a tuple comes "
            "back as a list, a number key as text). Return lists and text keys"
        )


class Steps:
    """The steps of one run: their numbers, idempotency keys and journal entries.

    ``record(event, **data)`` journals an event (the run's own recorder).
    """

    def __init__(self, record: Callable[..., Any]) -> None:
        self._record = record
        self._numbers = itertools.count(1)
        self._seen: dict[str, int] = {}
        self.running: str | None = None
        """The name of the step whose function is running, else ``None``."""
        self._running_key: str | None = None

    def idempotency_key(self, run_id: str, name: str) -> str:
        """The key of step ``name``'s next occurrence (its running one, from inside it).

        ``{run_id}:{name}:{n}``: the same in every replay of the run, different for each
        occurrence of the name, so an external API recognises a repeated request.
        """
        _check_name(name)
        if self.running == name and self._running_key is not None:
            return self._running_key
        return f"{run_id}:{name}:{self._seen.get(name, 0) + 1}"

    async def run(
        self,
        run_id: str,
        name: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
        replay: Replay | None,
    ) -> Any:
        """Call ``fn(*args, **kwargs)`` once for this run; see the module docs."""
        _check_name(name)
        if not callable(fn):
            raise ActionDefinitionError(f"ctx.step({name!r}, fn): fn must be a function")
        if self.running is not None:
            raise ActionDefinitionError(
                f"ctx.step({name!r}) inside step {self.running!r}: steps do not nest; call "
                "them one after the other from the action"
            )
        step_id = f"{run_id}-s{next(self._numbers)}"
        key = self.idempotency_key(run_id, name)
        self._seen[name] = self._seen.get(name, 0) + 1
        if replay is not None:
            recorded = replay.step(name, step_id)
            if recorded is not None:
                return recorded.result
        try:
            return await self._call(step_id, name, key, fn, args, kwargs)
        finally:
            if replay is not None:
                replay.step_done()

    async def _call(
        self,
        step_id: str,
        name: str,
        key: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> Any:
        self._record("step_started", id=step_id, name=name, key=key)
        self.running, self._running_key = name, key
        try:
            result = fn(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            check_result(name, result)
        except BaseException as exc:
            error = shorten(f"{type(exc).__name__}: {exc}")
            self._record("step_failed", id=step_id, name=name, error=error)
            raise
        finally:
            self.running = self._running_key = None
        self._record("step_completed", id=step_id, name=name, result=result)
        return result


def _check_name(name: object) -> None:
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_STEP_NAME:
        raise ActionDefinitionError(
            f"a step's name is a short non-empty text (at most {MAX_STEP_NAME} characters), "
            f"e.g. ctx.step('refund', ...); got {quote(name)}"
        )
