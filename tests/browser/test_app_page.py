"""The kernel-free app page at ``{base_url}interval/``, driven in Chromium as people use it.

One Jupyter server (tokens name people: ``tests/browser/users.py``; carol is a manager) serves
two actions. Each person gets a browser context of their own and logs in with their token;
after that the page's requests carry only Jupyter's login cookie, as a hub login's would.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from .lab import answer_known_dialogs, contrast, show_interval_sidebar, wait_for_lab
from .servers import Server, start_lab

pytestmark = pytest.mark.browser

TOOLS = """
import interval_nb as inb

actions = inb.Actions()

@actions.action(name="Greet", description="Say hello to someone.")
async def greet(io, ctx):
    name = await io.input.text("Your name")
    colour = await io.input.text("Favourite colour")
    return {"greeting": f"Hello {name}, who likes {colour}"}

@actions.action(name="Ping managers", description="Ask the managers to look at something.")
async def ping_managers(io, ctx):
    what = await io.input.text("What should they look at?")
    ctx.notify(f"Please look at {what}", title="From the ops desk", to="group:managers")
    return "sent"

@actions.action(name="Expense approval", description="A manager approves the expense.")
async def expense_approval(io, ctx):
    amount = await io.input.number("Amount", min=1)
    approved = await io.confirm(f"Approve an expense of {amount}?").assign_to("group:managers")
    note = await io.input.text("Note for the record")
    return {"amount": amount, "approved": approved, "note": note}
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A Jupyter server serving the two actions, where tokens name bob and carol."""
    started = start_lab(
        tmp_path,
        [],
        {"app_tools.py": TOOLS},
        extra_args=[
            "--IntervalNB.actions=app_tools.py",
            f"--IntervalNB.store_path={tmp_path / 'runs.sqlite'}",
            "--ServerApp.identity_provider_class=tests.browser.users.TokenUsers",
            "--IntervalNB.groups=" + json.dumps({"managers": ["carol"]}),
        ],
    )
    try:
        yield started
    finally:
        started.stop()


def open_app(
    contexts: list[BrowserContext],
    browser: Browser,
    server: Server,
    token: str,
    query: str = "",
    color_scheme: Literal["light", "dark"] = "light",
) -> Page:
    """A browser of its own, logged in with ``token``, on the app page (``query`` appended)."""
    context = browser.new_context(
        viewport={"width": 1200, "height": 800}, color_scheme=color_scheme
    )
    contexts.append(context)
    page = context.new_page()
    page.goto(f"{server.url}/interval/?token={token}{query}")
    return page


def launcher(page: Page) -> Locator:
    """The launcher's action cards."""
    return page.locator(".inb-launcher-card")


def run_view(page: Page) -> Locator:
    """The run view on the run screen."""
    return page.locator(".inb-app-runscreen .inb-rv")


def kernels(server: Server) -> list[str]:
    """The ids of the kernels the server runs."""
    with urllib.request.urlopen(f"{server.url}/api/kernels?token={server.token}", timeout=10) as r:
        return [k["id"] for k in json.load(r)]


def test_a_run_goes_end_to_end_and_survives_a_reload(
    server: Server, browser: Browser, contexts: list[BrowserContext], artefacts: Path
) -> None:
    page = open_app(contexts, browser, server, "bob-token")
    expect(launcher(page)).to_have_count(3, timeout=30_000)
    expect(page.locator(".inb-app-user")).to_have_text("Bob")
    started_with = kernels(server)
    page.get_by_role("button", name="Run Greet").click()

    name = page.get_by_label("Your name")
    expect(name).to_be_editable(timeout=30_000)
    assert "#run=" in page.url
    name.fill("Ana")
    name.press("Enter")
    colour = page.get_by_label("Favourite colour")
    expect(colour).to_be_editable(timeout=30_000)
    colour.fill("blue")
    expect(page.locator(".inb-app-count")).to_have_text("1", timeout=30_000)  # his own prompt

    # the run lives in the server: a reload comes back to the same prompt, typed value intact
    page.reload()
    expect(colour).to_have_value("blue", timeout=30_000)
    page.screenshot(path=str(artefacts / "app-page-reloaded.png"))
    # ... and so does another browser of the same person, opened on the run's link
    run_link = page.url.split("#")[1]
    elsewhere = open_app(contexts, browser, server, "bob-token", f"#{run_link}")
    expect(elsewhere.get_by_label("Favourite colour")).to_have_value("blue", timeout=30_000)
    colour.press("Enter")
    expect(run_view(page)).to_contain_text("Hello Ana, who likes blue", timeout=30_000)
    expect(page.locator(".inb-app-count")).to_be_hidden(timeout=30_000)

    # "My runs": the run, completed; its details as in Lab's timeline
    page.get_by_role("link", name="My runs", exact=True).click()
    item = page.locator(".inb-app-run:visible")
    expect(item).to_have_count(1)
    expect(item.locator(".inb-status")).to_have_text("Completed")
    item.get_by_role("link").click()
    page.get_by_text("Run details").click()
    expect(page.locator(".inb-panel-details")).to_contain_text("Your name", timeout=30_000)
    expect(page.locator(".inb-panel-details")).to_contain_text("Ana")
    assert kernels(server) == started_with  # the page started no kernel


