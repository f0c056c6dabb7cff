"""What a page needs to draw a run from the API: detail fields, table pages, search, files."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import pytest

from interval_nb.server.runs import journal_detail
from interval_nb.store import Store

from .helpers import Api

pytestmark = pytest.mark.kernel


async def start(api: Api, slug: str, token: str | None = None) -> dict[str, Any]:
    status, body = await api("POST", "actions", slug, "runs", body={"params": {}}, token=token)
    assert status == 201, body
    return body["run"]  # type: ignore[no-any-return]


async def answer(api: Api, run: dict[str, Any], values: list[Any], **kw: Any) -> tuple[int, Any]:
    body = {"prompt_id": run["prompt"]["id"], "values": values, "choice": None}
    return await api("POST", "runs", run["id"], "answer", body=body, **kw)  # type: ignore[no-any-return]


async def query(api: Api, run_id: str, token: str | None = None, **body: Any) -> tuple[int, Any]:
    return await api("POST", "runs", run_id, "query", body=body, token=token)  # type: ignore[no-any-return]


async def search(api: Api, run_id: str, **body: Any) -> tuple[int, Any]:
    return await api("POST", "runs", run_id, "search", body=body)  # type: ignore[no-any-return]


def service(jp_serverapp: Any) -> Any:
    """The extension's RunService in this server."""
    [app] = jp_serverapp.extension_manager.extension_apps["interval_nb"]
    return app.service


async def test_a_run_carries_its_transcript_logs_and_notifications(
    api: Api, jp_ws_fetch: Any, jp_serverapp: Any, store_path: Path
) -> None:
    run = await start(api, "desk")
    assert run["status"] == "awaiting_input"
    [entry] = run["transcript"]
    assert entry["kind"] == "display" and entry["id"] == f"{run['id']}-d1"
    [table] = entry["components"]
    assert table["kind"] == "display.table" and table["label"] == "Everyone"
    assert table["props"]["initial"]["total"] == 30
    assert run["logs"] == ["opening the desk"]
    [note] = run["notifications"]
    assert (note["message"], note["title"]) == ("Desk open", "Hello")

    status, body = await api("GET", "runs", run["id"])
    assert status == 200 and body["run"] == {**run, "updated": body["run"]["updated"]}
    ws = await jp_ws_fetch("interval", "api", "runs", run["id"], "stream")
    state = json.loads(await ws.read_message())
    assert state["run"]["transcript"] == run["transcript"]
    assert state["run"]["notifications"] == run["notifications"]
    status, page = await api("GET", "runs")
    [listed] = page["runs"]
    assert listed["id"] == run["id"]
    assert not {"transcript", "logs", "notifications"} & set(listed)  # the list stays light

    # Updates append: the stream gets the new entries, GET has them all.
    status, body = await query(api, run["id"], prompt_id=run["prompt"]["id"], component=0)
    keys = [row["key"] for row in body["reply"]["rows"][:2]]
    status, body = await answer(api, run, [keys])
    assert status == 200, body
    after = body["run"]
    assert after["logs"] == ["opening the desk", "picked 2"]
    assert after["prompt"]["components"][0]["kind"] == "search"
    update = json.loads(await asyncio.wait_for(ws.read_message(), 10))
    while "logs" not in update:
        update = json.loads(await asyncio.wait_for(ws.read_message(), 10))
    assert update["type"] == "update" and update["logs"] == ["picked 2"]
    ws.close()
    await api("POST", "runs", run["id"], "cancel")

    # The same run read back from the history (once the server no longer holds it live).
    status, live = await api("GET", "runs", run["id"])
    del service(jp_serverapp).runs[run["id"]]
    status, stored = await api("GET", "runs", run["id"])
    assert status == 200 and stored["run"]["status"] == "cancelled"
    for field in ("transcript", "logs", "notifications"):
        assert stored["run"][field] == live["run"][field], field
    ws = await jp_ws_fetch("interval", "api", "runs", run["id"], "stream")
    state = json.loads(await ws.read_message())
    assert state["run"]["transcript"] == live["run"]["transcript"]
    ws.close()


def test_older_journals_without_display_ids_still_get_them() -> None:
    events = [
        {"event": "prompt_shown", "time": 1.0},
        {"event": "log", "time": 2.0, "line": "one"},
        {"event": "displayed", "time": 3.0, "components": [{"kind": "display.markdown"}]},
        {"event": "notified", "time": 4.0, "message": "hi", "title": None},
        {"event": "displayed", "time": 5.0, "components": {"truncated": True}},
    ]
    assert journal_detail("r1", events) == {
        "transcript": [{"kind": "display", "id": "r1-d2", "components": events[2]["components"]}],
        "logs": ["one"],
        "notifications": [{"message": "hi", "title": None, "time": 4.0}],
    }


