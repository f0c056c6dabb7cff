"""What the REST and WebSocket handlers do: the runs API as a plain class.

:class:`RunService` owns the kernel pool, the runs started through this server while they are
live (:class:`LiveRun`, kept current by the kernels' updates) and the history store, and
checks per-action access for every operation. Reads of finished runs come from the store,
which the kernels write; the server itself only writes what a kernel cannot: that a run was
interrupted because its kernel died or the server stopped, and the pruning of old history.
The list of runs, the inbox, notifications and a run's journal are read by
:class:`~interval_nb.server.history.History` (``RunService.history``), built here.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib.metadata
import json
import logging
import os
import socket
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ..protocol import TERMINAL_STATUSES, ActionInfo, RegistryError, RemoteRun
from ..runtime.context import User
from ..runtime.drafts import MAX_DRAFT_BYTES
from ..store import Store, StoreError
from .access import Identity, may_access, may_answer
from .durable import Durability
from .errors import ApiError
from .events import Audit
from .guests import GuestKernels
from .history import History
from .kernels import KernelPool
from .link import KernelLink
from .pages import page_payload, page_reply
from .queue import check_starter, not_queued, queued_run
from .runs import LOG_TAIL, LiveRun, iso, journal_detail, row_json
from .schedules import Scheduler

T = TypeVar("T")

RECENT = 1000
"""Finished runs kept in memory (for clients of kernels whose store the server cannot read)."""
ORPHANED = (
    "its kernel is gone (a run started in a notebook or dashboard can be resumed only in a "
    "kernel that defines its action: inb.resume(run_id))"
)
"""Why the sweep interrupts a run of a vanished kernel the server cannot replay it in."""


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunService:
    """Actions, runs, history and audit for one server (see the module docstring)."""

    def __init__(
        self,
        *,
        kernel_manager: Any,
        store_path: str,
        registries: list[str],
        entry_points: bool,
        kernel_name: str,
        per_run: bool,
        start_timeout: float,
        request_timeout: float,
        idle_timeout: float,
        max_kernels: int,
        check_interval: float,
        sweep_interval: float,
        retention_days: float,
        hibernate_after: float,
        event_logger: Any,
        log: logging.Logger,
    ) -> None:
        self.log = log
        self.registries = list(registries)
        self.entry_points = entry_points
        self.check_interval = check_interval
        self.sweep_interval = sweep_interval
        self.retention_days = retention_days
        self.audit = Audit(event_logger)
        self.store_path = store_path
        self.store: Store | None = None
        try:
            self.store = Store(store_path)
        except StoreError as exc:
            log.error("interval_nb: run history unavailable: %s", exc)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="interval_nb-store")
        self.runs: OrderedDict[str, LiveRun] = OrderedDict()
        self._early: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self._catalog: tuple[list[ActionInfo], list[RegistryError]] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._watchdog: asyncio.Task[None] | None = None
        self.pool = KernelPool(
            kernel_manager,
            kernel_name=kernel_name,
            per_run=per_run,
            open_data={"type": "open", "registries": self.registries, "entry_points": entry_points},
            env={"INTERVAL_NB_STORE": store_path, "KERNEL_INTERVAL_NB_STORE": store_path},
            start_timeout=start_timeout,
            request_timeout=request_timeout,
            idle_timeout=idle_timeout,
            max_kernels=max_kernels,
            log=log,
            on_update=self._on_update,
            on_dead=self._on_dead,
        )
        self.durable = Durability(
            store=self.store,
            db=self._db,
            pool=self.pool,
            runs=self.runs,
            hibernate_after=hibernate_after,
            wake_timeout=request_timeout,
            finished=self._finished,
        )
        self.history = History(
            store=self.store, store_path=store_path, db=self._db, live=self.runs, find=self._find
        )
        """The read-only history routes: ``GET runs`` (and the inbox), notifications, journals."""
        self.scheduler = Scheduler(self.store, self._fire, db=self._db, log=log)
        """Fires scheduled actions from the watchdog; its ``clock`` is the seam tests move."""
        self.guests = GuestKernels(
            kernel_manager,
            log=log,
            on_update=self._on_update,
            on_dead=self._on_dead,
            request_timeout=request_timeout,
            connect_timeout=start_timeout,
        )

    # -- lifecycle -----------------------------------------------------------------------
    def start_watchdog(self) -> None:
        """Start the watchdog (kernel health, orphaned runs, retention) on the running loop.

        Called when the server's loop starts, and by every API call in case it was not (a
        server embedded without ``start_ioloop``, as in tests).
        """
        if self._watchdog is None:
            self._watchdog = asyncio.create_task(self._watch())

    @property
    def has_registries(self) -> bool:
        """Whether any action registry is configured or installed."""
        if self.registries:
            return True
        return bool(
            self.entry_points and importlib.metadata.entry_points(group="interval_nb.actions")
        )

    async def preload(self) -> None:
        """Start the actions kernel now so the first request finds it warm."""
        if self.has_registries:
            try:
                await self.catalog()
            except ApiError as exc:
                self.log.error("interval_nb: %s", exc.message)

    async def close(self) -> None:
        """Server stop: waiting API runs hibernate, other unfinished ones are journaled
        ``interrupted``; kernels stop."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        awake = [r for r in self.runs.values() if not r.done and not r.hibernated]
        hibernated, others = self.durable.let_go(awake)
        await self.durable.record(hibernated, "the server stopped")
        unfinished = [r.id for r in others]
        for run in others:
            run.interrupt("the server stopped")
        if unfinished and self.store is not None:
            await self._db(self.store.mark_interrupted, unfinished, "the server stopped")
        if self._tasks:  # e.g. kernels being shut down: cancelling those midway breaks them
            await asyncio.wait(list(self._tasks), timeout=10)
        await self.guests.close()
        await self.pool.shutdown()
        self._executor.shutdown(wait=True)
        if self.store is not None:
            self.store.close()

    async def _watch(self) -> None:
        last_sweep = -self.sweep_interval
        while True:
            try:
                await self.pool.check()
                await self.guests.check()
                await self.durable.hibernate_idle()
                if self._catalog is not None:  # schedules fire once the catalog is known
                    await self.scheduler.tick(self._catalog[0])
                if time.monotonic() - last_sweep >= self.sweep_interval:
                    last_sweep = time.monotonic()
                    await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                self.log.exception("interval_nb: watchdog pass failed")
            await asyncio.sleep(self.check_interval)

    async def sweep(self) -> None:
        """Mark runs of vanished kernels on this machine ``interrupted``; apply retention."""
        if self.store is None:
            return
        store = self.store
        orphans = await self._db(store.orphaned_runs, socket.gethostname(), pid_alive)
        # Runs this server follows are handled when it hears of their kernel's loss.
        orphans = [o for o in orphans if o["id"] not in self.runs]
        # Waiting runs of the actions kernel can be replayed there: they hibernate.
        waiting = [
            o["id"] for o in orphans if o["status"] == "awaiting_input" and o["source"] == "api"
        ]
        if waiting:
            await self._db(store.hibernate, waiting, "its kernel is gone")
        lost = [o["id"] for o in orphans if o["id"] not in waiting]
        if lost:
            changed = await self._db(store.mark_interrupted, lost, ORPHANED)
            self.log.info(
                "interval_nb: %d runs of vanished kernels marked interrupted", len(changed)
            )
        if self.retention_days > 0:
            cutoff = time.time() - self.retention_days * 86400
            removed = await self._db(store.prune, cutoff)
            if removed:
                self.log.info("interval_nb: removed %d runs older than the retention", removed)

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args))

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- actions -------------------------------------------------------------------------
    async def catalog(self) -> tuple[list[ActionInfo], list[RegistryError]]:
        """Every action and registry error (starts the actions kernel the first time)."""
        self.start_watchdog()
        if self._catalog is None:
            if not self.has_registries:
                return [], []
            self._remember(await self.pool.for_listing())
        assert self._catalog is not None
        return self._catalog

    def _remember(self, link: KernelLink) -> None:
        if link.hello is not None:
            self._catalog = (list(link.hello["actions"]), list(link.hello["errors"]))

    async def actions(self, who: Identity) -> dict[str, Any]:
        """``GET actions``: the actions ``who`` may use, and registries that failed to load."""
        actions, errors = await self.catalog()
        await self.scheduler.observe(actions)
        listed = []
        for a in actions:
            if may_access(a["access"], who) and not a.get("unlisted"):
                item = {k: v for k, v in a.items() if k not in ("access", "unlisted")}
                if a.get("schedule") is not None:
                    item["next_fire"] = iso(self.scheduler.next_fire(a))
                listed.append(item)
        return {"actions": listed, "errors": errors}

    async def _action(self, slug: str, who: Identity, doing: str) -> ActionInfo:
        actions, _errors = await self.catalog()
        found = next((a for a in actions if a["slug"] == slug), None)
        if found is None:
            raise ApiError(404, "not_found", f"no action {slug!r}")
        self._check(found["access"], who, doing, slug=slug)
        return found

    def _audit(self, action: str, username: str, live: LiveRun, **data: Any) -> None:
        self.audit.emit(action, username, slug=live.action, run_id=live.id, **data)

    def _check(self, access: list[str] | None, who: Identity, doing: str, **about: Any) -> None:
        if not may_access(access, who):
            self.audit.emit("deny", who.username, status=doing, **about)
            raise ApiError(403, "forbidden", f"{who.username} may not use this action")

    # -- runs ----------------------------------------------------------------------------
    async def start(
        self, who: Identity, slug: str, params: dict[str, Any], wait: float
    ) -> dict[str, Any]:
        """``POST actions/{slug}/runs``: start a run; returns once it asks or ends (or ``wait``)."""
        action = await self._action(slug, who, "start")
        live = await self._launch(action, who, params)
        await live.until(lambda r: r.status != "running", wait)
        return live.to_json()

    async def _launch(
        self, action: ActionInfo, who: Identity, params: dict[str, Any], run_id: str = ""
    ) -> LiveRun:
        """Start a run of ``action`` as ``who`` in the actions kernel (``run_id``: the id of
        a queued run this server claimed)."""
        link = await self.pool.for_run()
        self._remember(link)
        request = {"type": "start", "action": action["slug"], "params": params}
        request.update({"user": who.as_user(), **({"run_id": run_id} if run_id else {})})
        try:
            reply = await link.request(request)
        except ApiError:
            await self.pool.release(link, "")
            raise
        if not reply.get("ok"):
            await self.pool.release(link, "")
            raise _refusal(reply)
        live = self._track(reply["run"], link, action["access"])
        self._audit("start", who.username, live, status=live.status)
        return live

    # -- queued and scheduled runs -------------------------------------------------------
    async def queue(
        self, who: Identity, slug: str, params: dict[str, Any], assignee: Any
    ) -> dict[str, Any]:
        """``POST actions/{slug}/queue``: a run in status ``queued`` for ``assignee`` to start."""
        action = await self._action(slug, who, "start")
        return await self._enqueue(action, who, params, assignee)

    async def _enqueue(
        self, action: ActionInfo, who: Identity, params: dict[str, Any], assignee: Any
    ) -> dict[str, Any]:
        if self.store is None:
            raise ApiError(
                503, "store_unavailable", f"the run history {self.store_path} cannot be opened"
            )
        queued = queued_run(action, who, params, assignee)
        await self._db(self.store.enqueue, queued)
        self.audit.emit(
            "start", who.username, slug=queued.action, run_id=queued.id, status="queued"
        )
        row = await self._db(self.store.get_run, queued.id)
        assert row is not None
        return row_json(row)

    async def start_queued(self, who: Identity, run_id: str, wait: float) -> dict[str, Any]:
        """``POST runs/{id}/start``: claim a queued run (at most once) and run it as ``who``."""
        live, row = await self._find(run_id, who, "start")
        if live is not None or row is None or row["status"] != "queued":
            raise not_queued(live.status if live is not None else row["status"] if row else "")
        check_starter(row, who, self.audit)
        action = await self._action(row["action"], who, "start")
        assert self.store is not None
        if not await self._db(self.store.claim_queued, run_id, who.username):
            latest = await self._db(self.store.get_run, run_id)
            raise not_queued(latest["status"] if latest else "")
        try:
            live = await self._launch(action, who, dict(row["params"] or {}), run_id)
        except ApiError as exc:
            await self._db(self.store.mark_interrupted, [run_id], f"could not start: {exc.message}")
            raise
        await live.until(lambda r: r.status != "running", wait)
        return live.to_json()

    async def _fire(self, action: ActionInfo, when: float) -> None:
        """A schedule fell due: queue a run for its assignee, or start one as the owner."""
        schedule = action["schedule"]
        assert schedule is not None
        me = User.current()
        owner = Identity(username=me.username, display_name=me.display_name)
        self.log.info("interval_nb: scheduled run of %s for %s", action["slug"], iso(when))
        if schedule["assignee"]:
            await self._enqueue(action, owner, {}, schedule["assignee"])
        else:
            await self._launch(action, owner, {})

    def _track(
        self,
        snap: RemoteRun,
        link: KernelLink,
        access: list[str] | None,
        source: str = "api",
    ) -> LiveRun:
        live = LiveRun(snap, link, access, source)
        self.runs[live.id] = live
        link.runs.add(live.id)
        for update in self._early.pop(live.id, []):
            self._on_update(link, update)
        if live.done:
            self._finished(live)
        return live

    def _on_update(self, link: KernelLink, update: dict[str, Any]) -> None:
        run_id = str(update.get("run_id"))
        live = self.runs.get(run_id)
        if live is None:
            if isinstance(update.get("run"), dict):  # started by the kernel (ctx.redirect)
                access = self._access_of(update["run"]["action"])
                self._track(update["run"], link, access)
                return
            # An update can overtake the reply to the start request that created the run.
            self._early.setdefault(run_id, []).append(update)
            while len(self._early) > RECENT:
                self._early.popitem(last=False)
            return
        was_done = live.done
        live.apply(update)
        if live.done and not was_done:
            self._finished(live)

    def _access_of(self, slug: str) -> list[str] | None:
        actions = self._catalog[0] if self._catalog else []
        return next((a["access"] for a in actions if a["slug"] == slug), None)

    def _finished(self, live: LiveRun) -> None:
        self._audit("finish", live.user, live, status=live.status)
        if live.link is not None:
            self._spawn(self.pool.release(live.link, live.id))
        finished = [r for r in self.runs.values() if r.done]
        for old in finished[: max(0, len(finished) - RECENT)]:
            del self.runs[old.id]

    def _on_dead(self, link: KernelLink, reason: str) -> None:
        lives = [run for run in self.runs.values() if run.link is link and not run.done]
        # Waiting runs hibernate (a request wakes them by replay); the others are interrupted.
        hibernated, others = self.durable.let_go(lives)
        self._spawn(self.durable.record(hibernated, reason))
        ids = [live.id for live in others]
        for live in others:
            live.interrupt(reason)
            self._audit(
                "interrupt",
                live.user,
                live,
                status="interrupted",
                msg=reason,
            )
        if self.store is not None and ids:
            self._spawn(self._db(self.store.mark_interrupted, ids, reason))

    async def _find(
        self, run_id: str, who: Identity, doing: str
    ) -> tuple[LiveRun | None, dict[str, Any] | None]:
        """The live run and/or the stored row of ``run_id``; 404 if neither, 403 if not allowed."""
        self.start_watchdog()
        live = self.runs.get(run_id)
        row = None
        if live is None and self.store is not None:
            row = await self._db(self.store.get_run, run_id)
        if live is None and row is None:
            raise ApiError(404, "not_found", f"no run {run_id!r}")
        access = live.access if live is not None else row["access"] if row else None
        slug = live.action if live is not None else row["action"] if row else None
        self._check(access, who, doing, slug=slug, run_id=run_id)
        return live, row

    async def get(self, who: Identity, run_id: str) -> dict[str, Any]:
        """``GET runs/{id}``: the run with its transcript, log tail and notifications."""
        live, row = await self._find(run_id, who, "read")
        if live is not None:
            return live.to_json()
        assert row is not None
        state = await self._stored(row)
        if self._is_guest(row):  # a notebook's run this server can answer through its kernel
            state["answerable"] = True
        return state

    async def _stored(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """A stored run with the detail fields rebuilt from its journal."""
        events: list[dict[str, Any]] = []
        if self.store is not None:
            events = await self._db(self.store.view_events, row["id"], LOG_TAIL)
        return row_json(row, journal_detail(row["id"], events))

    def _is_guest(self, row: Mapping[str, Any]) -> bool:
        """A waiting run shown in a notebook or page whose kernel this server manages."""
        return (
            row["status"] == "awaiting_input"
            and row["source"] != "api"
            and self.guests.manages(row["kernel_id"])
        )

    async def _follow_guest(self, row: Mapping[str, Any]) -> tuple[LiveRun, KernelLink]:
        """Answer a notebook's (or page's) run through its own kernel: follow it from now on."""
        link = await self.guests.link(row["kernel_id"])
        reply = await link.request({"type": "follow", "run_id": row["id"]})
        if not reply.get("ok"):
            raise ApiError(
                409,
                "not_waiting",
                f"the run is no longer waiting in its kernel ({reply.get('message')})",
            )
        live = self._track(reply["run"], link, row["access"], row["source"])
        if live.done:
            raise ApiError(409, "not_waiting", f"the run has ended ({live.status})")
        return live, link

    def _check_assignee(
        self, live: LiveRun | None, row: Mapping[str, Any] | None, who: Identity
    ) -> None:
        """403 ``not_assignee`` when the waiting prompt was handed to people ``who`` is not."""
        prompt = live.prompt if live is not None else row["prompt"] if row else None
        assignees = (prompt or {}).get("assignees")
        if not assignees or may_answer(prompt, "", who):
            return
        run_id = live.id if live is not None else row["id"] if row else ""
        self.audit.emit("deny", who.username, status="answer", run_id=run_id)
        names = ", ".join(assignees)
        raise ApiError(
            403, "not_assignee", f"this prompt waits for {names}", assignees=list(assignees)
        )

    async def _awake(
        self, run_id: str, live: LiveRun | None, row: Mapping[str, Any] | None
    ) -> tuple[LiveRun, KernelLink]:
        """The waiting run in its kernel: woken by replay if it hibernates, else 409."""
        if live is not None and live.transition is not None:  # going to sleep: let it finish
            await asyncio.shield(live.transition)
        link = live.link if live is not None else None
        if live is not None and not live.done and not live.waking and link and link.alive:
            return live, link
        hibernated = live.hibernated if live is not None else bool(row and row["hibernated"])
        if hibernated or (live is not None and live.waking):
            return await self.durable.wake(run_id, live, dict(row) if row else None)
        if live is None and row is not None and self._is_guest(row):
            return await self._follow_guest(row)
        status = live.status if live is not None else row["status"] if row else "unknown"
        if status == "queued":
            raise ApiError(
                409, "not_waiting", "the run is queued: start it first (POST runs/{id}/start)"
            )
        if status in TERMINAL_STATUSES:
            raise ApiError(409, "not_waiting", f"the run has ended ({status})", status=status)
        raise ApiError(
            409,
            "not_here",
            "the run was not started through this server; answer it where it is shown",
            status=status,
        )

    async def answer(
        self, who: Identity, run_id: str, body: Mapping[str, Any], wait: float
    ) -> dict[str, Any]:
        """``POST runs/{id}/answer``: 200 with the run, 409 if not waiting, 422 if invalid,
        403 ``not_assignee`` if the prompt was handed to someone else."""
        live, row = await self._find(run_id, who, "answer")
        self._check_assignee(live, row, who)
        live, link = await self._awake(run_id, live, row)
        prompt_id = body.get("prompt_id")
        values = body.get("values")
        choice = body.get("choice")
        if not isinstance(prompt_id, str):
            raise ApiError(400, "bad_request", "prompt_id must be the id of the prompt answered")
        if not isinstance(values, list):
            raise ApiError(400, "bad_request", "values must be a list, one entry per component")
        if choice is not None and not isinstance(choice, str):
            raise ApiError(400, "bad_request", "choice must be a string or null")
        reply = await link.request(
            {
                "type": "answer",
                "run_id": run_id,
                "prompt_id": prompt_id,
                "values": values,
                "choice": choice,
                "by": who.username,
            }
        )
        if not reply.get("ok"):
            self._audit(
                "answer",
                who.username,
                live,
                status="rejected",
                msg=reply.get("message"),
            )
            raise _refusal(reply)
        if not reply.get("accepted"):
            prompt = reply.get("prompt")
            if prompt is not None:
                live.apply({"prompt": prompt})
            self._audit(
                "answer",
                who.username,
                live,
                status="rejected",
                msg="invalid values",
            )
            raise ApiError(
                422,
                "invalid",
                (prompt or {}).get("error") or "some values are not valid; see fields",
                fields=_field_errors(prompt),
                run=live.to_json(),
            )
        self._audit("answer", who.username, live, status="accepted")
        await live.until(
            lambda r: r.done or (r.prompt is not None and r.prompt["id"] != prompt_id), wait
        )
        return live.to_json()

    async def cancel(self, who: Identity, run_id: str, wait: float) -> dict[str, Any]:
        """``POST runs/{id}/cancel``: 200 with the run (``cancelled``), 409 if it had ended."""
        live, row = await self._find(run_id, who, "cancel")
        if live is None and row is not None and row["status"] == "queued":
            assert self.store is not None
            if await self._db(self.store.cancel_queued, run_id, f"cancelled by {who.username}"):
                self.audit.emit("cancel", who.username, slug=row["action"], run_id=run_id)
                return await self.get(who, run_id)
            live, row = await self._find(run_id, who, "cancel")  # started meanwhile
        live, link = await self._awake(run_id, live, row)
        reply = await link.request({"type": "cancel", "run_id": run_id, "by": who.username})
        if not reply.get("ok"):
            raise _refusal(reply)
        if reply.get("cancelled") is False:  # it ended in the kernel before the cancel got there
            await live.until(lambda r: r.done, wait)
            raise ApiError(
                409, "not_waiting", f"the run has ended ({live.status})", status=live.status
            )
        self._audit("cancel", who.username, live)
        await live.until(lambda r: r.done, wait)
        return live.to_json()

    async def page_request(
        self, who: Identity, run_id: str, kind: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``POST runs/{id}/query`` and ``…/search``: a table page or search results.

        Returns the message a notebook view would get for the same request (``query_result``,
        ``query_error``, ``search_result`` or ``search_error``, with the caller's
        ``request_id``). The prompt need not be the waiting one: tables shown earlier in the
        run's transcript keep paging while the run lives.
        """
        live, row = await self._find(run_id, who, kind)
        live, link = await self._awake(run_id, live, row)
        payload, request_id = page_payload(kind, body)
        reply = await link.request({**payload, "run_id": run_id})
        if not reply.get("ok"):
            raise _refusal(reply)
        return page_reply(reply.get("result"), request_id)

    async def draft(self, who: Identity, run_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST runs/{id}/draft``: keep the page's draft of the waiting prompt in the kernel.

        Same access as answering. ``{"saved": false}`` when the prompt is no longer the one
        waiting (a draft racing its own answer); 400/413 for a draft the kernel will not keep.
        """
        live, row = await self._find(run_id, who, "answer")
        self._check_assignee(live, row, who)
        live, link = await self._awake(run_id, live, row)
        prompt_id, draft = body.get("prompt_id"), body.get("draft")
        if not isinstance(prompt_id, str):
            raise ApiError(400, "bad_request", "prompt_id must be the id of the waiting prompt")
        if not isinstance(draft, dict):
            raise ApiError(400, "bad_request", "draft must be a JSON object")
        if len(json.dumps(draft, separators=(",", ":"), ensure_ascii=False)) > MAX_DRAFT_BYTES:
            # Refused here rather than carried to the kernel to be refused there.
            raise ApiError(413, "too_large", f"a draft is kept up to {MAX_DRAFT_BYTES} bytes")
        reply = await link.request(
            {"type": "draft", "run_id": run_id, "prompt_id": prompt_id, "draft": draft}
        )
        if not reply.get("ok"):
            raise _refusal(reply)
        return {"saved": bool(reply.get("saved"))}

    async def stream(self, who: Identity, run_id: str) -> tuple[dict[str, Any], LiveRun | None]:
        """The run now, and the live run to follow (``None`` when it cannot change any more)."""
        live, row = await self._find(run_id, who, "read")
        if live is not None:
            return live.to_json(), None if live.done else live
        assert row is not None
        state = await self._stored(row)
        if row["hibernated"]:  # followed here, so the page sees it wake and go on
            live = self.durable.follow(dict(row), state)
            return live.to_json(), live
        if self._is_guest(row):  # a notebook's run: followed through its kernel from now on
            try:
                live, _link = await self._follow_guest(row)
            except ApiError:  # its kernel is busy or gone: the page shows what the history has
                return state, None
            return live.to_json(), live
        return state, None


def _refusal(reply: Mapping[str, Any]) -> ApiError:
    code = str(reply.get("code") or "kernel_error")
    message = str(reply.get("message") or "the kernel refused the request")
    status = {
        "not_found": 404,
        "bad_request": 400,
        "malformed": 400,
        "not_waiting": 409,
        "stale_prompt": 409,
        "busy": 409,
        "cancelled": 409,  # the run was cancelled while the answer waited for its verdict
        "interrupted": 409,
        "too_large": 413,
    }.get(code, 500)
    return ApiError(status, code, message)


def _field_errors(prompt: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not prompt:
        return []
    return [
        {"index": i, "label": c["label"], "kind": c["kind"], "message": c["error"]}
        for i, c in enumerate(prompt.get("components", []))
        if c.get("error")
    ]
