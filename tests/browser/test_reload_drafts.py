"""A reload keeps what the person did: the draft of the waiting prompt lives in the kernel.

In a JupyterLab run tab, every kind of input and a table (rows picked on two pages, page,
sort, search text) come back after a reload, and a search's picked result too; in a notebook
widget, the run shown again after a reload draws what was typed; in Voilà, whose reload gets a
new kernel (and so loses its runs, drafts included), a second view of the same run in the same
kernel draws what was typed in the first.

Each test waits for the view to say its draft reached the kernel (``data-draft="saved"`` on the
view's root) before reloading: drafts are saved a moment after the last change, not per key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from .lab import run_code_cell, wait_for_lab
from .servers import Server, start_lab
from .test_lab_quickstart import code_cells
from .test_lab_sidebar import current_run_view, open_lab

pytestmark = pytest.mark.browser

TOOLS = """
import interval_nb as inb

actions = inb.Actions()

CUSTOMERS = [
    {"id": i, "name": f"{'Supplier' if i % 3 == 0 else 'Customer'} {i:02d}", "amount": (i * 37) % 100}
    for i in range(60)
]


@actions.action(name="Fill a form")
async def fill_form(io, ctx):
    return await io.group(
        name=io.input.text("Name"),
        notes=io.input.text("Notes", multiline=True),
        amount=io.input.number("Amount"),
        email=io.input.email("Email"),
        site=io.input.url("Website"),
        day=io.input.date("Day"),
        at=io.input.time("Time"),
        vip=io.input.boolean("VIP"),
        team=io.select.single("Team", options=["ops", "dev", "sales"]),
        tags=io.select.multiple("Tags", options=["red", "green", "blue"]),
        bio=io.input.rich_text("Bio"),
        token=io.input.text("Token", sensitive=True),
    )


@actions.action(name="Pick customers")
async def pick_customers(io, ctx):
    rows = await io.select.table("Customers", data=CUSTOMERS, page_size=10, row_key="id")
    owner = await io.search(
        "Owner", on_search=lambda q: [c for c in CUSTOMERS if q.lower() in c["name"].lower()][:5],
        render_result=lambda c: c["name"],
    )
    return {"rows": [r["id"] for r in rows], "owner": owner["name"]}
"""


def notebook(*cells: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return str(nbformat.writes(nb))


WIDGET_NOTEBOOK = notebook(
    "import interval_nb as inb\nfrom drafts_tools import actions\nrun = actions.get('fill_form').start()",
    "inb.runs()[0]",
)

VOILA_NOTEBOOK = notebook(
    "from drafts_tools import actions\nlauncher = actions.show()",
    """import ipywidgets
from IPython.display import display

again = ipywidgets.Output()
button = ipywidgets.Button(description="Show the run again")


def show_again(_):
    with again:
        display(launcher.runs[0])  # a second view of the same run, in the same kernel


button.on_click(show_again)
ipywidgets.VBox([button, again])""",
)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One JupyterLab for the module: the tools in its sidebar, a notebook, a Voilà page."""
    tmp = tmp_path_factory.mktemp("drafts")
    files = {
        "drafts_tools.py": TOOLS,
        "drafts.ipynb": WIDGET_NOTEBOOK,
        "drafts_voila.ipynb": VOILA_NOTEBOOK,
    }
    server = start_lab(tmp, [], files, extra_args=["--IntervalNB.actions=drafts_tools.py"])
    try:
        yield server
    finally:
        server.stop()


def field(view: Locator, label: str) -> Locator:
    """The input labelled exactly ``label`` in ``view``."""
    return view.get_by_label(label, exact=True)


def wait_saved(view: Locator) -> None:
    """Wait until the view's latest change reached the kernel."""
    expect(view).to_have_attribute("data-draft", "saved", timeout=20_000)


