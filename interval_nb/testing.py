"""Unit-test actions without a browser or a kernel.

>>> from interval_nb.testing import start
>>> async with start(refund_user, params={"x": 1}, user="ana") as run:   # doctest: +SKIP
...     prompt = await run.next_prompt()
...     assert prompt.components[0].kind == "input.email"
...     await run.answer("ana@example.com")
...     assert await run.result() == {"refunded": 0}

The driver answers exactly as the page does: one raw value per component (option values for
selects, ISO strings or date objects for dates), through the same kernel-side validation.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from .actions import Action
from .errors import AnswerRejected, IntervalNBError, PromptTimeout, RunFinishedError
from .protocol import (
    ComponentSpec,
    LoadingState,
    Notification,
    PromptSpec,
    RunStatus,
    TranscriptEntry,
)
from .runtime import registry
from .runtime.context import User
from .runtime.recording import Recording
from .runtime.replay import rebuild
from .runtime.run import AnswerOutcome, Run
from .store import stored_event

__all__ = ["ComponentView", "PromptView", "TestRun", "start"]

DEFAULT_TIMEOUT = 5.0

_UNSET: Any = object()


@dataclasses.dataclass(frozen=True)
class ComponentView:
    """One component of a prompt as the test sees it."""

    kind: str
    label: str
    props: dict[str, Any]
    optional: bool
    value: Any
    error: str | None

    @classmethod
    def of(cls, spec: ComponentSpec) -> ComponentView:
        """Build from the wire spec."""
        return cls(
            spec["kind"],
            spec["label"],
            spec["props"],
            spec["optional"],
            spec["value"],
            spec["error"],
        )


@dataclasses.dataclass(frozen=True)
class PromptView:
    """A prompt as the test sees it: ``id``, ``components``, ``choices``, ``error``."""

    id: str
    components: tuple[ComponentView, ...]
    choices: tuple[str, ...]
    error: str | None
    spec: PromptSpec

    @property
    def errors(self) -> list[str | None]:
        """Each component's validation error (``None`` where fine)."""
        return [c.error for c in self.components]

    @classmethod
    def of(cls, spec: PromptSpec) -> PromptView:
        """Build from the wire spec."""
        return cls(
            spec["id"],
            tuple(ComponentView.of(c) for c in spec["components"]),
            tuple(c["value"] for c in spec["choices"]),
            spec["error"],
            spec,
        )


def _file_raw(value: Any) -> Any:
    """``(name, bytes)`` tuples (or a list of them) as the page's decoded file answer."""
    items = [value] if isinstance(value, tuple) else value
    if items is None:
        return None
    files = []
    for item in items:
        name, data = item[0], item[1]
        kind = item[2] if len(item) > 2 else ""
        files.append({"name": name, "type": kind, "size": len(data), "data": bytes(data)})
    return files


def _raw_for(kind: str, value: Any) -> Any:
    return _file_raw(value) if kind == "input.file" else _raw(value)


