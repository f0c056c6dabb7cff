"""Rebuilding a run from its journal: the action runs again, and the journal answers it.

A replay starts the action's coroutine again with the same params, user and run id
(:func:`rebuild`). The run then walks its :class:`~.recording.Recording` with a
:class:`Replay` cursor:

- each ``await io.…`` the journal answered gets that answer again, without being shown: the
  raw values go through ``Prompt.evaluate`` as when the person answered, so selects return the
  options offered now;
- each completed ``ctx.step`` returns its journaled result without being called; a step that
  started but never finished runs again (at least once);
- displays, logs and notifications the re-executed code repeats rebuild the run's state but
  are not journaled twice;
- the first prompt the journal never saw answered is shown as usual, with the same prompt
  id: the replay has caught up, and views and the API see no difference.

Replays are strict. A prompt whose components' kinds or labels differ from the journal's, a
step with another name or in another place, or a recorded answer the prompt refuses now
stops the run ``interrupted`` with :class:`ReplayDivergence`; never is a recorded answer fed
to a different question. An answer the journal cannot give back (a secret, a file, too
large) stops it with :class:`NotReplayable`.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from ..errors import IntervalNBError
from ..io.components import Component
from ..io.prompt import Prompt
from ..io.search import Search, SearchFailed
from ..io.tables import SelectTable
from ..io.tabular import QueryError
from .context import User
from .recording import (
    Checkpoint,
    RecordedAnswer,
    RecordedDisplay,
    RecordedPrompt,
    RecordedStep,
    Recording,
    Segment,
    checkpoint_number,
    describe_field,
    result_digest,
)

if TYPE_CHECKING:
    from ..actions import Action
    from .run import Run


class ReplayError(IntervalNBError):
    """A run could not be rebuilt from its journal; the run ends ``interrupted`` with this reason."""


class ReplayDivergence(ReplayError):
    """The action changed since the run started: it asks or does something the journal did not."""


class NotReplayable(ReplayError):
    """The journal cannot rebuild the run past some point (a secret, a file, no such action)."""


class ReplayStop(BaseException):
    """Control signal that ends a replaying run ``interrupted`` with :attr:`error`.

    A ``BaseException``, so an action's ``except Exception`` does not swallow it.
    """

    def __init__(self, error: ReplayError) -> None:
        super().__init__(str(error))
        self.error = error


CHANGED = "the action changed since this run started"


def _fields(components: tuple[Component, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((c.kind, c.label) for c in components)


def _listed(fields: tuple[tuple[str, str], ...]) -> str:
    names = [describe_field(kind, label) for kind, label in fields[:4]]
    more = f", … {len(fields) - 4} more" if len(fields) > 4 else ""
    return names[0] if len(fields) == 1 else f"[{', '.join(names)}{more}]"


def _was(checkpoint: Checkpoint) -> str:
    """A recorded checkpoint as a divergence reason names it."""
    if isinstance(checkpoint, RecordedStep):
        return f'step {checkpoint.number} was "{checkpoint.name}"'
    if isinstance(checkpoint, RecordedDisplay):
        return f"prompt {checkpoint.number} was a display ({', '.join(checkpoint.kinds)})"
    return f"prompt {checkpoint.number} was {_listed(checkpoint.fields)}"


def prompt_difference(number: int, was: tuple[tuple[str, str], ...], now: Prompt) -> str | None:
    """How prompt ``number`` differs from the journal's (kinds and labels), else ``None``."""
    fields = _fields(now.components)
    if fields == was:
        return None
    if len(fields) == len(was) > 1:
        index = next(i for i, (a, b) in enumerate(zip(was, fields, strict=True)) if a != b)
        return (
            f"prompt {number}, field {index + 1}, was {describe_field(*was[index])}, "
            f"now {describe_field(*fields[index])}"
        )
    return f"prompt {number} was {_listed(was)}, now {_listed(fields)}"


class Replayed:
    """What a replayed prompt gives ``Run.ask``: the value, or go live (shown before or not)."""

    __slots__ = ("answered", "shown", "value")

    def __init__(self, *, answered: bool = False, value: Any = None, shown: bool = False) -> None:
        self.answered = answered
        self.value = value
        self.shown = shown
        """The journal already holds this prompt's ``prompt_shown`` (it was waiting)."""


LIVE = Replayed()


