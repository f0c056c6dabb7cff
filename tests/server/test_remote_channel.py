"""The kernel side of the ``interval_nb`` comm target, driven in-process through a fake comm."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import interval_nb as inb
from interval_nb import store as store_module
from interval_nb.channels.remote import RemoteChannel, open_channel
from interval_nb.store import Store

SAMPLE = "tests.server.sample_actions:actions"

clashing = inb.Actions()


@clashing.action
async def greet(io: Any, ctx: Any) -> None:
    """Same slug as the sample registry's greet."""


@clashing.action
async def pin(io: Any, ctx: Any) -> str:
    code = await io.input.text("PIN", sensitive=True, min_length=4)
    return "ok" if code else "no"


class FakeComm:
    """Records what the kernel sends; stands in for ipykernel's Comm."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.on_msg_callback: Any = None
        self.arrived = asyncio.Event()

    def send(self, data: dict[str, Any]) -> None:
        self.sent.append(data)
        self.arrived.set()

    def on_msg(self, callback: Any) -> None:
        self.on_msg_callback = callback

    def on_close(self, callback: Any) -> None:
        pass


class Client:
    """Speaks to a channel as the server extension does."""

    def __init__(self, comm: FakeComm) -> None:
        self.comm = comm
        self.seen = 0
        self.ids = 0

    async def next(self, match: Any, timeout: float = 5) -> dict[str, Any]:
        async def find() -> dict[str, Any]:
            while True:
                for msg in self.comm.sent:
                    if match(msg):
                        self.comm.sent.remove(msg)
                        return msg
                self.comm.arrived.clear()
                await self.comm.arrived.wait()

        return await asyncio.wait_for(find(), timeout)

    async def request(self, **data: Any) -> dict[str, Any]:
        self.ids += 1
        request_id = f"q{self.ids}"
        self.comm.on_msg_callback({"content": {"data": {**data, "request_id": request_id}}})
        return await self.next(lambda m: m.get("request_id") == request_id)

    async def update(self, run_id: str, match: Any = lambda m: True) -> dict[str, Any]:
        return await self.next(
            lambda m: m["type"] == "update" and m["run_id"] == run_id and match(m)
        )


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    comm = FakeComm()
    open_channel(
        comm,
        {
            "content": {
                "data": {
                    "registries": [
                        SAMPLE,
                        "tests.server.test_remote_channel:clashing",
                        "nowhere.at_all:actions",
                        "tests.server.test_remote_channel:FakeComm",
                    ],
                    "entry_points": False,
                }
            }
        },
    )
    yield Client(comm)
    from interval_nb.runtime import registry

    for run in registry.live_runs():
        run.cancel("test over")


async def test_the_hello_lists_actions_and_the_registries_that_failed(client: Client) -> None:
    hello = await client.next(lambda m: m["type"] == "hello")
    slugs = [a["slug"] for a in hello["actions"]]
    assert slugs[:2] == ["greet", "refund"] and "pin" in slugs
    refund = next(a for a in hello["actions"] if a["slug"] == "refund")
    assert (
        refund["access"] == ["alice", "group:ops"] and refund["description"] == "Refund a customer"
    )
    errors = {e["registry"]: e["message"] for e in hello["errors"]}
    assert "already defined" in errors["tests.server.test_remote_channel:clashing"]
    assert errors["nowhere.at_all:actions"].startswith("ModuleNotFoundError")
    assert (
        "not an interval_nb.Actions registry" in errors["tests.server.test_remote_channel:FakeComm"]
    )
    assert hello["kernel"]["pid"] > 0


async def test_a_run_started_answered_and_reported(client: Client) -> None:
    reply = await client.request(
        type="start", action="greet", params={"a": 1}, user={"username": "alice"}
    )
    assert reply["ok"] and reply["run"]["user"] == "alice" and reply["run"]["params"] == {"a": 1}
    run_id = reply["run"]["run_id"]
    update = await client.update(run_id, lambda m: m.get("prompt"))
    prompt = update["prompt"]
    assert update["status"] == "awaiting_input"

    reply = await client.request(
        type="answer", run_id=run_id, prompt_id=prompt["id"], values=["A"], by="bob"
    )
    assert reply["ok"] and reply["accepted"] is False
    assert reply["prompt"]["components"][0]["error"].startswith("Too short")
    reply = await client.request(type="answer", run_id=run_id, prompt_id="old", values=["Ada"])
    assert (reply["ok"], reply["code"]) == (False, "stale_prompt")
    reply = await client.request(type="answer", run_id=run_id, prompt_id=prompt["id"], values="Ada")
    assert (reply["ok"], reply["code"]) == (False, "malformed")
    reply = await client.request(
        type="answer", run_id=run_id, prompt_id=prompt["id"], values=["Ada"], by="bob"
    )
    assert reply == {
        "type": "reply",
        "request_id": reply["request_id"],
        "ok": True,
        "accepted": True,
    }
    done = await client.update(run_id, lambda m: m["status"] == "completed")
    assert done["result"] == "Hello, Ada! (run by alice)" and done["error"] is None

    state = await client.request(type="state", run_id=run_id)
    assert state["run"]["status"] == "completed"
    reply = await client.request(
        type="answer", run_id=run_id, prompt_id=prompt["id"], values=["Ada"]
    )
    assert reply["code"] == "not_waiting"


async def test_refusals_carry_codes(client: Client) -> None:
    assert (await client.request(type="start", action="nope"))["code"] == "not_found"
    assert (await client.request(type="start", action="greet", params=[1]))["code"] == "bad_request"
    assert (await client.request(type="state", run_id="zzz"))["code"] == "not_found"
    assert (await client.request(type="fly"))["code"] == "bad_request"
    assert (await client.request(type="ping"))["ok"] is True
    client.comm.on_msg_callback({"content": {"data": {"type": "ping"}}})  # no request_id: dropped
    await asyncio.sleep(0.01)
    assert [m for m in client.comm.sent if m["type"] == "reply"] == []


async def test_cancel_and_prompt_values_of_secrets_are_redacted(client: Client) -> None:
    reply = await client.request(type="start", action="pin")
    run_id = reply["run"]["run_id"]
    prompt = (await client.update(run_id, lambda m: m.get("prompt")))["prompt"]
    reply = await client.request(
        type="answer", run_id=run_id, prompt_id=prompt["id"], values=["12"]
    )
    assert reply["accepted"] is False
    assert reply["prompt"]["components"][0]["value"] == "[redacted]"
    update = await client.update(run_id, lambda m: m.get("prompt") and m["prompt"]["attempt"] == 1)
    assert update["prompt"]["components"][0]["value"] == "[redacted]"
    assert (await client.request(type="cancel", run_id=run_id, by="carol"))["cancelled"] is True
    update = await client.update(run_id, lambda m: m["status"] == "cancelled")
    assert update["prompt"] is None


async def test_messages_from_another_thread_are_handled_on_the_loop(client: Client) -> None:
    seen: list[bool] = []
    original = RemoteChannel.dispatch

    def spy(self: RemoteChannel, data: Any) -> None:
        seen.append(threading.current_thread() is threading.main_thread())
        original(self, data)

    RemoteChannel.dispatch = spy  # type: ignore[method-assign]
    try:
        thread = threading.Thread(
            target=client.comm.on_msg_callback,
            args=({"content": {"data": {"type": "ping", "request_id": "t1"}}},),
        )
        thread.start()
        thread.join()
        await client.next(lambda m: m.get("request_id") == "t1")
    finally:
        RemoteChannel.dispatch = original  # type: ignore[method-assign]
    assert seen == [True]


async def test_the_history_is_written_before_the_server_hears_of_a_change(
    client: Client, tmp_path: Path
) -> None:
    writer = store_module.install_journal_sink(tmp_path / "runs.sqlite")
    assert writer is not None
    reply = await client.request(type="start", action="boom", user={"username": "alice"})
    run_id = reply["run"]["run_id"]
    await client.update(run_id, lambda m: m["status"] == "failed")
    stored = Store(tmp_path / "runs.sqlite").get_run(run_id)  # no loop turn in between
    assert stored is not None and stored["status"] == "failed" and stored["source"] == "api"
    assert stored["error"]["message"] == "it broke"
