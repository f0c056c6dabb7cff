"""A queued run started from JupyterLab: bob queues a refund for carol, carol starts it and answers.

Lab is served with the test identity provider of ``test_lab_inbox.py`` (a token per person).
bob queues the run through the API (``POST actions/{slug}/queue``, assignee carol). In his own
Lab he opens it from the history: the tab shows it queued for carol with Start, and his Start
is refused with the server's message (it is not his to start). carol's "Waiting for me" lists
it with Start; she starts it there, the tab shows its first prompt live, she answers and it
completes. The run's journal and the tab's details say carol started and answered it, and
bob's tab, which showed it queued, follows it to the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .lab import inbox, run_view
from .servers import Server, start_lab
from .test_lab_inbox import nothing_waits, open_as

pytestmark = pytest.mark.browser

QUEUE_TOOLS = """
import interval_nb as inb

actions = inb.Actions()

@actions.action(name="Refund", description="Refund an order.")
async def refund(io, ctx):
    amount = await io.input.number(f"Amount to refund on order {ctx.params['order']}", min=1)
    return {"order": ctx.params["order"], "amount": amount, "by": ctx.user.username}
"""


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Server]:
    """Lab where tokens name people (bob, carol)."""
    server = start_lab(
        tmp_path,
        [],
        {"queue_tools.py": QUEUE_TOOLS},
        extra_args=[
            "--IntervalNB.actions=queue_tools.py",
            f"--IntervalNB.store_path={tmp_path / 'runs.sqlite'}",
            "--ServerApp.identity_provider_class=tests.browser.users.TokenUsers",
        ],
    )
    try:
        yield server
    finally:
        server.stop()


def panel(page: Page) -> Any:
    """The visible run tab."""
    return page.locator(".inb-panel:visible")


def test_a_run_queued_for_carol_is_started_and_answered_in_her_lab(
    lab: Server, browser: Browser, contexts: list[BrowserContext], artefacts: Path
) -> None:
    carol = open_as(contexts, browser, lab, "carol-token")
    expect(nothing_waits(carol)).to_be_visible()
    queued = lab.interval(
        "POST",
        "actions/refund/queue",
        "bob-token",
        {"params": {"order": "A-17"}, "assignee": "carol"},
    )["run"]
    run_id = queued["id"]
    assert (queued["status"], queued["user"]) == ("queued", "bob")

    # bob sees it queued for carol; Start is not his: the server's refusal is shown
    bob = open_as(contexts, browser, lab, "bob-token")
    bob.locator(f".inb-sb-run[data-run-id='{run_id}']").click()
    queued_bar = panel(bob).locator(".inb-panel-queued")
    expect(queued_bar).to_contain_text("Queued for carol", timeout=30_000)
    expect(run_view(bob)).to_have_attribute("data-status", "queued")
    queued_bar.get_by_role("button", name="Start").click()
    refusal = bob.locator(".Toastify__toast", has_text="could not be started")
    expect(refusal).to_contain_text("this run waits for carol to start it", timeout=30_000)
    expect(refusal).to_be_in_viewport(ratio=1)  # it has slid in
    expect(queued_bar).to_be_visible()
    expect(nothing_waits(bob)).to_be_visible()
    bob.screenshot(path=str(artefacts / "lab-queue-1-bob-may-not-start.png"))

    # carol's inbox lists it with Start
    item = inbox(carol).locator("li", has=carol.locator(f"[data-inbox-run-id='{run_id}']"))
    expect(item).to_contain_text("queued for carol by bob", timeout=30_000)
    expect(inbox(carol).locator(".inb-sb-count")).to_have_text("1")
    carol.screenshot(path=str(artefacts / "lab-queue-2-carol-inbox.png"))
    item.get_by_role("button", name="Start").click()

    # the tab shows the run live at its first prompt, which is carol's
    amount = run_view(carol).get_by_label("Amount to refund on order A-17")
    expect(amount).to_be_editable(timeout=30_000)
    expect(panel(carol).locator(".inb-panel-queued")).to_be_hidden()
    expect(panel(carol).locator(".inb-panel-who")).to_have_text("Started by carol")
    expect(inbox(carol).locator(".inb-sb-inbox-start")).to_have_count(0, timeout=30_000)
    carol.screenshot(path=str(artefacts / "lab-queue-3-carol-started.png"))
    amount.fill("40")
    amount.press("Enter")
    expect(run_view(carol)).to_have_attribute("data-status", "completed", timeout=30_000)
    expect(run_view(carol)).to_contain_text("carol")
    expect(nothing_waits(carol)).to_be_visible(timeout=30_000)

    # the history says carol started and answered it
    details = panel(carol).locator(".inb-panel-details")
    expect(details).not_to_have_attribute("open", "")  # the tab opened on a queued run
    details.locator("summary").click()
    expect(details).to_contain_text("Started by carol", timeout=30_000)
    expect(details).to_contain_text("Answered by carol")
    carol.screenshot(path=str(artefacts / "lab-queue-4-carol-done.png"))
    run = lab.interval("GET", f"runs/{run_id}", "carol-token")["run"]
    assert (run["status"], run["user"], run["result"]) == (
        "completed",
        "carol",
        {"order": "A-17", "amount": 40, "by": "carol"},
    )
    events = lab.interval("GET", f"runs/{run_id}/events", "carol-token")["events"]
    assert [e.get("by") for e in events if e["event"] == "answered"] == ["carol"], events

    # bob's tab, which showed it queued, followed it to the end
    expect(run_view(bob)).to_have_attribute("data-status", "completed", timeout=30_000)
    expect(queued_bar).to_be_hidden()
    bob.screenshot(path=str(artefacts / "lab-queue-5-bob-follows-it.png"))