def test_a_link_opens_one_action(
    server: Server, browser: Browser, contexts: list[BrowserContext]
) -> None:
    page = open_app(contexts, browser, server, "bob-token", "&action=greet")
    expect(page.get_by_label("Your name")).to_be_editable(timeout=30_000)
    assert "action=" not in page.url and "#run=" in page.url  # a reload keeps this run
    run_url = page.url
    page.reload()
    expect(page.get_by_label("Your name")).to_be_editable(timeout=30_000)
    assert page.url == run_url

    forged = open_app(contexts, browser, server, "bob-token", "#run=no-such-run")
    expect(forged.locator(".inb-panel-notice")).to_contain_text(
        "This run cannot be shown", timeout=30_000
    )

    unknown = open_app(contexts, browser, server, "bob-token", "&action=no_such_action")
    expect(unknown.locator(".inb-app-toast")).to_contain_text("no_such_action", timeout=30_000)
    expect(launcher(unknown)).to_have_count(3)


def test_a_prompt_handed_over_waits_in_carols_inbox(
    server: Server, browser: Browser, contexts: list[BrowserContext], artefacts: Path
) -> None:
    carol = open_app(contexts, browser, server, "carol-token")
    expect(launcher(carol)).to_have_count(3, timeout=30_000)
    expect(carol.locator(".inb-app-count")).to_be_hidden()

    bob = open_app(contexts, browser, server, "bob-token")
    bob.get_by_role("button", name="Run Expense approval").click()
    amount = bob.get_by_label("Amount")
    expect(amount).to_be_editable(timeout=30_000)
    amount.fill("120")
    amount.press("Enter")
    view = run_view(bob)
    expect(view).to_contain_text("Approve an expense of 120?", timeout=30_000)
    expect(view.locator(".inb-rv-waiting")).to_have_text("Waiting for group:managers")
    expect(view.get_by_role("button", name="Yes")).to_be_disabled()

    # carol's count goes up while her page is open, and she is told
    expect(carol.locator(".inb-app-count")).to_have_text("1", timeout=30_000)
    expect(carol.locator(".inb-app-toast")).to_contain_text("waits for you")
    carol.get_by_role("link", name="Waiting for me").click()
    item = carol.locator(".inb-app-run:visible")
    expect(item).to_contain_text("for group:managers · started by bob")
    carol.screenshot(path=str(artefacts / "app-page-inbox.png"))
    item.get_by_role("link").click()
    carol_view = run_view(carol)
    expect(carol_view).to_contain_text("Approve an expense of 120?", timeout=30_000)
    carol_view.get_by_role("button", name="Yes").click()

    # bob, still watching, goes on to his next prompt
    expect(bob.get_by_label("Note for the record")).to_be_editable(timeout=30_000)
    expect(carol.locator(".inb-app-count")).to_be_hidden(timeout=30_000)


def test_without_a_login_the_page_is_the_login(
    server: Server, browser: Browser, contexts: list[BrowserContext]
) -> None:
    context = browser.new_context()
    contexts.append(context)
    page = context.new_page()
    response = page.goto(f"{server.url}/interval/?action=greet")
    assert response is not None and response.ok
    assert "/login" in page.url
    expect(page.locator("input[type='password']")).to_be_visible()
    expect(page.locator("#inb-app")).to_have_count(0)
    api = context.request.get(f"{server.url}/interval/api/actions")
    assert api.status == 403