class Replay:
    """The cursor of one replay over a :class:`~.recording.Recording` (see the module docs).

    The run owns it (``Run.prepare_replay``) and consults it at every checkpoint; once it has
    caught up (or stopped) it is inert. ``record`` journals an event, ``restore`` puts the
    logs and notifications a skipped step had journaled back into the run's state.
    """

    def __init__(
        self,
        recording: Recording,
        *,
        record: Callable[..., Any],
        restore: Callable[[Segment], None],
    ) -> None:
        self.recording = recording
        self._record = record
        self._restore = restore
        self._todo: collections.deque[Checkpoint] = collections.deque(recording.checkpoints)
        self._logs: collections.deque[str] = collections.deque()
        self._notes: collections.deque[dict[str, Any]] = collections.deque()
        self._enter(self._todo[0].before if self._todo else recording.trailing)
        self._started_absorbed = False
        self._rerunning = False
        self.done = False
        """Caught up with the journal, stopped, or the run ended: the replay does nothing more."""
        self.error: ReplayError | None = None
        self.answers = self.steps = self.displays = 0
        """How many answers, completed steps and displays the journal gave back."""
        self._waiter: asyncio.Future[None] | None = None

    # -- the run's side events -----------------------------------------------------------
    def _enter(self, segment: Segment) -> None:
        """Expect the re-executed code to repeat ``segment``'s logs and notifications next."""
        self._logs = collections.deque(segment.logs)
        self._notes = collections.deque(segment.notes)

    def absorb(self, event: str) -> dict[str, Any] | None:
        """The journaled entry an event the replay repeats stands for, else ``None`` (journal it).

        ``started`` is the journal's own; a ``log`` or ``notified`` is absorbed while the
        journal holds more of them at this point than the replay has repeated.
        """
        if event == "started" and not self._started_absorbed:
            self._started_absorbed = True
            return {"event": "started"}
        if self.done or self._rerunning:
            return None
        if event == "log" and self._logs:
            return {"event": "log", "line": self._logs.popleft()}
        if event == "notified" and self._notes:
            return {"event": "notified", **self._notes.popleft()}
        return None

    # -- checkpoints ---------------------------------------------------------------------
    def _next(self) -> Checkpoint | None:
        """The next recorded checkpoint; ``None`` when the journal ends here (caught up)."""
        if self.done:
            return None
        if not self._todo:
            self.caught_up()
            return None
        return self._todo[0]

    def _advance(self, then: Segment | None = None) -> None:
        self._todo.popleft()
        self._enter(
            then
            if then is not None
            else self._todo[0].before
            if self._todo
            else self.recording.trailing
        )

    def display(self, prompt: Prompt, display_id: str) -> bool:
        """A display shown alone: whether the journal holds it already (then not journaled)."""
        recorded = self._next()
        if recorded is None:
            return False
        number = checkpoint_number(display_id, "d")
        kinds = tuple(c.kind for c in prompt.components)
        if not isinstance(recorded, RecordedDisplay) or recorded.number != number:
            self.stop(ReplayDivergence(f"{CHANGED}: {_was(recorded)}, now a display"))
        if recorded.kinds != kinds:
            self.stop(
                ReplayDivergence(
                    f"{CHANGED}: display {number} was {', '.join(recorded.kinds)}, "
                    f"now {', '.join(kinds)}"
                )
            )
        self.displays += 1
        self._advance()
        return True

    async def answer(self, prompt: Prompt, prompt_id: str) -> Replayed:
        """The journal's answer to ``prompt`` (already prepared), or :data:`LIVE` to show it."""
        recorded = self._next()
        if recorded is None:
            return LIVE
        number = checkpoint_number(prompt_id, "p") or 0
        if not isinstance(recorded, RecordedPrompt) or recorded.number != number:
            now = _listed(_fields(prompt.components))
            self.stop(
                ReplayDivergence(f"{CHANGED}: {_was(recorded)}, now prompt {number} is {now}")
            )
        difference = prompt_difference(number, recorded.fields, prompt)
        if difference is not None:
            self.stop(ReplayDivergence(f"{CHANGED}: {difference}"))
        answer = recorded.answer
        if answer is None:  # the prompt that was waiting: it waits again, with the same id
            self._advance()
            self.caught_up()
            return Replayed(shown=True)
        if answer.blocked is not None:
            self.stop(NotReplayable(answer.blocked))
        self._enter(recorded.inside)
        value = await self._evaluate(prompt, number, answer)
        self.answers += 1
        self._advance()
        return Replayed(answered=True, value=value)

    async def _evaluate(self, prompt: Prompt, number: int, answer: RecordedAnswer) -> Any:
        raw = list(answer.raw)
        for index, found in answer.found.items():
            if 0 <= index < len(prompt.components):
                raw[index] = await self._refetch(
                    prompt.components[index], number, raw[index], found
                )
        try:
            evaluation = await prompt.evaluate(raw, answer.choice)
        except Exception as exc:
            self.stop(
                ReplayDivergence(
                    f"{CHANGED}: checking the recorded answer to prompt {number} raised "
                    f"{type(exc).__name__}: {exc}"
                )
            )
        if evaluation.ok:
            return evaluation.value
        for component, error in zip(prompt.components, evaluation.component_errors, strict=False):
            if error:
                field = describe_field(component.kind, component.label)
                if component.kind.startswith(("select.", "search")):
                    reason = (
                        f"prompt {number} no longer offers what was picked for {field} ({error})"
                    )
                else:
                    reason = f"prompt {number} refuses its recorded answer to {field} now ({error})"
                self.stop(ReplayDivergence(f"{CHANGED}: {reason}"))
        self.stop(
            ReplayDivergence(
                f"{CHANGED}: prompt {number} refuses its recorded answer now ({evaluation.error})"
            )
        )

    async def _refetch(
        self, component: Component, number: int, raw: Any, found: dict[str, Any]
    ) -> Any:
        """Make again the page requests that found the picked keys; the keys as offered now."""
        entries = [e for e in found.values() if isinstance(e, dict)]
        requests = list({repr(e.get("request")): e.get("request") for e in entries}.values())
        field = describe_field(component.kind, component.label)
        try:
            for request in requests:
                if request is None:
                    continue  # offered when the prompt was shown: prepare() did it again
                if isinstance(component, Search):
                    await component.search(str(request))
                elif isinstance(component, SelectTable) and isinstance(request, dict):
                    await component.query(component.parse_query(request))
        except (SearchFailed, QueryError) as exc:
            self.stop(NotReplayable(f"prompt {number}: {field} could not be loaded again ({exc})"))
        if not isinstance(component, Search):
            return raw
        now = {result_digest(result): key for key, result in component.offered.items()}

        def key_now(key: Any) -> Any:
            digest = (found.get(key) or {}).get("digest") if isinstance(key, str) else None
            if digest not in now:
                self.stop(
                    ReplayDivergence(
                        f"{CHANGED}: prompt {number} no longer finds the result picked for {field}"
                    )
                )
            return now[digest]

        return [key_now(k) for k in raw] if isinstance(raw, list) else key_now(raw)

    def step(self, name: str, step_id: str) -> RecordedStep | None:
        """The journal's completed step ``step_id``, or ``None``: run it (journaled anew)."""
        recorded = self._next()
        if recorded is None:
            return None
        number = checkpoint_number(step_id, "s")
        if (
            not isinstance(recorded, RecordedStep)
            or recorded.number != number
            or recorded.name != name
        ):
            self.stop(ReplayDivergence(f'{CHANGED}: {_was(recorded)}, now step {number} "{name}"'))
        if not recorded.completed:  # started, never finished: at least once means once more
            self._advance()
            self._rerunning = True
            return None
        self._advance()
        self._restore(recorded.inside)
        self.steps += 1
        return recorded

    def step_done(self) -> None:
        """A step the replay ran again has returned or raised."""
        self._rerunning = False

    # -- ending --------------------------------------------------------------------------
    def caught_up(self) -> None:
        """The journal has nothing more to give: the run goes on live (journaled as ``replayed``)."""
        if self.done:
            return
        self.done = True
        self._record("replayed", answers=self.answers, steps=self.steps, displays=self.displays)
        self._settle()

    def stop(self, error: ReplayError) -> NoReturn:
        """End the replay with ``error``: the run ends ``interrupted`` with it as the reason."""
        if self.error is None:
            self.error = error
        self.done = True
        self._settle()
        raise ReplayStop(self.error)

    def ended_early(self) -> ReplayDivergence | None:
        """The action ended before the journal's next checkpoint: the replay stops with this
        divergence (returned; ``None`` if the journal had nothing more)."""
        if self.done or not self._todo:
            return None
        self.error = ReplayDivergence(
            f"{CHANGED}: {_was(self._todo[0])}, now the action ends before it"
        )
        self.done = True
        self._settle()
        return self.error

    def close(self) -> None:
        """The run ended (whatever the replay had reached); wake whoever waits."""
        self.done = True
        self._settle()

    def _settle(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def wait(self) -> None:
        """Return once the replay has caught up (or the run ended); raise its error if it stopped."""
        if not self.done:
            if self._waiter is None:
                self._waiter = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._waiter)
        if self.error is not None:
            raise self.error


