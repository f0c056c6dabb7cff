"""``POST runs/{id}/draft``: the page's unsubmitted state of the waiting prompt, kept by the
actions kernel and given back in ``GET runs/{id}`` and the stream; never in the history."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from .helpers import Api

pytestmark = pytest.mark.kernel

MARKER = "ana-draft-7f3e"
"""A value typed into a draft only: it must never reach the history."""


async def start(api: Api, slug: str, token: str | None = None) -> dict[str, Any]:
    status, body = await api("POST", "actions", slug, "runs", body={"params": {}}, token=token)
    assert status == 201, body
    return body["run"]  # type: ignore[no-any-return]


async def save(
    api: Api, run_id: str, body: Any, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    return await api("POST", "runs", run_id, "draft", body=body, token=token)  # type: ignore[no-any-return]


def draft(email: str, amount: str, rev: str = "r1") -> dict[str, Any]:
    return {"rev": rev, "components": [{"value": email}, {"value": amount}]}


async def next_prompt_update(ws: Any) -> dict[str, Any]:
    """The next stream update that carries a prompt."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.read_message(), 10))
        if message.get("type") == "update" and "prompt" in message:
            return message


async def test_a_draft_round_trips_through_the_kernel(api: Api, jp_ws_fetch: Any) -> None:
    run = await start(api, "refund")
    prompt_id = run["prompt"]["id"]
    assert "draft" not in run["prompt"]
    ws = await jp_ws_fetch("interval", "api", "runs", run["id"], "stream")
    assert json.loads(await ws.read_message())["type"] == "state"

    status, body = await save(api, run["id"], {"prompt_id": prompt_id, "draft": draft(MARKER, "4")})
    assert (status, body) == (200, {"saved": True})
    # another tab following the run hears of it at once, with the prompt it belongs to
    update = await next_prompt_update(ws)
    assert update["prompt"]["id"] == prompt_id
    assert update["prompt"]["draft"] == draft(MARKER, "4")
    # a reload (GET) and a new tab (the stream's first message) draw it too
    status, got = await api("GET", "runs", run["id"])
    assert got["run"]["prompt"]["draft"] == draft(MARKER, "4")
    ws2 = await jp_ws_fetch("interval", "api", "runs", run["id"], "stream")
    state = json.loads(await ws2.read_message())
    assert state["run"]["prompt"]["draft"] == draft(MARKER, "4")
    ws2.close()

    # a later draft replaces it
    status, body = await save(
        api, run["id"], {"prompt_id": prompt_id, "draft": draft(MARKER, "5", "r2")}
    )
    assert status == 200
    assert (await next_prompt_update(ws))["prompt"]["draft"]["rev"] == "r2"
    ws.close()

    # a draft for a prompt that is not the waiting one is ignored, not an error
    status, body = await save(api, run["id"], {"prompt_id": "stale", "draft": draft("x", "1")})
    assert (status, body) == (200, {"saved": False})
    status, got = await api("GET", "runs", run["id"])
    assert got["run"]["prompt"]["draft"]["rev"] == "r2"

    # answered: the next prompt starts clean, and the old prompt's draft stays gone
    status, body = await api(
        "POST",
        "runs",
        run["id"],
        "answer",
        body={"prompt_id": prompt_id, "values": ["ana@example.com", 5], "choice": None},
    )
    assert status == 200, body
    assert body["run"]["prompt"]["id"] != prompt_id
    assert "draft" not in body["run"]["prompt"]
    status, body = await save(api, run["id"], {"prompt_id": prompt_id, "draft": draft("x", "1")})
    assert (status, body) == (200, {"saved": False})

    await api("POST", "runs", run["id"], "cancel")
    status, body = await save(api, run["id"], {"prompt_id": prompt_id, "draft": draft("x", "1")})
    assert (status, body["error"]["code"]) == (409, "not_waiting")


async def test_drafts_never_reach_the_history(api: Api, store_path: Path) -> None:
    run = await start(api, "greet")
    prompt_id = run["prompt"]["id"]
    for rev in ("r1", "r2", "r3"):
        body = {"prompt_id": prompt_id, "draft": {"rev": rev, "components": [{"value": MARKER}]}}
        assert (await save(api, run["id"], body))[0] == 200
    _status, body = await api(
        "POST",
        "runs",
        run["id"],
        "answer",
        body={"prompt_id": prompt_id, "values": ["Ada"], "choice": None},
    )
    assert body["run"]["status"] == "completed"
    _, journal = await api("GET", "runs", run["id"], "events")
    assert [e["event"] for e in journal["events"]] == [
        "started",
        "prompt_shown",
        "answered",
        "completed",
    ]
    db = sqlite3.connect(store_path)
    try:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        dump = json.dumps([list(db.execute(f"SELECT * FROM {table}")) for table in tables])
    finally:
        db.close()
    assert run["id"] in dump  # the run is there…
    assert MARKER not in dump and '"draft"' not in dump  # …its drafts are not


async def test_bad_drafts_get_a_clear_4xx_and_lose_nothing(api: Api) -> None:
    run = await start(api, "refund")
    prompt_id = run["prompt"]["id"]
    assert (await save(api, run["id"], {"prompt_id": prompt_id, "draft": draft("a@b.c", "2")}))[
        0
    ] == 200
    cases: list[tuple[Any, int, str]] = [
        ({"draft": draft("x", "1")}, 400, "bad_request"),  # no prompt id
        ({"prompt_id": 3, "draft": draft("x", "1")}, 400, "bad_request"),
        ({"prompt_id": prompt_id}, 400, "bad_request"),  # no draft
        ({"prompt_id": prompt_id, "draft": ["a", "list"]}, 400, "bad_request"),
        (
            {"prompt_id": prompt_id, "draft": {"values": []}},
            400,
            "bad_request",
        ),  # checked in the kernel
        ({"prompt_id": prompt_id, "draft": {"components": [None, None, None]}}, 400, "bad_request"),
        (
            {"prompt_id": prompt_id, "draft": {"components": [{"value": "x" * 70_000}]}},
            413,
            "too_large",
        ),
    ]
    for body, code, error in cases:
        status, reply = await save(api, run["id"], body)
        assert (status, reply["error"]["code"]) == (code, error), body
        assert reply["error"]["message"]
    status, reply = await api("POST", "runs", run["id"], "draft", raw=b"[1, 2")
    assert (status, reply["error"]["code"]) == (400, "bad_request")
    # the draft kept before is still the one every view gets; the run still waits
    status, got = await api("GET", "runs", run["id"])
    assert got["run"]["status"] == "awaiting_input"
    assert got["run"]["prompt"]["draft"] == draft("a@b.c", "2")
    await api("POST", "runs", run["id"], "cancel")


async def test_drafts_follow_the_access_rules_of_answering(api: Api) -> None:
    run = await start(api, "refund")  # access: alice and group:ops
    body = {"prompt_id": run["prompt"]["id"], "draft": draft("x@y.z", "1")}
    status, reply = await save(api, run["id"], body, token="bob-token")
    assert (status, reply["error"]["code"]) == (403, "forbidden")
    status, reply = await save(api, run["id"], body, token="mallory-token")  # not authorised
    assert status == 403
    status, reply = await save(api, "no-such-run", body)
    assert (status, reply["error"]["code"]) == (404, "not_found")
    status, got = await api("GET", "runs", run["id"])
    assert "draft" not in got["run"]["prompt"]  # refusals kept nothing
    status, reply = await save(api, run["id"], body, token="carol-token")  # group:ops may
    assert (status, reply) == (200, {"saved": True})
    await api("POST", "runs", run["id"], "cancel")
