"""P6: click Submit → the next prompt's field in the DOM, in Chromium, JupyterLab default settings.

One JupyterLab (default settings) serves a registry file with one action that asks for a number
over and over (``Step 0``, ``Step 1``, …). Two pages of one headless Chromium (Debian's, with the
browser tests' flags) each run it:

(a) the Lab run tab: the action started from the Interval sidebar, so the run lives in the server
    extension's actions kernel; the answer is a REST ``POST …/answer?wait=0`` and the next prompt
    comes back on the run's WebSocket stream;
(b) the notebook widget: the same action started from a notebook cell; the answer is a widget
    comm message (on a kernel subshell, JupyterLab's default) and the next prompt a model update;
(c) the HTTP floor: a bare ``fetch()`` of ``{base}api/status`` from the same page.

Each sample is timed inside the page with ``performance.now()`` by one ``page.evaluate``: fill
the number field, take t0, click Submit, resolve when a MutationObserver sees the field labelled
``Step {i+1}`` (the DOM figure) and again at the next animation frame (when it can be painted),
so nothing of Python or Playwright is counted. The paths are interleaved (a, c, b, c, …) after a
warm-up to share the machine's noise; the ratios within one run are what count.

Run: ``python benchmarks/p6_browser_latency.py [iterations]`` (about a minute).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _harness import summary
from playwright.sync_api import Locator, Page, expect, sync_playwright

from tests.browser.conftest import CHROMIUM, FLAGS
from tests.browser.lab import answer_known_dialogs, run_code_cell, show_interval_sidebar
from tests.browser.servers import Server, start_lab

WARMUP = 5
REGISTRY = "p6_actions.py"
NOTEBOOK = "p6_count.ipynb"
ACTIONS = """
import interval_nb as inb

actions = inb.Actions()


@actions.action
async def count(io, ctx):
    for i in range(100_000):
        await io.input.number(f"Step {i}")
"""
CELL = "from p6_actions import count\n\nrun = count.start()"

# Fill the field labelled "Step {i}", click Submit, time until "Step {i+1}" is in the DOM.
MEASURE_JS = """
async ({ selector, step }) => {
  const view = document.querySelector(selector);
  const field = (n) => {
    for (const label of view.querySelectorAll("label.inb-rv-label")) {
      if (label.textContent === `Step ${n}` && label.htmlFor) {
        const input = document.getElementById(label.htmlFor);
        if (input && view.contains(input)) return input;
      }
    }
    return null;
  };
  const input = field(step);
  if (!input) throw new Error(`no field "Step ${step}" in ${selector}`);
  const submit = input.closest("form").querySelector("button.inb-rv-submit");
  input.value = String(step);
  input.dispatchEvent(new Event("input", { bubbles: true }));
  let t0 = 0;
  const dom = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { observer.disconnect(); reject(new Error("no next prompt in 10 s")); }, 10000);
    const observer = new MutationObserver(() => {
      if (!field(step + 1)) return;
      const t1 = performance.now();
      observer.disconnect();
      clearTimeout(timer);
      resolve(t1 - t0);
    });
    observer.observe(view, { childList: true, subtree: true });
    t0 = performance.now();
    submit.click();
  });
  const frame = await new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now() - t0)));
  return { dom, frame };
}
"""

# The HTTP floor: one authenticated GET of the server's status, as Lab's own requests are sent.
FETCH_JS = """
async () => {
  const config = JSON.parse(document.getElementById("jupyter-config-data").textContent);
  const headers = config.token ? { Authorization: `token ${config.token}` } : {};
  const t0 = performance.now();
  const response = await fetch(`${config.baseUrl}api/status`, { headers, cache: "no-store" });
  await response.json();
  const t1 = performance.now();
  if (!response.ok) throw new Error(`api/status: ${response.status}`);
  return t1 - t0;
}
"""

RUN_TAB = ".inb-panel .inb-rv"
NOTEBOOK_VIEW = ".jp-Notebook .inb-rv"


def notebook_json() -> str:
    """A one-cell notebook that starts the action in its kernel (cwd: the server root)."""
    cell = {"cell_type": "code", "execution_count": None, "id": "p6-count", "metadata": {}}
    cell |= {"outputs": [], "source": CELL}
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return json.dumps(
        {
            "cells": [cell],
            "metadata": {"kernelspec": kernelspec},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def start_server(tmp: Path) -> Server:
    """JupyterLab serving the registry (actions kernel) and the notebook, default settings."""
    return start_lab(
        tmp,
        [],
        {REGISTRY: ACTIONS, NOTEBOOK: notebook_json()},
        extra_args=[
            f"--IntervalNB.actions={REGISTRY}",
            f"--IntervalNB.store_path={tmp / 'runs.sqlite'}",
        ],
    )


def first_field(view: Locator) -> None:
    expect(view.get_by_label("Step 0", exact=True)).to_be_visible(timeout=60_000)


def open_run_tab(page: Page, lab: Server) -> None:
    """(a) Open Lab in its own workspace and start the action from the Interval sidebar."""
    page.goto(f"{lab.url}/lab/workspaces/p6-tab?reset&token={lab.token}")
    expect(page.locator(".jp-LabShell")).to_be_visible(timeout=60_000)
    action = show_interval_sidebar(page).locator(".inb-sb-action[data-slug='count']")
    expect(action).to_be_visible(timeout=30_000)
    action.click()
    first_field(page.locator(".inb-panel:visible .inb-rv"))


def open_notebook(page: Page, lab: Server) -> None:
    """(b) Open the notebook in another workspace and run its cell once the kernel is idle."""
    page.goto(f"{lab.url}/lab/workspaces/p6-nb/tree/{NOTEBOOK}?reset&token={lab.token}")
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    cell = page.locator(".jp-Notebook .jp-CodeCell").first
    run_code_cell(page, cell)
    expect(page.locator(NOTEBOOK_VIEW)).to_be_visible(timeout=20_000)
    first_field(page.locator(NOTEBOOK_VIEW))


def notebook_subshells(lab: Server, tmp: Path) -> int:
    """How many subshells the notebook's kernel has (JupyterLab opens one for widget comms)."""
    from jupyter_client import BlockingKernelClient

    with urllib.request.urlopen(f"{lab.url}/api/sessions?token={lab.token}") as response:
        sessions = json.load(response)
    kernel_id = next(s["kernel"]["id"] for s in sessions if s["path"].endswith(NOTEBOOK))
    client = BlockingKernelClient(connection_file=str(tmp / "runtime" / f"kernel-{kernel_id}.json"))
    client.load_connection_file()
    client.start_channels()
    try:
        client.control_channel.send(client.session.msg("list_subshell_request", {}))
        reply = client.control_channel.get_msg(timeout=10)
    finally:
        client.stop_channels()
    return len(reply["content"].get("subshell_id", []))