def fill_every_kind(view: Locator) -> None:
    field(view, "Name").fill("Ada Lovelace")
    field(view, "Amount").fill("42")
    field(view, "Email").fill("ada@example.com")
    field(view, "Website").fill("https://example.com/ada")
    field(view, "Day").fill("2026-03-14")
    field(view, "Time").fill("09:30")
    field(view, "VIP").check()
    field(view, "dev").check()
    field(view, "green").check()
    field(view, "blue").check()
    bio = view.locator("[data-kind='input.rich_text'] [contenteditable]")
    bio.click()
    page = view.page
    page.keyboard.type("Loves ")
    page.keyboard.press("Control+b")
    page.keyboard.type("engines")
    field(view, "Token").fill("s3cret")
    notes = field(view, "Notes")
    notes.fill("first line\nsecond line")
    # The kernel's copy comes back to this very view: it must not disturb the field in use.
    wait_saved(view)
    expect(notes).to_be_focused()
    expect(notes).to_have_value("first line\nsecond line")


def expect_every_kind(view: Locator) -> None:
    expect(field(view, "Name")).to_have_value("Ada Lovelace", timeout=30_000)
    expect(field(view, "Notes")).to_have_value("first line\nsecond line")
    expect(field(view, "Amount")).to_have_value("42")
    expect(field(view, "Email")).to_have_value("ada@example.com")
    expect(field(view, "Website")).to_have_value("https://example.com/ada")
    expect(field(view, "Day")).to_have_value("2026-03-14")
    expect(field(view, "Time")).to_have_value("09:30")
    expect(field(view, "VIP")).to_be_checked()
    expect(field(view, "dev")).to_be_checked()
    expect(field(view, "ops")).not_to_be_checked()
    expect(field(view, "green")).to_be_checked()
    expect(field(view, "blue")).to_be_checked()
    expect(field(view, "red")).not_to_be_checked()
    expect(view).to_contain_text("2 selected")
    bio = view.locator("[data-kind='input.rich_text'] [contenteditable]")
    expect(bio).to_have_text("Loves engines")
    expect(bio.locator("b")).to_have_text("engines")
    expect(field(view, "Token")).to_have_value("")  # secrets are never kept in a draft


def start_from_sidebar(page: Page, lab: Server, name: str) -> Locator:
    sidebar = open_lab(page, lab)
    sidebar.locator(".inb-sb-action", has_text=name).click()
    view = current_run_view(page)
    expect(view.locator("form")).to_be_visible(timeout=30_000)
    return view


def reload_lab(page: Page) -> Locator:
    page.reload()
    wait_for_lab(page)
    return current_run_view(page)


def test_a_lab_run_tab_keeps_every_kind_of_input_over_a_reload(lab: Server, page: Page) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    view = start_from_sidebar(page, lab, "Fill a form")
    fill_every_kind(view)

    view = reload_lab(page)
    expect_every_kind(view)
    field(view, "Token").fill("s3cret")
    view.get_by_role("button", name="Submit").click()
    result = view.locator(".inb-rv-result")
    expect(result).to_contain_text("Ada Lovelace", timeout=30_000)
    expect(result).to_contain_text("Loves <b>engines</b>")


