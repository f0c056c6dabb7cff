"""The Interval sidebar in JupyterLab, driven by a person: run the refund example from the
sidebar (type, select rows on two pages, confirm, watch progress, see the result), reload the
page mid-run and finish the run, find it in the history with its details; re-attach to a
waiting run from the history; the command palette; the dark theme.

The actions are served by the server extension from ``notebooks/examples/support_tools.py``
(a file registry), so the runs live in the extension's actions kernel, not in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from .lab import (
    contrast,
    show_interval_sidebar,
    use_dark_theme,
    wait_for_lab,
    wait_for_notebook_kernel,
    wait_for_sidebar_actions,
)
from .servers import NOTEBOOKS, Server, start_lab

pytestmark = pytest.mark.browser

EXAMPLES = NOTEBOOKS / "examples"


UPLOAD_TOOLS = """
import interval_nb as inb

actions = inb.Actions()

@actions.action(name="Import customers", description="Count the rows of a CSV file.")
async def import_customers(io, ctx):
    upload = await io.input.file("Customer list", allowed_extensions=[".csv"])
    rows = [line for line in upload.text().splitlines()[1:] if line.strip()]
    return {"file": upload.name, "bytes": upload.size, "customers": len(rows)}
"""


def start_sidebar_lab(tmp_path: Path, base_url: str = "/", upload_tools: bool = False) -> Server:
    """JupyterLab whose server extension serves the examples, with its own run history."""
    files = {f"examples/{p.name}": p.read_text() for p in sorted(EXAMPLES.glob("*.py"))}
    files["examples/refund.ipynb"] = (EXAMPLES / "refund.ipynb").read_text()
    registries = ["examples/support_tools.py"]
    if upload_tools:
        files["upload_tools.py"] = UPLOAD_TOOLS
        registries.append("upload_tools.py")
    return start_lab(
        tmp_path,
        [],
        files,
        extra_args=[
            *(f"--IntervalNB.actions={registry}" for registry in registries),
            f"--IntervalNB.store_path={tmp_path / 'runs.sqlite'}",
        ],
        base_url=base_url,
    )


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Server]:
    server = start_sidebar_lab(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def hub_lab(tmp_path: Path) -> Iterator[Server]:
    """The same under a JupyterHub-style base URL: every request must be built from it."""
    server = start_sidebar_lab(tmp_path, base_url="/user/ana/", upload_tools=True)
    try:
        yield server
    finally:
        server.stop()


def open_lab(page: Page, lab: Server) -> Locator:
    """Open JupyterLab (restoring the workspace) and show the Interval sidebar."""
    page.goto(f"{lab.url}/lab?token={lab.token}")
    return wait_for_sidebar_actions(page)


def current_run_view(page: Page) -> Locator:
    """The run view in the visible run tab."""
    return page.locator(".inb-panel:visible .inb-rv")


def select_rows(view: Locator, rows_page1: list[int], rows_page2: list[int]) -> None:
    """Tick rows (by position) on the table's first page, then on its second."""
    rows = view.locator("table tbody tr")
    expect(rows).to_have_count(10, timeout=20_000)
    for n in rows_page1:
        rows.nth(n).locator("input[type=checkbox]").check()
    first_key = rows.first.get_attribute("data-key")
    view.locator("[data-page='next']").click()  # page 2 comes from the actions kernel
    expect(rows.first).not_to_have_attribute("data-key", first_key or "", timeout=20_000)
    expect(view).to_contain_text("11–20")
    for n in rows_page2:
        rows.nth(n).locator("input[type=checkbox]").check()
    expect(view).to_contain_text(f"{len(rows_page1) + len(rows_page2)} selected")


def start_refund(page: Page, sidebar: Locator) -> Locator:
    """Start the refund example from the sidebar, give the email, tick a row on each page.

    Returns the run view, on the rows' prompt (not submitted yet).
    """
    sidebar.locator(".inb-sb-action[data-slug='refund_user']").click()
    view = current_run_view(page)
    email = view.get_by_label("Customer email")
    expect(email).to_be_visible(timeout=20_000)
    email.fill("ana@example.com")
    email.press("Enter")
    select_rows(view, [1], [2])
    return view


