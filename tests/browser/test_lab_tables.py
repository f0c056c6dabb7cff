"""Tables, search and file upload driven by a person in JupyterLab.

Paging, sorting and search of a 1,000-row table happen in the kernel; selection survives
them; a search picks a result computed in the kernel; a CSV upload travels as binary buffers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import Page, expect

from .servers import Server, start_lab
from .test_lab_quickstart import run_cell

pytestmark = pytest.mark.browser

SETUP = """
import ipywidgets
import interval_nb as inb
actions = inb.Actions()
USERS = [{"id": i, "email": f"user{i:04}@example.com", "amount": (i * 37) % 1000 / 4} for i in range(1000)]

@actions.action
async def tables_demo(io, ctx):
    rows = await io.select.table("Users", data=USERS, page_size=10, min_selections=2,
        columns=["email", {"label": "Amount", "accessor": "amount", "format": "currency"}])
    owner = await io.search("Owner", on_search=lambda q: [u["email"] for u in USERS if q in u["email"]][:5])
    upload = await io.input.file("Prices", allowed_extensions=[".csv"])
    slider = ipywidgets.IntSlider(value=3, description="Rating")
    _, _, _, note = await io.group(
        io.display.grid("Plans", data=["Starter", "Team", "Business"],
                        render_item=lambda p: {"label": p, "description": f"The {p} plan"}),
        io.display.html("Terms", html="<p>Read the <b>terms</b>.</p><script>window.pwned = 1</script>"),
        io.display.widget("Rate us", widget=slider),
        io.input.rich_text("Note"),
    )
    return {"rows": [r["id"] for r in rows], "owner": owner, "file": upload.name,
            "lines": len(upload.text().splitlines()), "note": note, "rating": slider.value}
"""


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Server]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(SETUP),
        nbformat.v4.new_code_cell("run = tables_demo.start()"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    server = start_lab(tmp_path, [], {"tables.ipynb": nbformat.writes(nb)})
    try:
        yield server
    finally:
        server.stop()


def test_table_paging_selection_search_and_upload(
    lab: Server, page: Page, artefacts: Path, tmp_path: Path, console_errors: Any
) -> None:
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{lab.url}/lab/tree/tables.ipynb?reset&token={lab.token}")
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    run_cell(page, 0)
    run_cell(page, 1)

    view = page.locator(".inb-rv").first
    table = view.locator("table")
    expect(table.locator("tbody tr")).to_have_count(10, timeout=20_000)
    expect(view).to_contain_text("of 1,000")

    # page 2 comes from the kernel; pick a row there and one back on page 1
    view.locator("[data-page='next']").click()
    expect(table.locator("tr[data-key='10']")).to_be_visible()
    table.locator("tr[data-key='12'] input[type=checkbox]").check()
    view.locator("[data-page='prev']").click()
    expect(table.locator("tr[data-key='3']")).to_be_visible()
    table.locator("tr[data-key='3'] input[type=checkbox]").check()
    expect(view).to_contain_text("2 selected")

    # search and sort in the kernel; the selection survives both
    view.locator("[data-role='table-search']").fill("user09")
    expect(view).to_contain_text("of 100")
    table.get_by_role("columnheader", name=re.compile("Amount")).click()
    expect(table.locator("tbody tr").first).to_contain_text(
        "$0.25"
    )  # ascending: user0973 has the least
    expect(view).to_contain_text("2 selected")
    page.screenshot(path=str(artefacts / "lab-tables-1-table.png"))
    view.get_by_role("button", name="Submit").click()

    owner = view.locator("[data-kind='search'] input[role=combobox]")
    expect(owner).to_be_visible(timeout=20_000)
    owner.fill("user0777")
    option = view.get_by_role("option", name=re.compile("user0777"))
    expect(option).to_be_visible()
    option.click()
    view.get_by_role("button", name="Submit").click()

    csv = tmp_path / "prices.csv"
    csv.write_text("sku,price\nA,1\nB,2\n")
    chooser = view.locator("input[type=file]")
    expect(chooser).to_be_attached(timeout=20_000)
    chooser.set_input_files(str(csv))
    expect(view).to_contain_text("prices.csv")
    page.screenshot(path=str(artefacts / "lab-tables-2-upload.png"))
    view.get_by_role("button", name="Submit").click()

    # rich displays next to a rich-text input: a grid, sanitised HTML, a live ipywidget
    expect(view.locator(".inb-rv-card")).to_have_count(3, timeout=20_000)
    expect(view.locator(".inb-rv-html")).to_contain_text("Read the terms.")
    assert page.evaluate("window.pwned") is None  # the script was removed in the kernel
    expect(view.locator(".widget-slider")).to_be_visible()
    editor = view.locator(".inb-rv-rte")
    editor.click()
    view.get_by_role("button", name="Bold").click()
    page.keyboard.type("ship it")
    page.screenshot(path=str(artefacts / "lab-tables-3-rich.png"))
    view.get_by_role("button", name="Submit").click()

    result = view.locator(".inb-rv-result")
    expect(result).to_be_visible(timeout=20_000)
    expect(result).to_contain_text("user0777@example.com")
    expect(result).to_contain_text("prices.csv")
    expect(result).to_contain_text("[3,12]")
    expect(result).to_contain_text("<b>ship it</b>")
    page.screenshot(path=str(artefacts / "lab-tables-4-result.png"))
    assert console_errors == []
