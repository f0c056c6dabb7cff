"""A prompt handed over in JupyterLab: bob asks, a manager (carol) approves, bob finishes.

Lab is served with a test identity provider that gives each person a token of their own
(``tests/browser/users.py``) and ``IntervalNB.groups`` puts carol in ``managers``. The action's
second prompt is ``.assign_to("group:managers")``. Two browser contexts, one per person: bob
starts the run in the sidebar and answers the first prompt; his tab then shows the second one
read-only, "Waiting for group:managers". carol, whose Lab was already open, is told by a
notification and finds the run under "Waiting for me"; she opens it and approves; bob's tab
goes on to his next prompt and he finishes the run. Nothing is announced for what already
waited when Lab opened (carol reloads before she answers).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from .lab import answer_known_dialogs, inbox, run_view, wait_for_lab, wait_for_sidebar_actions
from .servers import Server, start_lab

pytestmark = pytest.mark.browser

HANDOFF_TOOLS = """
import interval_nb as inb

actions = inb.Actions()

@actions.action(name="Expense approval", description="A manager approves the expense.")
async def expense_approval(io, ctx):
    amount = await io.input.number("Amount", min=1)
    approved = await io.confirm(f"Approve an expense of {amount}?").assign_to("group:managers")
    note = await io.input.text("Note for the record")
    return {"amount": amount, "approved": approved, "note": note, "by": ctx.user.username}
"""

WAITING = ".inb-rv-waiting"
"""The banner of a prompt that waits for other people."""


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Server]:
    """Lab where tokens name people (bob, carol) and carol is a manager."""
    server = start_lab(
        tmp_path,
        [],
        {"handoff_tools.py": HANDOFF_TOOLS},
        extra_args=[
            "--IntervalNB.actions=handoff_tools.py",
            f"--IntervalNB.store_path={tmp_path / 'runs.sqlite'}",
            "--ServerApp.identity_provider_class=tests.browser.users.TokenUsers",
            "--IntervalNB.groups=" + json.dumps({"managers": ["carol"]}),
        ],
    )
    try:
        yield server
    finally:
        server.stop()


def open_as(contexts: list[BrowserContext], browser: Browser, lab: Server, token: str) -> Page:
    """A browser of its own, logged in to Lab with ``token``, the Interval sidebar open."""
    context = browser.new_context(viewport={"width": 1300, "height": 850})
    contexts.append(context)
    page = context.new_page()
    answer_known_dialogs(page)
    page.goto(f"{lab.url}/lab?token={token}")
    wait_for_sidebar_actions(page)
    return page


def nothing_waits(page: Page) -> Locator:
    """The inbox's quiet line when nothing waits for the person."""
    return inbox(page).get_by_text("Nothing waits for you.")


def toasts(page: Page) -> Locator:
    """JupyterLab's notifications that say a run waits for the person."""
    return page.locator(".Toastify__toast", has_text="waits for you")


def test_a_prompt_handed_to_managers_is_answered_by_one(
    lab: Server, browser: Browser, contexts: list[BrowserContext], artefacts: Path
) -> None:
    carol = open_as(contexts, browser, lab, "carol-token")
    expect(nothing_waits(carol)).to_be_visible()
    expect(inbox(carol).locator(".inb-sb-count")).to_be_hidden()

    # bob starts the run and answers the first prompt, which is his own
    bob = open_as(contexts, browser, lab, "bob-token")
    bob.locator(".inb-sb-action[data-slug='expense_approval']").click()
    view = run_view(bob)
    amount = view.get_by_label("Amount")
    expect(amount).to_be_editable(timeout=30_000)
    expect(bob.locator(".inb-panel:visible .inb-panel-who")).to_have_text("Started by bob")
    mine = inbox(bob).locator(".inb-sb-inbox-run")
    expect(mine).to_have_count(1, timeout=30_000)  # his own run, at his prompt
    expect(mine).to_contain_text("started by you")
    amount.fill("120")
    amount.press("Enter")

    # the approval is not bob's: he sees it read-only, waiting for the managers
    expect(view).to_contain_text("Approve an expense of 120?", timeout=30_000)
    expect(view.locator(WAITING)).to_have_text("Waiting for group:managers")
    expect(view.get_by_role("button", name="Yes")).to_be_disabled()
    expect(view.get_by_role("button", name="No")).to_be_disabled()
    expect(nothing_waits(bob)).to_be_visible(timeout=30_000)
    bob.screenshot(path=str(artefacts / "lab-inbox-1-bob-waits-for-managers.png"))

    # carol is told, and finds it under "Waiting for me"
    expect(inbox(carol).locator(".inb-sb-count")).to_have_text("1", timeout=30_000)
    item = inbox(carol).locator(".inb-sb-inbox-run")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Expense approval")
    expect(item).to_contain_text("for group:managers · started by bob")
    toast = toasts(carol)
    expect(toast).to_have_count(1)
    expect(toast).to_contain_text("“Expense approval” waits for you (started by bob).")
    expect(toast).to_be_in_viewport(ratio=1)  # it has slid in
    carol.screenshot(path=str(artefacts / "lab-inbox-2-carol-is-told.png"))
    toast.get_by_role("button", name="Open").click()
    expect(run_view(carol).get_by_role("button", name="Yes")).to_be_enabled(timeout=30_000)

    # what already waits when Lab opens is listed, not announced
    carol.reload()
    wait_for_lab(carol)
    expect(inbox(carol).locator(".inb-sb-count")).to_have_text("1", timeout=30_000)
    item.click()
    approve = run_view(carol).get_by_role("button", name="Yes")
    expect(approve).to_be_enabled(timeout=30_000)
    expect(run_view(carol).locator(WAITING)).to_be_hidden()
    expect(toasts(carol)).to_have_count(0)
    approve.click()
    expect(nothing_waits(carol)).to_be_visible(timeout=30_000)

    # bob's tab goes on to his next prompt, and he finishes the run
    note = view.get_by_label("Note for the record")
    expect(note).to_be_editable(timeout=30_000)
    expect(view.locator(WAITING)).to_be_hidden()
    bob.screenshot(path=str(artefacts / "lab-inbox-3-bob-goes-on.png"))
    note.fill("approved by carol")
    note.press("Enter")
    expect(view).to_have_attribute("data-status", "completed", timeout=30_000)
    expect(view).to_contain_text("approved by carol")
    expect(toasts(bob)).to_have_count(0)  # nothing was handed to bob
    expect(nothing_waits(bob)).to_be_visible(timeout=30_000)
    bob.screenshot(path=str(artefacts / "lab-inbox-4-bob-done.png"))
