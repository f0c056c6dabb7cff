"""``actions.inbox()`` on a Voilà page under a Jupyter server: carol answers bob's hand-off.

The server serves an action whose second prompt is ``.assign_to("group:managers")`` (tokens
name people: ``tests/browser/users.py``; carol is a manager). bob starts a run through the API
and answers the first prompt; carol opens a dashboard whose only cell is ``actions.inbox()``,
finds the run there, opens it below the list and approves; bob's run goes on to his next prompt.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from .servers import Server, start_jupyter_server

pytestmark = pytest.mark.browser

TOOLS = """
import interval_nb as inb

actions = inb.Actions()

@actions.action(name="Expense approval")
async def expense_approval(io, ctx):
    amount = await io.input.number("Amount", min=1)
    approved = await io.confirm(f"Approve an expense of {amount}?").assign_to("group:managers")
    note = await io.input.text("Note for the record")
    return {"amount": amount, "approved": approved, "note": note}
"""


def inbox_notebook() -> str:
    """A dashboard with one cell: the inbox."""
    cell = nbformat.v4.new_code_cell("from inbox_tools import actions\n\nactions.inbox()")
    return nbformat.writes(nbformat.v4.new_notebook(cells=[cell]))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A Jupyter server with Voilà and the action, where tokens name bob and carol."""
    started = start_jupyter_server(
        tmp_path,
        [],
        extra_args=[
            "--IntervalNB.actions=inbox_tools.py",
            f"--IntervalNB.store_path={tmp_path / 'runs.sqlite'}",
            "--ServerApp.identity_provider_class=tests.browser.users.TokenUsers",
            "--IntervalNB.groups=" + json.dumps({"managers": ["carol"]}),
        ],
        files={"inbox_tools.py": TOOLS, "inbox.ipynb": inbox_notebook()},
    )
    try:
        yield started
    finally:
        started.stop()


def wait_for_prompt(server: Server, run_id: str, label: str) -> dict[str, Any]:
    """The run's pending prompt once its first component is labelled ``label``."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        prompt = server.interval("GET", f"runs/{run_id}", "bob-token")["run"]["prompt"]
        if prompt and prompt["components"][0]["label"] == label:
            return dict(prompt)
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} never asked {label!r}")


def test_carol_answers_bobs_hand_off_from_her_dashboards_inbox(
    server: Server, browser: Browser, contexts: list[BrowserContext], artefacts: Path
) -> None:
    run = server.interval("POST", "actions/expense_approval/runs?wait=30", "bob-token", {})["run"]
    first = wait_for_prompt(server, run["id"], "Amount")
    answer = {"prompt_id": first["id"], "values": [120]}
    server.interval("POST", f"runs/{run['id']}/answer?wait=30", "bob-token", answer)
    wait_for_prompt(server, run["id"], "Approve an expense of 120?")

    context = browser.new_context(viewport={"width": 1100, "height": 800})
    contexts.append(context)
    carol = context.new_page()
    carol.goto(f"{server.url}/voila/render/inbox.ipynb?token=carol-token")
    item = carol.locator(".inb-inbox-widget .inb-app-run")
    expect(item).to_have_count(1, timeout=60_000)
    expect(item).to_contain_text("for group:managers · started by bob")
    item.get_by_role("link").click()
    view = carol.locator(".inb-inbox-widget-run .inb-rv")
    approve = view.get_by_role("button", name="Yes")
    expect(approve).to_be_enabled(timeout=30_000)
    carol.screenshot(path=str(artefacts / "voila-inbox.png"))
    approve.click()

    wait_for_prompt(server, run["id"], "Note for the record")  # bob's run goes on
    expect(carol.locator(".inb-inbox-widget .inb-app-empty")).to_be_visible(timeout=30_000)
    events = server.interval("GET", f"runs/{run['id']}/events", "bob-token")["events"]
    assert [e.get("by") for e in events if e["event"] == "answered"] == ["bob", "carol"]
