"""Read-only queries of the run history: the runs list (and inbox), notifications, a journal.

:class:`History` answers ``GET runs`` (with ``waiting_for=me``, the inbox), ``GET
notifications`` and ``GET runs/{id}/events`` from the store the kernels write, showing a run
this server follows as it is now. It changes nothing; starting, answering and cancelling runs
is :class:`~interval_nb.server.service.RunService`'s, which builds it with what it reads.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from ..protocol import RunStatus
from ..store import Store
from .access import Identity, may_answer
from .durable import Db
from .errors import ApiError
from .runs import LiveRun, iso, row_json

STATUSES = tuple(s for s in typing.get_args(RunStatus) if s != "pending")
"""The statuses the API shows (a ``pending`` run is shown ``running``)."""
INBOX_SCAN = 5000
"""Waiting runs the inbox looks through (newest first) for the ones a person may answer."""

Find = Callable[[str, Identity, str], Awaitable[tuple[LiveRun | None, dict[str, Any] | None]]]
"""``await find(run_id, who, doing)``: the live run and/or stored row; 404 if neither, 403
(audited) if ``who`` may not do ``doing`` with it."""


class History:
    """The history routes of the API, read from the store (see the module docstring)."""

    def __init__(
        self,
        *,
        store: Store | None,
        store_path: str,
        db: Db,
        live: Mapping[str, LiveRun],
        find: Find,
    ) -> None:
        self.store = store
        """The run history (``None`` when it cannot be opened)."""
        self.store_path = store_path
        """Where the history is, for the error when it cannot be opened."""
        self.db = db
        """Runs a store method off the loop: ``await db(store.method, *args)``."""
        self.live = live
        """The runs this server follows, by id: shown as they are now, not as stored."""
        self.find = find
        """The per-run access check (404 / 403) of the run routes."""

    async def runs(
        self,
        who: Identity,
        *,
        action: str | None,
        status: str | None,
        user: str | None,
        limit: int,
        offset: int,
        waiting_for_me: bool = False,
    ) -> dict[str, Any]:
        """``GET runs``: newest first, only runs of actions ``who`` may use, with the total.

        ``waiting_for_me``: only runs whose waiting prompt is ``who``'s to answer (the inbox).
        """
        if self.store is None:
            raise ApiError(
                503, "store_unavailable", f"the run history {self.store_path} cannot be opened"
            )
        if waiting_for_me:
            return await self._inbox(who, action=action, user=user, limit=limit, offset=offset)
        runs, total = await self._listed(
            who, action=action, status=status, user=user, limit=limit, offset=offset
        )
        return {"runs": runs, "total": total, "limit": limit, "offset": offset}

    async def _listed(
        self,
        who: Identity,
        *,
        action: str | None,
        status: str | None,
        user: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of the history ``who`` may see, as the API shows runs (live ones as they
        are now), and the total."""
        assert self.store is not None
        query = functools.partial(
            self.store.list_runs,
            action=action,
            status=status,
            user=user,
            principals=who.principals,
            limit=limit,
            offset=offset,
        )
        rows, total = await self.db(query)
        runs = []
        for row in rows:
            live = self.live.get(row["id"])
            runs.append(live.to_json(detail=False) if live is not None else row_json(row))
        return runs, total

    async def _inbox(
        self, who: Identity, *, action: str | None, user: str | None, limit: int, offset: int
    ) -> dict[str, Any]:
        """Waiting runs whose prompt is ``who``'s (assigned to them or a group of theirs, or
        unassigned in a run they started) and queued runs they may start, newest first."""
        mine = []
        for status in ("awaiting_input", "queued"):
            runs, _total = await self._listed(
                who, action=action, status=status, user=user, limit=INBOX_SCAN, offset=0
            )
            for run in runs:
                waits_for = {"assignees": run["assignee"]} if status == "queued" else run["prompt"]
                if run["status"] == status and may_answer(waits_for, run["user"], who):
                    mine.append(run)
        mine.sort(key=lambda r: r["created"] or "", reverse=True)
        page = mine[offset : offset + limit]
        return {"runs": page, "total": len(mine), "limit": limit, "offset": offset}

    async def notifications(self, who: Identity, *, limit: int, since: float) -> dict[str, Any]:
        """``GET notifications``: what runs sent ``who`` (``ctx.notify(to=...)``), newest first."""
        if self.store is None:
            return {"notifications": []}
        query = functools.partial(self.store.notices_for, who.principals, limit=limit, since=since)
        notes = await self.db(query)
        return {"notifications": [{**n, "time": iso(n["time"])} for n in notes]}

    async def events(self, who: Identity, run_id: str) -> dict[str, Any]:
        """``GET runs/{id}/events``: the run's journal (shown, answered, by whom, when)."""
        await self.find(run_id, who, "read")
        events: Iterable[dict[str, Any]] = []
        if self.store is not None:
            events = await self.db(self.store.events, run_id)
        return {
            "run_id": run_id,
            "events": [{**e, "time": iso(e["time"])} for e in events],
        }
