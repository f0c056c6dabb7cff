"""``GET me``: who the API takes the caller for, the same identity every other route uses.

Tokens name the users (see ``conftest.TokenUsers``); carol is in ``ops`` by the test server's
``IntervalNB.groups``; mallory is authenticated but not authorised for the API.
"""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import Api


@pytest.mark.parametrize(
    ("token", "me"),
    [
        ("alice-token", {"username": "alice", "display_name": "Alice", "groups": []}),
        ("carol-token", {"username": "carol", "display_name": "Carol", "groups": ["ops"]}),
    ],
)
async def test_me_names_the_caller_and_their_groups(
    api: Api, token: str, me: dict[str, Any]
) -> None:
    status, body = await api("GET", "me", token=token)
    assert (status, body) == (200, me)


@pytest.mark.parametrize("interval_config", [{"groups": {"ops": ["carol"], "leads": ["carol"]}}])
async def test_groups_come_sorted(api: Api) -> None:
    status, body = await api("GET", "me", token="carol-token")
    assert status == 200 and body["groups"] == ["leads", "ops"], body


async def test_me_needs_the_api_permission(api: Api) -> None:
    status, body = await api("GET", "me", token="mallory-token")
    assert status == 403, body
    status, body = await api("POST", "me", token="carol-token")
    assert (status, body["error"]["code"]) == (405, "method_not_allowed"), body


async def test_me_sets_the_xsrf_cookie_pages_outside_lab_write_with(jp_fetch: Any) -> None:
    response = await jp_fetch(
        "interval", "api", "me", headers={"Authorization": "token carol-token"}
    )
    cookies = response.headers.get_list("Set-Cookie")
    assert any(c.startswith("_xsrf=") for c in cookies), cookies
