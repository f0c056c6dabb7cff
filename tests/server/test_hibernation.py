"""Hibernation in a real server: a run that waited long enough leaves its kernel, and wakes.

The in-process server runs its actions in a real kernel; ``hibernate_after`` is short so a
waiting run hibernates within a watchdog pass or two.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
from typing import Any

import pytest

from interval_nb.server.service import RunService
from interval_nb.store import Store

from .helpers import Api
from .test_api import answer, start

pytestmark = pytest.mark.kernel

SLEEPY = {"hibernate_after": 0.3, "kernel_check_interval": 0.1}


async def until_hibernated(api: Api, run_id: str) -> dict[str, Any]:
    for _ in range(200):
        status, body = await api("GET", "runs", run_id)
        assert status == 200, body
        if body["run"]["hibernated"]:
            return body["run"]  # type: ignore[no-any-return]
        await asyncio.sleep(0.05)
    raise AssertionError(f"the run never hibernated: {body}")


async def kernel_runs(jp_serverapp: Any) -> list[dict[str, Any]]:
    """The runs the actions kernel holds now (its own answer to a ``list`` request)."""
    service = jp_serverapp.web_app.settings["interval_nb"].service
    link = await service.pool.for_listing()
    reply = await link.request({"type": "list"})
    return reply["runs"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("interval_config", [SLEEPY])
async def test_a_waiting_run_leaves_its_kernel_and_an_answer_wakes_it(
    api: Api, jp_serverapp: Any, jp_ws_fetch: Any
) -> None:
    run = await start(api, "greet")
    asleep = await until_hibernated(api, run["id"])
    assert asleep["status"] == "awaiting_input" and asleep["prompt"]["id"] == run["prompt"]["id"]
    assert await kernel_runs(jp_serverapp) == []  # the kernel holds nothing of it
    status, page = await api("GET", "runs", params={"status": "awaiting_input"})
    assert [r["hibernated"] for r in page["runs"] if r["id"] == run["id"]] == [True]

    ws = await jp_ws_fetch("interval", "api", "runs", run["id"], "stream")
    state = json.loads(await ws.read_message())
    assert state["run"]["hibernated"] and state["run"]["prompt"]["id"] == run["prompt"]["id"]
    status, body = await answer(api, run, ["Ada"])
    assert status == 200 and body["run"]["status"] == "completed", body
    updates = []
    while (raw := await asyncio.wait_for(ws.read_message(), 10)) is not None:
        updates.append(json.loads(raw))
    ws.close()
    # The page saw the run wake on its prompt, then finish: never the replay's "running".
    assert updates[0]["status"] == "awaiting_input" and updates[0]["hibernated"] is False
    assert updates[0]["prompt"]["id"] == run["prompt"]["id"]
    assert updates[-1]["status"] == "completed"


@pytest.mark.parametrize("interval_config", [{**SLEEPY, "kernel_idle_timeout": 0.3}])
async def test_when_every_run_hibernates_the_kernel_may_stop(api: Api, kernel_ids: Any) -> None:
    run = await start(api, "greet")
    await until_hibernated(api, run["id"])
    for _ in range(200):
        if not kernel_ids():
            break
        await asyncio.sleep(0.05)
    assert kernel_ids() == []
    status, body = await answer(api, run, ["Ada"])  # starts a kernel to wake it in
    assert status == 200 and body["run"]["result"].startswith("Hello, Ada!"), body


@pytest.mark.parametrize("interval_config", [SLEEPY])
async def test_racing_requests_wake_a_run_once(api: Api) -> None:
    run = await start(api, "two_steps")
    await until_hibernated(api, run["id"])
    results = await asyncio.gather(
        answer(api, run, ["one"]),
        answer(api, run, ["uno"]),
        api("POST", "runs", run["id"], "cancel"),
    )
    statuses = sorted(status for status, _ in results)
    assert statuses.count(200) >= 1 and all(s in (200, 409) for s in statuses), results
    _, journal = await api("GET", "runs", run["id"], "events")
    events = [e["event"] for e in journal["events"]]
    assert events.count("resumed") == 1, events
    assert events.count("answered") <= 1


@pytest.mark.parametrize("interval_config", [SLEEPY])
async def test_a_hibernated_run_of_another_user_stays_theirs(api: Api) -> None:
    run = await start(api, "refund")
    await until_hibernated(api, run["id"])
    status, body = await api("GET", "runs", run["id"], token="bob-token")
    assert (status, body["error"]["code"]) == (403, "forbidden")
    status, body = await answer(api, run, ["x@example.com", 5], token="bob-token")
    assert status == 403  # refused before anything is woken
    status, journal = await api("GET", "runs", run["id"], "events")
    assert "resumed" not in [e["event"] for e in journal["events"]]
    status, body = await api("POST", "runs", run["id"], "cancel")
    assert status == 200 and body["run"]["status"] == "cancelled", body


async def refund_at_confirm(api: Api) -> dict[str, Any]:
    """A ``refund`` run past its secret (the approval token), waiting on the confirm."""
    run = await start(api, "refund")
    status, body = await answer(api, run, ["ana@example.com", 5])
    assert status == 200, body
    status, body = await answer(api, body["run"], ["s3cret"])
    assert status == 200 and body["run"]["prompt"]["components"][0]["kind"] == "confirm", body
    return body["run"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("interval_config", [SLEEPY])
async def test_a_run_past_a_secret_stays_in_its_kernel(api: Api) -> None:
    waiting = await refund_at_confirm(api)
    later = await start(api, "greet")
    # The same watchdog passes that let the later run go asked the kernel about the refund.
    await until_hibernated(api, later["id"])
    status, body = await api("GET", "runs", waiting["id"])
    assert body["run"]["hibernated"] is False and body["run"]["status"] == "awaiting_input"
    status, body = await answer(api, waiting, [True])
    assert status == 200 and body["run"]["status"] == "completed", body
    await api("POST", "runs", later["id"], "cancel")


async def test_a_run_past_a_secret_is_interrupted_with_its_kernel_saying_why(
    api: Api, jp_serverapp: Any, kernel_ids: Any
) -> None:
    waiting = await refund_at_confirm(api)
    [kernel_id] = kernel_ids()
    kernel = jp_serverapp.kernel_manager.get_kernel(kernel_id)
    os.kill(kernel.provisioner.process.pid, signal.SIGKILL)
    for _ in range(200):
        _, body = await api("GET", "runs", waiting["id"])
        if body["run"]["status"] == "interrupted":
            break
        await asyncio.sleep(0.05)
    ended = body["run"]
    assert ended["status"] == "interrupted" and not ended["hibernated"], ended
    message = ended["error"]["message"]
    assert message.startswith("the kernel died") and "cannot be rebuilt" in message
    assert "secret" in message


@pytest.mark.parametrize("interval_config", [SLEEPY])
async def test_an_answer_arriving_while_the_run_goes_to_sleep_wakes_it(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hold the history write of the hibernation until the answer is on its way.
    writing, go_on = threading.Event(), threading.Event()
    original = Store.hibernate

    def slow_hibernate(store: Store, run_ids: Any, reason: str) -> list[str]:
        writing.set()
        go_on.wait(30)
        return original(store, run_ids, reason)

    monkeypatch.setattr(Store, "hibernate", slow_hibernate)
    # ... and see the answer reach the service (it checks the assignees, then finds the run).
    arrived = asyncio.Event()
    check = RunService._check_assignee

    def seen(service: RunService, *args: Any) -> None:
        arrived.set()
        check(service, *args)

    monkeypatch.setattr(RunService, "_check_assignee", seen)
    run = await start(api, "greet")
    while not writing.is_set():
        await asyncio.sleep(0.02)
    answering = asyncio.ensure_future(answer(api, run, ["Ada"]))
    await arrived.wait()  # the kernel has let the run go; the history is not written yet
    go_on.set()
    status, body = await answering
    assert status == 200 and body["run"]["status"] == "completed", body
    assert body["run"]["result"].startswith("Hello, Ada!")
    _, journal = await api("GET", "runs", run["id"], "events")
    events = [e["event"] for e in journal["events"]]
    assert events[-5:] == ["hibernated", "resumed", "replayed", "answered", "completed"], events