def test_the_store_gives_the_view_events_and_only_the_log_tail(tmp_path: Path) -> None:
    from .helpers import stored_row

    store = Store(tmp_path / "runs.sqlite")
    events = [
        {"run_id": "r1", "seq": 0, "time": 0.0, "event": "started", "data": "{}"},
        {"run_id": "r1", "seq": 1, "time": 1.0, "event": "prompt_shown", "data": '{"prompt": 1}'},
        *(
            {
                "run_id": "r1",
                "seq": i,
                "time": float(i),
                "event": "log",
                "data": f'{{"line": "{i}"}}',
            }
            for i in range(2, 10)
        ),
        {"run_id": "r1", "seq": 10, "time": 10.0, "event": "notified", "data": '{"message": "m"}'},
    ]
    store.write([stored_row("r1")], events)
    got = store.view_events("r1", 3)
    assert [(e["seq"], e["event"]) for e in got] == [
        (1, "prompt_shown"),
        (7, "log"),
        (8, "log"),
        (9, "log"),
        (10, "notified"),
    ]
    assert "prompt" not in got[0]  # its place counts, not its data
    store.close()


async def test_tables_and_search_are_queried_over_rest(api: Api) -> None:
    run = await start(api, "desk")
    prompt_id, shown_id = run["prompt"]["id"], run["transcript"][0]["id"]

    status, body = await query(
        api, run["id"], prompt_id=prompt_id, component=0, request_id=7, offset=10, page_size=10
    )
    assert status == 200, body
    page = body["reply"]
    assert page["type"] == "query_result"
    assert (page["request_id"], page["prompt_id"], page["component"]) == (7, prompt_id, 0)
    assert (page["total"], page["offset"], len(page["rows"])) == (30, 10, 10)

    # The table shown earlier in the transcript keeps paging, by its entry id.
    columns = run["transcript"][0]["components"][0]["props"]["columns"]
    labels = [c["label"].lower() for c in columns]
    name = columns[labels.index("name")]["key"]
    status, body = await query(
        api,
        run["id"],
        prompt_id=shown_id,
        component=0,
        request_id="r-1",
        search="person 2",
        sort={"column": name, "direction": "desc"},
    )
    page = body["reply"]
    assert page["type"] == "query_result" and page["request_id"] == "r-1"
    assert page["total"] == 10
    assert page["rows"][0]["cells"][labels.index("name")]["text"] == "Person 29"

    # Requests the kernel cannot serve get the page's error message, as in a notebook.
    for bad, message in (
        ({"prompt_id": "forged", "component": 0}, "has no component"),
        ({"prompt_id": prompt_id, "component": 4}, "has no component"),
        ({"prompt_id": prompt_id, "component": 0, "page_size": 0}, "page_size"),
        ({"prompt_id": prompt_id, "component": 0, "sort": {"column": "zz"}}, "cannot sort"),
    ):
        status, body = await query(api, run["id"], request_id=1, **bad)
        assert status == 200 and body["reply"]["type"] == "query_error", bad
        assert message in body["reply"]["message"] and body["reply"]["request_id"] == 1
    # Bodies the server cannot even relay are 400s.
    for bad in (
        {"component": 0},
        {"prompt_id": prompt_id},
        {"prompt_id": prompt_id, "component": "0"},
        {"prompt_id": prompt_id, "component": True},
        {"prompt_id": prompt_id, "component": -1},
        {"prompt_id": prompt_id, "component": 0, "request_id": {"a": 1}},
    ):
        status, body = await query(api, run["id"], **bad)
        assert (status, body["error"]["code"]) == (400, "bad_request"), bad
    status, body = await api("POST", "runs", run["id"], "query", raw=b"{nope")
    assert (status, body["error"]["code"]) == (400, "bad_request")
    status, body = await query(api, run["id"], token="bob-token", prompt_id=prompt_id, component=0)
    assert (status, body["error"]["code"]) == (403, "forbidden")
    status, body = await query(
        api, run["id"], token="carol-token", prompt_id=prompt_id, component=0
    )
    assert status == 200 and body["reply"]["type"] == "query_result"  # group:ops may

    status, body = await answer(api, run, [[body["reply"]["rows"][3]["key"]]])
    run = body["run"]
    search_id = run["prompt"]["id"]
    status, body = await search(
        api, run["id"], prompt_id=search_id, component=0, request_id=3, query="person 1"
    )
    assert status == 200, body
    found = body["reply"]
    assert found["type"] == "search_result" and found["request_id"] == 3
    assert [r["label"] for r in found["results"]][:2] == ["Person 10", "Person 11"]
    status, body = await search(
        api, run["id"], prompt_id=search_id, component=0, request_id=4, query="explode"
    )
    assert body["reply"]["type"] == "search_error"
    assert "the directory is down" in body["reply"]["message"]
    status, body = await search(api, run["id"], prompt_id=prompt_id, component=0, query="x")
    assert body["reply"]["type"] == "search_error"  # the table prompt was answered
    status, body = await search(api, run["id"], prompt_id=search_id, component=0, query=5)
    assert (status, body["error"]["code"]) == (400, "bad_request")
    status, body = await answer(api, run, [found["results"][0]["key"]])
    run = body["run"]
    assert run["prompt"]["components"][0]["kind"] == "input.file"

    # Files as base64 in JSON: checked like the widget's, refused clearly when malformed.
    for broken in ("not base64!", "QUJ", 12, "data:text/plain;base64,QUJD"):
        upload = {"name": "n.txt", "type": "text/plain", "size": 3, "base64": broken}
        status, body = await answer(api, run, [[upload]])
        assert (status, body["error"]["code"]) == (400, "bad_request"), broken
        assert "n.txt" in body["error"]["message"]
    status, body = await answer(
        api, run, [[{"name": "n.csv", "type": "text/csv", "size": 1, "base64": "QQ=="}]]
    )
    assert (status, body["error"]["code"]) == (422, "invalid")
    assert ".txt" in body["error"]["fields"][0]["message"]
    assert body["error"]["run"]["prompt"]["components"][0]["value"] == [
        {"name": "n.csv", "size": 1}
    ]
    text = "Hello,\nfiles.\n" * 100
    encoded = base64.encodebytes(text.encode()).decode()  # wrapped lines, as `base64` prints
    upload = {"name": "note.txt", "type": "text/plain", "size": 0, "base64": encoded}
    status, body = await answer(api, run, [[upload]])
    assert status == 200, body
    done = body["run"]
    assert done["status"] == "completed"
    assert done["result"] == {"picked": [3], "found": "Person 10", "file": text, "size": len(text)}
    assert done["notifications"][-1]["message"] == "got note.txt"

    # An ended run answers no page request, not even for its transcript.
    for route, body in (
        ("query", {"prompt_id": shown_id, "component": 0}),
        ("search", {"prompt_id": search_id, "component": 0, "query": "a"}),
    ):
        status, reply = await api("POST", "runs", run["id"], route, body=body)
        assert (status, reply["error"]["code"]) == (409, "not_waiting"), route
    status, body = await query(api, "r404", prompt_id="p", component=0)
    assert (status, body["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize("interval_config", [{"request_timeout": 1}])
async def test_a_busy_kernel_is_a_504(api: Api) -> None:
    run = await start(api, "desk")
    frozen = await start(api, "freeze")
    status, _ = await api(
        "POST",
        "runs",
        frozen["id"],
        "answer",
        params={"wait": 0},
        body={"prompt_id": frozen["prompt"]["id"], "values": ["yes"]},
    )
    assert status == 200
    await asyncio.sleep(0.6)  # the action now blocks the kernel's loop for 3 s
    status, body = await query(api, run["id"], prompt_id=run["prompt"]["id"], component=0)
    assert (status, body["error"]["code"]) == (504, "kernel_timeout")
    for _ in range(100):  # the kernel comes back
        status, body = await query(api, run["id"], prompt_id=run["prompt"]["id"], component=0)
        if status == 200:
            break
    assert body["reply"]["type"] == "query_result"
    await api("POST", "runs", run["id"], "cancel")


def test_only_files_sent_as_base64_are_decoded() -> None:
    from interval_nb.channels._uploads import UploadError, decode_uploads

    values = ["text", ["k1", "k2"], [{"a": 1}], [{"name": "a.txt", "base64": "SGk="}], None]
    assert decode_uploads(values) == [
        "text",
        ["k1", "k2"],
        [{"a": 1}],
        [{"name": "a.txt", "size": 2, "data": b"Hi"}],
        None,
    ]
    with pytest.raises(UploadError, match=r"value 0: file 'b.txt': not valid base64"):
        decode_uploads([[{"name": "b.txt", "base64": "%%%"}]])
    # a forged 900 KB name is quoted, not echoed whole
    with pytest.raises(UploadError) as refused:
        decode_uploads([[{"name": "n" * 900_000, "base64": "%%%"}]])
    assert len(str(refused.value)) < 300
