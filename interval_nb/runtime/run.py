"""A run: one action coroutine driven as an asyncio task, and everything it has shown.

Lifecycle (docs/architecture.md, "Run states")::

    pending ─start()→ running ⇄ awaiting_input ─→ completed | failed | cancelled | interrupted

``ask()`` shows a prompt and parks the action on a future; ``submit()`` (always called on the
run's event loop: channels hop there with ``call_soon_threadsafe``) hands an answer to the
waiting ``ask()``, which judges it in the kernel and either returns the value to the action or
shows the same prompt again with its errors and the person's values. Views follow the run by
subscribing to its changes; progress and logs are coalesced to at most one update per
:data:`COALESCE_SECONDS`. Every change is also appended to :attr:`Run.journal`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
import shutil
import tempfile
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .._context import active_host
from .._util import jsonable, quote, shorten
from ..errors import (
    ActionDefinitionError,
    AnswerRejected,
    IntervalNBError,
    PromptConflictError,
    RunCancelled,
)
from ..io.namespace import IO
from ..io.pageable import Pageable, Searchable
from ..io.prompt import Evaluation, Prompt
from ..protocol import (
    REDACTED,
    TERMINAL_STATUSES,
    ErrorInfo,
    Notification,
    PromptSpec,
    RunState,
    RunStatus,
    TranscriptEntry,
)
from .context import ActionContext, Redirect, User
from .drafts import DraftRejected, clean_draft
from .loading import Loading
from .recording import FetchLog, Recording, Segment, durable_answer
from .replay import Replay, ReplayStop
from .steps import Steps

if TYPE_CHECKING:
    from collections.abc import Generator

    from ..actions import Action

log = logging.getLogger("interval_nb")

COALESCE_SECONDS = 0.05
"""Progress and log updates reach views at most this often (20 a second)."""

LOG_TAIL = 200
"""How many recent log lines a view shows."""

MAX_LOG_LINE = 10_000

NOISY_EVENTS = frozenset(
    {"search_failed", "message_dropped", "answer_rejected", "validation_failed"}
)
"""Journal events a page — or a forged client — can cause as often as it likes."""

MAX_NOISY_EVENTS = 20
"""Per run and per noisy kind, how many events are journaled one by one. Later ones are only
counted in :attr:`Run.suppressed_events`, and the run's final event carries the counts
(``suppressed``), so a client cannot grow the journal (and the history) without limit."""

ActionFunction = Callable[[IO, ActionContext], Awaitable[Any]]
Listener = Callable[["Run", frozenset[str]], None]
JournalSink = Callable[["Run", dict[str, Any]], None]

_journal_sinks: list[JournalSink] = []


def add_journal_sink(sink: JournalSink) -> Callable[[], None]:
    """Call ``sink(run, event)`` for every journal event of every run (e.g. a store).

    Returns a function that removes the sink. A sink that raises is logged and skipped.
    """
    _journal_sinks.append(sink)
    return lambda: _journal_sinks.remove(sink) if sink in _journal_sinks else None


@dataclasses.dataclass(frozen=True)
class AnswerOutcome:
    """How the run judged one answer: accepted, or the prompt shown again with errors."""

    accepted: bool
    prompt: PromptSpec | None = None


@dataclasses.dataclass
class _Pending:
    prompt: Prompt
    spec: PromptSpec
    inbox: asyncio.Future[tuple[list[Any], str | None, asyncio.Future[AnswerOutcome], str | None]]
    busy: bool = False
    judging: asyncio.Future[AnswerOutcome] | None = None
    """The verdict someone awaits on the answer being judged (settled even if the run ends)."""
    draft: dict[str, Any] | None = None
    """The page's unsubmitted state of this prompt (see :mod:`.drafts`); never journaled."""
    fetched: FetchLog = dataclasses.field(default_factory=FetchLog)
    """Which search or table request found each key (a replay makes them again)."""


_ids = itertools.count(1)


