"""Scheduled actions: cron times checked at decoration, and the Scheduler with a fake clock.

The Scheduler runs against a real Store; a restart is a second Scheduler on the same file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import interval_nb as inb
from interval_nb.cron import Schedule
from interval_nb.errors import ActionDefinitionError
from interval_nb.protocol import ActionInfo
from interval_nb.server.schedules import Scheduler
from interval_nb.store import Store

PARIS = ZoneInfo("Europe/Paris")


def paris(day: int, hour: int, minute: int = 0) -> float:
    """A Unix time in March 2026, Paris time (2 March is a Monday)."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=PARIS).timestamp()


def scheduled(slug: str, *, catch_up: bool = True, cron: str = "0 9 * * MON") -> ActionInfo:
    schedule = Schedule.make(cron, tz="Europe/Paris", assignee="group:ops", catch_up=catch_up)
    return {
        "slug": slug,
        "name": slug,
        "description": None,
        "access": None,
        "registry": "tests",
        "unlisted": False,
        "schedule": schedule.info(),
    }


class Clock:
    """A clock the test moves."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Fired:
    """The fire callback: records (slug, cron time)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float]] = []

    async def __call__(self, action: ActionInfo, when: float) -> None:
        self.calls.append((action["slug"], when))


@pytest.fixture
def store(tmp_path: Path) -> Any:
    store = Store(tmp_path / "runs.sqlite")
    yield store
    store.close()


def test_cron_times_are_read_in_the_schedule_zone() -> None:
    weekly = Schedule.make("0 9 * * MON", tz="Europe/Paris")
    assert weekly.next_after(paris(2, 8)) == paris(2, 9)
    assert weekly.next_after(paris(2, 9)) == paris(9, 9)  # strictly after
    assert weekly.last_until(paris(2, 9)) == paris(2, 9)  # at or before
    assert weekly.last_until(paris(16, 10)) == paris(16, 9)
    # Across the change to summer time (29 March) 9:00 stays 9:00 in Paris.
    assert weekly.next_after(paris(28, 12)) == dt.datetime(2026, 3, 30, 9, tzinfo=PARIS).timestamp()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"schedule": "every monday"}, "not a cron expression"),
        ({"schedule": "61 * * * *"}, "not a cron expression"),
        ({"schedule": "0 9 * * MON", "schedule_tz": "Mars/Olympus"}, "not a time zone"),
        ({"schedule": "0 9 * * MON", "assignee": ""}, "assignee"),
        ({"schedule": "0 9 * * MON", "assignee": ["group:"]}, "group name"),
        ({"assignee": "carol"}, "need schedule"),
    ],
)
def test_a_bad_schedule_fails_at_decoration(options: dict[str, Any], message: str) -> None:
    actions = inb.Actions()
    with pytest.raises(ActionDefinitionError, match=message):

        @actions.action(**options)
        async def report(io: Any, ctx: Any) -> None: ...


def test_a_good_schedule_is_listed_in_the_catalog() -> None:
    from interval_nb.channels.remote import Catalog

    actions = inb.Actions()

    @actions.action(schedule="0 9 * * MON", schedule_tz="Europe/Paris", assignee="group:ops")
    async def report(io: Any, ctx: Any) -> None: ...

    @actions.action
    async def plain(io: Any, ctx: Any) -> None: ...

    catalog = Catalog()
    catalog._add("here", lambda: actions)
    info = {a["slug"]: a["schedule"] for a in catalog.info()}
    assert info == {
        "report": {
            "cron": "0 9 * * MON",
            "tz": "Europe/Paris",
            "assignee": ["group:ops"],
            "catch_up": True,
        },
        "plain": None,
    }


