"""Handing a prompt to someone else: ``.assign_to()``, 403 for anyone else, and the inbox.

alice starts ``approval``; its second prompt is assigned to ``group:ops`` (carol, by the
test server's ``IntervalNB.groups``). Tokens name the users (see ``conftest.TokenUsers``).
"""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import Api
from .test_api import answer, start

pytestmark = pytest.mark.kernel


async def inbox(api: Api, token: str) -> list[str]:
    """The ids of the runs waiting for the token's user."""
    status, page = await api("GET", "runs", token=token, params={"waiting_for": "me"})
    assert status == 200, page
    assert page["total"] == len(page["runs"])
    return [r["id"] for r in page["runs"]]


async def test_an_assigned_prompt_is_answered_by_its_assignee_only(api: Api) -> None:
    run = await start(api, "approval")
    assert await inbox(api, "alice-token") == [run["id"]]  # unassigned: the starter's
    status, body = await answer(api, run, [7])
    assert status == 200, body
    asking = body["run"]
    assert asking["prompt"]["assignees"] == ["group:ops"]
    assert await inbox(api, "alice-token") == []
    assert await inbox(api, "carol-token") == [run["id"]]
    assert await inbox(api, "bob-token") == []

    for token in ("alice-token", "bob-token"):
        status, body = await answer(api, asking, [True], token=token)
        assert (status, body["error"]["code"]) == (403, "not_assignee"), body
        assert body["error"]["message"] == "this prompt waits for group:ops"
        status, body = await api(
            "POST",
            "runs",
            run["id"],
            "draft",
            body={"prompt_id": asking["prompt"]["id"], "draft": {"values": [True]}},
            token=token,
        )
        assert (status, body["error"]["code"]) == (403, "not_assignee"), body

    status, body = await answer(api, asking, [True], token="carol-token")
    assert status == 200, body
    note = body["run"]
    assert "assignees" not in note["prompt"]  # the next prompt goes back to alice
    assert await inbox(api, "alice-token") == [run["id"]]
    assert await inbox(api, "carol-token") == []
    status, body = await answer(api, note, ["thanks"])
    assert status == 200 and body["run"]["result"] == {
        "amount": 7,
        "approved": True,
        "note": "thanks",
    }, body
    status, journal = await api("GET", "runs", run["id"], "events")
    answered = [e["by"] for e in journal["events"] if e["event"] == "answered"]
    assert answered == ["alice", "carol", "alice"]


@pytest.mark.parametrize("value", ["you", "", "ME"])
async def test_the_inbox_takes_only_me(api: Api, value: str) -> None:
    status, body = await api("GET", "runs", params={"waiting_for": value})
    assert (status, body["error"]["code"]) == (400, "bad_request"), body


def test_assign_to_needs_names() -> None:
    import interval_nb as inb
    from interval_nb.errors import ActionDefinitionError

    for bad in ((), ("",), ("group:",), (3,)):
        with pytest.raises(ActionDefinitionError, match="assign_to"):
            inb.io.input.text("x").assign_to(*bad)  # type: ignore[arg-type]
    prompt: Any = inb.io.group(a=inb.io.input.text("A")).assign_to("bob", " group:ops ")
    assert prompt.assignees == ("bob", "group:ops")
    assert prompt.spec("p1")["assignees"] == ["bob", "group:ops"]
