"""Helpers for driving JupyterLab in the browser tests (theme, contrast)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect


def use_dark_theme(page: Page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.hover()
    page.locator(".lm-Menu-itemLabel").get_by_text("JupyterLab Dark", exact=True).click()
    expect(page.locator("body[data-jp-theme-light='false']")).to_have_count(1)
    page.wait_for_timeout(500)  # let the theme's CSS variables apply


def contrast(page: Page, element: Locator) -> float:
    """WCAG contrast ratio between an element's text colour and its background."""
    # the background is the first opaque one from the element up (text often sits on its parent's)
    fg, bg = element.evaluate(
        """e => {
            const fg = getComputedStyle(e).color;
            for (let n = e; n; n = n.parentElement) {
                const bg = getComputedStyle(n).backgroundColor;
                if (bg && bg !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(bg)) return [fg, bg];
            }
            return [fg, 'rgb(255, 255, 255)'];
        }"""
    )

    def luminance(css: str) -> float:
        r, g, b = (int(float(x)) / 255 for x in re.findall(r"[\d.]+", css)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def answer_known_dialogs(page: Page) -> None:
    """Answer JupyterLab's known late dialogs as a person would, whenever they show up.

    When kernel specs load late (a busy machine), Lab asks "Select Kernel" for a notebook whose
    kernel is already chosen; the dialog then covers whatever is about to be clicked. Playwright
    runs the handler before any action or assertion the dialog would block, instead of each test
    racing it.
    """
    select_kernel = page.locator(".jp-Dialog", has_text="Select Kernel")
    page.add_locator_handler(
        select_kernel,
        lambda dialog: dialog.get_by_role("button", name="Select Kernel").click(),
    )


def wait_for_lab(page: Page) -> None:
    """Wait until JupyterLab has restored its layout (commands, focus and shortcuts work then).

    Needs the server started with ``--LabApp.expose_app_in_browser=True`` (``start_lab`` does);
    a key press sent before the restore ends is dropped, which is why tests wait for this state
    rather than pressing keys again.
    """
    expect(page.locator(".jp-LabShell")).to_be_visible(timeout=60_000)
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")


def run_code_cell(page: Page, cell: Locator) -> None:
    """Run ``cell`` with Ctrl+Enter as a person would: click into its editor, then the keys.

    Waits for the states the key press needs (the app restored, the notebook's kernel idle, the
    cell's editor focused) and then for the cell's execution count.
    """
    wait_for_lab(page)
    wait_for_notebook_kernel(page)
    cell.locator(".jp-InputArea-editor").click()
    expect(cell.locator(".cm-editor")).to_have_class(re.compile(r"\bcm-focused\b"))
    page.keyboard.press("Control+Enter")
    prompt = cell.locator(".jp-InputArea-prompt")
    expect(prompt).to_have_text(re.compile(r"\[\d+\]"), timeout=60_000)


def wait_for_notebook_kernel(page: Page) -> None:
    """Wait until the open notebook's kernel is idle (cells run before that can be lost).

    JupyterLab asks which kernel to use when the kernel specs load late (a busy server); the
    ``page`` fixture (tests/browser/conftest.py) takes the preferred one, as a person would.
    """
    # the "Select Kernel" dialog is answered by the page fixture's locator handler
    idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    expect(idle).to_have_count(1, timeout=60_000)


def show_interval_sidebar(page: Page) -> Locator:
    """Open the Interval sidebar (if it is not open yet) and return it."""
    sidebar = page.locator("#interval-nb-sidebar")
    if not sidebar.is_visible():
        page.locator(".jp-SideBar [data-id='interval-nb-sidebar']").click()
    expect(sidebar).to_be_visible()
    return sidebar


def wait_for_sidebar_actions(page: Page) -> Locator:
    """Wait until Lab is restored and the Interval sidebar, opened, lists its actions; return it."""
    wait_for_lab(page)
    sidebar = show_interval_sidebar(page)
    expect(sidebar.locator(".inb-sb-action").first).to_be_visible(timeout=30_000)
    return sidebar


def run_view(page: Page) -> Locator:
    """The run view in the visible run tab."""
    return page.locator(".inb-panel:visible .inb-rv")


def inbox(page: Page) -> Locator:
    """The "Waiting for me" section of the sidebar."""
    return page.locator("#interval-nb-sidebar .inb-sb-inbox")
