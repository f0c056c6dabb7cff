"""Scheduled actions on the server: at each cron time, queue or start a run, at most once.

The service's watchdog calls :meth:`Scheduler.tick` with the catalog on every pass. For each
action with a schedule (:class:`~interval_nb.protocol.ScheduleInfo`), the store keeps the cron
time it last fired for (the ``schedules`` table). A pass that finds a cron time past that one
first moves the stored time forward with a compare-and-set, and fires only if that write was
its own: a restart, a slow pass or a second server sharing the history never fires one time
twice. Several times due at once fire once (for the latest). A time that fell due before this
scheduler started was missed while the server was down: it fires once with ``catch_up`` (the
default) and is skipped without. The first time a schedule is seen (or after its expression or
zone changed) nothing is back-filled: its next fire is the next cron time after now.

``clock`` (Unix seconds) is injectable so tests can move time; it is public on purpose.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from ..cron import Schedule
from ..protocol import ActionInfo
from ..store import Store

T = TypeVar("T")

Fire = Callable[[ActionInfo, float], Awaitable[None]]
"""What a due schedule does: queue or start a run of the action for that cron time."""

Db = Callable[..., Awaitable[Any]]
"""Runs a store call (``await db(fn, *args)``), e.g. on the service's store thread."""


async def _inline(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


class Scheduler:
    """Fires the scheduled actions of a catalog (see the module docstring)."""

    def __init__(
        self,
        store: Store | None,
        fire: Fire,
        *,
        clock: Callable[[], float] = time.time,
        db: Db = _inline,
        log: logging.Logger | None = None,
    ) -> None:
        self.store = store
        self.fire = fire
        self.clock: Callable[[], float] = clock
        """The time now (Unix seconds); tests replace it to move time."""
        self.started = clock()
        """Cron times up to this one fell due while this scheduler was not running."""
        self._db = db
        self._log = log or logging.getLogger("interval_nb")
        self._last: dict[str, tuple[str, float]] = {}

    async def tick(self, actions: Iterable[ActionInfo]) -> list[str]:
        """Fire every due schedule once; returns the slugs fired (for logs and tests)."""
        fired = []
        for action in actions:
            info = action.get("schedule")
            if info is None or self.store is None:
                continue
            when = await self._due(action["slug"], Schedule.from_info(info))
            if when is None:
                continue
            try:
                await self.fire(action, when)
            except Exception:
                self._log.exception("interval_nb: scheduled run of %s failed", action["slug"])
            fired.append(action["slug"])
        return fired

    async def _due(self, slug: str, schedule: Schedule) -> float | None:
        """Claim the cron time due now, if any and if it should fire; ``None`` otherwise."""
        assert self.store is not None
        now = self.clock()
        state = await self._db(self.store.schedule_state, slug)
        if state is None or state[0] != schedule.spec:  # first sight: no back-fill
            if await self._db(self.store.set_schedule, slug, schedule.spec, now, state):
                self._last[slug] = (schedule.spec, now)
            return None
        self._last[slug] = state
        if schedule.next_after(state[1]) > now:
            return None
        latest = schedule.last_until(now)
        if not await self._db(self.store.set_schedule, slug, schedule.spec, latest, state):
            return None  # another pass or server took it
        self._last[slug] = (schedule.spec, latest)
        missed = latest <= self.started
        if missed and not schedule.catch_up:
            self._log.info("interval_nb: skipped the missed scheduled run of %s", slug)
            return None
        return latest

    def next_fire(self, action: ActionInfo) -> float | None:
        """When the action fires next (Unix time), as this scheduler last saw its schedule."""
        info = action.get("schedule")
        if info is None:
            return None
        schedule = Schedule.from_info(info)
        seen = self._last.get(action["slug"])
        after = seen[1] if seen is not None and seen[0] == schedule.spec else self.clock()
        return schedule.next_after(after)

    async def observe(self, actions: Iterable[ActionInfo]) -> None:
        """Record the first sight of new schedules now (so ``next_fire`` is fixed)."""
        if self.store is None:
            return
        for action in actions:
            info = action.get("schedule")
            if info is None or action["slug"] in self._last:
                continue
            schedule = Schedule.from_info(info)
            state = await self._db(self.store.schedule_state, action["slug"])
            if state is None or state[0] != schedule.spec:
                now = self.clock()
                if await self._db(
                    self.store.set_schedule, action["slug"], schedule.spec, now, state
                ):
                    state = (schedule.spec, now)
                else:
                    state = await self._db(self.store.schedule_state, action["slug"])
            if state is not None:
                self._last[action["slug"]] = state
