"""On a real JupyterHub: bob (ops) asks for a refund on alice's shared server, carol (managers)
approves it from her inbox, bob finishes it; the history says who answered each prompt.

Identity comes from the hub: the server extension reads each visitor's name and groups from
the hub's user model (no ``IntervalNB.groups`` configured), and the action's ``access`` and
the prompt's ``assign_to("group:managers")`` use it.
"""

from __future__ import annotations

import pytest

from .conftest import Hub

pytestmark = [pytest.mark.slow, pytest.mark.kernel]


def inbox(hub: Hub, user: str) -> list[str]:
    status, page = hub.interval("GET", "runs?waiting_for=me", user)
    assert status == 200, page
    return [r["id"] for r in page["runs"]]


def answer(hub: Hub, run: dict, user: str, *values: object) -> tuple[int, dict]:
    body = {"prompt_id": run["prompt"]["id"], "values": list(values), "choice": None}
    return hub.interval("POST", f"runs/{run['id']}/answer", user, body)


def test_a_refund_handed_from_ops_to_managers_on_a_shared_server(hub: Hub) -> None:
    status, listing = hub.interval("GET", "actions", "bob")
    assert status == 200 and [a["slug"] for a in listing["actions"]] == ["refund"], listing
    status, body = hub.interval("POST", "actions/refund/runs", "bob", {"params": {}})
    assert status == 201, body
    run = body["run"]
    assert run["user"] == "bob"
    assert inbox(hub, "bob") == [run["id"]]

    status, body = answer(hub, run, "bob", 120)
    assert status == 200, body
    approval = body["run"]
    assert approval["prompt"]["assignees"] == ["group:managers"]
    assert inbox(hub, "bob") == [] and inbox(hub, "carol") == [run["id"]]
    status, body = answer(hub, approval, "bob", True)
    assert (status, body["error"]["code"]) == (403, "not_assignee"), body

    status, body = answer(hub, approval, "carol", True)
    assert status == 200, body
    note = body["run"]
    assert inbox(hub, "bob") == [run["id"]] and inbox(hub, "carol") == []
    status, body = answer(hub, note, "bob", "Approved by your manager")
    assert status == 200 and body["run"]["status"] == "completed", body
    assert body["run"]["result"] == {
        "amount": 120,
        "approved": True,
        "note": "Approved by your manager",
        "by": "bob",
    }
    status, journal = hub.interval("GET", f"runs/{run['id']}/events", "alice")
    assert status == 200, journal
    by = [(e["event"], e.get("by")) for e in journal["events"] if e["event"] == "answered"]
    assert by == [("answered", "bob"), ("answered", "carol"), ("answered", "bob")]


def test_a_user_the_server_is_not_shared_with_gets_nothing(hub: Hub) -> None:
    status, _ = hub.interval("GET", "actions", "dave")
    assert status == 403
