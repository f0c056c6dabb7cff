"""A run's journal read back as what a replay needs: its checkpoints, in order.

A durable run is rebuilt by running its action again (:mod:`.replay`). What the journal must
hold for that, and how it is read:

- Every ``await io.…`` draws a number from the run's one counter: displays shown alone get
  ``{run_id}-d{n}``, prompts ``{run_id}-p{n}``; every ``ctx.step`` gets ``{run_id}-s{k}``
  (:mod:`.steps`). These are the **checkpoints**, kept in the order they happened.
- An accepted answer journals, besides what a person reads (``values``), the ``raw`` values
  the page sent, as each component echoes them (:func:`durable_answer`): the replay passes them
  through the same ``Prompt.evaluate`` again, so selects hand the action the options offered
  *now*. Secrets are journaled redacted and uploaded files by name only: a replay stops there.
  Keys of ``io.search`` results and of tables loaded by ``get_data`` exist only for the page
  requests that found them, so the answer also journals which request found each picked key
  (``found``, from :class:`FetchLog`) and the replay makes those requests again.
- Logs and notifications between checkpoints form :class:`Segment` s, so a replay can tell
  which ones its re-executed code already journaled.

A journal is read in one pass (:meth:`Recording.from_events`); a journal that was itself
resumed reads the same way, because a replay journals only what happened anew.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._util import jsonable
from ..io.components import Component
from ..io.prompt import Prompt
from ..io.search import Search
from ..io.selects import option_key
from ..io.tables import SelectTable
from ..io.tabular import CallbackSource
from ..protocol import REDACTED, TERMINAL_STATUSES

MAX_FETCHED_KEYS = 10_000
"""Most keys per prompt whose page request :class:`FetchLog` remembers (first found wins)."""

_NUMBER = re.compile(r"-([pds])(\d+)$")


def checkpoint_number(checkpoint_id: object, letter: str) -> int | None:
    """``n`` of an id ``{run_id}-{letter}{n}`` (``letter`` is ``p``, ``d`` or ``s``), else ``None``."""
    match = _NUMBER.search(checkpoint_id) if isinstance(checkpoint_id, str) else None
    return int(match.group(2)) if match and match.group(1) == letter else None


def result_digest(result: Any) -> str:
    """A short fingerprint of a search result, the identity ``io.search`` keys it by."""
    return hashlib.sha256(option_key(jsonable(result)).encode()).hexdigest()[:20]


# -- what an accepted answer journals -------------------------------------------------------


def refetched(component: Component) -> bool:
    """Whether keys of ``component`` exist only for the page requests that found them."""
    if isinstance(component, Search):
        return True
    return isinstance(component, SelectTable) and isinstance(component.source, CallbackSource)


class FetchLog:
    """Which page request (a search text, a table query) first offered each key of a prompt.

    Kept on the waiting prompt, only for components whose keys are not stable on their own
    (:func:`refetched`), and bounded by :data:`MAX_FETCHED_KEYS`.
    """

    def __init__(self) -> None:
        self._found: dict[int, dict[str, Any]] = {}
        self._count = 0

    def note(self, component: object, index: int, keys: Iterable[Any], request: Any) -> None:
        """Remember that ``request`` offered ``keys`` for component ``index``."""
        if not isinstance(component, Component) or not refetched(component):
            return
        by_key = self._found.setdefault(index, {})
        for key in keys:
            if self._count >= MAX_FETCHED_KEYS:
                return
            if isinstance(key, str) and key not in by_key:
                by_key[key] = request
                self._count += 1

    def found(self, index: int, component: Component, raw: Any) -> dict[str, Any]:
        """For each key the answer ``raw`` picked: the request that found it, and for search
        results their fingerprint (``None`` request: offered when the prompt was shown)."""
        keys = raw if isinstance(raw, list) else [] if raw is None else [raw]
        requests = self._found.get(index, {})
        out: dict[str, Any] = {}
        for key in keys:
            if not isinstance(key, str):
                continue
            entry: dict[str, Any] = {"request": requests.get(key)}
            if isinstance(component, Search) and key in component.offered:
                entry["digest"] = result_digest(component.offered[key])
            out[key] = entry
        return out


def durable_answer(prompt: Prompt, values: Sequence[Any], fetched: FetchLog) -> dict[str, Any]:
    """What the ``answered`` event keeps so a replay can give the action the same value.

    ``raw``: each component's echo of what the page sent (``None`` for displays,
    :data:`~interval_nb.protocol.REDACTED` for secrets). ``lost``: components whose answer
    the echo could not keep (too large). ``found``: see :class:`FetchLog`.
    """
    raw: list[Any] = []
    lost: list[int] = []
    found: dict[str, Any] = {}
    for index, (component, value) in enumerate(zip(prompt.components, values, strict=True)):
        if component.is_display:
            raw.append(None)
            continue
        if component.is_sensitive:
            raw.append(REDACTED)
            continue
        kept = component.echo(value)
        if component.is_missing(kept) and not component.is_missing(value):
            lost.append(index)
        raw.append(jsonable(kept))
        if refetched(component) and not component.is_missing(kept):
            found[str(index)] = fetched.found(index, component, kept)
    out: dict[str, Any] = {"raw": raw}
    if lost:
        out["lost"] = lost
    if found:
        out["found"] = found
    return out


# -- a journal read back --------------------------------------------------------------------


@dataclasses.dataclass
class Segment:
    """The logs and notifications journaled between two checkpoints (or inside one)."""

    logs: list[str] = dataclasses.field(default_factory=list)
    notes: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    """``notified`` events: ``{"message", "title", "time"}`` (and ``to``, if it had one)."""


@dataclasses.dataclass
class RecordedDisplay:
    """A display shown alone (``{run_id}-d{number}``)."""

    number: int
    kinds: tuple[str, ...]
    before: Segment = dataclasses.field(default_factory=Segment)


@dataclasses.dataclass
class RecordedAnswer:
    """An accepted answer: the raw values, the button, and what keeps it from replaying."""

    raw: list[Any]
    choice: str | None
    found: dict[int, dict[str, Any]]
    blocked: str | None = None
    """Why no replay can pass this answer (a secret, a file, too large), else ``None``."""


@dataclasses.dataclass
class RecordedPrompt:
    """A prompt (``{run_id}-p{number}``), its fields and, once answered, the answer."""

    number: int
    fields: tuple[tuple[str, str], ...]
    """``(kind, label)`` of each component."""
    spec: dict[str, Any]
    answer: RecordedAnswer | None = None
    before: Segment = dataclasses.field(default_factory=Segment)
    inside: Segment = dataclasses.field(default_factory=Segment)
    """Journaled while it waited (e.g. validators' logs)."""


@dataclasses.dataclass
class RecordedStep:
    """A ``ctx.step`` (``{run_id}-s{number}``): its name and, once it completed, its result."""

    number: int
    name: str
    completed: bool = False
    result: Any = None
    before: Segment = dataclasses.field(default_factory=Segment)
    inside: Segment = dataclasses.field(default_factory=Segment)
    """Journaled while its function ran."""


Checkpoint = RecordedDisplay | RecordedPrompt | RecordedStep


def _blocked(number: int, spec: Mapping[str, Any], event: Mapping[str, Any]) -> str | None:
    """Why the answer ``event`` to prompt ``number`` cannot be replayed, else ``None``."""
    where = f"this run cannot be rebuilt past prompt {number}"
    components = spec.get("components") or []
    raw = event.get("raw")
    if not isinstance(raw, list) or len(raw) != len(components):
        if event.get("truncated"):
            return f"{where}: its answer was too large to keep in the journal"
        return f"{where}: its answer was journaled without the raw values a replay needs"
    for index, component in enumerate(components):
        field = describe_field(component.get("kind"), component.get("label"))
        if (component.get("props") or {}).get("sensitive"):
            return f"{where}: it held a secret ({field}); secrets are never journaled"
        if component.get("kind") == "input.file" and raw[index]:
            return f"{where}: it asked for a file ({field}); uploaded files are not journaled"
        if index in (event.get("lost") or ()):
            return f"{where}: the answer to {field} was too large to keep in the journal"
    return None


def describe_field(kind: object, label: object) -> str:
    """A component as a reason names it: ``input.email "Customer email"``."""
    return f'{kind} "{label}"' if label else str(kind)


def _answer(number: int, spec: Mapping[str, Any], event: Mapping[str, Any]) -> RecordedAnswer:
    found: dict[int, dict[str, Any]] = {}
    for index, entries in (event.get("found") or {}).items():
        if str(index).isdigit() and isinstance(entries, dict):
            found[int(index)] = entries
    raw = event.get("raw")
    choice = event.get("choice")
    return RecordedAnswer(
        raw=list(raw) if isinstance(raw, list) else [],
        choice=choice if isinstance(choice, str) else None,
        found=found,
        blocked=_blocked(number, spec, event),
    )


class _Reader:
    """One pass over a journal, building its checkpoints (see :meth:`Recording.from_events`)."""

    def __init__(self) -> None:
        self.checkpoints: list[Checkpoint] = []
        self.segment = Segment()
        self.prompts: dict[int, RecordedPrompt] = {}
        self.steps: dict[int, RecordedStep] = {}
        self.displays: set[int] = set()
        self.last_prompt: RecordedPrompt | None = None
        self.open_step: RecordedStep | None = None

    def read(self, event: Mapping[str, Any]) -> None:
        kind = event.get("event")
        if kind == "log" and isinstance(event.get("line"), str):
            self.segment.logs.append(event["line"])
        elif kind == "notified":
            note = {k: event.get(k) for k in ("message", "title", "time")}
            if isinstance(event.get("to"), list):
                note["to"] = event["to"]
            self.segment.notes.append(note)
        elif kind == "displayed":
            self._display(event)
        elif kind == "prompt_shown":
            self._prompt(event.get("prompt") or {})
        elif kind == "answered":
            self._answered(event)
        elif kind == "step_started":
            self._step_started(event)
        elif kind in ("step_completed", "step_failed"):
            self._step_ended(event, completed=kind == "step_completed")

    def _next_segment(self, segment: Segment | None = None) -> None:
        self.segment = segment if segment is not None else Segment()

    def _display(self, event: Mapping[str, Any]) -> None:
        number = checkpoint_number(event.get("id"), "d")
        if number is None or number in self.displays:
            return
        self.displays.add(number)
        kinds = tuple(str(c.get("kind")) for c in event.get("components") or [])
        self.checkpoints.append(RecordedDisplay(number, kinds, self.segment))
        self._next_segment()

    def _prompt(self, spec: Mapping[str, Any]) -> None:
        number = checkpoint_number(spec.get("id"), "p")
        if number is None or number in self.prompts:
            return
        fields = tuple(
            (str(c.get("kind")), str(c.get("label"))) for c in spec.get("components") or []
        )
        prompt = RecordedPrompt(number, fields, dict(spec), before=self.segment)
        self.prompts[number] = self.last_prompt = prompt
        self.checkpoints.append(prompt)
        self._next_segment(prompt.inside)

    def _answered(self, event: Mapping[str, Any]) -> None:
        # Only one prompt waits at a time: an answer without its id (cut by the store for
        # its size) belongs to the last one shown.
        number = checkpoint_number(event.get("prompt_id"), "p")
        prompt = self.prompts.get(number) if number is not None else self.last_prompt
        if prompt is None or prompt.answer is not None:
            return
        prompt.answer = _answer(prompt.number, prompt.spec, event)
        self._next_segment()

    def _step_started(self, event: Mapping[str, Any]) -> None:
        number = checkpoint_number(event.get("id"), "s")
        if number is None:
            return
        step = self.steps.get(number)
        if step is None:
            step = RecordedStep(number, str(event.get("name")), before=self.segment)
            self.steps[number] = step
            self.checkpoints.append(step)
        self.open_step = step  # a step run again by a replay journals its start again
        self._next_segment(step.inside)

    def _step_ended(self, event: Mapping[str, Any], *, completed: bool) -> None:
        number = checkpoint_number(event.get("id"), "s")
        step = self.steps.get(number) if number is not None else self.open_step
        if step is None:
            return
        if completed and "result" in event:
            step.completed, step.result = True, event["result"]
        self.open_step = None
        self._next_segment()


@dataclasses.dataclass(frozen=True)
class Recording:
    """A run as its journal holds it: who started what, and every checkpoint in order."""

    run_id: str
    slug: str
    title: str
    user: str | None
    params: dict[str, Any]
    created: float | None
    status: str | None
    """The run's last known status (the history's), ``None`` if unknown."""
    events: tuple[dict[str, Any], ...]
    """The journal, oldest first, one entry per sequence number: a resumed run continues it."""
    checkpoints: tuple[Checkpoint, ...]
    trailing: Segment
    """Logs and notifications after the last checkpoint."""

    @property
    def finished(self) -> bool:
        """Whether the run ended ``completed``, ``failed`` or ``cancelled`` (nothing to resume)."""
        return self.status in TERMINAL_STATUSES and self.status != "interrupted"

    @property
    def blocked(self) -> str | None:
        """Why no replay can rebuild this run (its first answer the journal cannot give back:
        a secret, a file, too large), else ``None``."""
        answers = [c.answer for c in self.checkpoints if isinstance(c, RecordedPrompt) and c.answer]
        return next((a.blocked for a in answers if a.blocked is not None), None)

    @classmethod
    def from_events(
        cls,
        events: Iterable[Mapping[str, Any]],
        *,
        run_id: str,
        slug: str,
        title: str,
        user: str | None = None,
        params: Mapping[str, Any] | None = None,
        created: float | None = None,
        status: str | None = None,
    ) -> Recording:
        """Read a journal (``{"event", "time", …}`` entries, oldest first; ``seq`` optional)."""
        journal = _in_sequence(events)
        reader = _Reader()
        started: Mapping[str, Any] = {}
        for event in journal:
            if event.get("event") == "started" and not started:
                started = event
            reader.read(event)
        recorded_params = started.get("params")
        recorded_user = started.get("user")
        return cls(
            run_id=run_id,
            slug=slug,
            title=title,
            user=user if user is not None else _text_or_none(recorded_user),
            params=dict(
                params
                if params is not None
                else recorded_params
                if isinstance(recorded_params, dict)
                else {}
            ),
            created=created,
            status=status,
            events=tuple(journal),
            checkpoints=tuple(reader.checkpoints),
            trailing=reader.segment,
        )

    @classmethod
    def from_store(cls, row: Mapping[str, Any], events: Iterable[Mapping[str, Any]]) -> Recording:
        """From the history: a run's row (``Store.get_run``) and its events (``Store.events``)."""
        params = row.get("params")
        return cls.from_events(
            events,
            run_id=str(row["id"]),
            slug=str(row["action"]),
            title=str(row.get("title") or row["action"]),
            user=_text_or_none(row.get("user")),
            params=params if isinstance(params, dict) else None,
            created=row.get("created"),
            status=_text_or_none(row.get("status")),
        )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _in_sequence(events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The events as the in-memory journal holds them: ``seq`` dropped, one entry per number.

    A gap in the stored sequence (an event lost to a failed write) is filled with a ``gap``
    entry, so the resumed run's next event gets a sequence number no event has.
    """
    out: list[dict[str, Any]] = []
    for event in events:
        entry = {k: v for k, v in event.items() if k != "seq"}
        seq = event.get("seq")
        if isinstance(seq, int) and not isinstance(seq, bool):
            while len(out) < seq:
                out.append({"event": "gap", "time": entry.get("time", 0.0)})
        out.append(entry)
    return out
