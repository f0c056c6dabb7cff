"""Forged requests through the REST API cannot amplify, inject or grow the history.

A real server with its actions kernel: the answers below are what a hostile client could send
instead of the page. Sizes are measured on the JSON the server returns and the history holds.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from interval_nb.runtime.run import MAX_NOISY_EVENTS
from interval_nb.store import Store

from .helpers import Api

pytestmark = pytest.mark.kernel

FORGED_KEY = "k" * 900_000


async def start(api: Api, slug: str) -> dict[str, Any]:
    status, body = await api("POST", "actions", slug, "runs", body={"params": {}})
    assert status == 201, body
    return body["run"]  # type: ignore[no-any-return]


async def answer(api: Api, run: dict[str, Any], values: list[Any]) -> tuple[int, Any]:
    body = {"prompt_id": run["prompt"]["id"], "values": values, "choice": None}
    return await api("POST", "runs", run["id"], "answer", body=body)  # type: ignore[no-any-return]


def size(body: Any) -> int:
    return len(json.dumps(body))


async def test_a_forged_row_key_is_not_amplified_and_failed_searches_do_not_grow_the_history(
    api: Api, store_path: Path
) -> None:
    run = await start(api, "desk")
    status, before = await api("GET", "runs", run["id"])
    assert status == 200

    status, refused = await answer(api, run, [[3, FORGED_KEY]])
    assert (status, refused["error"]["code"]) == (422, "invalid")
    assert size(refused) < size(before) + 2_000  # was 2.7 MB
    [field] = refused["error"]["fields"]
    assert field["message"].startswith("Row 'kkk") and len(field["message"]) < 150
    assert refused["error"]["run"]["prompt"]["components"][0]["value"] == ["3"]
    status, after = await api("GET", "runs", run["id"])
    assert status == 200 and size(after) < size(before) + 2_000  # was 1.8 MB

    status, body = await answer(api, run, [[3]])
    assert status == 200, body
    run = body["run"]
    assert run["prompt"]["components"][0]["kind"] == "search"
    body = {"prompt_id": run["prompt"]["id"], "component": 0, "query": "explode"}
    for _ in range(MAX_NOISY_EVENTS + 15):
        status, reply = await api("POST", "runs", run["id"], "search", body=body)
        assert status == 200 and reply["reply"]["type"] == "search_error"
    status, body = await api("POST", "runs", run["id"], "cancel")
    assert status == 200 and body["run"]["status"] == "cancelled"

    store = Store(store_path)
    try:
        journal = store.events(run["id"])
        stored = store.get_run(run["id"])
    finally:
        store.close()
    assert Counter(e["event"] for e in journal)["search_failed"] == MAX_NOISY_EVENTS
    assert journal[-1]["event"] == "cancelled"
    assert journal[-1]["suppressed"] == {"search_failed": 15}
    assert size(journal) + size(stored) < 100_000


async def test_an_upload_named_with_a_path_arrives_as_its_basename(api: Api) -> None:
    run = await start(api, "desk")
    status, body = await answer(api, run, [[3]])
    assert status == 200, body
    run = body["run"]
    status, found = await api(
        "POST",
        "runs",
        run["id"],
        "search",
        body={"prompt_id": run["prompt"]["id"], "component": 0, "query": "Person 1"},
    )
    status, body = await answer(api, run, [found["reply"]["results"][0]["key"]])
    run = body["run"]
    assert run["prompt"]["components"][0]["kind"] == "input.file"

    dots = {"name": "..", "type": "text/plain", "size": 2, "base64": "SGk="}
    status, body = await answer(api, run, [[dots]])
    assert (status, body["error"]["code"]) == (422, "invalid")  # "upload" is not a .txt file
    assert body["error"]["run"]["prompt"]["components"][0]["value"] == [
        {"name": "upload", "size": 2}
    ]
    traversal = {"name": "../../etc/notes.txt", "type": "text/plain", "size": 2, "base64": "SGk="}
    status, body = await answer(api, run, [[traversal]])
    assert status == 200, body
    done = body["run"]
    assert done["status"] == "completed" and done["result"]["file"] == "Hi"
    assert done["notifications"][-1]["message"] == "got notes.txt"
