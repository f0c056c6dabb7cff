"""A Lab run tab outlives the actions kernel: SIGKILL it under a waiting refund, answer, finish.

The refund example (email, rows picked on two table pages, a confirm, one ``ctx.step`` per
refund) runs from the Interval sidebar in the server extension's actions kernel. At the
confirm prompt the kernel is killed with SIGKILL. The tab stays on the prompt (the run
hibernates: the server keeps it from the journal, with no kernel), says so, and the person's
"Yes" wakes it in a fresh kernel by replay: the refunds go out once and the result shows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psutil
import pytest
from playwright.sync_api import Page, expect

from tests.server.helpers import http

from . import test_lab_sidebar as sidebar_tests
from .servers import Server
from .test_lab_sidebar import open_lab, start_refund

pytestmark = pytest.mark.browser

lab = sidebar_tests.lab
"""The sidebar tests' fixture: JupyterLab whose server extension serves the examples."""


def actions_kernel_pid(lab: Server, runtime: Path) -> int:
    """The process of the one kernel the server runs (the actions kernel; no notebook is open)."""
    status, kernels = http("GET", f"{lab.url}/api/kernels", lab.token)
    assert status == 200 and len(kernels) == 1, kernels
    connection = runtime / f"kernel-{kernels[0]['id']}.json"
    for proc in psutil.process_iter(["pid", "cmdline"]):
        if str(connection) in (proc.info["cmdline"] or ()):
            return int(proc.info["pid"])
    raise AssertionError(f"no process runs kernel {kernels[0]['id']}")


def test_a_run_tab_survives_a_sigkill_of_the_actions_kernel(
    lab: Server, page: Page, tmp_path: Path, artefacts: Path, console_errors: Any
) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})
    sidebar = open_lab(page, lab)
    view = start_refund(page, sidebar)
    view.get_by_role("button", name="Submit").click()
    yes = view.locator("[data-confirm='yes']")
    expect(yes).to_be_visible(timeout=20_000)
    panel = page.locator(".inb-panel:visible")
    run_id = panel.locator(".inb-panel-id").inner_text()

    psutil.Process(actions_kernel_pid(lab, tmp_path / "runtime")).kill()

    # The tab stays on its prompt and says the run is saved with no kernel.
    expect(panel.locator(".inb-panel-page")).to_have_attribute(
        "data-hibernated", "true", timeout=30_000
    )
    expect(panel.locator(".inb-panel-asleep")).to_have_text("Saved, no kernel running")
    expect(yes).to_be_visible()
    expect(view).to_contain_text(
        re.compile(r"Refund 2 charges totalling \$[\d,]+\.\d\d to ana@example\.com\?")
    )
    run_item = sidebar.locator(f".inb-sb-run[data-run-id='{run_id}']")
    expect(run_item).to_have_attribute("data-status", "awaiting_input")
    page.screenshot(path=str(artefacts / "lab-durable-1-asleep.png"))

    yes.click()  # wakes the run by replay in a new actions kernel
    result = view.locator(".inb-rv-result")
    expect(result).to_be_visible(timeout=60_000)
    expect(result).to_contain_text("ana@example.com")
    expect(panel.locator(".inb-panel-page")).to_have_attribute("data-hibernated", "false")
    expect(run_item).to_have_attribute("data-status", "completed", timeout=20_000)
    # The details tell what happened, in words.
    panel.locator(".inb-panel-details > summary").click()
    timeline = panel.locator(".inb-timeline")
    expect(timeline.locator("[data-event='hibernated']")).to_contain_text("the kernel died")
    expect(timeline.locator("[data-event='replayed']")).to_contain_text(
        "Replayed 2 answers from the journal"
    )
    expect(timeline.locator("[data-event='step_completed']")).to_have_count(2)
    page.screenshot(path=str(artefacts / "lab-durable-2-woken.png"))

    status, journal = http("GET", f"{lab.url}/interval/api/runs/{run_id}/events", lab.token)
    assert status == 200, journal
    events = [e["event"] for e in journal["events"]]
    assert events.count("hibernated") == 1 and events.count("resumed") == 1, events
    assert events.count("step_started") == 2, events  # each refund went out once
    assert [e for e in console_errors if "status of 4" not in e] == []
