"""The Voilà dashboard (``notebooks/dashboard.ipynb``) as people who never see code use it:
standalone Voilà, and ``/voila/render/`` inside a Jupyter server."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from .servers import Server, start_jupyter_server, start_voila

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
VOILA_CONFIG = ROOT / "voila.json"
SHUTDOWN_HOOK = "() => window[Symbol.for('interval_nb.voilaKernelShutdown')] ?? null"
"""What launcher.js's page-close hook recorded: the page's kernel id in Voilà, else nothing."""


@pytest.fixture
def voila(tmp_path: Path) -> Iterator[Server]:
    server = start_voila(tmp_path, "dashboard.ipynb", dirs=["examples"], config=VOILA_CONFIG)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def jupyter_server(tmp_path: Path) -> Iterator[Server]:
    server = start_jupyter_server(tmp_path, ["dashboard.ipynb"], dirs=["examples"])
    try:
        yield server
    finally:
        server.stop()


def _open_dashboard(page: Page, url: str) -> Locator:
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(url)
    launcher = page.locator(".inb-launcher")
    expect(launcher).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Support tools")).to_be_visible()
    expect(launcher.locator(".inb-launcher-card")).to_have_count(3)
    return launcher


def _run(page: Page, launcher: Locator, slug: str, name: str) -> Locator:
    card = launcher.locator(f".inb-launcher-card[data-slug='{slug}']")
    expect(card).to_contain_text(name)
    card.get_by_role("button", name="Run").click()
    return page.locator(".inb-launcher-host .inb-rv").first


def test_standalone_dashboard_onboarding(
    voila: Server, page: Page, artefacts: Path, console_errors: Any
) -> None:
    launcher = _open_dashboard(page, f"{voila.url}/?token={voila.token}")
    expect(page.locator("body")).not_to_contain_text("actions.show()")  # no code on the page
    page.screenshot(path=str(artefacts / "voila-dashboard-1-launcher.png"), full_page=True)

    view = _run(page, launcher, "onboard_employee", "Onboard employee")
    expect(view.get_by_label("Full name")).to_be_visible(timeout=20_000)
    view.get_by_label("Full name").fill("Grace Hopper")
    view.get_by_label("Work email").fill("grace@navy.mil")
    view.get_by_label("Start date").fill("2026-12-01")
    view.get_by_label("Ops").check()
    view.get_by_label("Needs a laptop").check()
    view.get_by_role("button", name="Create account").click()

    expect(view).to_contain_text("Use an @example.com address")
    expect(view.get_by_label("Full name")).to_have_value("Grace Hopper")  # nothing typed is lost
    expect(view.get_by_label("Start date")).to_have_value("2026-12-01")
    expect(view.get_by_label("Ops")).to_be_checked()
    page.screenshot(path=str(artefacts / "voila-dashboard-2-validation.png"), full_page=True)

    # the whole-form check names the field it is about: that field is highlighted
    view.get_by_label("Work email").fill("grace@example.com")
    view.get_by_label("Start date").fill("2026-12-05")
    view.get_by_role("button", name="Create account").click()
    start = view.locator(".inb-rv-field", has=page.get_by_label("Start date"))
    expect(start).to_have_class(re.compile(r"\binb-rv-invalid\b"))
    expect(start.locator(".inb-rv-field-error")).to_have_text(re.compile("is a weekend"))
    expect(view.get_by_label("Start date")).to_have_attribute("aria-invalid", "true")
    expect(view.locator(".inb-rv-prompt-error")).to_be_hidden()
    view.get_by_label("Start date").fill("2026-12-01")
    view.get_by_role("button", name="Save as draft").click()
    result = view.locator(".inb-rv-result")
    expect(result).to_be_visible(timeout=20_000)
    expect(result).to_contain_text("draft saved")
    expect(result).to_contain_text("grace@example.com")
    expect(view).to_contain_text("Tuesday 1 December 2026")  # the summary stays above the result
    page.screenshot(path=str(artefacts / "voila-dashboard-3-result.png"), full_page=True)
    assert console_errors == []

    # voila.json was loaded: the page's kernel is culled when idle
    config = json.loads(VOILA_CONFIG.read_text())["MappingKernelManager"]
    log = voila.log.read_text(errors="replace")
    assert (
        f"Culling kernels with idle durations > {config['cull_idle_timeout']} seconds"
        f" at {config['cull_interval']} second intervals" in log
    ), voila.log_tail()
    assert "Culling kernels even with connected clients" in log


def test_dashboard_in_jupyter_server_refund(
    jupyter_server: Server, page: Page, artefacts: Path, console_errors: Any
) -> None:
    server = jupyter_server
    launcher = _open_dashboard(
        page, f"{server.url}/voila/render/dashboard.ipynb?token={server.token}"
    )
    view = _run(page, launcher, "refund_user", "Refund user")
    email = view.get_by_label("Customer email")
    expect(email).to_be_visible(timeout=20_000)
    email.fill("ana@example.com")
    email.press("Enter")

    table = view.locator("table").first
    expect(table.locator("tbody tr")).to_have_count(10, timeout=20_000)
    expect(view).to_contain_text("Charges to refund")
    expect(view).to_contain_text("of 24")
    first_page = table.locator("tbody tr").nth(0)
    first_page.locator("input[type=checkbox]").check()
    view.locator("[data-page='next']").click()
    expect(view).to_contain_text("11–20 of 24")
    second_page = table.locator("tbody tr").nth(2)
    expect(second_page).to_contain_text("ch_")
    second_page.locator("input[type=checkbox]").check()
    expect(view).to_contain_text("2 selected")
    page.screenshot(path=str(artefacts / "voila-dashboard-4-refund-table.png"), full_page=True)
    view.get_by_role("button", name="Submit").click()

    expect(view).to_contain_text(
        re.compile(r"Refund 2 charges totalling \$[\d,]+\.\d\d to ana@example\.com\?"),
        timeout=20_000,
    )
    view.get_by_role("button", name="Yes").click()
    result = view.locator(".inb-rv-result")
    expect(result).to_be_visible(timeout=20_000)
    # the result reads as names and values, its JSON one click away
    fields = result.locator(".inb-result-fields")
    expect(fields.locator("dd", has_text="ana@example.com")).to_be_visible()
    expect(fields.locator("dt", has_text="refunded")).to_be_visible()
    expect(fields.locator("dd", has_text=re.compile(r"^2$"))).to_be_visible()
    expect(result.locator(".inb-result-json pre")).not_to_be_visible()
    page.screenshot(path=str(artefacts / "voila-dashboard-5-refund-result.png"), full_page=True)
    result.locator(".inb-result-json summary").click()
    expect(result.locator(".inb-result-json pre")).to_contain_text('"refunded": 2')
    assert console_errors == []


def _page_kernel(page: Page) -> str:
    """The kernel of the open Voilà page, as Voilà's page config names it."""
    config = json.loads(page.locator("#jupyter-config-data").text_content() or "{}")
    return str(config["kernelId"])


