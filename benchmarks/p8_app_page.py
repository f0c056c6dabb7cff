"""P8: the kernel-free app page (``{base_url}interval/``) against a Voilà dashboard.

Two servers run side by side, each a real subprocess on a free port:

- the app server: ``jupyter lab`` (what ``docs/server.md`` tells a deployment to start, and
  what JupyterHub's single-user server runs by default; the app page comes from the same server
  extension under ``jupyter server``) with a registry of one action, ``greet``, that asks
  "Your name" and returns a greeting. Before anything is measured its actions kernel is warm:
  ``GET interval/api/actions`` answers and a first run of ``greet`` completed;
- standalone Voilà on ``notebooks/dashboard.ipynb`` (with ``examples/`` beside it and the
  repository's ``voila.json``), which starts one kernel per page view.

One headless Chromium (Debian's, with the browser tests' flags) drives both:

1. **Page open → launcher visible**, ``OPENS`` times each after one warm-up open, interleaved
   (app, Voilà, app, …) to share the machine's noise. Every open is a fresh browser context
   (nothing cached, logged in by the ``?token=`` of its URL). An init script stamps
   ``performance.now()`` (ms since the navigation started) when the first
   ``.inb-launcher-card`` is in the DOM with a non-empty box (a MutationObserver, and a check
   every animation frame for a card shown by a stylesheet) and again at the next animation
   frame (when it can be painted); the latter is the figure. After each Voilà open the page is
   closed as a person closes a tab (``beforeunload``: the dashboard's page-close shutdown) and
   the next open waits until that page's kernel is gone, so kernels never pile up.
2. **Cost per viewer.** ``VIEWERS`` browser contexts open the app page at once, each runs
   ``greet`` to completion (fills its name, submits, waits for its greeting). Measured: the
   kernels the server runs (``GET /api/kernels``) before and after, and the resident memory
   (RSS) of the server process plus all its child processes (the actions kernel) from before
   the viewers opened to after all finished, their pages still open, divided by ``VIEWERS``.
   Then ``VOILA_VIEWERS`` contexts open the dashboard at once; measured once every launcher is
   visible (pages open, no run started, so Voilà's figure is a lower bound): the kernels
   started (Voilà's kernel processes) and the RSS growth of the Voilà server plus its kernels,
   per viewer. Voilà runs one kernel before the first viewer: the one its page started for the
   readiness check of ``start_voila`` (a ``GET /``, no page to close it); it is idle and in
   both snapshots. RSS comes from psutil when it is installed, else from ``/proc``; the browser's
   memory is not counted on either side.

Run: ``python benchmarks/p8_app_page.py [opens] [viewers]`` (about three minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from _harness import ROOT, percentile
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    async_playwright,
    expect,
)

from tests.browser.conftest import CHROMIUM, FLAGS
from tests.browser.servers import Server, start_lab, start_voila

OPENS = 10
VIEWERS = 50
VOILA_VIEWERS = 4
TIMEOUT_MS = 300_000
"""Bounds a failing step only (50 viewers share two cores); nothing asserts a time."""
VIEWPORT: ViewportSize = {"width": 1200, "height": 800}
REGISTRY = "p8_actions.py"
ACTIONS = """
import interval_nb as inb

actions = inb.Actions()


@actions.action(name="Greet", description="Say hello.")
async def greet(io, ctx):
    name = await io.input.text("Your name")
    return {"greeting": f"Hello {name}"}
"""
VOILA_CONFIG = ROOT / "voila.json"

# Stamp ms since navigation start when the first launcher card is visible, and a frame later.
TIMING_JS = """
(() => {
  const stamp = { dom: null, frame: null };
  window.__inbP8 = stamp;
  const shown = () => {
    const card = document.querySelector(".inb-launcher-card");
    if (!card) return false;
    const box = card.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(card).visibility !== "hidden";
  };
  const check = () => {
    if (stamp.dom !== null || !shown()) return stamp.dom !== null;
    stamp.dom = performance.now();
    requestAnimationFrame(() => { stamp.frame = performance.now(); });
    return true;
  };
  const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
  const poll = () => { if (!check()) requestAnimationFrame(poll); };
  requestAnimationFrame(poll);
})();
"""
STAMPED = "() => window.__inbP8 && window.__inbP8.frame !== null"


# --- processes -------------------------------------------------------------------------------


def _proc_children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from ``/proc/<pid>/task/*/children``)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found + [grand for child in found for grand in _proc_children(child)]


def _proc_rss_kib(pid: int) -> int:
    """``VmRSS`` of ``pid`` in KiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _proc_cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> dict[str, Any]:
    """RSS (MiB) and CPU seconds of ``pid`` and of its descendants; the pids of its kernels."""
    try:
        import psutil
    except ImportError:
        children = _proc_children(pid)
        return {
            "server": _proc_rss_kib(pid) / 1024,
            "children": sum(_proc_rss_kib(c) for c in children) / 1024,
            "cpu": _proc_cpu_s(pid) + sum(_proc_cpu_s(c) for c in children),
            "kernels": [c for c in children if "ipykernel" in _proc_cmdline(c)],
            "how": "/proc VmRSS",
        }
    root = psutil.Process(pid)
    own, rest, kernels = root.memory_info().rss, 0, []
    cpu = sum(root.cpu_times()[:2])
    for child in root.children(recursive=True):
        try:
            rest += child.memory_info().rss
            cpu += sum(child.cpu_times()[:2])
            if any("ipykernel" in part for part in child.cmdline()):
                kernels.append(child.pid)
        except psutil.NoSuchProcess:
            continue
    mib = 1024 * 1024
    return {
        "server": own / mib,
        "children": rest / mib,
        "cpu": cpu,
        "kernels": kernels,
        "how": "psutil",
    }


