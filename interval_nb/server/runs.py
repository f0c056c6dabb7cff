"""Runs as the API shows them: live ones (kept current by their kernel) and stored ones.

A :class:`LiveRun` is a run started through this server while its kernel reports on it:
each kernel update is merged in and wakes whoever waits for the run to show its next prompt
or end; stream listeners get the update as it is. :func:`row_json` turns a history row into
the same JSON shape, so clients cannot tell where an answer came from; the detail fields a
view needs (transcript, log tail, notifications) come from the kernel's updates for a live run
and from the run's journal (:func:`journal_detail`) for a stored one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..protocol import TERMINAL_STATUSES, Notification, PromptSpec, RemoteRun, TranscriptEntry

if TYPE_CHECKING:
    from .link import KernelLink

LOG_TAIL = 200
"""Log lines a live run keeps (the history keeps them all)."""

DETAIL = ("transcript", "logs", "notifications")
"""Fields of a run object that only its own routes carry (not the list of runs)."""

Listener = Callable[[dict[str, Any]], None]


def iso(timestamp: float | None) -> str | None:
    """A Unix time as an ISO 8601 UTC string."""
    if timestamp is None:
        return None
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc).isoformat()


class LiveRun:
    """A run started through this server, as its kernel last reported it.

    A *hibernated* live run has no kernel (``link`` is ``None``): its journal holds it, and
    the first request that needs a kernel wakes it by replay (:meth:`rebind`). Whoever
    follows it keeps following it across the hibernation and the wake: the replay's own
    updates are held back, and the run reappears on its pending prompt in one update.
    """

    def __init__(
        self,
        snap: RemoteRun,
        link: KernelLink | None,
        access: list[str] | None,
        source: str = "api",
    ) -> None:
        self.id = snap["run_id"]
        self.action = snap["action"]
        self.title = snap["title"]
        self.user = snap["user"]
        self.params = snap["params"]
        self.created = snap["created"]
        self.updated = time.time()
        self.status: str = "running" if snap["status"] == "pending" else snap["status"]
        self.prompt: PromptSpec | None = snap["prompt"]
        self.loading = snap["loading"]
        self.result = snap["result"]
        self.error: Any = snap["error"]
        self.redirect: dict[str, Any] | None = None
        self.logs: deque[str] = deque(snap.get("logs") or (), maxlen=LOG_TAIL)
        self.transcript: list[TranscriptEntry] = list(snap.get("transcript") or ())
        self.notifications: list[Notification] = list(snap.get("notifications") or ())
        self.link = link
        self.access = access
        self.source = source
        """Where the run was started: ``api``, or ``notebook``/``voila`` when the server follows
        a run of a kernel it manages (such a run cannot hibernate: its action is that kernel's)."""
        self.hibernated = link is None
        self.waking = False
        self.transition: asyncio.Future[None] | None = None
        """Set while the run is going to sleep (its kernel letting go, the history being
        written): a request that needs the run waits for it before waking it."""
        self.replay_status = ""
        self.listeners: set[Listener] = set()
        self._changed = asyncio.Event()

    @classmethod
    def from_row(
        cls, row: Mapping[str, Any], detail: Mapping[str, Any], access: list[str] | None
    ) -> LiveRun:
        """A hibernated run from its history row and journal detail (:func:`journal_detail`)."""
        snap: dict[str, Any] = {
            "run_id": row["id"],
            "action": row["action"],
            "title": row["title"],
            "status": row["status"],
            "user": row["user"],
            "params": row["params"],
            "created": row["created"],
            "prompt": row["prompt"],
            "loading": row["loading"],
            "result": row["result"],
            "error": row["error"],
            **{field: detail[field] for field in DETAIL},
        }
        live = cls(snap, None, access)  # type: ignore[arg-type]
        live.updated = row["updated"]
        return live

    @property
    def waiting_since(self) -> float:
        """When the run last changed (for a waiting run: since when it waits)."""
        return self.updated

    def hibernate(self) -> None:
        """The run left its kernel; it keeps waiting on its prompt (followers are told)."""
        self.link = None
        self.hibernated = True
        self._notify({"run_id": self.id, "status": self.status, "hibernated": True})

    def rebind(self, link: KernelLink) -> None:
        """A kernel is replaying the run: hold its updates back until it waits again.

        Meanwhile the run still shows its pending prompt; ``replay_status`` follows the
        kernel's status (``running`` until the replay has caught up).
        """
        self.link = link
        self.waking = True
        self.replay_status = "running"

    def woke(self, snap: RemoteRun) -> None:
        """The replay caught up (or stopped): take the kernel's state, tell followers."""
        self.waking = False
        self.hibernated = False
        self.status = snap["status"]
        self.prompt = snap["prompt"]
        self.loading = snap["loading"]
        self.result = snap["result"]
        self.error = snap["error"]
        self.updated = time.time()
        self._notify(
            {
                "run_id": self.id,
                "status": self.status,
                "prompt": self.prompt,
                "loading": self.loading,
                "result": self.result,
                "error": self.error,
                "hibernated": False,
            }
        )
        self._wake()

    def _notify(self, event: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:
                logging.getLogger("interval_nb").exception("a run stream failed")

    @property
    def done(self) -> bool:
        """Whether the run has ended."""
        return self.status in TERMINAL_STATUSES

    def apply(self, update: Mapping[str, Any]) -> None:
        """Merge one kernel update and wake whoever waits for a change."""
        if self.waking:  # a replay repeats what the run showed before: not news
            status = update.get("status")
            if isinstance(status, str):
                self.replay_status = status
            self._wake()
            return
        self.updated = time.time()
        status = update.get("status")
        if isinstance(status, str):
            self.status = "running" if status == "pending" else status
        for field in ("prompt", "loading", "result", "error", "redirect"):
            if field in update:
                setattr(self, field, update[field])
        if self.done:
            self.prompt = None
        # Updates carry only the new entries of these lists.
        self.logs.extend(update.get("logs") or ())
        self.transcript.extend(update.get("transcript") or ())
        self.notifications.extend(update.get("notifications") or ())
        self._notify({k: v for k, v in update.items() if k not in ("type", "run")})
        self._wake()

    def interrupt(self, reason: str) -> None:
        """The kernel is gone: the run is ``interrupted``."""
        if not self.done:
            error = {"type": "Interrupted", "message": reason, "traceback": ""}
            self.apply({"status": "interrupted", "prompt": None, "error": error})

    def _wake(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def until(self, settled: Callable[[LiveRun], bool], timeout: float) -> None:
        """Wait until ``settled(self)`` holds, at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not settled(self):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def to_json(self, detail: bool = True) -> dict[str, Any]:
        """The API's run object; ``detail`` adds the transcript, log tail and notifications."""
        run = {
            "id": self.id,
            "action": self.action,
            "title": self.title,
            "status": self.status,
            "user": self.user,
            "params": self.params,
            "created": iso(self.created),
            "updated": iso(self.updated),
            "prompt": self.prompt,
            "loading": self.loading,
            "result": self.result,
            "error": self.error,
            "source": self.source,
            "redirect": self.redirect,
            "answerable": not self.done,
            "hibernated": self.hibernated,
            "assignee": None,
        }
        if detail:
            run["transcript"] = list(self.transcript)
            run["logs"] = list(self.logs)
            run["notifications"] = list(self.notifications)
        return run


def row_json(row: Mapping[str, Any], detail: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A stored run as the API's run object, with ``detail`` (:func:`journal_detail`) if given."""
    run = {
        "id": row["id"],
        "action": row["action"],
        "title": row["title"],
        "status": row["status"],
        "user": row["user"],
        "params": row["params"],
        "created": iso(row["created"]),
        "updated": iso(row["updated"]),
        "prompt": row["prompt"] if row["status"] == "awaiting_input" else None,
        "loading": row["loading"],
        "result": row["result"],
        "error": row["error"],
        "source": row["source"],
        "redirect": None,
        "hibernated": bool(row.get("hibernated")),
        "answerable": row["source"] == "api" and row["status"] == "awaiting_input",
        "assignee": row.get("assignee") if row["status"] == "queued" else None,
    }
    if detail is not None:
        run.update({field: detail[field] for field in DETAIL})
    return run


def journal_detail(run_id: str, events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The transcript, log tail and notifications of a run, rebuilt from its journal.

    ``events`` are the run's ``displayed``, ``prompt_shown``, ``notified`` and ``log`` events
    in order (:meth:`~interval_nb.store.Store.view_events`). A display's id is journaled with
    it; for older journals it is rebuilt from the run's prompt counter, which displays and
    prompts share.
    """
    transcript: list[dict[str, Any]] = []
    logs: list[str] = []
    notifications: list[dict[str, Any]] = []
    shown = 0
    for event in events:
        kind = event.get("event")
        if kind in ("displayed", "prompt_shown"):
            shown += 1
        if kind == "displayed" and isinstance(event.get("components"), list):
            entry_id = event.get("id")
            transcript.append(
                {
                    "kind": "display",
                    "id": entry_id if isinstance(entry_id, str) else f"{run_id}-d{shown}",
                    "components": event["components"],
                }
            )
        elif kind == "log" and isinstance(event.get("line"), str):
            logs.append(event["line"])
        elif kind == "notified":
            note = {k: event.get(k) for k in ("message", "title", "time")}
            if isinstance(event.get("to"), list):
                note["to"] = event["to"]
            notifications.append(note)
    return {"transcript": transcript, "logs": logs[-LOG_TAIL:], "notifications": notifications}
