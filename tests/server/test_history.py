"""One history for runs started anywhere; runs of vanished kernels; retention."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import AsyncKernelManager

from interval_nb.store import JournalWriter, Store

from .helpers import Api, stored_row

NO_REGISTRIES = {"actions": [], "retention_days": 1}


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _row(run_id: str, **overrides: Any) -> dict[str, Any]:
    return stored_row(
        run_id,
        **{
            "status": "completed",
            "source": "notebook",
            "kernel_id": "k1",
            "host": socket.gethostname(),
            **overrides,
        },
    )


async def _until(api: Api, check: Any, what: str) -> dict[str, Any]:
    for _ in range(100):
        _status, page = await api("GET", "runs")
        if check({r["id"]: r for r in page["runs"]}):
            return page  # type: ignore[no-any-return]
        await asyncio.sleep(0.05)
    raise AssertionError(f"never: {what}; last page: {page}")


@pytest.fixture
def old_history(store_path: Path) -> None:
    """What earlier servers and kernels left in the history before this server starts."""
    store = Store(store_path)
    ten_days_ago = time.time() - 10 * 86400
    store.write(
        [
            _row("old", updated=ten_days_ago, created=ten_days_ago),
            _row("orphan", status="awaiting_input", pid=_dead_pid()),
            _row("api_orphan", status="awaiting_input", pid=_dead_pid(), source="api"),
            _row("elsewhere", status="awaiting_input", pid=1, host="another-machine"),
            _row("bobs", access=json.dumps(["bob"])),
        ],
        [],
    )
    store.close()


@pytest.mark.parametrize("interval_config", [NO_REGISTRIES])
async def test_the_server_sweeps_orphans_and_applies_retention(old_history: None, api: Api) -> None:
    page = await _until(
        api,
        lambda runs: "old" not in runs and runs["orphan"]["status"] == "interrupted",
        "old run pruned and orphan interrupted",
    )
    runs = {r["id"]: r for r in page["runs"]}
    assert runs["orphan"]["error"]["message"].startswith("its kernel is gone (a run started in")
    assert "inb.resume(run_id)" in runs["orphan"]["error"]["message"]
    # A waiting run of a server's actions kernel can be replayed there: it hibernates.
    assert runs["api_orphan"]["status"] == "awaiting_input" and runs["api_orphan"]["hibernated"]
    assert runs["elsewhere"]["status"] == "awaiting_input"  # another machine's kernel: unknown
    assert "bobs" not in runs  # access lists apply to runs started anywhere
    status, page = await api("GET", "runs", token="bob-token")
    assert "bobs" in {r["id"] for r in page["runs"]}
    status, journal = await api("GET", "runs", "orphan", "events")
    assert [e["event"] for e in journal["events"]] == ["interrupted"]
    status, body = await api(
        "POST", "runs", "orphan", "answer", body={"prompt_id": "p", "values": []}
    )
    assert (status, body["error"]["code"]) == (409, "not_waiting")


NOTEBOOK_CELL = """
import interval_nb as inb
actions = inb.Actions()

@actions.action
async def survey(io, ctx):
    ctx.log("asking")
    ctx.notify("Survey open", title="Hi")
    await io.display.markdown("**Welcome**")
    return await io.input.text("Favourite colour")

run = survey.start(params={"from": "notebook"})
"""


@pytest.mark.kernel
@pytest.mark.parametrize("interval_config", [NO_REGISTRIES])
async def test_a_notebook_kernels_runs_join_the_history_and_its_death_interrupts_them(
    api: Api, store_path: Path
) -> None:
    km = AsyncKernelManager(kernel_name="python3")
    await km.start_kernel(env={**os.environ, "INTERVAL_NB_STORE": str(store_path)})
    client = km.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        msg_id = client.execute(NOTEBOOK_CELL)
        while True:
            reply = await client.get_shell_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        assert reply["content"]["status"] == "ok", reply["content"]
        page = await _until(
            api,
            lambda runs: any(r["status"] == "awaiting_input" for r in runs.values()),
            "the notebook run is in the history",
        )
        [run] = page["runs"]
        assert run["source"] == "notebook" and run["params"] == {"from": "notebook"}
        assert run["prompt"]["components"][0]["label"] == "Favourite colour"
        status, body = await api(
            "POST",
            "runs",
            run["id"],
            "answer",
            body={"prompt_id": run["prompt"]["id"], "values": ["red"]},
        )
        assert (status, body["error"]["code"]) == (409, "not_here")  # answer it where it is shown
        for route, request in (
            ("query", {"prompt_id": f"{run['id']}-d1", "component": 0}),
            ("search", {"prompt_id": run["prompt"]["id"], "component": 0, "query": "r"}),
        ):
            status, body = await api("POST", "runs", run["id"], route, body=request)
            assert (status, body["error"]["code"]) == (409, "not_here"), route
        status, body = await api("GET", "runs", run["id"])  # what its view shows, from the journal
        assert body["run"]["logs"] == ["asking"]
        assert [(n["message"], n["title"]) for n in body["run"]["notifications"]] == [
            ("Survey open", "Hi")
        ]
        [entry] = body["run"]["transcript"]
        assert entry["kind"] == "display" and entry["id"] == f"{run['id']}-d1"
        assert entry["components"][0]["kind"] == "display.markdown"

        await km.shutdown_kernel(now=True)  # killed: the kernel cannot say goodbye
        await _until(
            api, lambda runs: runs[run["id"]]["status"] == "interrupted", "the run is interrupted"
        )
    finally:
        client.stop_channels()
        if await km.is_alive():
            await km.shutdown_kernel(now=True)


def test_voila_runs_are_labelled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    assert JournalWriter(tmp_path / "runs.sqlite").source == "voila"
    monkeypatch.delenv("SERVER_SOFTWARE")
    assert JournalWriter(tmp_path / "runs.sqlite").source == "notebook"