def test_refund_from_sidebar_survives_reload(
    lab: Server, page: Page, artefacts: Path, console_errors: Any
) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})
    sidebar = open_lab(page, lab)
    actions = sidebar.locator(".inb-sb-action")
    expect(actions).to_have_count(3)
    expect(sidebar).to_contain_text("Refund user")
    expect(sidebar).to_contain_text("No runs yet")

    # search narrows the list; Enter runs the only match
    search = sidebar.get_by_label("Search actions")
    search.fill("onboard")
    expect(actions).to_have_count(1)
    search.fill("")
    expect(actions).to_have_count(3)
    page.screenshot(path=str(artefacts / "lab-sidebar-1-actions.png"))

    view = start_refund(page, sidebar)
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="Refund user")
    expect(tab).to_be_visible()
    run_id = page.locator(".inb-panel:visible .inb-panel-id").inner_text()

    # reload mid-run: the tab comes back on the run's pending prompt (the run lives in the
    # actions kernel), with the page and selection the person had (the draft kept in the run)
    expect(view).to_have_attribute("data-draft", "saved")
    page.reload()
    wait_for_lab(page)
    view = current_run_view(page)
    expect(view.locator("table tbody tr")).to_have_count(10, timeout=30_000)
    assert page.locator(".inb-panel:visible .inb-panel-id").inner_text() == run_id
    run_item = page.locator(f".inb-sb-run[data-run-id='{run_id}']")
    expect(run_item).to_have_attribute("data-status", "awaiting_input", timeout=20_000)
    expect(view).to_contain_text("11–20")
    expect(view).to_contain_text("2 selected")
    rows = view.locator("table tbody tr")
    for n in (4, 5):
        rows.nth(n).locator("input[type=checkbox]").check()
    expect(view).to_contain_text("4 selected")
    page.screenshot(path=str(artefacts / "lab-sidebar-2-table.png"))
    view.get_by_role("button", name="Submit").click()

    yes = view.locator("[data-confirm='yes']")
    expect(yes).to_be_visible(timeout=20_000)
    expect(view).to_contain_text(
        re.compile(r"Refund 4 charges totalling \$[\d,]+\.\d\d to ana@example\.com\?")
    )
    yes.click()

    # progress while the refunds go out, then the result
    progress = view.locator(".inb-rv-loading")
    expect(progress).to_be_visible(timeout=10_000)
    expect(progress).to_contain_text("Refunding charges")
    expect(progress).to_contain_text(re.compile(r"\d / 4"))  # a count, not a moment of it
    page.screenshot(path=str(artefacts / "lab-sidebar-3-progress.png"))
    result = view.locator(".inb-rv-result")
    expect(result).to_be_visible(timeout=30_000)
    expect(result).to_contain_text("refunded")
    expect(result).to_contain_text("ana@example.com")

    # the history shows it completed; its details tell the whole story
    expect(run_item).to_have_attribute("data-status", "completed", timeout=20_000)
    run_item.click()
    panel = page.locator(".inb-panel:visible")
    panel.locator(".inb-panel-details > summary").click()
    timeline = panel.locator(".inb-timeline")
    expect(timeline).to_contain_text("Customer email")
    expect(timeline).to_contain_text("ana@example.com")
    expect(timeline.locator("[data-event='answered']")).to_have_count(3)
    expect(timeline.locator("[data-event='log']")).to_have_count(1)  # consecutive lines, one block
    expect(timeline.locator("[data-event='log']")).to_contain_text("Refunded ch_")
    # picked rows read by their ids, with a count; the result as names and values, JSON on demand
    picked = timeline.locator("[data-event='answered']").nth(1)
    expect(picked.locator("dd")).to_have_text(re.compile(r"^(ch_\w+, ){3}ch_\w+ \(4 rows\)$"))
    fields = timeline.locator("[data-event='completed'] .inb-result-fields")
    expect(fields.locator("dt", has_text="refunded")).to_be_visible()
    expect(fields.locator("dd", has_text=re.compile(r"^4$"))).to_be_visible()
    json_toggle = timeline.locator("[data-event='completed'] .inb-result-json")
    expect(json_toggle.locator("pre")).not_to_be_visible()
    panel.locator(".inb-panel-details").scroll_into_view_if_needed()
    page.screenshot(path=str(artefacts / "lab-sidebar-4-details.png"))
    json_toggle.locator("summary", has_text="JSON").click()
    expect(json_toggle.locator("pre")).to_contain_text('"refunded": 4')
    assert console_errors == []