def browser_cpu(servers: list[int]) -> float:
    """CPU seconds of this script's other child processes: Playwright's driver and Chromium
    (only the processes alive now: a closed page's renderer takes its figure with it)."""
    skip = set(servers) | {c for pid in servers for c in _proc_children(pid)}
    return sum(_proc_cpu_s(pid) for pid in _proc_children(os.getpid()) if pid not in skip)


def api_kernels(server: Server) -> list[str]:
    """The ids of the kernels a Jupyter server runs (``GET /api/kernels``)."""
    url = f"{server.url}/api/kernels?token={server.token}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return [k["id"] for k in json.load(response)]


async def wait_gone(server: Server, kernel_id: str) -> None:
    """Until Voilà no longer runs ``kernel_id`` (its page was closed)."""
    deadline = time.monotonic() + 120
    while await asyncio.to_thread(server.kernel_exists, kernel_id):
        if time.monotonic() > deadline:
            raise RuntimeError(f"kernel {kernel_id} still there:\n{server.log_tail()}")
        await asyncio.sleep(0.1)


# --- servers ---------------------------------------------------------------------------------


def start_app_server(tmp: Path) -> Server:
    """``jupyter lab`` serving the ``greet`` registry in its actions kernel."""
    tmp.mkdir()
    return start_lab(
        tmp,
        [],
        {REGISTRY: ACTIONS},
        extra_args=[
            f"--IntervalNB.actions={REGISTRY}",
            f"--IntervalNB.store_path={tmp / 'runs.sqlite'}",
        ],
    )


def start_dashboard(tmp: Path) -> Server:
    """Standalone Voilà on the dashboard, as ``voila notebooks/dashboard.ipynb`` runs it."""
    tmp.mkdir()
    return start_voila(tmp, "dashboard.ipynb", dirs=["examples"], config=VOILA_CONFIG)


# --- pages -----------------------------------------------------------------------------------


def app_url(server: Server) -> str:
    """The app page, logging in with the server's token."""
    return f"{server.url}/interval/?token={server.token}"


def voila_url(server: Server) -> str:
    """The dashboard, logging in with the server's token."""
    return f"{server.url}/?token={server.token}"


async def open_page(browser: Browser, url: str) -> tuple[BrowserContext, Page, float]:
    """A fresh context on ``url``; ms from navigation start to the launcher's painted frame."""
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(TIMING_JS)
    page = await context.new_page()
    await page.goto(url, timeout=TIMEOUT_MS)
    await page.wait_for_function(STAMPED, timeout=TIMEOUT_MS)
    stamp = await page.evaluate("() => window.__inbP8")
    return context, page, float(stamp["frame"])


async def close_voila(server: Server, context: BrowserContext, page: Page) -> None:
    """Close a dashboard tab as a person does and wait until its kernel is gone."""
    config = json.loads(await page.locator("#jupyter-config-data").text_content() or "{}")
    await page.close(run_before_unload=True)
    await wait_gone(server, str(config["kernelId"]))
    await context.close()


STAGES = ("page loaded", "launcher shown", "prompt shown", "greeting shown")


