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

With ``--breakdown``, an init script also stamps each sample's way (see ``BREAKDOWN_JS``): the
answer leaving the page (WebSocket ``send`` of the comm message, or the REST ``POST``), the
kernel starting on it and publishing the next prompt (the ``date`` in the headers of its
``busy`` status and of the update, on the same clock), the page's WebSocket receiving the
next prompt, the renderer's model firing ``change`` and the renderer's listener returning
(``RENDERER_WRAPPER`` wraps the ``render`` of the RunView's ``_esm`` in the notebook, and of
the renderer module the Lab tab imports, to time the model's ``change`` listener). Playwright's
routing (for the Lab tab's wrapper) switches that page's HTTP cache off in this mode.

Run: ``python benchmarks/p6_browser_latency.py [iterations] [--breakdown]`` (about a minute).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from _harness import summary
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect, sync_playwright

from tests.browser.conftest import CHROMIUM, FLAGS
from tests.browser.lab import (
    answer_known_dialogs,
    show_interval_sidebar,
    wait_for_lab,
    wait_for_notebook_kernel,
)
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
  return { dom, frame, t0 };
}
"""

# --breakdown: a renderer module (or the RunView's loader), wrapped so that the `change`
# listener registered on its model is timed. `__INNER__`: the URL of the module wrapped.
RENDERER_WRAPPER = """
import mod from "__INNER__";
const stamp = (kind) => window.__inbP6 && window.__inbP6.events.push({ kind, t: performance.now() });
function timed(model) {
  const wrapped = new Map();
  const on = (name, fn) => {
    if (name !== "change") return model.on(name, fn);
    const w = function (...args) { stamp("change"); try { return fn.apply(this, args); } finally { stamp("drawn"); } };
    wrapped.set(fn, w);
    return model.on(name, w);
  };
  const off = (name, fn) => model.off && model.off(name, wrapped.get(fn) || fn);
  const get = (target, key) => {
    if (key === "on") return on;
    if (key === "off") return off;
    const value = target[key];
    return typeof value === "function" ? value.bind(target) : value;
  };
  return new Proxy(model, { get });
}
export default { ...mod, render: (ctx) => mod.render({ ...ctx, model: timed(ctx.model) }) };
"""

# --breakdown: stamps the answer leaving and the next prompt arriving (see the module docstring).
BREAKDOWN_JS = r"""
(() => {
  const p6 = (window.__inbP6 = { events: [], marker: null, answerId: null });
  const stamp = (kind, extra) => p6.events.push({ kind, t: performance.now(), ...extra });
  const decoder = new TextDecoder();
  const text = (d) => (typeof d === "string" ? d : d instanceof ArrayBuffer || ArrayBuffer.isView(d) ? decoder.decode(d) : "");
  // A kernel message's header comes first (v1 binary and JSON alike): its date, in page time.
  const kernelDate = (s) => {
    const m = /"date":\s*"([^"]+)"/.exec(s);
    if (!m) return undefined;
    const frac = /\.(\d+)/.exec(m[1]);
    const wall = Date.parse(m[1].replace(/\.\d+/, "")) + (frac ? Number(`0.${frac[1]}`) * 1000 : 0);
    return wall - performance.timeOrigin;
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const s = p6.marker ? text(data) : "";
    if (s.includes('"type":"answer"')) {
      p6.answerId = (/"msg_id":\s*"([^"]+)"/.exec(s) || [])[1];
      stamp("sent");
    }
    return send.call(this, data);
  };
  const onMessage = (ev) => {
    if (!p6.marker) return;
    const t = performance.now();
    const s = text(ev.data);
    if (s.includes(p6.marker) && !p6.events.some((e) => e.kind === "received")) {
      p6.events.push({ kind: "received", t, date: kernelDate(s) });
    } else if (p6.answerId && s.includes(p6.answerId) && /"execution_state":\s*"busy"/.test(s)) {
      p6.events.push({ kind: "kernel_in", t, date: kernelDate(s) });
    }
  };
  window.WebSocket = new Proxy(WebSocket, {
    construct(target, args) {
      const ws = Reflect.construct(target, args);
      ws.addEventListener("message", onMessage);   // before the page's own handler
      return ws;
    },
  });
  const fetch0 = window.fetch;
  window.fetch = (input, init) => {
    const answer = p6.marker && /\/answer(\?|$)/.test(typeof input === "string" ? input : input.url);
    if (answer) stamp("sent");
    const response = fetch0(input, init);
    if (answer) response.then(() => stamp("answered"), () => {});
    return response;
  };
  // anywidget imports a RunView's `_esm` from a Blob: swap in the timing wrapper around it.
  window.Blob = new Proxy(Blob, {
    construct(target, [parts, options]) {
      const source = Array.isArray(parts) && parts.length === 1 ? parts[0] : null;
      if (options && options.type === "text/javascript" && typeof source === "string" && source.includes("interval_nb")) {
        const inner = URL.createObjectURL(Reflect.construct(target, [parts, options]));
        parts = [__WRAPPER__.replace("__INNER__", inner)];
      }
      return Reflect.construct(target, [parts, options]);
    },
  });
})();
""".replace("__WRAPPER__", json.dumps(RENDERER_WRAPPER))

STAGES = ("sent", "answered", "kernel_in", "kernel_out", "received", "change", "drawn")
"""The stamps of one sample, in the order of the way (not every path has every stamp)."""

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
    """(b) Open the notebook in another workspace and run its cell once the kernel is idle.

    The cell runs through Lab's command, not Ctrl+Enter: with the run tab's page open in the
    same browser, the key press was lost about once in six starts (the cell never ran). The
    command goes on once ``answer_known_dialogs`` has answered a late "Select Kernel" dialog
    (2 of 10 starts showed one; all 10 ran).
    """
    page.goto(f"{lab.url}/lab/workspaces/p6-nb/tree/{NOTEBOOK}?reset&token={lab.token}")
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    wait_for_lab(page)
    wait_for_notebook_kernel(page)
    # Not awaited in the page: a late "Select Kernel" dialog would hold the command's promise,
    # and only an assertion, not evaluate(), lets answer_known_dialogs answer it.
    page.evaluate("() => { void window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    expect(page.locator(NOTEBOOK_VIEW)).to_be_visible(timeout=60_000)
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


def serve_timed_renderer(route: Route) -> None:
    """--breakdown: answer an import of ``static/interval_nb/runview.js`` with the timing
    wrapper around it (the wrapper's own import of the module goes through)."""
    url = route.request.url
    if "p6=inner" in url:
        route.continue_()
        return
    inner = url + ("&" if "?" in url else "?") + "p6=inner"
    body = RENDERER_WRAPPER.replace("__INNER__", inner)
    route.fulfill(status=200, content_type="text/javascript", body=body)


def instrument(context: BrowserContext, tab: Page) -> None:
    """--breakdown: stamp every page of ``context`` (see ``BREAKDOWN_JS``); on the Lab tab's
    page, time the renderer's ``change`` listener too. The notebook's is timed through the
    RunView's ``_esm`` (anywidget imports it from a Blob), so that page's requests are left
    alone."""
    context.add_init_script(BREAKDOWN_JS)
    tab.route(re.compile(r"/static/interval_nb/runview\.js(\?|$)"), serve_timed_renderer)


def stages(events: list[dict[str, Any]], t0: float) -> dict[str, float]:
    """One sample's stamps as ms after the click (the kernel's in its own clock's terms)."""
    out: dict[str, float] = {}
    received = next((e for e in events if e["kind"] == "received"), None)
    for event in events:
        kind, t = event["kind"], event["t"]
        if kind in ("change", "drawn") and (received is None or t < received["t"]):
            continue  # the renderer's redraw for an earlier message (the draft's echo)
        if kind == "kernel_in" and event.get("date") is not None:
            out.setdefault(kind, event["date"] - t0)
        elif kind == "received" and event.get("date") is not None:
            out.setdefault("kernel_out", event["date"] - t0)
        if kind != "kernel_in":
            out.setdefault(kind, t - t0)
    return out


def click_to_prompt(
    page: Page, selector: str, step: int, breakdown: bool
) -> tuple[float, float, dict[str, float]]:
    """Answer prompt ``Step {step}``: ms until the next one is in the DOM, ms until the next
    frame, and (``breakdown``) the sample's stamps."""
    page.bring_to_front()
    if breakdown:
        page.evaluate(
            "(m) => { Object.assign(window.__inbP6, { events: [], marker: m, answerId: null }); }",
            f'"Step {step + 1}"',
        )
    timing: dict[str, float] = page.evaluate(MEASURE_JS, {"selector": selector, "step": step})
    stamps: dict[str, float] = {}
    if breakdown:
        events = page.evaluate(
            "() => { window.__inbP6.marker = null; return window.__inbP6.events; }"
        )
        stamps = stages(events, timing["t0"])
    return timing["dom"], timing["frame"], stamps


def measure(
    iterations: int, breakdown: bool
) -> tuple[dict[str, list[float]], dict[str, list[dict[str, float]]], str, int]:
    """Interleaved samples (ms) of every path, warm-up rounds dropped; with ``breakdown`` the
    stamps of each (a) and (b) sample; the Chromium version and the number of subshells of the
    notebook's kernel."""
    keys = ("a", "a_frame", "b", "b_frame", "ca", "cb")
    samples: dict[str, list[float]] = {k: [] for k in keys}
    stamps: dict[str, list[dict[str, float]]] = {"a": [], "b": []}
    with tempfile.TemporaryDirectory(prefix="inb-p6-") as tmp, sync_playwright() as pw:
        lab = start_server(Path(tmp))
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                tab, notebook = context.new_page(), context.new_page()
                if breakdown:
                    instrument(context, tab)
                answer_known_dialogs(tab)
                answer_known_dialogs(notebook)
                open_run_tab(tab, lab)
                open_notebook(notebook, lab)
                chromium = browser.version
                for step in range(WARMUP + iterations):
                    *a, a_stamps = click_to_prompt(tab, RUN_TAB, step, breakdown)
                    ca: float = tab.evaluate(FETCH_JS)
                    *b, b_stamps = click_to_prompt(notebook, NOTEBOOK_VIEW, step, breakdown)
                    cb: float = notebook.evaluate(FETCH_JS)
                    if step >= WARMUP:
                        for key, value in zip(keys, (*a, *b, ca, cb), strict=True):
                            samples[key].append(value)
                        stamps["a"].append(a_stamps | {"DOM": a[0], "frame": a[1]})
                        stamps["b"].append(b_stamps | {"DOM": b[0], "frame": b[1]})
                subshells = notebook_subshells(lab, Path(tmp))
            finally:
                browser.close()
        finally:
            lab.stop()
    return samples, stamps, chromium, subshells


def print_breakdown(stamps: dict[str, list[dict[str, float]]]) -> None:
    """Median ms after the click at which each stamp of a path's way was reached."""
    columns = (*STAGES, "DOM", "frame")
    print("breakdown: p50 ms after the click (kernel stamps: the kernel's header dates)")
    print(f"{'path':<6}" + "".join(f"{c:>11}" for c in columns))
    for path, rows in stamps.items():
        cells = []
        for column in columns:
            values = [row[column] for row in rows if column in row]
            cells.append(f"{statistics.median(values):11.1f}" if values else f"{'–':>11}")
        print(f"({path})  " + "".join(cells))


def main(iterations: int, breakdown: bool) -> None:
    from importlib.metadata import version

    print(
        f"P6  click Submit → next prompt's field in the DOM, {iterations} iterations per path "
        f"({WARMUP} warm-up), interleaved a, c, b, c"
    )
    started = time.monotonic()
    s, stamps, chromium, subshells = measure(iterations, breakdown)
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
    if breakdown:
        print_breakdown(stamps)
    print(
        "goal (docs/architecture.md, P6): ≤ 40 ms median click Submit → next prompt visible "
        "(prototype 65 ms, stock ipywidgets 78 ms, in a notebook)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="P6: click Submit → next prompt in the DOM")
    parser.add_argument("iterations", nargs="?", type=int, default=40)
    parser.add_argument("--breakdown", action="store_true", help="also time each step of the way")
    args = parser.parse_args()
    main(args.iterations, args.breakdown)
