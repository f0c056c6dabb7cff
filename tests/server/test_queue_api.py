"""Queued and scheduled runs over the API: queue, the inbox, start once, cancel.

alice, bob and carol speak through their tokens (``conftest.TokenUsers``); carol is in
``group:ops`` by the test server's ``IntervalNB.groups``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from interval_nb import store as store_module
from interval_nb.runtime.context import User

from .helpers import Api
from .test_api import answer
from .test_handoff import inbox

pytestmark = pytest.mark.kernel


async def queue(
    api: Api, slug: str, assignee: Any = None, token: str = "alice-token", **params: Any
) -> dict[str, Any]:
    status, body = await api(
        "POST",
        "actions",
        slug,
        "queue",
        body={"params": params, "assignee": assignee},
        token=token,
    )
    assert status == 201, body
    return body["run"]  # type: ignore[no-any-return]


async def start_queued(api: Api, run_id: str, token: str) -> tuple[int, Any]:
    return await api("POST", "runs", run_id, "start", token=token)  # type: ignore[no-any-return]


async def test_a_queued_run_waits_for_its_assignee_and_runs_once_as_them(api: Api) -> None:
    queued = await queue(api, "greet", "group:ops")
    assert (queued["status"], queued["user"], queued["prompt"]) == ("queued", "alice", None)
    assert queued["assignee"] == ["group:ops"]
    assert await inbox(api, "carol-token") == [queued["id"]]
    assert await inbox(api, "alice-token") == []  # assigned to ops, not to whoever queued it
    status, page = await api("GET", "runs", params={"status": "queued"})
    assert status == 200 and [r["id"] for r in page["runs"]] == [queued["id"]]

    status, body = await start_queued(api, queued["id"], "bob-token")
    assert (status, body["error"]["code"]) == (403, "not_assignee"), body
    status, body = await answer(api, {"id": queued["id"], "prompt": {"id": "x"}}, ["Carol"])
    assert (status, body["error"]["code"]) == (409, "not_waiting"), body

    status, body = await start_queued(api, queued["id"], "carol-token")
    assert status == 200, body
    run = body["run"]
    assert (run["id"], run["status"], run["user"]) == (queued["id"], "awaiting_input", "carol")
    assert await inbox(api, "carol-token") == [queued["id"]]  # now her prompt to answer
    status, body = await start_queued(api, queued["id"], "carol-token")
    assert (status, body["error"]["code"]) == (409, "not_queued"), body

    status, body = await answer(api, run, ["Carol"], token="carol-token")
    assert status == 200 and body["run"]["result"] == "Hello, Carol! (run by carol)", body
    status, journal = await api("GET", "runs", queued["id"], "events")
    assert next(e["event"] for e in journal["events"]) == "started"


async def test_two_concurrent_starts_run_it_once(api: Api) -> None:
    queued = await queue(api, "greet", ["carol", "bob"])
    results = await asyncio.gather(
        start_queued(api, queued["id"], "carol-token"),
        start_queued(api, queued["id"], "bob-token"),
    )
    statuses = sorted(status for status, _body in results)
    assert statuses == [200, 409], results
    refused = next(body for status, body in results if status == 409)
    assert refused["error"]["code"] == "not_queued"
    _status, page = await api("GET", "runs", params={"action": "greet"})
    assert [r["id"] for r in page["runs"]] == [queued["id"]]  # one run, not two


async def test_a_queued_run_is_cancelled_before_it_starts(api: Api) -> None:
    queued = await queue(api, "greet")  # no assignee: whoever queued it starts it
    assert await inbox(api, "alice-token") == [queued["id"]]
    assert await inbox(api, "carol-token") == []
    status, body = await api("POST", "runs", queued["id"], "cancel")
    assert status == 200 and body["run"]["status"] == "cancelled", body
    status, body = await start_queued(api, queued["id"], "alice-token")
    assert (status, body["error"]["code"]) == (409, "not_queued"), body
    status, journal = await api("GET", "runs", queued["id"], "events")
    assert [(e["event"], e["reason"]) for e in journal["events"]] == [
        ("cancelled", "cancelled by alice")
    ]
    assert await inbox(api, "alice-token") == []


@pytest.mark.parametrize(
    ("slug", "body", "token", "expected"),
    [
        ("refund", {"assignee": "carol"}, "bob-token", (403, "forbidden")),
        ("nowhere", {}, "alice-token", (404, "not_found")),
        ("greet", {"assignee": 7}, "alice-token", (400, "bad_request")),
        ("greet", {"assignee": ["group:"]}, "alice-token", (400, "bad_request")),
        ("greet", {"assignee": [f"u{i}" for i in range(101)]}, "alice-token", (400, "bad_request")),
        ("greet", {"assignee": "x" * 201}, "alice-token", (400, "bad_request")),
        ("greet", {"params": [1]}, "alice-token", (400, "bad_request")),
    ],
)
async def test_queueing_is_checked(
    api: Api, slug: str, body: dict[str, Any], token: str, expected: tuple[int, str]
) -> None:
    status, reply = await api("POST", "actions", slug, "queue", body=body, token=token)
    assert (status, reply["error"]["code"]) == expected, reply


async def test_a_run_enqueued_in_python_is_listed_and_started_through_the_server(
    api: Api, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from . import sample_actions

    await api("GET", "actions")  # the server has opened (and created) the history
    monkeypatch.setenv(store_module.ENV_STORE, str(store_path))
    run_id = sample_actions.actions.enqueue("greet", params={"n": 1}, assignee="carol")
    status, body = await api("GET", "runs", run_id, token="carol-token")
    assert status == 200 and body["run"]["status"] == "queued", body
    assert body["run"]["params"] == {"n": 1}
    assert await inbox(api, "carol-token") == [run_id]
    status, body = await start_queued(api, run_id, "carol-token")
    assert status == 200 and body["run"]["status"] == "awaiting_input", body


async def test_a_due_schedule_queues_a_run_in_the_assignees_inbox(
    api: Api, jp_serverapp: Any
) -> None:
    service = jp_serverapp.web_app.settings["interval_nb"].service
    status, listing = await api("GET", "actions")
    assert status == 200
    weekly = next(a for a in listing["actions"] if a["slug"] == "weekly_report")
    assert weekly["schedule"] == {
        "cron": "0 9 * * MON",
        "tz": "Europe/Paris",
        "assignee": ["group:ops"],
        "catch_up": True,
    }
    next_fire = dt.datetime.fromisoformat(weekly["next_fire"])
    assert next_fire.tzinfo is not None and next_fire.utcoffset() == dt.timedelta(0)
    assert next(a for a in listing["actions"] if a["slug"] == "greet")["schedule"] is None
    assert await inbox(api, "carol-token") == []

    nightly = next(a for a in listing["actions"] if a["slug"] == "nightly")
    due = max(next_fire, dt.datetime.fromisoformat(nightly["next_fire"])).timestamp() + 1
    service.scheduler.clock = lambda: due  # the watchdog's next pass finds it due
    for _ in range(300):  # the watchdog passes every 0.2 s (kernel_check_interval)
        waiting = await inbox(api, "carol-token")
        if waiting:
            break
        await asyncio.sleep(0.05)
    assert len(waiting) == 1
    status, body = await api("GET", "runs", waiting[0], token="carol-token")
    run = body["run"]
    assert (run["action"], run["status"]) == ("weekly_report", "queued")
    catalog, _errors = await service.catalog()
    assert await service.scheduler.tick(catalog) == []  # a further pass: not fired twice
    status, page = await api("GET", "runs", params={"action": "weekly_report"})
    assert page["total"] == 1
    status, listing = await api("GET", "actions")
    weekly = next(a for a in listing["actions"] if a["slug"] == "weekly_report")
    assert dt.datetime.fromisoformat(weekly["next_fire"]) == next_fire + dt.timedelta(days=7)

    # nightly (3:00 every day, no assignee) fell due too: the server started it as its owner.
    for _ in range(300):
        status, page = await api("GET", "runs", params={"action": "nightly"})
        if page["runs"] and page["runs"][0]["status"] == "completed":
            break
        await asyncio.sleep(0.05)
    owner = User.current().username
    assert [(r["status"], r["user"]) for r in page["runs"]] == [("completed", owner)]
    status, body = await api("GET", "runs", page["runs"][0]["id"])
    assert body["run"]["result"] == f"cleaned up for {owner}"
