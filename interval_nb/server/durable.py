"""Durable runs on the server: waiting runs leave their kernel, and come back by replay.

A run waiting for an answer needs nothing of its kernel that its journal does not hold, so:

- when the actions kernel is lost (SIGKILL, ``DELETE /api/kernels/{id}``, a cull, the
  restarter) or the server stops, its waiting runs are **hibernated** instead of
  interrupted: the history row keeps status ``awaiting_input``, the pending prompt and
  ``hibernated = 1``;
- a run that has waited ``hibernate_after`` seconds is let go by its kernel the same way
  (:meth:`Durability.hibernate_idle`), so an idle run costs no kernel memory and keeps no
  kernel alive;
- the first request that needs a kernel (an answer, a cancel, a draft, a table page)
  **wakes** the run (:meth:`Durability.wake`): a kernel rebuilds it from the journal
  (``resume`` on the kernel channel), the replay answers every prompt answered before, and
  the run waits again on the same prompt id. ``GET runs/{id}`` never needs a kernel.

Waking is lazy: nothing runs for a hibernated run until somebody acts on it. Claiming a
hibernated run in the history is the lease: when two servers share one history, exactly one
wakes each run (:meth:`~interval_nb.store.Store.claim_hibernated`).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from ..runtime.recording import Recording
from ..store import Store
from .errors import ApiError
from .kernels import KernelPool
from .link import KernelLink
from .runs import LOG_TAIL, LiveRun, journal_detail

T = TypeVar("T")

HIBERNATE_PER_PASS = 500
"""Most runs one watchdog pass lets go (10,000 due runs take a score of passes)."""
HIBERNATE_AT_ONCE = 16
"""Runs let go concurrently: their kernel requests and history writes overlap."""

Db = Callable[..., Awaitable[Any]]
"""Runs a store method off the loop: ``await db(store.method, *args)``."""


class Durability:
    """Hibernates waiting runs and wakes them by replay, for one :class:`RunService`."""

    def __init__(
        self,
        *,
        store: Store | None,
        db: Db,
        pool: KernelPool,
        runs: OrderedDict[str, LiveRun],
        hibernate_after: float,
        wake_timeout: float,
        finished: Callable[[LiveRun], None],
    ) -> None:
        self.store = store
        self.db = db
        self.pool = pool
        self.runs = runs
        self.hibernate_after = hibernate_after
        self.wake_timeout = wake_timeout
        self.finished = finished
        self._waking: dict[str, asyncio.Future[tuple[LiveRun, KernelLink]]] = {}
        self._stay_awake: set[str] = set()
        """Runs their kernel keeps: their journal cannot rebuild them."""

    # -- going to sleep ------------------------------------------------------------------
    def let_go(self, lives: list[LiveRun]) -> tuple[list[LiveRun], list[LiveRun]]:
        """Their kernel is gone: the waiting ones of ``lives`` hibernate (in memory; then call
        :meth:`record`). Returns ``(hibernated, others)``; the others cannot be replayed."""
        waiting = [
            live for live in lives if live.status == "awaiting_input" and live.source == "api"
        ]
        for live in waiting:
            live.waking = False
            live.transition = asyncio.get_running_loop().create_future()
            live.hibernate()
        return waiting, [live for live in lives if live not in waiting]

    async def record(self, hibernated: list[LiveRun], reason: str) -> None:
        """Write what :meth:`let_go` did to the history.

        A run whose journal cannot rebuild it (past a secret or a file) is ``interrupted``
        instead, saying why, rather than shown waiting on a prompt no answer could continue.
        """
        for live in hibernated:
            try:
                if self.store is not None:
                    await self._write_sleep(live, reason)
                self._forget_if_unwatched(live)
            finally:
                _settle(live)

    async def _write_sleep(self, live: LiveRun, reason: str) -> None:
        assert self.store is not None
        blocked = await self._blocker(live.id)
        if blocked is None:
            await self.db(self.store.hibernate, [live.id], reason)
            return
        why = f"{reason}, and the run cannot be rebuilt: {blocked}"
        live.hibernated = False
        live.interrupt(why)
        await self.db(self.store.mark_interrupted, [live.id], why)

    async def _blocker(self, run_id: str) -> str | None:
        """Why the run's journal in the history cannot rebuild it (``None``: it can)."""
        assert self.store is not None
        row = await self.db(self.store.get_run, run_id)
        if row is None:
            return "it is not in the run history"
        events = await self.db(self.store.events, run_id)
        return Recording.from_store(row, events).blocked

    async def hibernate_idle(self) -> None:
        """Let go of runs that have waited ``hibernate_after`` seconds (0: never)."""
        if self.hibernate_after <= 0 or self.store is None:
            return
        cutoff = time.time() - self.hibernate_after
        due = []
        for live in list(self.runs.values()):
            if (
                live.status == "awaiting_input"
                and live.source == "api"
                and live.link is not None
                and live.link.alive
                and not live.waking
                and live.waiting_since <= cutoff
                and live.id not in self._stay_awake
            ):
                due.append(live)
        # A bounded share per watchdog pass, a few at a time: the pass also checks kernels.
        due = due[:HIBERNATE_PER_PASS]
        for start in range(0, len(due), HIBERNATE_AT_ONCE):
            batch = due[start : start + HIBERNATE_AT_ONCE]
            await asyncio.gather(*(self._hibernate(live, live.link) for live in batch if live.link))

    async def _hibernate(self, live: LiveRun, link: KernelLink) -> None:
        assert self.store is not None
        live.transition = asyncio.get_running_loop().create_future()
        try:
            try:
                reply = await link.request({"type": "hibernate", "run_id": live.id})
            except ApiError:
                return  # the kernel is busy or gone: the next pass (or the loss) handles it
            if not reply.get("ok"):
                if reply.get("code") == "not_replayable":  # past a secret or a file: keep it
                    self._stay_awake.add(live.id)
                return  # or it stopped waiting meanwhile
            reason = f"waited over {self.hibernate_after:g} s"
            await self.db(self.store.hibernate, [live.id], reason)
            live.hibernate()  # after the history says so: a wake can claim it from now on
            self._forget_if_unwatched(live)
            await self.pool.release(link, live.id)
        finally:
            _settle(live)

    def _forget_if_unwatched(self, live: LiveRun) -> None:
        """A hibernated run nobody follows lives only in the history."""
        if not live.listeners and self.runs.get(live.id) is live:
            del self.runs[live.id]

    # -- waking --------------------------------------------------------------------------
    def follow(self, row: dict[str, Any], detail: dict[str, Any]) -> LiveRun:
        """A hibernated run from the history, kept here while somebody follows it."""
        live = self.runs.get(row["id"])
        if live is None:
            live = LiveRun.from_row(row, detail, row["access"])
            self.runs[live.id] = live
        return live

    async def wake(
        self, run_id: str, live: LiveRun | None, row: dict[str, Any] | None
    ) -> tuple[LiveRun, KernelLink]:
        """The run back in a kernel, waiting on its prompt again (one wake per run at once)."""
        waking = self._waking.get(run_id)
        if waking is None:
            waking = asyncio.ensure_future(self._wake(run_id, live, row))
            self._waking[run_id] = waking
            waking.add_done_callback(lambda _done: self._waking.pop(run_id, None))
        return await asyncio.shield(waking)

    async def _wake(
        self, run_id: str, live: LiveRun | None, row: dict[str, Any] | None
    ) -> tuple[LiveRun, KernelLink]:
        if self.store is None:
            raise ApiError(503, "store_unavailable", "the run history cannot be opened")
        if not await self.db(self.store.claim_hibernated, run_id):
            raise ApiError(
                409, "not_here", "the run is no longer hibernated here (another server woke it)"
            )
        if live is None:
            live = await self._from_history(run_id, row)
        self.runs[run_id] = live  # (forgotten when it went to sleep with nobody following)
        link = await self.pool.for_run()
        link.runs.add(run_id)
        live.rebind(link)
        try:
            await self._replay(live, link)
        except BaseException:
            live.waking = False
            live.link = None
            await self.db(self.store.hibernate, [run_id], "its wake failed")
            await self.pool.release(link, run_id)
            raise
        if live.done:
            self.finished(live)
        return live, link

    async def _from_history(self, run_id: str, row: dict[str, Any] | None) -> LiveRun:
        assert self.store is not None
        if row is None:
            row = await self.db(self.store.get_run, run_id)
            if row is None:
                raise ApiError(404, "not_found", f"no run {run_id!r}")
        events = await self.db(self.store.view_events, run_id, LOG_TAIL)
        return self.follow(row, journal_detail(run_id, events))

    async def _replay(self, live: LiveRun, link: KernelLink) -> None:
        """Ask ``link``'s kernel to replay the run; return once it waits again or ended."""
        reply = await link.request({"type": "resume", "run_id": live.id})
        if not reply.get("ok"):
            raise ApiError(
                500, "wake_failed", str(reply.get("message") or "the kernel cannot resume it")
            )
        await live.until(
            lambda r: r.replay_status not in ("running", "pending") or not link.alive,
            self.wake_timeout,
        )
        if not link.alive:
            raise ApiError(503, "kernel_lost", "the kernel was lost while the run was waking")
        state = await link.request({"type": "state", "run_id": live.id})
        if not state.get("ok"):
            raise ApiError(500, "wake_failed", str(state.get("message")))
        live.woke(state["run"])


def _settle(live: LiveRun) -> None:
    """The run's transition to sleep is over: requests waiting for it go on."""
    transition, live.transition = live.transition, None
    if transition is not None and not transition.done():
        transition.set_result(None)