async def greet(
    browser: Browser, server: Server, who: str, t0: float
) -> tuple[BrowserContext, list[float]]:
    """A viewer: open the app page, run ``greet`` as ``who``; its context (left open) and the
    seconds after ``t0`` at which it reached each of ``STAGES``."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    await page.goto(app_url(server), timeout=TIMEOUT_MS)
    reached = [time.monotonic() - t0]
    run = page.get_by_role("button", name="Run Greet")
    await expect(run).to_be_visible(timeout=TIMEOUT_MS)
    reached.append(time.monotonic() - t0)
    await run.click(timeout=TIMEOUT_MS)
    name = page.get_by_label("Your name")
    await expect(name).to_be_editable(timeout=TIMEOUT_MS)
    reached.append(time.monotonic() - t0)
    await name.fill(who, timeout=TIMEOUT_MS)
    await name.press("Enter")
    view = page.locator(".inb-app-runscreen .inb-rv")
    await expect(view).to_contain_text(f"Hello {who}", timeout=TIMEOUT_MS)
    reached.append(time.monotonic() - t0)
    return context, reached


# --- the measurements ------------------------------------------------------------------------


async def open_times(
    browser: Browser, app: Server, voila: Server, opens: int
) -> dict[str, list[float]]:
    """Phase 1: page open → launcher visible (ms), interleaved, after one warm-up open each."""
    times: dict[str, list[float]] = {"app": [], "voila": []}
    for i in range(opens + 1):
        context, _, ms = await open_page(browser, app_url(app))
        await context.close()
        if i:
            times["app"].append(ms)
        context, page, ms = await open_page(browser, voila_url(voila))
        await close_voila(voila, context, page)
        if i:
            times["voila"].append(ms)
    return times


async def app_viewers(
    browser: Browser, app: Server, viewers: int, others: list[int]
) -> dict[str, Any]:
    """Phase 2: ``viewers`` contexts run ``greet`` at once; kernels, RSS and CPU around them
    (``others``: the pids of other servers this script started, not the browser's)."""
    before, kernels_before = tree(app.process.pid), await asyncio.to_thread(api_kernels, app)
    servers = [app.process.pid, *others]
    browser_before = browser_cpu(servers)
    started = time.monotonic()
    done = await asyncio.gather(
        *(greet(browser, app, f"Viewer {i}", started) for i in range(viewers)),
        return_exceptions=True,
    )
    wall = time.monotonic() - started
    after, kernels_after = tree(app.process.pid), await asyncio.to_thread(api_kernels, app)
    browser_s = browser_cpu(servers) - browser_before
    contexts = [d[0] for d in done if isinstance(d, tuple)]
    failures = [d for d in done if isinstance(d, BaseException)]
    for context in contexts:
        await context.close()
    if failures:
        raise RuntimeError(f"{len(failures)} viewer(s) failed: {failures[0]!r}")
    each = [d[1] for d in done if isinstance(d, tuple)]
    return {
        "before": before,
        "after": after,
        "kernels": (kernels_before, kernels_after),
        "wall": wall,
        "browser_cpu": browser_s,
        "each": each,
    }


async def voila_viewers(browser: Browser, voila: Server, viewers: int) -> dict[str, Any]:
    """Phase 3: ``viewers`` contexts open the dashboard at once; kernels and RSS when shown."""
    before = tree(voila.process.pid)
    opened = await asyncio.gather(
        *(open_page(browser, voila_url(voila)) for _ in range(viewers)), return_exceptions=True
    )
    after = tree(voila.process.pid)
    pages = [o for o in opened if isinstance(o, tuple)]
    for context, page, _ in pages:
        await close_voila(voila, context, page)
    failures = [o for o in opened if isinstance(o, BaseException)]
    if failures:
        raise RuntimeError(f"{len(failures)} Voilà viewer(s) failed: {failures[0]!r}")
    return {"before": before, "after": after}


async def warm(browser: Browser, app: Server) -> None:
    """The actions kernel answers ``GET interval/api/actions`` and one run completed."""
    url = f"{app.url}/interval/api/actions?token={app.token}"
    deadline = time.monotonic() + 120
    while True:
        try:
            await asyncio.to_thread(urllib.request.urlopen, url, timeout=30)
            break
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)
    context, _ = await greet(browser, app, "Warm-up", time.monotonic())
    await context.close()


async def measure(opens: int, viewers: int) -> dict[str, Any]:
    """Every phase, with both servers and the browser stopped whatever happens."""
    with tempfile.TemporaryDirectory(prefix="inb-p8-") as tmp:
        app = start_app_server(Path(tmp) / "app")
        voila: Server | None = None
        try:
            voila = start_dashboard(Path(tmp) / "voila")
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                try:
                    await warm(browser, app)
                    times = await open_times(browser, app, voila, opens)
                    app_cost = await app_viewers(browser, app, viewers, [voila.process.pid])
                    voila_cost = await voila_viewers(browser, voila, VOILA_VIEWERS)
                    return {
                        "times": times,
                        "app": app_cost,
                        "voila": voila_cost,
                        "chromium": browser.version,
                    }
                finally:
                    await browser.close()
        finally:
            if voila is not None:
                voila.stop()
            app.stop()


# --- the report ------------------------------------------------------------------------------


