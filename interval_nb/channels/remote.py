"""The kernel side of the ``interval_nb`` comm target: runs driven by a client outside the page.

Lifecycle: a client (the server extension) opens a comm to the target with the registries to
load (:class:`~interval_nb.protocol.RemoteOpen`); the kernel imports them and answers with a
:class:`~interval_nb.protocol.RemoteHello` listing the actions and any registry that failed.
Requests (start, answer, cancel, state, query, search, draft, list, ping) each get one reply; runs
started through the comm send every change as an update carrying their ``run_id``. The run
journal is flushed to the store before each update leaves, so the server never reads a
history older than what it was told.

Comm messages may arrive on a kernel subshell thread (docs/architecture.md), so the comm callbacks only
hand the message to the kernel's main loop with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
import logging
import os
import platform
import re
import socket
from collections.abc import Awaitable, Iterable, Mapping
from typing import Any

from .._util import jsonable
from ..actions import Action, Actions
from ..errors import ActionDefinitionError, AnswerRejected, IntervalNBError
from ..protocol import (
    PROTOCOL_VERSION,
    ActionInfo,
    RegistryError,
    RemoteHello,
    RemoteReply,
    RemoteRun,
    RemoteUpdate,
)
from ..runtime import registry
from ..runtime.context import User
from ..runtime.drafts import DraftRejected
from ..runtime.replay import rebuild, replay_blocker
from ..runtime.run import Run
from ..store import journal_writer, redact_prompt
from ._loop import main_loop
from ._pyfile import is_file_path, load_file, split_file_path
from ._uploads import UploadError, decode_uploads

log = logging.getLogger("interval_nb")

ENTRY_POINT_GROUP = "interval_nb.actions"

RUN_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
"""What a run id given with a start request may be (the server's run routes take the same)."""

MAX_VALUES = 1000
"""An answer with more values than this is refused before it reaches the run."""


# -- registries ------------------------------------------------------------------------------


class Catalog:
    """The actions a kernel serves, loaded from registry paths and entry points."""

    def __init__(self) -> None:
        self.actions: dict[str, Action] = {}
        self.sources: dict[str, str] = {}
        self.errors: list[RegistryError] = []

    @classmethod
    def load(cls, registries: Iterable[str], entry_points: bool = True) -> Catalog:
        """Import every registry; one that fails is reported in :attr:`errors`, not raised."""
        catalog = cls()
        importlib.invalidate_caches()
        for path in registries:
            catalog._add(path, lambda path=path: resolve(path))
        if entry_points:
            for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                catalog._add(f"{ep.name} = {ep.value} (entry point)", ep.load)
        return catalog

    def _add(self, source: str, load: Any) -> None:
        try:
            found = list(actions_in(load(), source))
        except Exception as exc:
            log.warning("interval_nb: cannot load actions from %s: %s", source, exc)
            self.errors.append({"registry": source, "message": f"{type(exc).__name__}: {exc}"})
            return
        for action in found:
            if action.slug in self.actions and self.actions[action.slug] is not action:
                self.errors.append(
                    {
                        "registry": source,
                        "message": f"action {action.slug!r} is already defined by "
                        f"{self.sources[action.slug]}; this one is ignored",
                    }
                )
                continue
            self.actions[action.slug] = action
            self.sources[action.slug] = source

    def info(self) -> list[ActionInfo]:
        """Every action, as listed to clients."""
        return [
            {
                "slug": a.slug,
                "name": a.name,
                "description": a.description,
                "access": None if a.access is None else list(a.access),
                "registry": self.sources[a.slug],
                "unlisted": a.unlisted,
                "schedule": None if a.schedule is None else a.schedule.info(),
            }
            for a in self.actions.values()
        ]


def resolve(path: str) -> Any:
    """Import ``"package.module:attribute"`` or ``"dir/file.py:attribute"``.

    ``attribute`` defaults to ``actions``. A file path (ending in ``.py`` or containing a path
    separator) is resolved against the working directory after ``~`` expansion and imported
    under its stem, with its directory first on ``sys.path`` (see :mod:`._pyfile`).
    """
    value: Any
    if is_file_path(path):
        file_name, attribute = split_file_path(path)
        value = load_file(file_name)
        attribute = attribute or "actions"
    else:
        module_name, _, attribute = path.partition(":")
        module_name, attribute = module_name.strip(), attribute.strip() or "actions"
        if not module_name:
            raise ValueError(f"{path!r} is not a 'package.module:attribute' path")
        value = importlib.import_module(module_name)
    for part in attribute.split("."):
        value = getattr(value, part)
    return value


def actions_in(value: Any, source: str) -> Iterable[Action]:
    """The actions of a registry value: an ``Actions``, one ``Action``, or a list/dict of them."""
    if isinstance(value, Action):
        return [value]
    if isinstance(value, Actions):
        return list(value)
    items = list(value.values()) if isinstance(value, Mapping) else value
    if isinstance(items, (list, tuple)) and all(isinstance(a, Action) for a in items):
        return list(items)
    raise ActionDefinitionError(
        f"{source} is a {type(value).__name__}, not an interval_nb.Actions registry"
    )


# -- the channel -----------------------------------------------------------------------------


def snapshot(run: Run) -> RemoteRun:
    """A run as the kernel reports it to clients."""
    state = run.state()
    return {
        "run_id": run.id,
        "action": run.slug,
        "title": run.title,
        "status": run.status,
        "user": run.user.username,
        "params": jsonable(dict(run.params)),
        "created": run.created,
        "prompt": redact_prompt(state["prompt"]),
        "transcript": state["transcript"],
        "loading": state["loading"],
        "logs": state["logs"],
        "notifications": state["notifications"],
        "result": state["result"],
        "error": state["error"],
    }


class RemoteChannel:
    """One comm opened by one client: the runs it started and the updates it receives."""

    def __init__(self, comm: Any, catalog: Catalog, loop: asyncio.AbstractEventLoop) -> None:
        self.comm = comm
        self.catalog = catalog
        self.loop = loop
        self.closed = False
        self.runs: dict[str, Run] = {}
        self._sent: dict[str, tuple[int, int, int]] = {}
        """Per run: how many logs, notifications and transcript entries were already sent."""
        self._tasks: set[asyncio.Task[None]] = set()

    # -- comm callbacks (any thread) ---------------------------------------------------
    def on_comm_msg(self, msg: Mapping[str, Any]) -> None:
        """Comm callback: hand the message to the main loop and touch nothing else."""
        data = (msg.get("content") or {}).get("data")
        self.loop.call_soon_threadsafe(self.dispatch, data)

    def on_comm_close(self, _msg: Any = None) -> None:
        """Comm callback: the client went away (its runs go on; nobody is told any more)."""
        self.loop.call_soon_threadsafe(self._closed)

    def _closed(self) -> None:
        self.closed = True
        if self in _channels:
            _channels.remove(self)

    # -- on the loop -------------------------------------------------------------------
    def open(self, registries: list[str], entry_points: bool) -> None:
        """Load the registries and send the hello."""
        self.catalog = Catalog.load(registries, entry_points=entry_points)
        self.send(self.hello())

    def hello(self) -> RemoteHello:
        """The first message on a new comm."""
        from .. import __version__

        return {
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "actions": self.catalog.info(),
            "errors": list(self.catalog.errors),
            "kernel": {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "python": platform.python_version(),
                "interval_nb": __version__,
            },
        }

    def send(self, message: Mapping[str, Any]) -> None:
        """Send one message to the client (dropped once the comm is closed)."""
        if self.closed:
            return
        try:
            self.comm.send(data=dict(message))
        except Exception:
            log.exception("interval_nb: could not send to the remote client")

    def dispatch(self, data: Any) -> None:
        """Handle one request from the client; always replies when there is a ``request_id``."""
        if not isinstance(data, dict) or not isinstance(data.get("request_id"), str):
            log.warning("interval_nb: dropped a remote message without a request_id")
            return
        request_id: str = data["request_id"]
        kind = data.get("type")
        try:
            if kind == "ping":
                self._reply(request_id, {"ok": True})
            elif kind == "start":
                self._reply(request_id, self._start(data))
            elif kind == "list":
                self._reply(request_id, self._list())
            elif kind == "state":
                run = self._find(data)
                self._reply(request_id, {"ok": True, "run": snapshot(run)})
            elif kind == "cancel":
                run = self._find(data)
                by = data.get("by")
                reason = f"cancelled by {by}" if isinstance(by, str) and by else "cancelled"
                self._reply(request_id, {"ok": True, "cancelled": run.cancel(reason)})
            elif kind == "answer":
                self._spawn(request_id, self._answer(self._find(data), data))
            elif kind in ("query", "search"):
                run = self._find(data)
                work = run.query(data) if kind == "query" else run.search(data)
                self._spawn(request_id, self._relay(work))
            elif kind == "draft":
                self._reply(request_id, self._draft(self._find(data), data))
            elif kind == "resume":
                self._reply(request_id, self._resume(data))
            elif kind == "hibernate":
                self._reply(request_id, self._hibernate(self._find(data)))
            elif kind == "follow":
                self._reply(request_id, self._follow(self._find_live(data)))
            else:
                self._fail(request_id, "bad_request", f"unknown request type {str(kind)[:40]!r}")
        except _Refused as refused:
            self._fail(request_id, refused.code, str(refused))

    def _reply(self, request_id: str, reply: Mapping[str, Any]) -> None:
        self.send({"type": "reply", "request_id": request_id, **reply})

    def _fail(self, request_id: str, code: str, message: str) -> None:
        self._reply(request_id, {"ok": False, "code": code, "message": message})

    def _spawn(self, request_id: str, work: Awaitable[RemoteReply]) -> None:
        async def reply() -> None:
            try:
                self._reply(request_id, await work)
            except _Refused as refused:
                self._fail(request_id, refused.code, str(refused))
            except Exception as exc:
                log.exception("interval_nb: remote request failed")
                self._fail(request_id, "internal", f"{type(exc).__name__}: {exc}")

        task = self.loop.create_task(reply())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _find(self, data: Mapping[str, Any]) -> Run:
        run_id = data.get("run_id")
        run = self.runs.get(run_id) if isinstance(run_id, str) else None
        if run is None:
            run = next((r for r in registry.recent_runs() if r.id == run_id), None)
        if run is None:
            raise _Refused("not_found", f"no run {str(run_id)[:40]!r} in this kernel")
        return run

    def _list(self) -> RemoteReply:
        return {
            "ok": True,
            "actions": self.catalog.info(),
            "errors": list(self.catalog.errors),
            "runs": [
                {"run_id": r.id, "action": r.slug, "status": r.status} for r in registry.live_runs()
            ],
        }

    def _start(self, data: Mapping[str, Any]) -> RemoteReply:
        slug = data.get("action")
        action = self.catalog.actions.get(slug) if isinstance(slug, str) else None
        if action is None:
            raise _Refused("not_found", f"no action {str(slug)[:100]!r} in this kernel")
        params = data.get("params") or {}
        if not isinstance(params, dict):
            raise _Refused("bad_request", "params must be a JSON object")
        person = data.get("user") or {}
        username = person.get("username") if isinstance(person, dict) else None
        user = (
            User(username=username, display_name=person.get("display_name") or None)
            if isinstance(username, str) and username
            else None
        )
        run_id = data.get("run_id")
        if run_id is not None and not (isinstance(run_id, str) and RUN_ID.match(run_id)):
            raise _Refused("bad_request", "run_id must be the id of a queued run")
        if run_id is not None and any(r.id == run_id for r in registry.recent_runs()):
            raise _Refused("bad_request", f"run {run_id} already runs in this kernel")
        try:
            run = action.create_run(params, user=user)
        except ActionDefinitionError as exc:
            raise _Refused("bad_request", str(exc)) from None
        if run_id is not None:  # a queued run the server claimed: it keeps its id
            run.id = run_id
        self._launch(run)
        return {"ok": True, "run": snapshot(run)}

    def _resume(self, data: Mapping[str, Any]) -> RemoteReply:
        """Rebuild a run from the history and replay it here (it reports like a started run)."""
        from ..actions import stored_recording

        run_id = data.get("run_id")
        if not isinstance(run_id, str):
            raise _Refused("bad_request", "run_id must be a string")
        live = next((r for r in registry.live_runs() if r.id == run_id), None)
        if live is not None:  # still here (a new client after a server restart): adopt it
            return self._follow(live)
        try:
            recording, _status = stored_recording(run_id)
        except IntervalNBError as exc:
            raise _Refused("not_found", str(exc)) from None
        run = rebuild(recording, self.catalog.actions.get(recording.slug))
        self._launch(run)
        return {"ok": True, "run": snapshot(run)}

    def _find_live(self, data: Mapping[str, Any]) -> Run:
        run = self._find(data)
        if run.done:
            raise _Refused("not_waiting", f"run {run.id} has ended ({run.status})")
        return run

    def _follow(self, run: Run) -> RemoteReply:
        """Report a run shown elsewhere in this kernel (a notebook's, a page's) to this client
        from now on, so the client can answer it; returns it as it is now."""
        if run.id not in self.runs:
            self.runs[run.id] = run
            self._sent[run.id] = (len(run.logs), len(run.notifications), len(run.transcript))
            run.subscribe(self._on_change)
        return {"ok": True, "run": snapshot(run)}

    def _hibernate(self, run: Run) -> RemoteReply:
        """Let a waiting run go: its journal keeps it; nothing more is journaled or reported."""
        if run.status != "awaiting_input":
            raise _Refused("not_waiting", f"run {run.id} is {run.status}, not waiting")
        blocked = replay_blocker(run, self.catalog.actions.get(run.slug))
        if blocked is not None:
            raise _Refused("not_replayable", blocked)
        writer = journal_writer()
        if writer is not None:
            writer.flush()  # the history holds everything a replay needs before it goes
        self.runs.pop(run.id, None)
        self._sent.pop(run.id, None)
        run.drop()
        if writer is not None:
            writer.forget(run.id)
        return {"ok": True}

    def _launch(self, run: Run) -> None:
        registry.track(run)
        writer = journal_writer()
        if writer is not None:
            writer.tag(run.id, source="api")
        self.runs[run.id] = run
        self._sent[run.id] = (0, 0, 0)
        run.subscribe(self._on_change)
        run.start()

    async def _answer(self, run: Run, data: Mapping[str, Any]) -> RemoteReply:
        values = data.get("values")
        if isinstance(values, list) and len(values) > MAX_VALUES:
            raise _Refused("malformed", f"at most {MAX_VALUES} values")
        message = {k: data.get(k) for k in ("prompt_id", "values", "choice", "by")}
        try:
            message["values"] = decode_uploads(values)  # files arrive as base64 in JSON
        except UploadError as exc:
            raise _Refused("bad_request", str(exc)) from None
        try:
            outcome = await run.submit(message)
        except AnswerRejected as exc:
            raise _Refused(exc.code, str(exc)) from None
        reply: RemoteReply = {"ok": True, "accepted": outcome.accepted}
        if not outcome.accepted:
            reply["prompt"] = redact_prompt(outcome.prompt)
        return reply

    def _draft(self, run: Run, data: Mapping[str, Any]) -> RemoteReply:
        """Keep a page's draft of the waiting prompt; ``saved`` is false for a stale prompt."""
        try:
            return {"ok": True, "saved": run.save_draft(data)}
        except DraftRejected as exc:
            raise _Refused(exc.code, str(exc)) from None

    async def _relay(self, work: Awaitable[dict[str, Any]]) -> RemoteReply:
        return {"ok": True, "result": await work}

    def _on_change(self, run: Run, changed: frozenset[str]) -> None:
        if run.id not in self.runs:  # hibernated: the run is being let go
            return
        logs_sent, notes_sent, shown_sent = self._sent.get(run.id, (0, 0, 0))
        update: RemoteUpdate = {"type": "update", "run_id": run.id, "status": run.status}
        if changed & {"prompt", "status", "draft"}:  # a draft travels inside its prompt
            update["prompt"] = redact_prompt(run.prompt)
        if "loading" in changed:
            update["loading"] = dict(run.loading.state) if run.loading.state else None  # type: ignore[typeddict-item]
        if len(run.logs) > logs_sent:
            update["logs"] = run.logs[logs_sent:]
        if len(run.notifications) > notes_sent:
            update["notifications"] = run.notifications[notes_sent:]
        if len(run.transcript) > shown_sent:
            update["transcript"] = run.transcript[shown_sent:]
        self._sent[run.id] = (len(run.logs), len(run.notifications), len(run.transcript))
        successor = None
        if run.done:
            update["result"] = jsonable(run.result_value)
            update["error"] = run.error
            if run.redirect_to is not None:
                successor = self._successor(run)
                update["redirect"] = {"action": successor.slug, "run_id": successor.id}
            self.runs.pop(run.id, None)
            self._sent.pop(run.id, None)
        writer = journal_writer()
        if writer is not None:
            writer.flush()  # the server must never be told more than the history holds
        self.send(update)
        if successor is not None:
            self._launch(successor)
            self.send(
                {
                    "type": "update",
                    "run_id": successor.id,
                    "status": successor.status,
                    "run": snapshot(successor),
                }
            )

    def _successor(self, run: Run) -> Run:
        assert run.redirect_to is not None
        action, params = run.redirect_to
        successor: Run = action.create_run(params, user=run.user)
        return successor


class _Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# -- the comm target ------------------------------------------------------------------------

_channels: list[RemoteChannel] = []


def open_channel(comm: Any, open_msg: Mapping[str, Any]) -> None:
    """The comm target callback: on the main loop, load the registries and greet the client."""
    data = (open_msg.get("content") or {}).get("data") or {}
    registries = data.get("registries") or []
    if not isinstance(registries, list) or not all(isinstance(r, str) for r in registries):
        registries = []
    channel = RemoteChannel(comm, Catalog(), main_loop())
    comm.on_msg(channel.on_comm_msg)
    comm.on_close(channel.on_comm_close)
    _channels.append(channel)
    # Requests that arrive meanwhile queue behind this on the same loop, so they see the catalog.
    channel.loop.call_soon_threadsafe(
        channel.open, registries, bool(data.get("entry_points", True))
    )
