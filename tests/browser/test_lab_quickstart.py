"""The quickstart, driven by a person in JupyterLab (default settings: widget comms on a subshell).

Only the cells up to ``run = refund_user.start()`` are executed; everything after is typing,
Enter, Shift+Enter and clicks in the run's form. No further cell may execute.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from .lab import contrast, run_code_cell, use_dark_theme
from .servers import Server, start_lab

pytestmark = pytest.mark.browser

NOTEBOOK = "quickstart.ipynb"


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Server]:
    server = start_lab(tmp_path, [NOTEBOOK])
    try:
        yield server
    finally:
        server.stop()


def code_cells(page: Page) -> Locator:
    return page.locator(".jp-Notebook .jp-CodeCell")


def run_cell(page: Page, index: int) -> None:
    """Execute code cell ``index`` with Ctrl+Enter (which does not move to the next cell)."""
    run_code_cell(page, code_cells(page).nth(index))


def execution_counts(page: Page) -> set[int]:
    """The execution counts shown in the (rendered) cells' prompts."""
    texts = code_cells(page).locator(".jp-InputArea-prompt").all_inner_texts()
    return {int(n) for t in texts for n in re.findall(r"\[(\d+)\]", t)}


def test_quickstart_refund_flow(
    lab: Server, page: Page, artefacts: Path, console_errors: Any
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    renderers: list[str] = []  # the widget's loader fetches the renderer from the server, once
    page.on("request", lambda r: renderers.append(r.url) if "/runview.js" in r.url else None)
    page.goto(f"{lab.url}/lab/tree/{NOTEBOOK}?reset&token={lab.token}")
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)

    for index in range(3):  # data, the action, run = refund_user.start()
        run_cell(page, index)
    assert execution_counts(page) == {1, 2, 3}

    view = page.locator(".inb-rv").first
    expect(view).to_be_visible(timeout=30_000)
    assert len(renderers) == 1 and "/static/interval_nb/runview.js?v=" in renderers[0], renderers
    email = view.get_by_label("Customer email")
    expect(email).to_be_visible()
    expect(email).not_to_be_focused()  # the first prompt does not steal focus

    # a wrong email: Enter submits, the kernel rejects it, the typed text stays
    email.click()
    email.type("ana@example")
    email.press("Enter")
    expect(view.locator(".inb-rv-error, [role=alert]").first).to_contain_text("valid email")
    expect(email).to_have_value("ana@example")
    page.screenshot(path=str(artefacts / "lab-quickstart-1-validation.png"))

    # fix it; Shift+Enter submits the prompt and must not re-run the cell
    email.type(".com")
    email.press("Shift+Enter")
    charges = view.get_by_label(re.compile("ch_1001"))
    expect(charges).to_be_visible()

    # save (Ctrl combos still reach Lab) and reload mid-run: the kernel restores the same prompt
    page.keyboard.press("Control+s")
    expect(page.locator(".lm-TabBar-tab.jp-mod-dirty")).to_have_count(0)
    page.reload()
    expect(charges).to_be_visible(timeout=60_000)
    assert execution_counts(page) <= {1, 2, 3}, "a cell ran during the reload"

    # dark theme: the primary button's text stays readable
    use_dark_theme(page)
    submit = view.get_by_role("button", name="Submit")
    assert contrast(page, submit) >= 4.5
    submit.scroll_into_view_if_needed()
    page.screenshot(path=str(artefacts / "lab-quickstart-2-select-dark.png"))
    charges.check()
    view.get_by_label(re.compile("ch_1003")).check()
    view.get_by_role("button", name="Submit").click()

    yes = view.locator("[data-confirm='yes']")
    expect(yes).to_be_visible()
    expect(view).to_contain_text("Refund 2 charge(s) to ana@example.com?")
    yes.click()

    result = view.locator(".inb-rv-result")
    expect(result).to_be_visible(timeout=20_000)
    expect(result).to_contain_text("refunded")
    expect(result).to_contain_text("ch_1003")
    expect(view).to_contain_text("2 refund(s) sent")  # the notification
    page.screenshot(path=str(artefacts / "lab-quickstart-3-result.png"))

    assert execution_counts(page) <= {1, 2, 3}, "a cell was executed after the run started"
    assert console_errors == []