def click_to_prompt(page: Page, selector: str, step: int) -> tuple[float, float]:
    """Answer prompt ``Step {step}``: (ms until the next one is in the DOM, ms until next frame)."""
    page.bring_to_front()
    timing: dict[str, float] = page.evaluate(MEASURE_JS, {"selector": selector, "step": step})
    return timing["dom"], timing["frame"]


def measure(iterations: int) -> tuple[dict[str, list[float]], str, int]:
    """Interleaved samples (ms) of every path, warm-up rounds dropped; the Chromium version and
    the number of subshells of the notebook's kernel."""
    keys = ("a", "a_frame", "b", "b_frame", "ca", "cb")
    samples: dict[str, list[float]] = {k: [] for k in keys}
    with tempfile.TemporaryDirectory(prefix="inb-p6-") as tmp, sync_playwright() as pw:
        lab = start_server(Path(tmp))
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                tab, notebook = context.new_page(), context.new_page()
                answer_known_dialogs(tab)
                answer_known_dialogs(notebook)
                open_run_tab(tab, lab)
                open_notebook(notebook, lab)
                chromium = browser.version
                for step in range(WARMUP + iterations):
                    a = click_to_prompt(tab, RUN_TAB, step)
                    ca: float = tab.evaluate(FETCH_JS)
                    b = click_to_prompt(notebook, NOTEBOOK_VIEW, step)
                    cb: float = notebook.evaluate(FETCH_JS)
                    if step >= WARMUP:
                        for key, value in zip(keys, (*a, *b, ca, cb), strict=True):
                            samples[key].append(value)
                subshells = notebook_subshells(lab, Path(tmp))
            finally:
                browser.close()
        finally:
            lab.stop()
    return samples, chromium, subshells


def main(iterations: int) -> None:
    from importlib.metadata import version

    print(
        f"P6  click Submit → next prompt's field in the DOM, {iterations} iterations per path "
        f"({WARMUP} warm-up), interleaved a, c, b, c"
    )
    started = time.monotonic()
    s, chromium, subshells = measure(iterations)
    print(
        f"    Chromium {chromium} headless, JupyterLab {version('jupyterlab')}, "
        f"ipykernel {version('ipykernel')} (notebook kernel: {subshells} subshell(s)); "
        f"{time.monotonic() - started:.0f} s"
    )
    rows = [
        ("(a) Lab run tab: REST answer + WebSocket", s["a"], s["a_frame"]),
        ("(b) notebook widget: comm (subshell)", s["b"], s["b_frame"]),
        ("(c) fetch api/status, run-tab page", s["ca"], None),
        ("(c) fetch api/status, notebook page", s["cb"], None),
    ]
    print(f"{'path':<44}{'in DOM p50 / p90':>24}{'next frame p50 / p90':>26}")
    for name, dom, frame in rows:
        print(f"{name:<44}{summary(dom):>24}{summary(frame) if frame else '':>26}")
    a, b = statistics.median(s["a"]), statistics.median(s["b"])
    ca, cb = statistics.median(s["ca"]), statistics.median(s["cb"])
    print(f"ratios (p50, in DOM): a/b {a / b:.2f}×   a/c {a / ca:.2f}×   b/c {b / cb:.2f}×")
    print(
        "goal (docs/architecture.md, P6): ≤ 40 ms median click Submit → next prompt visible "
        "(prototype 65 ms, stock ipywidgets 78 ms, in a notebook)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