async def test_a_schedule_fires_once_per_time_and_never_twice_across_a_restart(
    store: Store,
) -> None:
    clock, fired = Clock(paris(2, 8)), Fired()
    weekly = [scheduled("weekly")]
    first = Scheduler(store, fired, clock=clock)
    assert await first.tick(weekly) == []  # first sight: nothing back-filled
    assert first.next_fire(weekly[0]) == paris(2, 9)

    clock.now = paris(2, 9, 1)
    assert await first.tick(weekly) == ["weekly"]
    assert await first.tick(weekly) == []
    assert fired.calls == [("weekly", paris(2, 9))]
    assert first.next_fire(weekly[0]) == paris(9, 9)

    clock.now = paris(2, 9, 2)  # the server restarts a minute later: the fire is not repeated
    second = Scheduler(store, fired, clock=clock)
    assert await second.tick(weekly) == []
    clock.now = paris(9, 9)
    assert await second.tick(weekly) == ["weekly"]
    assert fired.calls == [("weekly", paris(2, 9)), ("weekly", paris(9, 9))]


async def test_fires_missed_while_down_run_once_or_are_skipped(store: Store) -> None:
    clock, fired = Clock(paris(2, 8)), Fired()
    actions = [scheduled("catching"), scheduled("skipping", catch_up=False)]
    assert await Scheduler(store, fired, clock=clock).tick(actions) == []

    clock.now = paris(16, 10)  # down over the fires of 2, 9 and 16 March
    restarted = Scheduler(store, fired, clock=clock)
    assert await restarted.tick(actions) == ["catching"]
    assert await restarted.tick(actions) == []
    assert fired.calls == [("catching", paris(16, 9))]  # once, for the latest time

    clock.now = paris(23, 9)  # the server is up now: both fire
    assert sorted(await restarted.tick(actions)) == ["catching", "skipping"]
    assert await restarted.tick(actions) == []


async def test_two_servers_on_one_history_fire_a_time_once(store: Store, tmp_path: Path) -> None:
    clock, fired = Clock(paris(2, 8)), Fired()
    other_store = Store(tmp_path / "runs.sqlite")
    weekly = [scheduled("weekly")]
    one = Scheduler(store, fired, clock=clock)
    two = Scheduler(other_store, fired, clock=clock)
    await one.tick(weekly)
    await two.tick(weekly)
    clock.now = paris(2, 9)
    results = [await one.tick(weekly), await two.tick(weekly)]
    other_store.close()
    assert sorted(results) == [[], ["weekly"]]
    assert fired.calls == [("weekly", paris(2, 9))]


async def test_a_changed_schedule_starts_afresh(store: Store) -> None:
    clock, fired = Clock(paris(2, 8)), Fired()
    scheduler = Scheduler(store, fired, clock=clock)
    await scheduler.tick([scheduled("report")])
    clock.now = paris(16, 10)  # the schedule changed while the server was down
    daily = [scheduled("report", cron="30 10 * * *")]
    restarted = Scheduler(store, fired, clock=clock)
    assert await restarted.tick(daily) == []  # no back-fill of the new expression
    assert restarted.next_fire(daily[0]) == paris(16, 10, 30)
    clock.now = paris(16, 10, 30)
    assert await restarted.tick(daily) == ["report"]
    assert fired.calls == [("report", paris(16, 10, 30))]


def test_a_queued_run_is_claimed_or_cancelled_once(store: Store) -> None:
    from interval_nb.store import QueuedRun

    queued = QueuedRun("q1", "greet", "Greet", "alice", {"n": 1}, None, ("group:ops",), 1.0)
    store.enqueue(queued)
    row = store.get_run("q1")
    assert row is not None
    assert (row["status"], row["assignee"], row["params"]) == ("queued", ["group:ops"], {"n": 1})
    assert store.claim_queued("q1", "carol") is True
    assert store.claim_queued("q1", "carol") is False
    assert store.cancel_queued("q1", "too late") is False
    row = store.get_run("q1")
    assert row is not None and (row["status"], row["user"]) == ("running", "carol")

    store.enqueue(QueuedRun("q2", "greet", "Greet", "alice", {}, None, None, 2.0))
    assert store.cancel_queued("q2", "cancelled by alice") is True
    assert store.claim_queued("q2", "alice") is False
    assert [e["event"] for e in store.events("q2")] == ["cancelled"]