def _missing(recording: Recording) -> NotReplayable:
    return NotReplayable(
        f"no action {recording.slug!r} is defined in this kernel: import or define it and "
        "resume again (an action defined only in another kernel's notebook cell cannot be "
        "resumed here)"
    )


def rebuild(recording: Recording, action: Action | None) -> Run:
    """A run of ``action`` with the recording's id, params, user and journal, ready to replay.

    Start it with ``run.start()`` as usual. With ``action=None`` (no action of that slug in
    this kernel) the run stops at once, ``interrupted`` with a reason that says so.
    """
    from .run import Run

    user = User(recording.user) if recording.user else None
    if action is not None:
        run = action.create_run(recording.params, user=user)
    else:

        async def missing(io: Any, ctx: Any) -> Any:
            replay = run.replaying
            assert replay is not None
            replay.stop(_missing(recording))

        run = Run(
            missing, slug=recording.slug, title=recording.title, params=recording.params, user=user
        )
    run.id = recording.run_id
    if recording.created is not None:
        run.created = recording.created
    run.journal = [dict(event) for event in recording.events]
    run.prepare_replay(recording)
    return run


def replay_blocker(run: Run, action: Action | None) -> str | None:
    """Why ``run`` could not be rebuilt from its journal by ``action`` (``None``: it could).

    A host asks before letting a live run go (hibernation): a run past a secret or a file, or
    whose action another kernel could not find, must stay in memory.
    """
    if action is None:
        return f"no action {run.slug!r} that another kernel could find"
    from ..store import stored_event

    recording = Recording.from_events(
        [stored_event(entry) for entry in run.journal],
        run_id=run.id,
        slug=run.slug,
        title=run.title,
    )
    return recording.blocked
