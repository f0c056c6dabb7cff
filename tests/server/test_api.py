"""The REST API against an in-process server (non-root base_url) and real kernels."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from interval_nb.store import Store

from .helpers import Api

pytestmark = pytest.mark.kernel


async def start(api: Api, slug: str, token: str | None = None, **params: Any) -> dict[str, Any]:
    status, body = await api("POST", "actions", slug, "runs", body={"params": params}, token=token)
    assert status == 201, body
    return body["run"]  # type: ignore[no-any-return]


async def answer(
    api: Api, run: dict[str, Any], values: list[Any], token: str | None = None, choice: Any = None
) -> tuple[int, Any]:
    return await api(
        "POST",
        "runs",
        run["id"],
        "answer",
        body={"prompt_id": run["prompt"]["id"], "values": values, "choice": choice},
        token=token,
    )


async def test_a_run_driven_completely_over_http(
    api: Api, kernel_ids: Any, store_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    status, listing = await api("GET", "actions")
    assert status == 200
    slugs = [a["slug"] for a in listing["actions"]]
    assert {"greet", "refund", "progress"} <= set(slugs)
    assert listing["errors"] == [
        {
            "registry": "no_such_module:actions",
            "message": "ModuleNotFoundError: No module named 'no_such_module'",
        }
    ]
    assert len(kernel_ids()) == 1  # the actions kernel is one of the server's kernels
    assert "cannot load actions from no_such_module:actions" in caplog.text

    run = await start(api, "refund", order=7)
    assert run["status"] == "awaiting_input" and run["user"] == "alice"
    assert run["params"] == {"order": 7}
    assert [c["label"] for c in run["prompt"]["components"]] == ["Customer email", "Amount"]

    status, body = await answer(api, run, ["not an email", 500])
    assert status == 422
    fields = {f["index"]: f["message"] for f in body["error"]["fields"]}
    assert "valid email" in fields[0] and "100" in fields[1]
    status, body = await api("GET", "runs", run["id"])
    assert body["run"]["status"] == "awaiting_input"  # the run keeps waiting
    assert body["run"]["prompt"]["id"] == run["prompt"]["id"]
    assert body["run"]["prompt"]["components"][0]["value"] == "not an email"

    status, body = await answer(api, {"id": run["id"], "prompt": {"id": "stale"}}, ["a@b.co", 5])
    assert (status, body["error"]["code"]) == (409, "stale_prompt")
    for bad in (
        {"prompt_id": run["prompt"]["id"], "values": "a@b.co"},
        {"prompt_id": run["prompt"]["id"], "values": ["a@b.co", 5], "choice": 3},
        {"values": ["a@b.co", 5]},
        {"prompt_id": run["prompt"]["id"], "values": ["a@b.co"]},  # one value per component
    ):
        status, body = await api("POST", "runs", run["id"], "answer", body=bad)
        assert (status, body["error"]["code"]) in ((400, "bad_request"), (400, "malformed")), bad

    status, body = await answer(api, run, ["ana@example.com", 5])
    assert status == 200, body
    run = body["run"]
    assert run["prompt"]["components"][0]["label"] == "Approval token"
    status, body = await answer(api, run, ["s3cret-token"])
    run = body["run"]
    assert run["prompt"]["components"][0]["kind"] == "confirm"
    status, body = await answer(api, run, [True])
    assert status == 200
    done = body["run"]
    assert done["status"] == "completed"
    assert done["result"] == {"refunded": 5, "email": "ana@example.com"}

    status, body = await answer(api, run, [True])
    assert (status, body["error"]["code"]) == (409, "not_waiting")

    status, journal = await api("GET", "runs", run["id"], "events")
    assert status == 200
    events = [e["event"] for e in journal["events"]]
    assert events[0] == "started" and events[-1] == "completed"
    assert events.count("prompt_shown") == 3 and events.count("validation_failed") == 1
    answered = [e for e in journal["events"] if e["event"] == "answered"]
    assert [e["by"] for e in answered] == ["alice"] * 3
    assert answered[1]["values"] == ["[redacted]"]  # the sensitive token is never stored
    assert "s3cret-token" not in json.dumps(journal)
    assert all(e["time"].endswith("+00:00") for e in journal["events"])
    stored = Store(store_path).get_run(run["id"])  # written by the kernel itself
    assert stored is not None and stored["kernel_id"] == kernel_ids()[0]
    assert stored["source"] == "api" and stored["access"] == ["alice", "group:ops"]


async def test_many_runs_at_once(api: Api) -> None:
    runs = await asyncio.gather(*[start(api, "greet", n=i) for i in range(20)])
    assert all(r["status"] == "awaiting_input" for r in runs)
    replies = await asyncio.gather(*[answer(api, r, [f"name{r['params']['n']}"]) for r in runs])
    results = sorted(body["run"]["result"] for _status, body in replies)
    assert results == sorted(f"Hello, name{i}! (run by alice)" for i in range(20))
    _status, page = await api("GET", "runs", params={"status": "completed"})
    assert page["total"] == 20


async def test_history_filters_and_pages(api: Api) -> None:
    greet = await start(api, "greet")
    await answer(api, greet, ["Ada"])
    await start(api, "greet")
    await start(api, "boom")

    status, page = await api("GET", "runs", params={"limit": 2})
    assert status == 200 and page["total"] == 3 and len(page["runs"]) == 2
    newest_first = [r["action"] for r in page["runs"]]
    assert newest_first == ["boom", "greet"]
    status, rest = await api("GET", "runs", params={"limit": 2, "offset": 2})
    assert [r["id"] for r in rest["runs"]] == [greet["id"]]
    status, page = await api("GET", "runs", params={"action": "greet", "status": "completed"})
    assert [r["id"] for r in page["runs"]] == [greet["id"]]
    assert page["runs"][0]["result"] == "Hello, Ada! (run by alice)"  # ctx.user is the server's
    status, page = await api("GET", "runs", params={"status": "failed"})
    assert page["runs"][0]["error"]["message"] == "it broke"
    status, page = await api("GET", "runs", params={"user": "bob"})
    assert page == {"runs": [], "total": 0, "limit": 50, "offset": 0}
    for bad in ({"limit": "x"}, {"limit": 0}, {"offset": -1}, {"status": "weird"}):
        status, body = await api("GET", "runs", params=bad)
        assert (status, body["error"]["code"]) == (400, "bad_request"), bad


async def test_per_action_access(api: Api) -> None:
    refund = await start(api, "refund")  # alice may

    status, listing = await api("GET", "actions", token="bob-token")
    assert "refund" not in [a["slug"] for a in listing["actions"]]
    status, body = await api("POST", "actions", "refund", "runs", token="bob-token")
    assert (status, body["error"]["code"]) == (403, "forbidden")
    for method, path in (
        ("GET", ("runs", refund["id"])),
        ("GET", ("runs", refund["id"], "events")),
        ("POST", ("runs", refund["id"], "answer")),
        ("POST", ("runs", refund["id"], "cancel")),
    ):
        status, body = await api(
            method, *path, token="bob-token", body={"prompt_id": "x", "values": []}
        )
        assert status == 403, (method, path, body)
    status, page = await api("GET", "runs", token="bob-token")
    assert refund["id"] not in [r["id"] for r in page["runs"]]

    carol = await start(api, "refund", token="carol-token")  # group:ops
    assert carol["user"] == "carol"
    status, body = await answer(api, refund, ["ana@example.com", 3], token="carol-token")
    assert status == 200  # anyone who may use the action may answer; the journal says who
    status, journal = await api("GET", "runs", refund["id"], "events")
    assert [e["by"] for e in journal["events"] if e["event"] == "answered"] == ["carol"]
    for run in (refund, carol):
        await api("POST", "runs", run["id"], "cancel")


async def test_cancel_stream_and_redirect(api: Api, jp_ws_fetch: Any) -> None:
    run = await start(api, "progress")
    ws = await jp_ws_fetch("interval", "api", "runs", run["id"], "stream")
    first = json.loads(await ws.read_message())
    assert first["type"] == "state" and first["run"]["status"] == "awaiting_input"
    status, _ = await answer(api, run, ["yes"], choice=None)
    messages = []
    while True:
        raw = await asyncio.wait_for(ws.read_message(), 10)
        if raw is None:
            break
        messages.append(json.loads(raw))
    assert all(m["type"] == "update" and m["run_id"] == run["id"] for m in messages)
    assert any(m.get("loading") for m in messages)
    logs = [line for m in messages for line in m.get("logs", [])]
    assert logs == ["item 0", "item 1", "item 2", "item 3"]
    assert messages[-1]["status"] == "completed" and messages[-1]["result"] == 4
    ws.close()
    ws = await jp_ws_fetch("interval", "api", "runs", run["id"], "stream")
    state = json.loads(await ws.read_message())
    assert state["run"]["status"] == "completed"  # a finished run: its state, then the end
    assert await asyncio.wait_for(ws.read_message(), 10) is None
    ws.close()

    waiting = await start(api, "greet")
    status, body = await api("POST", "runs", waiting["id"], "cancel")
    assert status == 200 and body["run"]["status"] == "cancelled"
    status, body = await api("POST", "runs", waiting["id"], "cancel")
    assert (status, body["error"]["code"]) == (409, "not_waiting")
    status, journal = await api("GET", "runs", waiting["id"], "events")
    requested = [e for e in journal["events"] if e["event"] == "cancel_requested"]
    assert requested[0]["reason"] == "cancelled by alice"

    hop = await start(api, "hop")
    assert hop["status"] == "completed" and hop["redirect"]["action"] == "greet"
    for _ in range(100):  # the successor shows its prompt a moment after hop ends
        status, body = await api("GET", "runs", hop["redirect"]["run_id"])
        if body["run"]["status"] != "running":
            break
        await asyncio.sleep(0.05)
    assert body["run"]["status"] == "awaiting_input" and body["run"]["user"] == "alice"
    await api("POST", "runs", hop["redirect"]["run_id"], "cancel")


async def test_a_dead_kernel_hibernates_its_waiting_run_and_an_answer_wakes_it(
    api: Api, jp_serverapp: Any, kernel_ids: Any
) -> None:
    run = await start(api, "greet")
    [kernel_id] = kernel_ids()
    kernel = jp_serverapp.kernel_manager.get_kernel(kernel_id)
    os.kill(kernel.provisioner.process.pid, signal.SIGKILL)

    for _ in range(100):
        status, body = await api("GET", "runs", run["id"])
        if body["run"]["hibernated"]:
            break
        await asyncio.sleep(0.1)
    asleep = body["run"]
    assert asleep["hibernated"] and asleep["status"] == "awaiting_input"
    assert asleep["prompt"]["id"] == run["prompt"]["id"]
    status, journal = await api("GET", "runs", run["id"], "events")
    events = journal["events"]
    assert [e["event"] for e in events] == ["started", "prompt_shown", "hibernated"]
    assert events[-1]["reason"].startswith("the kernel died")

    status, body = await answer(api, run, ["Ada"])  # wakes it in a fresh kernel
    assert status == 200 and body["run"]["status"] == "completed", body
    assert body["run"]["result"].startswith("Hello, Ada!")
    assert kernel_ids() and kernel_id not in kernel_ids()
    status, body = await answer(api, run, ["Ada"])
    assert (status, body["error"]["code"]) == (409, "not_waiting")


@pytest.mark.parametrize("interval_config", [{"kernels": "per_run"}])
async def test_one_kernel_per_run(api: Api, kernel_ids: Any) -> None:
    first = await start(api, "greet")
    second = await start(api, "greet")
    assert len(kernel_ids()) == 2
    await answer(api, first, ["Ada"])
    for _ in range(50):
        if len(kernel_ids()) == 1:
            break
        await asyncio.sleep(0.1)
    assert len(kernel_ids()) == 1  # the finished run's kernel is gone
    await api("POST", "runs", second["id"], "cancel")


@pytest.mark.parametrize("interval_config", [{"kernel_idle_timeout": 0.3}])
async def test_an_idle_kernel_is_stopped_and_started_again_on_demand(
    api: Api, kernel_ids: Any
) -> None:
    run = await start(api, "greet")
    await asyncio.sleep(0.6)
    assert len(kernel_ids()) == 1  # a waiting run keeps its kernel
    await answer(api, run, ["Ada"])
    for _ in range(50):
        if not kernel_ids():
            break
        await asyncio.sleep(0.1)
    assert kernel_ids() == []
    again = await start(api, "greet")
    assert again["status"] == "awaiting_input"
    await api("POST", "runs", again["id"], "cancel")


async def test_audit_events_go_through_the_event_logger(api: Api, jp_serverapp: Any) -> None:
    from interval_nb.server.events import RUN_ACTIONS

    seen: list[dict[str, Any]] = []

    async def listener(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        seen.append(dict(data))

    jp_serverapp.event_logger.add_listener(schema_id=RUN_ACTIONS, listener=listener)
    run = await start(api, "greet")
    await answer(api, run, ["A"])
    await answer(api, run, ["Ada"])
    await api("POST", "actions", "refund", "runs", token="bob-token")
    await asyncio.sleep(0.05)
    kinds = [(e["action"], e.get("status")) for e in seen]
    assert ("start", "running") in kinds
    assert ("answer", "rejected") in kinds and ("answer", "accepted") in kinds
    assert ("finish", "completed") in kinds
    assert ("deny", "start") in kinds
    assert {e["username"] for e in seen if e["action"] != "deny"} == {"alice"}
