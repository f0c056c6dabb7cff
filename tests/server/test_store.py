"""The run history: schema and migrations, concurrent writers, redaction, retention."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

import interval_nb as inb
from interval_nb import store as store_module
from interval_nb.store import JournalWriter, Store, StoreError
from interval_nb.testing import start

from .helpers import stored_row


def test_a_new_store_is_created_in_wal_mode_at_the_current_schema(tmp_path: Path) -> None:
    store = Store(tmp_path / "deep" / "runs.sqlite")
    assert store.version == store_module.schema_version() == 4
    db = sqlite3.connect(tmp_path / "deep" / "runs.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_an_older_schema_is_migrated_and_a_newer_one_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "runs.sqlite"
    Store(path).close()

    def v5(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE runs ADD COLUMN note TEXT")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, v5])
    store = Store(path)
    assert store.version == 5
    store.write([stored_row("r1")], [])
    assert "note" in store.get_run("r1")  # type: ignore[operator]
    store.close()

    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
    with pytest.raises(StoreError, match="newer than this interval_nb understands"):
        Store(path)


def test_reads_filter_page_and_apply_access_lists(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.sqlite")
    now = time.time()
    store.write(
        [
            stored_row("a", created=now - 3, status="completed"),
            stored_row("b", created=now - 2, user="bob", access=json.dumps(["bob"])),
            stored_row("c", created=now - 1, access=json.dumps(["group:ops"])),
            stored_row("d", created=now, action="refund", access=json.dumps(["*"])),
        ],
        [],
    )
    runs, total = store.list_runs(limit=2)
    assert ([r["id"] for r in runs], total) == (["d", "c"], 4)
    runs, total = store.list_runs(limit=2, offset=2)
    assert [r["id"] for r in runs] == ["b", "a"]
    assert store.list_runs(status="completed")[1] == 1
    assert store.list_runs(user="bob")[0][0]["id"] == "b"
    assert store.list_runs(action="refund")[0][0]["id"] == "d"
    alice = {r["id"] for r in store.list_runs(principals={"alice"})[0]}
    assert alice == {"a", "d"}
    carol = {r["id"] for r in store.list_runs(principals={"carol", "group:ops"})[0]}
    assert carol == {"a", "c", "d"}
    assert store.list_runs(principals={"carol", "group:ops"})[1] == 3


def test_server_events_follow_the_kernels_and_interrupts_only_touch_unfinished_runs(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "runs.sqlite")
    events = [
        {"run_id": "r1", "seq": 0, "time": 1.0, "event": "started", "data": "{}"},
        {"run_id": "r1", "seq": 1, "time": 2.0, "event": "prompt_shown", "data": "{}"},
    ]
    store.write(
        [stored_row("r1", status="awaiting_input"), stored_row("r2", status="completed")], events
    )
    store.write([], events)  # the same events again are kept once
    assert store.mark_interrupted(["r1", "r2", "missing"], "the kernel died") == ["r1"]
    run = store.get_run("r1")
    assert run is not None and run["status"] == "interrupted"
    assert run["error"]["message"] == "the kernel died"
    assert [(e["seq"], e["event"]) for e in store.events("r1")] == [
        (0, "started"),
        (1, "prompt_shown"),
        (2, "interrupted"),
    ]


def test_orphaned_runs_are_those_of_dead_processes_on_this_host(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.sqlite")
    store.write(
        [
            stored_row("alive", pid=1),
            stored_row("dead", pid=2),
            stored_row("elsewhere", pid=2, host="other"),
            stored_row("done", pid=2, status="completed"),
        ],
        [],
    )
    assert [r["id"] for r in store.orphaned_runs("here", lambda pid: pid == 1)] == ["dead"]


def test_a_version_1_history_gains_hibernation_and_keeps_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    store_module.MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.close()
    store = Store(path)
    store.write([stored_row("old", status="awaiting_input")], [])
    row = store.get_run("old")
    assert store.version == 4 and row is not None
    assert row["hibernated"] is False and row["assignee"] is None
    assert store.notices_for(["carol"]) == []
    store.close()


def test_only_waiting_runs_hibernate_and_one_caller_claims_each(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.sqlite")
    store.write(
        [
            stored_row("waiting", status="awaiting_input", pid=2, prompt='{"id": "p1"}'),
            stored_row("busy", status="running", pid=2),
        ],
        [],
    )
    assert store.hibernate(["waiting", "busy"], "its kernel is gone") == ["waiting"]
    assert store.hibernated_runs() == ["waiting"]
    row = store.get_run("waiting")
    assert row is not None and row["hibernated"] and row["status"] == "awaiting_input"
    assert row["pid"] is None and row["prompt"] == {"id": "p1"}
    # A hibernated run is no orphan: the sweep leaves it for a wake.
    assert [r["id"] for r in store.orphaned_runs("here", lambda pid: False)] == ["busy"]
    assert store.claim_hibernated("waiting") is True
    assert store.claim_hibernated("waiting") is False  # a second server lost the race
    assert store.hibernated_runs() == []
    assert [e["event"] for e in store.events("waiting")][-1] == "hibernated"


def test_retention_prunes_only_old_finished_runs(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.sqlite")
    old = time.time() - 10 * 86400
    store.write(
        [
            stored_row("old-done", status="completed", updated=old),
            stored_row("old-waiting", status="awaiting_input", updated=old),
            stored_row("new-done", status="completed"),
        ],
        [{"run_id": "old-done", "seq": 0, "time": old, "event": "started", "data": "{}"}],
    )
    assert store.prune(time.time() - 86400) == 1
    assert store.get_run("old-done") is None and store.events("old-done") == []
    assert store.get_run("old-waiting") is not None and store.get_run("new-done") is not None


def _writer_process(path: str, worker: int, count: int) -> None:
    store = Store(path)
    for i in range(count):
        run_id = f"w{worker}-{i}"
        event = {"run_id": run_id, "seq": 0, "time": time.time(), "event": "started", "data": "{}"}
        store.write([stored_row(run_id)], [event])
    store.close()


def test_several_processes_write_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "runs.sqlite")
    Store(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer_process, args=(path, w, 150)) for w in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert Store(path).list_runs(limit=1)[1] == 450


actions = inb.Actions()


@actions.action(access=["alice"])
async def login(io: Any, ctx: Any) -> str:
    user = await io.group(
        name=io.input.text("User"), password=io.input.text("Password", sensitive=True)
    )
    token = await io.input.text("Token", default_value="t0ps3cret").sensitive()
    ctx.log("logged in", user["name"])
    return f"{user['name']}:{len(token)}"


async def test_the_journal_writer_stores_runs_with_secrets_redacted(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    writer = JournalWriter(path)
    from interval_nb.runtime.run import add_journal_sink

    remove = add_journal_sink(writer)
    try:
        async with start(login, params={"order": 1}, user="alice") as run:
            prompt = await run.next_prompt()
            assert prompt.components[1].props["sensitive"] is True
            await run.answer({"name": "ada", "password": "hunter2"})
            prompt = await run.next_prompt()
            assert prompt.components[0].value == "t0ps3cret"  # the person still sees it
            writer.flush()
            stored = Store(path).get_run(run.run.id)
            assert stored is not None and stored["status"] == "awaiting_input"
            assert stored["prompt"]["components"][0]["value"] == "[redacted]"
            await run.answer("other-secret")
            assert await run.result() == "ada:12"
    finally:
        remove()
        writer.close()
    store = Store(path)
    stored = store.get_run(run.run.id)
    assert stored is not None
    assert stored["status"] == "completed" and stored["result"] == "ada:12"
    assert stored["access"] == ["alice"] and stored["params"] == {"order": 1}
    assert stored["source"] == "notebook" and stored["user"] == "alice"
    journal = store.events(run.run.id)
    assert [e["event"] for e in journal] == [
        "started",
        "prompt_shown",
        "answered",
        "prompt_shown",
        "answered",
        "log",
        "completed",
    ]
    text = json.dumps(journal)
    for secret in ("hunter2", "t0ps3cret", "other-secret"):
        assert secret not in text
    assert journal[2]["values"] == ["ada", "[redacted]"]
    assert run.journal[2]["values"] == ["ada", "[redacted]"]  # the kernel's own journal too


async def test_the_writer_batches_a_loop_turn_into_one_transaction(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path / "runs.sqlite")
    calls: list[int] = []
    store = writer._open()
    assert store is not None
    original = store.write

    def counting(rows: Any, events: Any) -> None:
        calls.append(len(events))
        original(rows, events)

    store.write = counting  # type: ignore[method-assign]
    run = login.create_run(user="alice")
    for i in range(500):
        run.journal.append({"event": "log", "time": time.time(), "line": str(i)})
        writer(run, run.journal[-1])
    assert calls == []  # nothing written until the loop turns
    await asyncio.sleep(0)
    assert calls == [500]
    writer.close()


def test_the_store_location_comes_from_the_environment(tmp_path: Path) -> None:
    assert store_module.configured_path({}) == store_module.default_path()
    assert store_module.default_path().name == "runs.sqlite"
    assert store_module.configured_path({"INTERVAL_NB_STORE": "off"}) is None
    target = str(tmp_path / "x.sqlite")
    assert store_module.configured_path({"KERNEL_INTERVAL_NB_STORE": target}) == Path(target)


def test_notices_are_kept_per_recipient_and_go_with_their_run(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.sqlite")
    note = {"message": "Look", "title": None, "to": ["group:ops", "carol"]}
    events = [
        {"run_id": "r1", "seq": 0, "time": 10.0, "event": "notified", "data": json.dumps(note)},
        {"run_id": "r1", "seq": 1, "time": 11.0, "event": "notified", "data": '{"message": "x"}'},
    ]
    store.write([stored_row("r1", status="completed")], events)
    store.write([], events)  # written again (a retry): kept once
    (found,) = store.notices_for(["carol", "group:ops"])  # one, though both names match
    assert (found["run_id"], found["seq"], found["message"]) == ("r1", 0, "Look")
    assert store.notices_for(["bob"]) == [] and store.notices_for([]) == []
    assert store.notices_for(["carol"], since=10.0) == []
    assert store.prune(finished_before=time.time() + 1) == 1  # retention takes its notices too
    assert store.notices_for(["carol"]) == []
    store.close()
