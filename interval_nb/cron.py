"""When a scheduled action fires: its schedule, checked at decoration, and its cron times.

``@actions.action(schedule="0 9 * * MON", schedule_tz="Europe/Paris", assignee="group:ops")``
gives the action a :class:`Schedule`. The expression is read by ``croniter`` (five fields,
or six with seconds); times are taken in ``schedule_tz`` (an IANA zone, read by ``zoneinfo``)
or, without one, in the server's local zone. The server's scheduler
(``interval_nb.server.schedules``) fires the action at each time: it queues a run for the
assignee, or starts one as the server's owner when there is none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from .errors import ActionDefinitionError
from .principals import parse_principals
from .protocol import ScheduleInfo


@dataclasses.dataclass(frozen=True)
class Schedule:
    """A cron expression in a time zone, and what a fire does (see the module docstring).

    ``catch_up``: a fire missed while the server was down runs once when it starts again
    (``True``) or is skipped (``False``).
    """

    cron: str
    tz: str | None = None
    assignee: tuple[str, ...] | None = None
    catch_up: bool = True

    @classmethod
    def make(
        cls,
        cron: str,
        *,
        tz: str | None = None,
        assignee: str | Sequence[str] | None = None,
        catch_up: bool = True,
    ) -> Schedule:
        """A checked schedule: ``ActionDefinitionError`` for a bad expression or zone."""
        if not isinstance(cron, str) or not croniter.is_valid(cron.strip()):
            raise ActionDefinitionError(
                f"schedule {cron!r} is not a cron expression (e.g. schedule='0 9 * * MON')"
            )
        if tz is not None:
            try:
                ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError, TypeError):
                raise ActionDefinitionError(
                    f"schedule_tz {tz!r} is not a time zone (e.g. schedule_tz='Europe/Paris')"
                ) from None
        return cls(cron.strip(), tz, parse_principals(assignee, "assignee"), bool(catch_up))

    @classmethod
    def from_info(cls, info: ScheduleInfo) -> Schedule:
        """The schedule listed in a catalog (already checked where it was defined)."""
        assignee = info["assignee"]
        names = None if assignee is None else tuple(assignee)
        return cls(info["cron"], info["tz"], names, info["catch_up"])

    def info(self) -> ScheduleInfo:
        """As the catalog lists it."""
        return {
            "cron": self.cron,
            "tz": self.tz,
            "assignee": None if self.assignee is None else list(self.assignee),
            "catch_up": self.catch_up,
        }

    @property
    def spec(self) -> str:
        """What fixes the fire times: a changed spec starts the schedule afresh."""
        return f"{self.cron} @ {self.tz or 'local'}"

    def _at(self, timestamp: float) -> dt.datetime:
        if self.tz is None:  # naive local time: .timestamp() applies the local DST rules
            return dt.datetime.fromtimestamp(timestamp)
        return dt.datetime.fromtimestamp(timestamp, ZoneInfo(self.tz))

    def next_after(self, timestamp: float) -> float:
        """The first fire time strictly after ``timestamp`` (Unix times)."""
        found: dt.datetime = croniter(self.cron, self._at(timestamp)).get_next(dt.datetime)
        return found.timestamp()

    def last_until(self, timestamp: float) -> float:
        """The last fire time at or before ``timestamp``."""
        found: dt.datetime = croniter(self.cron, self._at(timestamp + 1)).get_prev(dt.datetime)
        if found.timestamp() > timestamp:
            found = croniter(self.cron, found).get_prev(dt.datetime)
        return found.timestamp()