def test_a_lab_run_tab_keeps_a_table_and_a_search_over_a_reload(lab: Server, page: Page) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    view = start_from_sidebar(page, lab, "Pick customers")
    rows = view.locator("table tbody tr")
    expect(rows).to_have_count(10, timeout=20_000)
    expect(view).to_contain_text("of 60")

    # search, sort by amount (descending), two rows on page 1, two on page 2
    view.locator("[data-role='table-search']").fill("customer")
    expect(view).to_contain_text("of 40", timeout=20_000)
    amount = view.get_by_role("columnheader", name=re.compile("amount", re.I))
    amount.click()
    expect(view.locator("th[aria-sort='ascending']")).to_have_count(1, timeout=20_000)
    amount.click()
    expect(view.locator("th[aria-sort='descending']")).to_have_count(1, timeout=20_000)
    expect(view.locator(".inb-rv-data-loading")).to_have_count(0, timeout=20_000)
    page1 = rows.first.get_attribute("data-key")
    rows.nth(0).locator("input[type=checkbox]").check()
    rows.nth(3).locator("input[type=checkbox]").check()
    view.locator("[data-page='next']").click()
    expect(rows.first).not_to_have_attribute("data-key", page1 or "", timeout=20_000)
    expect(view).to_contain_text("11–20 of 40", timeout=20_000)
    rows.nth(1).locator("input[type=checkbox]").check()
    rows.nth(2).locator("input[type=checkbox]").check()
    expect(view).to_contain_text("4 selected")
    keys = rows.evaluate_all("rows => rows.map(r => r.dataset.key)")
    picked = [keys[1], keys[2]]
    wait_saved(view)

    view = reload_lab(page)
    rows = view.locator("table tbody tr")
    expect(view).to_contain_text("4 selected", timeout=30_000)
    expect(view).to_contain_text("11–20 of 40")
    expect(view.locator("[data-role='table-search']")).to_have_value("customer")
    expect(view.locator("th[aria-sort='descending']")).to_contain_text(re.compile("amount", re.I))
    expect(rows.first).to_have_attribute("data-key", keys[0])
    for key in picked:
        expect(view.locator(f"tr[data-key='{key}'] input[type=checkbox]")).to_be_checked()
    view.get_by_role("button", name="Submit").click()

    # a picked search result comes back too, with its label
    owner = view.locator("[data-kind='search'] input[role=combobox]")
    expect(owner).to_be_visible(timeout=20_000)
    owner.fill("customer 07")
    view.get_by_role("option", name=re.compile("Customer 07")).click()
    expect(view.locator(".inb-rv-sr-chosen")).to_contain_text("Customer 07")
    wait_saved(view)
    view = reload_lab(page)
    expect(view.locator(".inb-rv-sr-chosen")).to_contain_text("Customer 07", timeout=30_000)
    view.get_by_role("button", name="Submit").click()
    result = view.locator(".inb-rv-result")
    expect(result).to_contain_text("Customer 07", timeout=30_000)
    expect(result).to_contain_text(re.compile(r"\[\d+,\d+,\d+,\d+\]"))


def test_a_notebook_widget_shown_again_after_a_reload_keeps_the_draft(
    lab: Server, page: Page
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{lab.url}/lab/tree/drafts.ipynb?reset&token={lab.token}")
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    run_code_cell(page, code_cells(page).nth(0))
    view = page.locator(".inb-rv").first
    expect(field(view, "Name")).to_be_visible(timeout=30_000)
    fill_every_kind(view)

    page.reload()  # the notebook comes back on the same kernel; the run waits there
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    run_code_cell(page, code_cells(page).nth(1))  # inb.runs()[0]: the run's view again
    view = code_cells(page).nth(1).locator(".inb-rv")
    expect_every_kind(view)


def test_voila_a_second_view_of_the_run_draws_the_draft(lab: Server, page: Page) -> None:
    page.set_viewport_size({"width": 1200, "height": 1000})
    page.goto(f"{lab.url}/voila/render/drafts_voila.ipynb?token={lab.token}")
    launcher = page.locator(".inb-launcher")
    expect(launcher).to_be_visible(timeout=60_000)
    card = launcher.locator(".inb-launcher-card", has_text="Fill a form")
    expect(card.get_by_role("button", name="Run")).to_be_visible()
    expect(card.locator(".inb-launcher-desc")).to_have_count(0)  # no docstring: nothing shown
    expect(launcher).not_to_contain_text("No description")
    card.get_by_role("button", name="Run").click()
    first = page.locator(".inb-launcher-host .inb-rv").first
    expect(field(first, "Name")).to_be_visible(timeout=30_000)
    fill_every_kind(first)

    page.get_by_role("button", name="Show the run again").click()
    views = page.locator(".inb-rv")
    expect(views).to_have_count(2, timeout=30_000)
    expect_every_kind(views.nth(1))
    expect(field(first, "Notes")).to_have_value("first line\nsecond line")  # left as it was

    # A reload is a new page view, so a new kernel: its runs and their drafts are gone.
    page.reload()
    expect(page.locator(".inb-launcher")).to_be_visible(timeout=60_000)
    expect(page.locator(".inb-rv")).to_have_count(0)