class Run:
    """One execution of an action: its task, its state and the prompts it shows.

    Create runs with ``action.start()`` (notebook) or ``interval_nb.testing.start`` (tests).
    ``await run`` or ``await run.result()`` gives the action's return value.
    """

    def __init__(
        self,
        fn: ActionFunction,
        *,
        slug: str,
        title: str,
        params: Mapping[str, Any] | None = None,
        user: User | None = None,
        action: Action | None = None,
    ) -> None:
        self.id: str = uuid.uuid4().hex[:12]
        self.slug = slug
        self.title = title
        self.created = time.time()
        self.params: Mapping[str, Any] = MappingProxyType(dict(params or {}))
        self.user = user or User.current()
        self.origin: str | None = None
        """The notebook cell that started the run, where known (re-running it cancels the run)."""
        self.display_hook: Callable[[], None] | None = None
        """Shows the run's view when the run is displayed; set by the notebook channel."""
        self._fn = fn
        self.action = action
        """The :class:`~interval_nb.Action` being run (``None`` for a bare function)."""
        self.status: RunStatus = "pending"
        self.transcript: list[TranscriptEntry] = []
        self.logs: list[str] = []
        self.notifications: list[Notification] = []
        self.result_value: Any = None
        self.error: ErrorInfo | None = None
        self.journal: list[dict[str, Any]] = []
        self.suppressed_events: dict[str, int] = {}
        """Noisy events counted but not journaled, by kind (see :data:`MAX_NOISY_EVENTS`)."""
        self._noisy_seen: dict[str, int] = {}
        self.loading = Loading(lambda: self._changed("loading"))
        self._exception: BaseException | None = None
        self._pending: _Pending | None = None
        self._prompt_ids = itertools.count(1)
        self._listeners: list[Listener] = []
        self._dirty: set[str] = set()
        self._flush_handle: asyncio.TimerHandle | None = None
        self._last_flush = 0.0
        self._cancel_reason: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._shown: dict[tuple[str, int], Pageable] = {}
        """Display tables/grids already shown, by (prompt id, index): they keep answering pages."""
        self._tempdir: str | None = None
        self.redirect_to: tuple[Any, dict[str, Any]] | None = None
        """``(action, params)`` when the action ended with ``ctx.redirect``."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._finished: asyncio.Future[None] | None = None
        self._replay: Replay | None = None
        self._dropped = False
        self.steps = Steps(self._record)
        """The run's ``ctx.step`` calls (:mod:`.steps`)."""

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> Run:
        """Start the action as a task on the running event loop and return at once."""
        if self._task is not None:
            raise IntervalNBError("this run has already been started")
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            raise IntervalNBError(
                "start runs from the kernel's event loop: a notebook cell, or async code "
                "(interval_nb.testing.start in tests)"
            ) from None
        self._finished = self._loop.create_future()
        self._record("started", params=jsonable(dict(self.params)), user=self.user.username)
        self._task = self._loop.create_task(
            self._main(), name=f"interval_nb run {self.slug} {self.id}"
        )
        self._task.add_done_callback(self._on_task_done)
        return self

    async def _main(self) -> None:
        active_host.set(self)  # the task runs in its own copy of the context
        self._set_status("running")
        ctx = ActionContext(self)
        try:
            value = await self._fn(IO(), ctx)
        except asyncio.CancelledError:
            self._finish("cancelled")
        except Redirect as redirect:
            self.redirect_to = (redirect.action, redirect.params)
            self._finish("completed")
        except ReplayStop as stop:  # the journal cannot rebuild the run: ends like a lost kernel
            self._stop_replay(stop.error)
        except BaseException as exc:
            if self._ended_before_replay():
                return
            self._exception = exc
            self._finish(
                "failed",
                error={
                    "type": type(exc).__name__,
                    "message": str(exc),
                    "traceback": "".join(
                        traceback.format_exception(type(exc), exc, exc.__traceback__)
                    ),
                },
            )
            log.warning(
                "action %s (run %s) failed: %s: %s", self.slug, self.id, type(exc).__name__, exc
            )
        else:
            if self._cancel_reason is not None:
                self._finish("cancelled")
            elif not self._ended_before_replay():
                self.result_value = value
                self._finish("completed")

    def _stop_replay(self, error: Exception) -> None:
        """End the run ``interrupted`` because its journal cannot rebuild it."""
        self._cancel_reason = reason = str(error)
        kind = type(error).__name__
        self._finish("interrupted", error={"type": kind, "message": reason, "traceback": ""})

    def _ended_before_replay(self) -> bool:
        """A replayed action that ends before the journal's next checkpoint has changed:
        it stops ``interrupted`` (its outcome would not be the run's). Whether it did."""
        divergence = self._replay.ended_early() if self._replay is not None else None
        if divergence is not None:
            self._stop_replay(divergence)
        return divergence is not None

    def _on_task_done(self, task: asyncio.Task[None]) -> None:
        # _main catches everything; anything arriving here is a bug in interval_nb itself.
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("interval_nb run %s crashed", self.id, exc_info=exc)
            if self.status not in TERMINAL_STATUSES:
                self._exception = exc
                self._finish(
                    "failed",
                    error={"type": type(exc).__name__, "message": str(exc), "traceback": ""},
                )
        elif task.cancelled() and self.status not in TERMINAL_STATUSES:
            self._finish("cancelled")

    def _finish(self, status: RunStatus, error: ErrorInfo | None = None) -> None:
        if self.done:  # e.g. interrupted, then the task's CancelledError arrives
            return
        if self._replay is not None:
            self._replay.close()
        if self._pending is not None:
            self._drop_answer(self._pending, status)
        self._pending = None
        self.error = error
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None
        details: dict[str, Any] = {}
        if status == "completed":
            details["result"] = jsonable(self.result_value)
            if self.redirect_to is not None:
                details["redirect"] = getattr(self.redirect_to[0], "slug", self.redirect_to[0])
        if status == "cancelled" and self._cancel_reason:
            details["reason"] = self._cancel_reason
        if error:
            details["error"] = error
        if self.suppressed_events:
            details["suppressed"] = dict(self.suppressed_events)
        self._record(status, **details)
        self._set_status(status, also=("prompt", "loading", "result", "error"))
        if self._finished is not None and not self._finished.done():
            self._finished.set_result(None)

    def cancel(self, reason: str | None = None) -> bool:
        """Cancel the run: the action gets ``CancelledError`` at its pending ``await``.

        Returns ``False`` if the run had already finished.
        """
        if self.done:
            return False
        self._cancel_reason = reason or "cancelled"
        self._record("cancel_requested", reason=self._cancel_reason)
        if self._task is not None:
            self._task.cancel()
        else:
            self._finish("cancelled")
        return True

    def interrupt(self, reason: str) -> None:
        """Mark the run ``interrupted`` (its kernel or view went away); used by hosts."""
        if self.done:
            return
        self._cancel_reason = reason
        if self._task is not None:
            self._task.cancel()
        self._finish(
            "interrupted", error={"type": "Interrupted", "message": reason, "traceback": ""}
        )

    @property
    def done(self) -> bool:
        """Whether the run has reached a terminal status."""
        return self.status in TERMINAL_STATUSES

    @property
    def cancel_reason(self) -> str | None:
        """Why the run was cancelled, if it was."""
        return self._cancel_reason

    async def result(self) -> Any:
        """Wait for the run to end and return the action's value.

        Raises the action's own exception if it failed, :class:`RunCancelled` if cancelled.
        """
        if self._finished is None:
            raise IntervalNBError("this run has not been started")
        await asyncio.shield(self._finished)
        if self.status == "failed" and self._exception is not None:
            raise self._exception
        if self.status in ("cancelled", "interrupted"):
            raise RunCancelled(
                f"run {self.id} of {self.slug!r} was {self.status}: {self._cancel_reason}"
            )
        return self.result_value

    def __await__(self) -> Generator[Any, None, Any]:
        from ..errors import TopLevelAwaitUnsupported
        from .toplevel import check_top_level_await

        try:
            check_top_level_await()
        except TopLevelAwaitUnsupported:
            self.cancel("`await` in a cell is not supported on this kernel")  # no orphaned form
            raise
        return self.result().__await__()

    # -- durable runs (docs/architecture.md, "Durable runs") ----------------------------
    def prepare_replay(self, recording: Recording) -> None:
        """Make this (not yet started) run rebuild itself from ``recording`` when started.

        Hosts call :func:`~interval_nb.runtime.replay.rebuild`, which sets the run's id,
        params, user and journal from the recording first. Journals ``resumed``.
        """
        if self._task is not None or self._replay is not None:
            raise IntervalNBError("only a run that has not started can replay a journal")
        self._replay = Replay(recording, record=self._record, restore=self._restore)
        self._record("resumed", checkpoints=len(recording.checkpoints))

    @property
    def replaying(self) -> Replay | None:
        """The replay that rebuilt (or is rebuilding) this run, if any; ``await
        run.replaying.wait()`` returns once it caught up, or raises why it stopped."""
        return self._replay

    def _restore(self, segment: Segment) -> None:
        """Put logs and notifications journaled by a step the replay skips back in the state."""
        self.logs.extend(segment.logs)
        self.notifications.extend(segment.notes)  # type: ignore[arg-type]
        if segment.logs:
            self._changed("logs")
        if segment.notes:
            self._changed("notifications")

    def drop(self) -> None:
        """Lose the run as a kernel loss would: its task is cancelled and nothing more is
        journaled (``interval_nb.testing``'s replay then rebuilds it from the journal). It
        ends ``cancelled`` only for this process's views and registry."""
        self._dropped = True
        if self._task is not None:
            self._task.cancel()

    async def step(self, name: str, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run a side effect once and journal its result (``ctx.step``, :mod:`.steps`)."""
        return await self.steps.run(self.id, name, fn, args, kwargs, self._replay)

    def idempotency_key(self, name: str) -> str:
        """The idempotency key of step ``name``'s next occurrence (``ctx.idempotency_key``)."""
        return self.steps.idempotency_key(self.id, name)

    # -- prompts -------------------------------------------------------------------------
    @property
    def prompt(self) -> PromptSpec | None:
        """The prompt waiting for an answer, as the page shows it (``None`` if none).

        Carries the page's last ``draft`` of it, when one was saved (see :meth:`save_draft`).
        """
        pending = self._pending
        if pending is None:
            return None
        if pending.draft is None:
            return pending.spec
        return {**pending.spec, "draft": pending.draft}

    async def ask(self, prompt: Prompt) -> Any:
        """Show ``prompt`` and return its validated value (the ``await io.…`` of actions)."""
        if self._pending is not None:
            raise PromptConflictError(
                "this run is already waiting for an answer; show several things at once with io.group(...)"
            )
        if self._cancel_reason is not None:
            raise asyncio.CancelledError()
        if self.steps.running is not None:
            raise ActionDefinitionError(
                f"io prompts cannot be awaited inside ctx.step({self.steps.running!r}): a "
                "replay returns the step's result without running it; ask before the step"
            )
        prompt = await prompt.prepare()
        for component in prompt.components:  # definition problems the prompt survives
            for line in component.warnings:
                self.add_log(line)
        if prompt.is_display_only:
            return self._show_display(prompt)
        prompt_id = f"{self.id}-p{next(self._prompt_ids)}"
        shown_before = False
        if self._replay is not None:  # rebuilding the run: the journal may answer it
            replayed = await self._replay.answer(prompt, prompt_id)
            if replayed.answered:
                return replayed.value
            shown_before = replayed.shown
        pending = _Pending(
            prompt, prompt.spec(prompt_id), asyncio.get_running_loop().create_future()
        )
        for index, component in enumerate(prompt.components):
            # is_display first: a check against the runtime Protocol costs tens of µs
            if component.is_display and isinstance(component, Pageable):
                self._shown[(prompt_id, index)] = component
        self._pending = pending
        if not shown_before:  # a replay caught up on the waiting prompt: journaled already
            self._record("prompt_shown", prompt=pending.spec)
        self._set_status("awaiting_input", also=("prompt",))
        try:
            value = await self._judge_until_accepted(pending)
        finally:
            # Cancelled while an answer waited or was being judged: its sender must hear why.
            self._drop_answer(pending, "cancelled")
            if self._pending is pending:
                self._pending = None
        # Published on the next loop turn: if the action asks its next question right away,
        # views get one update (the new prompt) instead of "running" then the prompt.
        self._set_status("running", also=("prompt",), soon=True)
        return value

    def _show_display(self, prompt: Prompt) -> Any:
        """Append a display-only prompt to the transcript; it resolves at once."""
        display_id = f"{self.id}-d{next(self._prompt_ids)}"
        entry: TranscriptEntry = {
            "kind": "display",
            "id": display_id,
            "components": prompt.spec(display_id)["components"],
        }
        for index, component in enumerate(prompt.components):
            if isinstance(component, Pageable):  # tables and grids keep paging in the transcript
                self._shown[(display_id, index)] = component
        self.transcript.append(entry)
        if self._replay is None or not self._replay.display(prompt, display_id):
            self._record("displayed", id=display_id, components=entry["components"])
        self._changed("transcript")
        return prompt.shape([None] * len(prompt.components))

    async def _judge_until_accepted(self, pending: _Pending) -> Any:
        """Judge each answer sent to ``pending`` until one passes; return its value."""
        prompt, prompt_id = pending.prompt, pending.spec["id"]
        while True:
            values, choice, outcome, by = await pending.inbox
            by = by or self.user.username
            evaluation = await self._evaluate(prompt, values, choice)
            if evaluation.ok:
                summaries = _summaries(prompt, values)
                self._record(
                    "answered",
                    prompt_id=prompt_id,
                    values=summaries,
                    choice=choice,
                    by=by,
                    **durable_answer(prompt, values, pending.fetched),
                )
                pending.judging = None
                outcome.set_result(AnswerOutcome(True))
                return evaluation.value
            pending.spec = prompt.spec(
                prompt_id,
                values,
                list(evaluation.component_errors) or None,
                evaluation.error,
                attempt=pending.spec["attempt"] + 1,
            )
            pending.inbox = asyncio.get_running_loop().create_future()
            pending.busy = False
            pending.judging = None
            self._record(
                "validation_failed",
                prompt_id=prompt_id,
                errors=list(evaluation.component_errors),
                error=evaluation.error,
                by=by,
            )
            outcome.set_result(AnswerOutcome(False, pending.spec))
            self._changed("prompt")

    async def _evaluate(self, prompt: Prompt, values: Any, choice: Any) -> Evaluation:
        """The prompt's verdict on an answer; a validator that raises refuses it, saying so."""
        try:
            return await prompt.evaluate(values, choice)
        except Exception as exc:
            log.exception("validator of run %s raised", self.id)
            return Evaluation(
                False,
                error=shorten(f"Could not check this answer: {type(exc).__name__}: {exc}"),
            )

    def submit(self, message: Mapping[str, Any]) -> asyncio.Future[AnswerOutcome]:
        """Hand an answer (``{"prompt_id", "values", "choice"}``) to the waiting prompt.

        An optional ``"by"`` names who answered (a host that verified the person, such as
        the server extension); the journal records it, defaulting to the run's user.

        Must be called on the run's event loop. Raises :class:`AnswerRejected` if the answer
        cannot be taken at all; otherwise returns a future of the :class:`AnswerOutcome`.
        The first answer to a prompt wins; a second one racing it is rejected as ``busy``.
        """
        if not isinstance(message, Mapping):
            raise AnswerRejected("an answer is a JSON object", "malformed")
        prompt_id, values, choice = (
            message.get("prompt_id"),
            message.get("values"),
            message.get("choice"),
        )
        pending = self._pending
        if self.done or pending is None:
            raise AnswerRejected(
                f"run {self.id} is not waiting for an answer (status: {self.status})", "not_waiting"
            )
        if prompt_id != pending.spec["id"]:
            raise AnswerRejected(
                f"prompt {quote(prompt_id)} is not the prompt this run is showing", "stale_prompt"
            )
        if self._cancel_reason is not None:
            raise AnswerRejected(f"run {self.id} is being cancelled", "cancelled")
        if pending.busy:
            raise AnswerRejected("another answer to this prompt is already being checked", "busy")
        if not isinstance(values, list) or len(values) != len(pending.prompt.components):
            raise AnswerRejected(
                f"values must be a list with one entry per component ({len(pending.prompt.components)})",
                "malformed",
            )
        if choice is not None and not isinstance(choice, str):
            raise AnswerRejected("choice must be a string or null", "malformed")
        by = message.get("by")
        by = by[:200] if isinstance(by, str) and by else None
        pending.busy = True
        outcome: asyncio.Future[AnswerOutcome] = asyncio.get_running_loop().create_future()
        pending.judging = outcome
        pending.inbox.set_result((values, choice, outcome, by))
        return outcome

    def _drop_answer(self, pending: _Pending, ending: str) -> None:
        """Settle the verdict of an answer the run will never judge: it ended (``ending``)."""
        outcome, pending.judging = pending.judging, None
        if outcome is None or outcome.done():
            return
        reason = f": {self._cancel_reason}" if self._cancel_reason else ""
        outcome.set_exception(
            AnswerRejected(
                f"run {self.id} was {ending} before this answer was accepted{reason}", ending
            )
        )
        # Hosts that only fire an answer (views) never read the verdict; asyncio would log it.
        outcome.exception()

    def save_draft(self, message: Mapping[str, Any]) -> bool:
        """Keep a view's draft (``{"prompt_id", "draft"}``) of the waiting prompt.

        Returns ``False`` when the prompt is not the one waiting (the person answered it, or
        the run ended): such a draft is ignored. Raises :class:`~.drafts.DraftRejected` for a
        draft that is not a small JSON object of plain values. Views hear of a kept draft as a
        ``"draft"`` change; the journal never sees it. Must be called on the run's event loop.
        """
        pending = self._pending
        if self.done or pending is None or message.get("prompt_id") != pending.spec["id"]:
            return False
        pending.draft = clean_draft(message.get("draft"), pending.prompt.components)
        self._changed("draft")
        return True

    def handle_view_message(self, content: Any) -> None:
        """Act on a message from a view (``answer``, ``cancel`` or ``draft``); never raises.

        Channels call this on the run's loop. Bad or stale messages are journaled and dropped.
        """
        if not isinstance(content, dict):
            self._record("message_dropped", reason="not an object")
            return
        kind = content.get("type")
        if kind == "cancel":
            self.cancel("cancelled from the view")
        elif kind == "answer":
            try:
                self.submit(content)
            except AnswerRejected as exc:
                self._record("answer_rejected", code=exc.code, reason=str(exc))
        elif kind == "draft":
            try:
                self.save_draft(content)
            except DraftRejected as exc:  # dropped quietly: a draft is a convenience
                log.info("run %s: draft dropped: %s", self.id, exc)
        else:
            self._record("message_dropped", reason=f"unknown message type {quote(kind)}")

    def _component_for(self, message: Mapping[str, Any], method: str) -> object:
        """The component a query/search message is about, or raise ``LookupError``."""
        prompt_id, index = message.get("prompt_id"), message.get("component")
        if not isinstance(index, int) or isinstance(index, bool):
            raise LookupError("component must be an index")
        component: object = self._shown.get((prompt_id, index))  # type: ignore[arg-type]
        pending = self._pending
        if (
            component is None
            and pending is not None
            and prompt_id == pending.spec["id"]
            and 0 <= index < len(pending.prompt.components)
        ):
            component = pending.prompt.components[index]
        if component is None:
            raise LookupError(
                f"prompt {str(prompt_id)[:40]!r} has no component {index} that answers {method}"
            )
        return component

    def _pageable_for(self, message: Mapping[str, Any]) -> Pageable:
        """The table or grid a page request is about, or raise ``LookupError``."""
        component = self._component_for(message, "query")
        if not isinstance(component, Pageable):
            raise LookupError(f"component {message.get('component')} has no pages")
        return component

    def _searchable_for(self, message: Mapping[str, Any]) -> Searchable:
        """The ``io.search`` a search request is about, or raise ``LookupError``."""
        component = self._component_for(message, "search")
        if not isinstance(component, Searchable):
            raise LookupError(f"component {message.get('component')} does not search")
        return component

    async def query(self, message: Mapping[str, Any]) -> dict[str, Any]:
        """Answer a view's page request for a table or grid (never raises)."""
        from ..io.tabular import QueryError

        base = {key: message.get(key) for key in ("request_id", "prompt_id", "component")}
        try:
            component = self._pageable_for(message)
            query = component.parse_query(message)
            rows, total = await component.query(query)
        except (LookupError, QueryError) as exc:
            return {"type": "query_error", **base, "message": str(exc)}
        except Exception as exc:
            log.exception("table query of run %s failed", self.id)
            return {"type": "query_error", **base, "message": f"{type(exc).__name__}: {exc}"}
        request = {k: message.get(k) for k in ("offset", "page_size", "sort", "search")}
        self._note_fetched(message, component, [row.get("key") for row in rows], request)
        return {
            "type": "query_result",
            **base,
            "rows": rows,
            "total": total,
            "offset": query.offset,
        }

    async def search(self, message: Mapping[str, Any]) -> dict[str, Any]:
        """Run a view's type-ahead search on the waiting ``io.search`` (never raises)."""
        from ..io.search import SearchFailed

        base = {key: message.get(key) for key in ("request_id", "prompt_id", "component")}
        try:
            component = self._searchable_for(message)
            results = await component.search(message.get("query", ""))
        except (LookupError, SearchFailed) as exc:
            self._record("search_failed", reason=str(exc))
            return {"type": "search_error", **base, "message": str(exc)}
        query = message.get("query", "")
        self._note_fetched(message, component, [r.get("key") for r in results], query)
        return {"type": "search_result", **base, "results": results}

    def _note_fetched(
        self, message: Mapping[str, Any], component: object, keys: list[Any], request: Any
    ) -> None:
        """Remember which request found ``keys`` of the waiting prompt (for replays)."""
        pending, index = self._pending, message.get("component")
        if (
            pending is not None
            and message.get("prompt_id") == pending.spec["id"]
            and isinstance(index, int)
        ):
            pending.fetched.note(component, index, keys, request)

    def tempdir(self) -> str:
        """A temporary directory this run owns; removed when the run ends."""
        if self._tempdir is None:
            self._tempdir = tempfile.mkdtemp(prefix=f"interval_nb-{self.id}-")
        return self._tempdir

    # -- ctx -----------------------------------------------------------------------------
    def add_log(self, line: str) -> None:
        """Append a log line (``ctx.log``)."""
        line = line if len(line) <= MAX_LOG_LINE else line[:MAX_LOG_LINE] + "…"
        self.logs.append(line)
        self._record("log", line=line)
        self._changed("logs")

    def add_notification(
        self, message: str, title: str | None, to: list[str] | None = None
    ) -> None:
        """Show a notification in the run's views (``ctx.notify``); ``to``: also people's inbox."""
        extra = {} if to is None else {"to": to}
        entry = self._record("notified", message=message, title=title, **extra)
        # The journal's time, so a view rebuilt from the history shows the same notification.
        note: Notification = {"message": message, "title": title, "time": entry["time"]}
        if to is not None:
            note["to"] = to
        self.notifications.append(note)
        self._changed("notifications")

    # -- views -------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(run, changed_fields)`` after each change; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def state(self) -> RunState:
        """A snapshot of everything a view shows."""
        return {
            "run_id": self.id,
            "action": self.slug,
            "title": self.title,
            "status": self.status,
            "prompt": self.prompt,
            "transcript": list(self.transcript),
            "loading": dict(self.loading.state) if self.loading.state else None,  # type: ignore[typeddict-item]
            "logs": self.logs[-LOG_TAIL:],
            "notifications": list(self.notifications),
            "result": jsonable(self.result_value),
            "error": self.error,
        }

    def _set_status(
        self, status: RunStatus, also: tuple[str, ...] = (), *, soon: bool = False
    ) -> None:
        self.status = status
        self._dirty.update(("status", *also))
        if soon:
            self._schedule_flush(0)
        else:
            self._flush()

    def _changed(self, field: str) -> None:
        self._dirty.add(field)
        if field not in ("loading", "logs"):
            self._flush()
            return
        # Coalesce by the clock, not only by a timer: an action looping synchronously never
        # lets a timer fire, yet its progress must still reach the page about 20 times a second.
        wait = self._last_flush + COALESCE_SECONDS - time.monotonic()
        if wait <= 0:
            self._flush()
        elif self._flush_handle is None:
            self._schedule_flush(wait)

    def _schedule_flush(self, delay: float) -> None:
        """Publish the pending changes within ``delay`` seconds (sooner if already due)."""
        if self._loop is None:
            self._flush()
            return
        due = self._loop.time() + delay
        if self._flush_handle is not None:
            if self._flush_handle.when() <= due:
                return
            self._flush_handle.cancel()
        self._flush_handle = self._loop.call_later(delay, self._flush)

    def _flush(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if not self._dirty:
            return
        self._last_flush = time.monotonic()
        changed, self._dirty = frozenset(self._dirty), set()
        for listener in list(self._listeners):
            try:
                listener(self, changed)
            except Exception:
                log.exception("a view of run %s failed to update", self.id)

    def _record(self, event: str, **data: Any) -> dict[str, Any]:
        """Journal an event and return its entry (a replay's repeated event: the journal's)."""
        entry = {"event": event, "time": time.time(), **data}
        if self._dropped:
            return entry
        if self._replay is not None:
            recorded = self._replay.absorb(event)
            if recorded is not None:
                return {"time": entry["time"], **recorded}
        if event in NOISY_EVENTS:
            seen = self._noisy_seen[event] = self._noisy_seen.get(event, 0) + 1
            if seen > MAX_NOISY_EVENTS:
                self.suppressed_events[event] = seen - MAX_NOISY_EVENTS
                return entry
            if seen == MAX_NOISY_EVENTS:
                entry["cap_reached"] = True  # tells a reader why later ones are missing
        self.journal.append(entry)
        for sink in list(_journal_sinks):
            try:
                sink(self, entry)
            except Exception:  # a failing store must not break the run
                log.exception("journal sink failed for run %s", self.id)
        return entry

    def _ipython_display_(self) -> None:
        if self.display_hook is not None:
            self.display_hook()
        else:
            print(repr(self))

    def __repr__(self) -> str:
        return f"<Run {self.id} of {self.slug!r}: {self.status}>"


def _summaries(prompt: Prompt, values: list[Any]) -> list[Any]:
    """The answer as journaled, as a person reads it (picked rows and options by name);
    display slots are ``None``, secrets are redacted."""
    return [
        None if c.is_display else REDACTED if c.is_sensitive else jsonable(c.readable(v))
        for c, v in zip(prompt.components, values, strict=True)
    ]