def _wait_until(done: Callable[[], bool], what: str, server: Server, timeout: float = 60) -> None:
    """Poll ``done`` until it holds; ``timeout`` only bounds a failing test, it asserts nothing."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} after {timeout}s:\n{server.log_tail()}")
        time.sleep(0.2)


def _close_and_wait_for_shutdown(page: Page, server: Server, run_before_unload: bool) -> None:
    """Close the dashboard page; its kernel must go (culling is an hour away in these servers)."""
    kernel = _page_kernel(page)
    assert page.evaluate(SHUTDOWN_HOOK) == kernel  # the launcher armed the page-close hook
    assert server.kernel_exists(kernel)
    closed = time.monotonic()
    page.close(run_before_unload=run_before_unload)
    _wait_until(lambda: not server.kernel_exists(kernel), f"shut down: kernel {kernel}", server)
    # a figure for the record (printed with -s), not an assertion
    print(f"\n[voila] kernel gone {time.monotonic() - closed:.2f} s after the page closed")
    refused = re.findall(r"[45]\d\d POST \S*/voila/api/shutdown/.*", server.log.read_text())
    assert refused == [], refused  # one shutdown, accepted (voila#1458 answered 403)


# run_before_unload: a tab closed by a person (Voilà's own beacon on `beforeunload`, given a
# token by launcher.js); without it Chromium skips `beforeunload`, so launcher.js's `pagehide`
# fallback is what ends the kernel.
@pytest.mark.parametrize("run_before_unload", [True, False], ids=["beforeunload", "pagehide"])
def test_standalone_closing_the_page_ends_its_kernel(
    voila: Server, page: Page, run_before_unload: bool
) -> None:
    _open_dashboard(page, f"{voila.url}/?token={voila.token}")
    _close_and_wait_for_shutdown(page, voila, run_before_unload)


def test_voila_render_closing_the_page_ends_its_kernel(jupyter_server: Server, page: Page) -> None:
    server = jupyter_server
    _open_dashboard(page, f"{server.url}/voila/render/dashboard.ipynb?token={server.token}")
    _close_and_wait_for_shutdown(page, server, run_before_unload=True)
