"""Queued runs: a run waiting, with no kernel, for one of its assignees to start it.

``POST actions/{slug}/queue`` (and a schedule with an ``assignee``, and ``actions.enqueue()``
in Python) writes a history row in status ``queued``. It shows in the inbox of its assignees
(or of whoever queued it, when it names none); ``POST runs/{id}/start`` claims it with a
compare-and-set in the store, so it starts at most once, then starts it in the actions kernel
under the same id. ``POST runs/{id}/cancel`` cancels it while it is still queued.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any

from ..errors import ActionDefinitionError
from ..principals import parse_principals
from ..protocol import ActionInfo
from ..store import QueuedRun
from .access import Identity, may_answer
from .errors import ApiError
from .events import Audit


def queued_run(
    action: ActionInfo, who: Identity, params: Mapping[str, Any], assignee: Any
) -> QueuedRun:
    """The row of a new queued run of ``action`` queued by ``who`` (400 for a bad assignee)."""
    try:
        names = parse_principals(assignee, "assignee")
    except ActionDefinitionError as exc:
        raise ApiError(400, "bad_request", str(exc)) from None
    return QueuedRun(
        id=uuid.uuid4().hex[:12],
        action=action["slug"],
        title=action["name"],
        user=who.username,
        params=dict(params),
        access=action["access"],
        assignee=names,
        created=time.time(),
    )


def check_starter(row: Mapping[str, Any], who: Identity, audit: Audit) -> None:
    """403 ``not_assignee`` unless ``who`` may start the queued run ``row``."""
    assignee = row.get("assignee")
    if may_answer({"assignees": assignee}, str(row["user"]), who):
        return
    audit.emit("deny", who.username, status="start", slug=row["action"], run_id=row["id"])
    names = ", ".join(assignee or [row["user"]])
    raise ApiError(
        403,
        "not_assignee",
        f"this run waits for {names} to start it",
        assignees=list(assignee or [row["user"]]),
    )


def not_queued(status: str) -> ApiError:
    """409 ``not_queued``: the run was started (or cancelled) already."""
    return ApiError(
        409, "not_queued", f"the run is not queued any more ({status or 'unknown'})", status=status
    )
