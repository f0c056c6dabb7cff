"""Issue-3 traffic over a real kernel, as JupyterLab sends it (widget messages on a subshell):
table page queries and search requests answered by custom messages, file answers with binary
buffers, and ``ctx.redirect`` continuing in the same view."""

from __future__ import annotations

import textwrap
import uuid

import pytest

from .frontend import HeadlessFrontend, run_view

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="module")]

STEP = 10.0

ACTIONS = textwrap.dedent("""
    import interval_nb as inb

    actions = inb.Actions()
    ROWS = [{"id": i, "name": f"item{i:03}"} for i in range(300)]

    @actions.action
    async def pick_and_upload(io, ctx):
        rows = await io.select.table("Items", data=ROWS, page_size=10)
        who = await io.search("Who", on_search=lambda q: [n for n in ("ana", "bob") if q in n])
        upload = await io.input.file("CSV", allowed_extensions=[".csv"])
        ctx.redirect(action="done", params={"ids": [r["id"] for r in rows], "who": who,
                                            "file": upload.name, "text": upload.text()})

    @actions.action
    async def done(io, ctx):
        await io.input.text("Anything else?")
        return dict(ctx.params)
""")


def _replies(fe: HeadlessFrontend, comm_id: str, kind: str) -> list[dict]:
    return [
        c
        for c in fe.model_customs.get(comm_id, [])
        if isinstance(c, dict) and c.get("type") == kind
    ]


async def test_queries_search_files_and_redirect(fe: HeadlessFrontend) -> None:
    await fe.execute(ACTIONS, cell_id=f"defs-{uuid.uuid4().hex[:8]}")
    view = run_view(
        fe, await fe.execute("run = pick_and_upload.start()", cell_id=f"run-{uuid.uuid4().hex[:8]}")
    )
    prompt = await view.wait_prompt(kind="select.table", timeout=STEP)
    first_run = view.run_id
    assert prompt["components"][0]["props"]["initial"]["total"] == 300

    await view.send(
        {
            "type": "query",
            "prompt_id": prompt["id"],
            "component": 0,
            "request_id": 7,
            "offset": 0,
            "page_size": 5,
            "search": "item29",
            "sort": {"column": "c1", "direction": "desc"},
        }
    )
    await fe.wait_for(
        lambda _m: _replies(fe, view.comm_id, "query_result"), STEP, what="a query reply"
    )
    reply = _replies(fe, view.comm_id, "query_result")[0]
    assert reply["request_id"] == 7 and reply["total"] == 10
    assert [r["key"] for r in reply["rows"]] == ["299", "298", "297", "296", "295"]
    await view.send(
        {
            "type": "query",
            "prompt_id": prompt["id"],
            "component": 0,
            "request_id": 8,
            "page_size": 10**9,
        }
    )
    await fe.wait_for(
        lambda _m: _replies(fe, view.comm_id, "query_error"), STEP, what="a query error"
    )
    assert "page_size" in _replies(fe, view.comm_id, "query_error")[0]["message"]

    await view.answer(["299", "5"])
    prompt = await view.wait_prompt(kind="search", timeout=STEP)
    await view.send(
        {
            "type": "search",
            "prompt_id": prompt["id"],
            "component": 0,
            "request_id": 1,
            "query": "an",
        }
    )
    await fe.wait_for(
        lambda _m: _replies(fe, view.comm_id, "search_result"), STEP, what="search results"
    )
    results = _replies(fe, view.comm_id, "search_result")[0]["results"]
    assert [r["label"] for r in results] == ["ana"]
    await view.answer(results[0]["key"])

    prompt = await view.wait_prompt(kind="input.file", timeout=STEP)
    await fe.send_custom(
        view.comm_id,
        {
            "type": "answer",
            "prompt_id": prompt["id"],
            "choice": None,
            "values": [[{"name": "a.csv", "type": "text/csv", "size": 4, "buffer": 0}]],
        },
        buffers=[b"x,y\n"],
    )
    # the run redirected: the same view now shows the next action's prompt
    await view.wait_prompt(kind="input.text", timeout=STEP)
    assert view.run_id != first_run
    await view.answer("no")
    state = await view.wait_status("completed", timeout=STEP)
    assert state["result"] == {"ids": [5, 299], "who": "ana", "file": "a.csv", "text": "x,y\n"}
