"""``ctx.notify(..., to=...)`` reaches the people named: ``GET notifications``.

alice starts ``heads_up``, which notifies ``group:ops`` (carol, by the test server's groups) and
bob, then waits. Tokens name the users (see ``conftest.TokenUsers``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from .helpers import Api
from .test_api import start

pytestmark = pytest.mark.kernel


async def notes(api: Api, token: str, **params: Any) -> list[dict[str, Any]]:
    """The caller's notifications."""
    status, body = await api("GET", "notifications", token=token, params=params or None)
    assert status == 200, body
    return list(body["notifications"])


async def arrived(api: Api, token: str) -> list[dict[str, Any]]:
    """The caller's notifications once there are any (the kernel journals them as it goes)."""
    deadline = asyncio.get_running_loop().time() + 30
    while not (found := await notes(api, token)):
        assert asyncio.get_running_loop().time() < deadline, "no notification arrived"
        await asyncio.sleep(0.05)
    return found


async def test_a_notification_reaches_the_people_and_groups_named(api: Api) -> None:
    run = await start(api, "heads_up", token="alice-token")
    assert run["status"] == "awaiting_input", run
    await arrived(api, "carol-token")

    for token in ("carol-token", "bob-token"):  # carol through group:ops, bob by name
        (note,) = await notes(api, token)
        assert note["run_id"] == run["id"] and note["action"] == "heads_up"
        assert (note["message"], note["title"]) == ("Refund 42 needs a look", "Refunds")
        assert note["to"] == ["group:ops", "bob"] and note["user"] == "alice"
        assert note["run_title"] == run["title"] and note["time"].endswith("+00:00")
    assert await notes(api, "alice-token") == []  # not addressed: the run's view only

    (note,) = await notes(api, "carol-token")
    assert await notes(api, "carol-token", since=note["time"]) == []  # news since: none
    status, body = await api("GET", "runs", run["id"], token="alice-token")
    assert status == 200, body
    sent = [n for n in body["run"]["notifications"] if n.get("to")]
    assert [n["message"] for n in sent] == ["Refund 42 needs a look"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "yesterday"}, "since must be an ISO 8601 time"),
        ({"limit": "0"}, "limit must be between 1 and 200"),
        ({"limit": "many"}, "limit must be an integer"),
    ],
)
async def test_bad_queries_get_a_clear_400(api: Api, params: dict[str, str], message: str) -> None:
    status, body = await api("GET", "notifications", token="carol-token", params=params)
    assert (status, body["error"]["message"]) == (400, message), body


async def test_notifications_need_the_api_permission(api: Api) -> None:
    status, body = await api("GET", "notifications", token="mallory-token")
    assert status == 403, body