def test_waiting_run_reattaches_from_history(
    hub_lab: Server, page: Page, artefacts: Path, console_errors: Any
) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})
    sidebar = open_lab(page, hub_lab)

    # every action is in the command palette (opened once the app is restored: a shortcut
    # pressed before that is dropped)
    wait_for_lab(page)
    page.locator(".jp-Launcher-body").click(position={"x": 5, "y": 5})
    palette = page.locator("#command-palette")
    page.keyboard.press("Control+Shift+C")
    expect(palette.locator("input")).to_be_visible()
    palette.locator("input").fill("onboard employee")
    entry = palette.locator(".lm-CommandPalette-item", has_text="Run “Onboard employee”")
    expect(entry).to_be_visible()
    expect(palette.locator(".lm-CommandPalette-item.lm-mod-active")).to_contain_text(
        "Onboard employee"
    )
    palette.locator("input").press("Enter")
    view = current_run_view(page)
    expect(view.get_by_label("Full name")).to_be_visible(timeout=20_000)

    # close the tab: the run keeps waiting in the actions kernel
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="Onboard employee").locator(
        ".lm-TabBar-tabCloseIcon"
    ).click()
    expect(page.locator(".inb-panel")).to_have_count(0)
    waiting = sidebar.locator(".inb-sb-run[data-status='awaiting_input']")
    expect(waiting).to_have_count(1, timeout=20_000)
    expect(waiting).to_contain_text("Waiting for input")

    # clicking it re-attaches: the pending prompt, answerable
    waiting.click()
    view = current_run_view(page)
    expect(view.get_by_label("Full name")).to_be_visible(timeout=20_000)
    view.get_by_label("Full name").fill("Grace Hopper")
    view.get_by_label("Work email").fill("grace@navy.mil")
    view.get_by_label("Start date").fill("2026-12-01")
    view.get_by_label("Ops").check()
    view.get_by_role("button", name="Create account").click()
    expect(view).to_contain_text("Use an @example.com address")
    expect(view.get_by_label("Full name")).to_have_value("Grace Hopper")

    # dark theme: the sidebar and the run stay readable
    use_dark_theme(page)
    assert contrast(page, sidebar.locator(".inb-sb-action-name").first) >= 4.5
    assert contrast(page, sidebar.locator(".inb-sb-run .inb-status").first) >= 4.5
    assert contrast(page, view.get_by_role("button", name="Create account")) >= 4.5
    page.screenshot(path=str(artefacts / "lab-sidebar-5-dark.png"))

    view.get_by_label("Work email").fill("grace@example.com")
    view.get_by_role("button", name="Create account").click()
    expect(view.locator(".inb-rv-result")).to_be_visible(timeout=20_000)
    expect(sidebar.locator(".inb-sb-run[data-status='completed']")).to_have_count(1, timeout=20_000)

    # a file picked in the tab reaches the action (sent inline through the API)
    sidebar.locator(".inb-sb-action[data-slug='import_customers']").click()
    expect(page.locator(".inb-panel:visible .inb-rv-title")).to_have_text("Import customers")
    view = current_run_view(page)
    expect(view).to_contain_text("Customer list", timeout=20_000)
    csv = "email,name\nana@example.com,Ana\nbo@example.com,Bo\ncy@example.com,Cy\n"
    view.locator("input[type=file]").set_input_files(
        files=[{"name": "customers.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    view.get_by_role("button", name="Submit").click()
    result = view.locator(".inb-rv-result")
    expect(result).to_be_visible(timeout=20_000)
    expect(result).to_contain_text("customers.csv")
    expect(result).to_contain_text(str(len(csv.encode())))
    # the refused answer is a 422 from the API, which Chromium logs as a failed resource load
    assert [e for e in console_errors if "status of 422" not in e] == []


def test_a_notebook_run_is_answered_from_its_lab_tab_and_the_notebook_follows(
    lab: Server, page: Page, artefacts: Path, console_errors: Any
) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{lab.url}/lab/tree/examples/refund.ipynb?token={lab.token}")
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    wait_for_lab(page)
    wait_for_notebook_kernel(page)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    last_prompt = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt").last
    expect(last_prompt).to_have_text(re.compile(r"\[\d+\]"), timeout=60_000)
    notebook_view = page.locator(".jp-Notebook .inb-rv")
    email = notebook_view.get_by_label("Customer email")
    expect(email).to_be_visible(timeout=30_000)
    email.fill("bo@example.com")
    email.press("Enter")
    expect(notebook_view.locator("table tbody tr")).to_have_count(10, timeout=20_000)

    # the notebook's kernel journals to the same history: the run is listed, from a notebook
    item = show_interval_sidebar(page).locator(".inb-sb-run[data-status='awaiting_input']")
    expect(item).to_contain_text("in a notebook", timeout=20_000)
    run_item = page.locator(f".inb-sb-run[data-run-id='{item.get_attribute('data-run-id')}']")
    item.click()
    panel = page.locator(".inb-panel:visible")
    # This server runs the notebook's kernel, so the tab answers the run through it ...
    view = panel.locator(".inb-rv")
    rows = view.locator("table tbody tr")
    expect(rows).to_have_count(10, timeout=20_000)
    expect(panel.locator(".inb-panel-notice")).to_be_hidden()
    rows.nth(0).locator("input[type=checkbox]").check()
    view.get_by_role("button", name="Submit").click()
    expect(view.locator("[data-confirm='no']")).to_be_visible(timeout=20_000)
    expect(view).to_contain_text("Refund 1 charges")
    # ... and the notebook's own view moved with it: answer the next prompt there.
    expect(notebook_view.locator("[data-confirm='no']")).to_have_count(1, timeout=20_000)
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="refund.ipynb").click()
    notebook_view.locator("[data-confirm='no']").click()
    expect(notebook_view.locator(".inb-rv-result")).to_be_visible(timeout=20_000)
    expect(run_item).to_have_attribute("data-status", "completed", timeout=20_000)
    page.screenshot(path=str(artefacts / "lab-sidebar-6-notebook-run.png"))
    assert console_errors == []