def growth(cost: dict[str, Any]) -> tuple[float, float, float]:
    """MiB grown: the server process, its children (kernels), both."""
    server = cost["after"]["server"] - cost["before"]["server"]
    children = cost["after"]["children"] - cost["before"]["children"]
    return server, children, server + children


def report(result: dict[str, Any], viewers: int, seconds: float) -> None:
    """Print the medians, the table of costs per viewer and the ratios against the goals."""
    from importlib.metadata import version

    times, app, voila = result["times"], result["app"], result["voila"]
    print(
        f"    Chromium {result['chromium']} headless, JupyterLab {version('jupyterlab')}, "
        f"Voilà {version('voila')}, RSS by {app['before']['how']}; {seconds:.0f} s"
    )
    a, v = statistics.median(times["app"]), statistics.median(times["voila"])
    opens = len(times["app"])
    print(f"1. page open → launcher visible (ms since navigation start, {opens} opens each)")
    print(f"   {'page':<34}{'p50':>9}{'p90':>9}{'min':>9}")
    for name, key in (("(a) app page {url}/interval/", "app"), ("(b) standalone Voilà", "voila")):
        values = times[key]
        print(
            f"   {name:<34}{statistics.median(values):9.0f}"
            f"{percentile(values, 0.9):9.0f}{min(values):9.0f}"
        )
    print(f"   ratio app/Voilà (p50): {a / v:.3f}×   goal ≤ 0.25×")

    kernels_before, kernels_after = app["kernels"]
    app_grown = growth(app)
    voila_grown = growth(voila)
    voila_kernels = len(voila["before"]["kernels"]), len(voila["after"]["kernels"])
    print("2. cost per viewer (RSS of the server process + its child processes, MiB)")
    print(
        f"   {'':<26}{'viewers':>8}{'kernels before→after':>22}"
        f"{'server Δ':>10}{'kernels Δ':>11}{'per viewer':>12}"
    )
    print(
        f"   {'(a) app page, greet done':<26}{viewers:>8}"
        f"{f'{len(kernels_before)} → {len(kernels_after)}':>22}"
        f"{app_grown[0]:10.1f}{app_grown[1]:11.1f}{app_grown[2] / viewers:12.2f}"
    )
    print(
        f"   {'(b) Voilà, launcher shown':<26}{VOILA_VIEWERS:>8}"
        f"{f'{voila_kernels[0]} → {voila_kernels[1]}':>22}"
        f"{voila_grown[0]:10.1f}{voila_grown[1]:11.1f}{voila_grown[2] / VOILA_VIEWERS:12.2f}"
    )
    new_kernels = sorted(set(kernels_after) - set(kernels_before))
    print(
        f"   app: kernels started by the viewers {len(new_kernels)} (goal: none beyond the actions "
        f"kernel); Voilà: {voila_kernels[1] - voila_kernels[0]} started for {VOILA_VIEWERS} viewers "
        "(the one before: the readiness check's)"
    )
    per_app, per_voila = app_grown[2] / viewers, voila_grown[2] / VOILA_VIEWERS
    print(
        f"   per viewer: app {per_app:.2f} MiB (goal ≤ 1 MB), Voilà {per_voila:.1f} MiB; "
        f"ratio app/Voilà {per_app / per_voila:.4f}×"
    )
    cpu = app["after"]["cpu"] - app["before"]["cpu"]
    print(
        f"   app: all {viewers} greetings in {app['wall']:.1f} s; CPU meanwhile: server and its "
        f"kernel {cpu:.1f} s, Playwright + Chromium ≥ {app['browser_cpu']:.1f} s "
        f"({os.cpu_count()} cores); s after the viewers opened:"
    )
    for i, stage in enumerate(STAGES):
        at = [reached[i] for reached in app["each"]]
        print(
            f"     {stage:<16} min {min(at):5.1f}  p50 {statistics.median(at):5.1f}  max {max(at):5.1f}"
        )
    print(
        f"   server RSS before: app {app['before']['server']:.0f} + {app['before']['children']:.0f}"
        f" (actions kernel), Voilà {voila['before']['server']:.0f} + "
        f"{voila['before']['children']:.0f} MiB"
    )


def main(opens: int, viewers: int) -> None:
    """Measure every phase and print the report."""
    print(
        f"P8  app page vs standalone Voilà: page open → launcher ({opens} opens each, "
        f"interleaved), {viewers} app viewers running greet at once, {VOILA_VIEWERS} Voilà viewers"
    )
    started = time.monotonic()
    result = asyncio.run(measure(opens, viewers))
    report(result, viewers, time.monotonic() - started)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="P8: the app page against Voilà")
    parser.add_argument("opens", nargs="?", type=int, default=OPENS)
    parser.add_argument("viewers", nargs="?", type=int, default=VIEWERS)
    args = parser.parse_args()
    main(args.opens, args.viewers)
