"""On a real JupyterHub, in the browser: three people, three browsers, one refund.

bob (ops) opens alice's shared Lab, logs in at the hub, lets the server know who he is, starts
a refund in the Interval sidebar and answers the amount; the approval is handed to
``group:managers``, so his tab shows it read-only. carol (managers) logs in the same way and
finds the refund under "Waiting for me"; she opens it and approves. bob's tab goes on to the
note, he answers it and the run completes; the history says bob, carol, bob answered, and
alice, the owner, sees the completed run in her own Lab.

Lab's layout is the server's (one workspace for every visitor), so carol's Lab may already
show the tab bob left open; the test waits for states that hold either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser import conftest as browser_tests
from tests.browser.conftest import ARTEFACTS, CHROMIUM, FLAGS
from tests.browser.lab import (
    answer_known_dialogs,
    inbox,
    run_view,
    wait_for_sidebar_actions,
)

from .conftest import PASSWORD, Hub

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.kernel]

WAITING = ".inb-rv-waiting"
"""The banner of a prompt that waits for other people."""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (never a downloaded one) with the browser tests' flags."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS}


@pytest.fixture
def artefacts() -> Path:
    """The browser tests' screenshot folder (made if this module runs on its own)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


contexts = browser_tests.contexts
"""The browser tests' fixture: browser contexts opened by the test (one per person), closed after it."""


def log_in_to_alices_lab(
    contexts: list[BrowserContext], browser: Browser, hub: Hub, user: str
) -> Page:
    """A browser of ``user``'s own: alice's Lab, logged in at the hub, the Interval sidebar open."""
    context = browser.new_context(viewport={"width": 1300, "height": 850})
    contexts.append(context)
    page = context.new_page()
    answer_known_dialogs(page)
    # the first visit to someone else's server: the hub asks to let it know who you are
    authorize = page.get_by_role("button", name="Authorize")
    page.add_locator_handler(authorize, lambda button: button.click())
    page.goto(f"{hub.url}/user/alice/lab")
    expect(page.locator("#username_input")).to_be_visible(timeout=30_000)
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(PASSWORD)
    page.locator("#login_submit").click()
    wait_for_sidebar_actions(page)
    return page


def test_three_people_hand_a_refund_along_in_their_own_browsers(
    hub: Hub, browser: Browser, contexts: list[BrowserContext], artefacts: Path
) -> None:
    # bob starts the refund and answers the amount
    bob = log_in_to_alices_lab(contexts, browser, hub, "bob")
    bob.locator(".inb-sb-action[data-slug='refund']").click()
    view = run_view(bob)
    amount = view.get_by_label("Amount")
    expect(amount).to_be_editable(timeout=30_000)
    expect(bob.locator(".inb-panel:visible .inb-panel-who")).to_have_text("Started by bob")
    amount.fill("120")
    amount.press("Enter")

    # the approval is the managers': bob sees it read-only
    expect(view).to_contain_text("Refund $120?", timeout=30_000)
    expect(view.locator(WAITING)).to_have_text("Waiting for group:managers")
    expect(view.get_by_role("button", name="Yes")).to_be_disabled()
    expect(inbox(bob).get_by_text("Nothing waits for you.")).to_be_visible(timeout=30_000)
    bob.screenshot(path=str(artefacts / "hub-1-bob-waits.png"))

    # carol finds it under "Waiting for me" and approves
    carol = log_in_to_alices_lab(contexts, browser, hub, "carol")
    expect(inbox(carol).locator(".inb-sb-count")).to_have_text("1", timeout=30_000)
    item = inbox(carol).locator(".inb-sb-inbox-run")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("for group:managers · started by bob")
    item.click()
    approve = run_view(carol).get_by_role("button", name="Yes")
    expect(approve).to_be_enabled(timeout=30_000)
    expect(run_view(carol).locator(WAITING)).to_be_hidden()
    carol.screenshot(path=str(artefacts / "hub-2-carol-inbox.png"))
    approve.click()
    expect(inbox(carol).get_by_text("Nothing waits for you.")).to_be_visible(timeout=30_000)

    # bob's tab goes on to the note; he answers it and the run completes
    note = view.get_by_label("Note for the customer")
    expect(note).to_be_editable(timeout=30_000)
    expect(view.locator(WAITING)).to_be_hidden()
    note.fill("Approved by your manager")
    note.press("Enter")
    expect(view).to_have_attribute("data-status", "completed", timeout=30_000)
    expect(view.locator(".inb-rv-badge")).to_have_text("Completed")
    bob.screenshot(path=str(artefacts / "hub-3-done.png"))

    run_id = view.get_attribute("data-run-id")
    status, journal = hub.interval("GET", f"runs/{run_id}/events", "alice")
    assert status == 200, journal
    by = [e.get("by") for e in journal["events"] if e["event"] == "answered"]
    assert by == ["bob", "carol", "bob"]

    # alice, whose server it is, sees bob's refund in her history
    alice = log_in_to_alices_lab(contexts, browser, hub, "alice")
    done = alice.locator(f"#interval-nb-sidebar .inb-sb-run[data-run-id='{run_id}']")
    expect(done).to_have_attribute("data-status", "completed", timeout=30_000)
    expect(done).to_contain_text("bob")


def test_the_app_page_behind_the_hub_login(
    hub: Hub, browser: Browser, contexts: list[BrowserContext], artefacts: Path
) -> None:
    """A visitor of alice's shared server opens the app page: the hub's login, then the app."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    contexts.append(context)
    page = context.new_page()
    authorize = page.get_by_role("button", name="Authorize")
    page.add_locator_handler(authorize, lambda button: button.click())
    page.goto(f"{hub.url}/user/alice/interval/?action=refund")
    expect(page.locator("#username_input")).to_be_visible(timeout=30_000)  # the hub's login
    expect(page.locator("#inb-app")).to_have_count(0)
    page.locator("#username_input").fill("carol")
    page.locator("#password_input").fill(PASSWORD)
    page.locator("#login_submit").click()

    # back on the link she was sent: the refund starts, as carol, in alice's actions kernel
    amount = page.get_by_label("Amount")
    expect(amount).to_be_editable(timeout=60_000)
    expect(page.locator(".inb-app-user")).to_have_text("carol")
    amount.fill("30")
    amount.press("Enter")
    approve = page.locator(".inb-app-runscreen .inb-rv").get_by_role("button", name="Yes")
    expect(approve).to_be_enabled(timeout=30_000)  # she is a manager: the approval is hers
    approve.click()
    note = page.get_by_label("Note for the customer")
    expect(note).to_be_editable(timeout=30_000)
    note.fill("Small refund")
    note.press("Enter")
    expect(page.locator(".inb-app-runscreen .inb-rv-badge")).to_have_text(
        "Completed", timeout=30_000
    )
    page.screenshot(path=str(artefacts / "hub-app-page.png"))

    run_id = page.url.split("#run=")[1]
    status, run = hub.interval("GET", f"runs/{run_id}", "alice")
    assert status == 200 and run["run"]["user"] == "carol", run