def test_dark_by_system_preference_and_driven_by_keyboard(
    server: Server, browser: Browser, contexts: list[BrowserContext], artefacts: Path
) -> None:
    page = open_app(contexts, browser, server, "bob-token", color_scheme="dark")
    expect(launcher(page)).to_have_count(3, timeout=30_000)
    expect(page.locator("body[data-jp-theme-light='false']")).to_have_count(1)
    assert contrast(page, page.locator(".inb-app-title")) >= 7
    assert contrast(page, page.locator(".inb-launcher-name").first) >= 4.5

    search = page.get_by_label("Search actions")
    page.keyboard.press("Tab")  # the first stop: past the header
    skip = page.get_by_role("button", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(search).to_be_focused()
    page.keyboard.type("greet")
    expect(launcher(page).locator(":visible")).not_to_have_count(0)
    page.keyboard.press("Enter")  # to the first match's Run
    expect(page.get_by_role("button", name="Run Greet")).to_be_focused()
    page.keyboard.press("Enter")
    name = page.get_by_label("Your name")
    expect(name).to_be_focused(timeout=30_000)  # the keyboard lands in the form
    page.keyboard.type("Kim")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Favourite colour")).to_be_editable(timeout=30_000)
    assert contrast(page, page.get_by_text("Favourite colour").first) >= 4.5
    page.screenshot(path=str(artefacts / "app-page-dark.png"))


def test_labs_sidebar_opens_the_app_and_the_server_prints_its_url(
    server: Server, browser: Browser, contexts: list[BrowserContext]
) -> None:
    assert f"{server.url}/interval/?token=" in server.log.read_text()  # beside Lab's URL
    context = browser.new_context(viewport={"width": 1300, "height": 850})
    contexts.append(context)
    lab = context.new_page()
    answer_known_dialogs(lab)
    lab.goto(f"{server.url}/lab?token=bob-token")
    wait_for_lab(lab)
    link = show_interval_sidebar(lab).get_by_role("link", name="Open as app")
    with context.expect_page() as opened:
        link.click()
    app = opened.value
    expect(launcher(app)).to_have_count(3, timeout=30_000)
    expect(app.locator(".inb-app-user")).to_have_text("Bob")  # Lab's login carries over


def test_a_message_to_the_managers_reaches_carol_in_the_app_and_in_lab(
    server: Server, browser: Browser, contexts: list[BrowserContext], artefacts: Path
) -> None:
    carol_app = open_app(contexts, browser, server, "carol-token")
    expect(launcher(carol_app)).to_have_count(3, timeout=30_000)
    carol_lab = carol_app.context.new_page()
    answer_known_dialogs(carol_lab)
    carol_lab.goto(f"{server.url}/lab")  # her login cookie: Lab as carol
    wait_for_lab(carol_lab)
    show_interval_sidebar(carol_lab)

    bob = open_app(contexts, browser, server, "bob-token", "&action=ping_managers")
    what = bob.get_by_label("What should they look at?")
    expect(what).to_be_editable(timeout=30_000)
    what.fill("the expense report")
    what.press("Enter")
    expect(bob.locator(".inb-app-runscreen .inb-rv-badge")).to_have_text(
        "Completed", timeout=30_000
    )

    text = "From the ops desk: Please look at the expense report"
    expect(carol_app.locator(".inb-app-toast", has_text=text)).to_be_visible(timeout=30_000)
    carol_app.get_by_role("link", name="Waiting for me").click()
    expect(carol_app.locator(".inb-notice")).to_contain_text(text)
    expect(carol_app.locator(".inb-notice")).to_contain_text("from bob's run")
    toast = carol_lab.locator(".Toastify__toast", has_text=text)
    expect(toast).to_be_visible(timeout=30_000)
    sidebar_note = carol_lab.locator("#interval-nb-sidebar .inb-notice")
    expect(sidebar_note).to_contain_text(text)
    carol_lab.screenshot(path=str(artefacts / "lab-message-for-carol.png"))

    carol_app.locator(".inb-notice").click()  # the run that sent it
    expect(carol_app.locator(".inb-app-runscreen .inb-rv-badge")).to_have_text(
        "Completed", timeout=30_000
    )
    expect(carol_app.locator(".inb-panel-who")).to_have_text("Started by bob")


def test_when_the_login_ends_the_page_says_so_and_a_reload_asks_for_it(
    server: Server, browser: Browser, contexts: list[BrowserContext]
) -> None:
    page = open_app(contexts, browser, server, "bob-token")
    expect(launcher(page)).to_have_count(3, timeout=30_000)
    assert "token" not in page.url  # the login is a cookie now: links and reloads lack it
    banner = page.locator(".inb-app-signed-out")
    expect(banner).to_be_hidden()
    page.context.clear_cookies()  # the login ends (a logout elsewhere, an expired cookie)
    expect(banner).to_be_visible(timeout=30_000)  # the next look at the inbox is refused
    banner.get_by_role("button", name="Reload to sign in again").click()
    expect(page.locator("input[type='password']")).to_be_visible(timeout=30_000)
    assert "/login" in page.url


def test_my_runs_lists_the_latest_fifty_and_more_on_demand(
    server: Server, browser: Browser, contexts: list[BrowserContext]
) -> None:
    for n in range(51):  # queued runs: in the history at once, no kernel involved
        server.interval("POST", "actions/greet/queue", "bob-token", {"params": {"n": n}})
    page = open_app(contexts, browser, server, "bob-token", "#runs")
    items = page.locator(".inb-app-run:visible")
    expect(items).to_have_count(50, timeout=30_000)
    more = page.get_by_role("button", name="Show 1 more (51 in all)")
    more.click()
    expect(items).to_have_count(51)
    expect(more).to_be_hidden()