def _raw(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    if isinstance(value, (list, tuple)):
        return [_raw(v) for v in value]
    return value


class TestRun:
    """A run driven by a test: read prompts, answer them, inspect the outcome."""

    __test__ = False  # not a pytest test class

    def __init__(self, run: Run, timeout: float) -> None:
        self.run = run
        self.timeout = timeout
        self._renders: asyncio.Queue[PromptSpec | None] = asyncio.Queue()
        self._last: PromptSpec | None = None
        run.subscribe(self._on_change)

    async def replay(self, timeout: float | None = None) -> PromptView | None:
        """Lose the run as a kernel loss would and rebuild it from its journal.

        The live coroutine is dropped; the action runs again from the start with the params,
        user and run id the journal holds. Each prompt the journal answered gets its recorded
        answer, each completed ``ctx.step`` its recorded result (its function is not called).
        Returns the prompt the run waits on once it has caught up, with the same id as
        before (``None`` if the run ended instead). Raises
        :class:`~interval_nb.ReplayDivergence` if the action now asks or does something else,
        :class:`~interval_nb.NotReplayable` if the journal cannot give an answer back (a
        secret, a file); the run is then ``interrupted`` with that reason.

        >>> await run.answer("ana@example.com")  # doctest: +SKIP
        >>> assert (await run.replay()).id == prompt.id  # doctest: +SKIP
        """
        old = self.run
        if old.done:
            raise RunFinishedError(f"the run ended {old.status}: there is nothing to replay")
        if old.replaying is not None and not old.replaying.done:
            raise IntervalNBError("this run is being replayed already: one replay at a time")
        events = [stored_event(entry) for entry in old.journal]  # as the history holds them
        old.drop()
        await asyncio.gather(old.result(), return_exceptions=True)
        recording = Recording.from_events(
            events, run_id=old.id, slug=old.slug, title=old.title, created=old.created
        )
        run = rebuild(recording, old.action)
        self.run, self._renders, self._last = run, asyncio.Queue(), None
        run.subscribe(self._on_change)
        registry.track(run)
        run.start()
        assert run.replaying is not None
        limit = self.timeout if timeout is None else timeout
        try:
            await asyncio.wait_for(run.replaying.wait(), limit)
        except asyncio.TimeoutError:
            raise PromptTimeout(
                f"the replay did not catch up within {limit:g}s; the run is {run.status}"
            ) from None
        if not run.done:  # the prompt shown as the replay caught up is not news
            self._renders, self._last = asyncio.Queue(), run.prompt
        return self.prompt

    def _on_change(self, run: Run, changed: frozenset[str]) -> None:
        if "prompt" in changed and run.prompt is not None and run.prompt is not self._last:
            self._last = run.prompt
            self._renders.put_nowait(run.prompt)
        if run.done:
            self._renders.put_nowait(None)

    async def next_prompt(self, timeout: float | None = None) -> PromptView:
        """Wait for the next prompt shown (or shown again with errors) and return it.

        Raises :class:`PromptTimeout` if none comes in time and :class:`RunFinishedError` if
        the run ended instead.
        """
        limit = self.timeout if timeout is None else timeout
        try:
            spec = await asyncio.wait_for(self._renders.get(), limit)
        except asyncio.TimeoutError:
            raise PromptTimeout(
                f"no new prompt within {limit:g}s; the run is {self.run.status}"
            ) from None
        if spec is None:
            self._renders.put_nowait(None)  # every later call sees the end too
            detail = (
                f": {self.run.error['type']}: {self.run.error['message']}" if self.run.error else ""
            )
            raise RunFinishedError(
                f"expected a prompt, but the run ended {self.run.status}{detail}"
            )
        return PromptView.of(spec)

    @property
    def prompt(self) -> PromptView | None:
        """The prompt waiting now, if any."""
        return PromptView.of(self.run.prompt) if self.run.prompt else None

    def _values_for(self, spec: PromptSpec, value: Any) -> list[Any]:
        components = spec["components"]
        run_prompt = self.run._pending.prompt if self.run._pending else None
        kinds = [c["kind"] for c in components]
        if len(components) == 1 and run_prompt is not None and run_prompt.single:
            return [_raw_for(kinds[0], value)]
        if isinstance(value, Mapping) and run_prompt is not None and run_prompt.names is not None:
            unknown = set(value) - set(run_prompt.names)
            if unknown:
                raise AnswerRejected(
                    f"no components named {sorted(unknown)} in this group", "malformed"
                )
            return [_raw_for(k, value.get(n)) for k, n in zip(kinds, run_prompt.names, strict=True)]
        if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
            values = list(value)
            if len(values) == len(components):
                return [_raw_for(k, v) for k, v in zip(kinds, values, strict=True)]
            inputs = [i for i, c in enumerate(components) if not c["kind"].startswith("display.")]
            if len(values) == len(inputs):
                out: list[Any] = [None] * len(components)
                for i, v in zip(inputs, values, strict=True):
                    out[i] = _raw_for(kinds[i], v)
                return out
        raise AnswerRejected(
            f"this prompt has {len(components)} components: answer with a list (or a dict for keyword groups)",
            "malformed",
        )

    async def answer(self, value: Any = _UNSET, *, choice: str | None = None) -> AnswerOutcome:
        """Answer the waiting prompt as the page would and wait until the run has judged it.

        Returns the :class:`~interval_nb.runtime.AnswerOutcome`; a rejected answer leaves the
        prompt waiting, and ``next_prompt()`` returns it again with its errors.
        """
        spec = self.run.prompt
        if spec is None:
            raise AnswerRejected(
                f"the run is not waiting for an answer (status: {self.run.status})", "not_waiting"
            )
        if value is _UNSET:
            value = [None] * len(spec["components"]) if len(spec["components"]) > 1 else None
        values = self._values_for(spec, value)
        outcome = self.run.submit({"prompt_id": spec["id"], "values": values, "choice": choice})
        return await asyncio.wait_for(outcome, self.timeout)

    async def query(
        self,
        component: int,
        *,
        offset: int = 0,
        page_size: int = 20,
        sort: tuple[str, str] | None = None,
        search: str = "",
        prompt_id: str | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Ask a table or grid for a page, exactly as the page does: ``(rows, total)``.

        ``sort`` is ``(column, "asc" | "desc")`` with the column's field name, label or key.
        ``prompt_id`` defaults to the waiting prompt; pass a transcript entry's ``id`` to page
        a table that was displayed alone. Raises ``ValueError`` with the page's error message.
        """
        pid = prompt_id or (self.run.prompt["id"] if self.run.prompt else None)
        message: dict[str, Any] = {
            "type": "query",
            "prompt_id": pid,
            "component": component,
            "request_id": 0,
            "offset": offset,
            "page_size": page_size,
            "search": search,
            "sort": None,
        }
        if sort is not None:
            message["sort"] = {
                "column": self._column_key(pid, component, sort[0]),
                "direction": sort[1],
            }
        reply = await asyncio.wait_for(self.run.query(message), self.timeout)
        if reply["type"] == "query_error":
            raise ValueError(reply["message"])
        return reply["rows"], reply["total"]

    def _column_key(self, prompt_id: str | None, component: int, column: str) -> str:
        components = self._components_of(prompt_id) or {}
        table = components.get(component)
        for col in getattr(table, "columns", ()):
            if column in (col.key, col.label, col.accessor):
                return str(col.key)
        return column  # unknown: let the run refuse it as the page would see

    def _components_of(self, prompt_id: str | None) -> dict[int, Any]:
        pending = self.run._pending
        if pending is not None and pending.spec["id"] == prompt_id:
            return dict(enumerate(pending.prompt.components))
        shown = {index: c for (pid, index), c in self.run._shown.items() if pid == prompt_id}
        return shown

    async def search(self, component: int, query: str) -> list[dict[str, Any]]:
        """Type ``query`` into the waiting ``io.search``: the results the page would list."""
        assert self.run.prompt is not None, "no prompt is waiting"
        reply = await asyncio.wait_for(
            self.run.search(
                {
                    "type": "search",
                    "prompt_id": self.run.prompt["id"],
                    "component": component,
                    "request_id": 0,
                    "query": query,
                }
            ),
            self.timeout,
        )
        if reply["type"] == "search_error":
            raise ValueError(reply["message"])
        return reply["results"]  # type: ignore[no-any-return]

    @property
    def redirect_to(self) -> tuple[Any, dict[str, Any]] | None:
        """``(action, params)`` if the action ended with ``ctx.redirect``."""
        return self.run.redirect_to

    async def send(self, message: Mapping[str, Any]) -> AnswerOutcome:
        """Send a raw answer message (``{"prompt_id", "values", "choice"}``), as a forged page might."""
        return await asyncio.wait_for(self.run.submit(message), self.timeout)

    async def result(self, timeout: float | None = None) -> Any:
        """Wait for the run to end; returns its value or raises the action's exception."""
        return await asyncio.wait_for(
            self.run.result(), self.timeout if timeout is None else timeout
        )

    def cancel(self) -> None:
        """Cancel the run, as the view's Cancel button does."""
        self.run.handle_view_message({"type": "cancel"})

    @property
    def status(self) -> RunStatus:
        """The run's status."""
        return self.run.status

    @property
    def logs(self) -> list[str]:
        """Every ``ctx.log`` line so far."""
        return list(self.run.logs)

    @property
    def loading(self) -> LoadingState | None:
        """The current ``ctx.loading`` state."""
        return self.run.loading.state

    @property
    def notifications(self) -> list[Notification]:
        """Every ``ctx.notify`` so far."""
        return list(self.run.notifications)

    @property
    def transcript(self) -> list[TranscriptEntry]:
        """Displays shown alone, in order."""
        return list(self.run.transcript)

    @property
    def journal(self) -> list[dict[str, Any]]:
        """The run's event journal."""
        return list(self.run.journal)


@asynccontextmanager
async def start(
    action: Action,
    params: Mapping[str, Any] | None = None,
    *,
    user: User | str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> AsyncIterator[TestRun]:
    """Start ``action`` headless; the run is cancelled when the block exits if still live."""
    if not isinstance(action, Action):
        raise TypeError(
            "interval_nb.testing.start() takes an action (a function decorated with @actions.action)"
        )
    run = action.create_run(params, user=user)
    driver = TestRun(run, timeout)
    registry.track(run)
    run.start()
    try:
        yield driver
    finally:
        run = driver.run  # a replay replaces it
        if not run.done:
            run.cancel("the test ended")
            await asyncio.gather(run.result(), return_exceptions=True)
