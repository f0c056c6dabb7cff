"""P2: 10,000 runs waiting for an answer in one kernel — creation time, memory, idle CPU.

In one kernel: 10,000 bare asyncio tasks each awaiting a future (the baseline: the least a
suspended coroutine can cost), then 10,000 ``action.start(display=False)`` runs each showing
a prompt in its own RunView (a widget with its comm, the run, its task and journal). For both,
the time from the cell's first line until every one is parked (awaiting input), on the
kernel's clock, and the RSS they add; then the kernel's CPU time over an idle period, before
and after the runs exist. Goals (docs/architecture.md): 10,000 runs created in ≤ 10 s;
≤ 20 KiB per pending run; ~0 kernel CPU while idle.

Where the creation time goes (cProfile in the kernel, then each step of ``action.start()``
timed alone for 10,000 runs, and the candidates tried by patching the kernel; a quiet
machine, ≈ 1 ms a run in all): **the widget and its comm messages dominate**. ipywidgets'
``DOMWidget`` makes a second widget per view, its Layout, with its own comm (≈ 0.27 ms): every
RunView now shares one Layout. Every comm open JSON-encodes and HMAC-signs the widget's whole
state; the view's first state now travels in it rather than as a second message (≈ 0.1 ms).
(While each view carried the whole 145 KB module, 1.45 GB for the frontend to read, the same
script took 23 s; with the 3 KB loader, 11–12 s; with both changes above, 8.4 s.) From
``start()`` to awaiting input ≈ 0.3 ms: two state messages, ``running`` then
``awaiting_input`` (≈ 0.1 ms each), plus the prompt's spec and its journal entry. The run
itself (id, user, journal, registry) is ≈ 15 µs. The frontend reading the messages
competes for the same cores, so the script's figure is above the sum.

Run: ``python benchmarks/p2_pending_runs.py [runs] [idle_seconds]``
"""

from __future__ import annotations

import asyncio
import sys
import time

from _harness import HeadlessFrontend, kernel

SETUP = """
import asyncio, gc, time
import interval_nb as inb

def rss_kib():
    gc.collect()
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

actions = inb.Actions()

@actions.action
async def waits(io, ctx):
    await io.input.text("Waiting for you")

loop = asyncio.get_running_loop()
"""


BARE = """
futures = [loop.create_future() for _ in range({n})]
parked = 0
all_parked = asyncio.Event()

async def park(f):
    global parked
    parked += 1
    if parked == {n}:
        all_parked.set()
    await f

bare = [loop.create_task(park(f)) for f in futures]
await all_parked.wait()
bare_seconds = time.perf_counter() - t0
"""

RUNS = """
runs = [waits.start(display=False) for _ in range({n})]
start_seconds = time.perf_counter() - t0
while any(r.status in ("pending", "running") for r in runs):
    await asyncio.sleep(0.005)
runs_seconds = time.perf_counter() - t0
"""


async def frontend_awaiting(fe: HeadlessFrontend, n: int, patience: float = 120) -> int:
    """How many runs the frontend shows awaiting input, once all are or ``patience`` runs out.

    Not waited for without limit: IOPub is a PUB socket, which drops messages a slow
    subscriber has not read (ZMQ's high-water mark), so a frontend may never see them all.
    """
    deadline = time.monotonic() + patience
    while True:
        seen = sum(s.get("status") == "awaiting_input" for s in fe.models.values())
        if seen >= n or time.monotonic() > deadline:
            return seen
        await asyncio.sleep(0.5)


async def main(n: int, idle: float) -> None:
    async with kernel("p2") as fe:
        fe.default_timeout = 900
        await fe.execute(SETUP)
        cpu0 = await fe.evaluate("time.process_time()")
        await asyncio.sleep(idle)
        idle_before = await fe.evaluate("time.process_time()") - cpu0

        before = await fe.evaluate("rss_kib()")
        # t0 is taken in the cell itself: the kernel's clock, from the first line it runs
        await fe.execute("t0 = time.perf_counter()\n" + BARE.format(n=n))
        bare_seconds = await fe.evaluate("bare_seconds")
        await asyncio.sleep(1)
        bare = (await fe.evaluate("rss_kib()") - before) / n
        await fe.execute(
            "for f in futures: f.set_result(None)\nawait asyncio.sleep(0.5)\ndel futures, bare"
        )

        before = await fe.evaluate("rss_kib()")
        await fe.execute("t0 = time.perf_counter()\n" + RUNS.format(n=n), timeout=900)
        start_seconds, runs_seconds = await fe.evaluate("(start_seconds, runs_seconds)")

        seen = await frontend_awaiting(fe, n)
        await asyncio.sleep(1)
        count = await fe.evaluate("sum(r.status == 'awaiting_input' for r in runs)")
        per_run = (await fe.evaluate("rss_kib()") - before) / n

        cpu0 = await fe.evaluate("time.process_time()")
        await asyncio.sleep(idle)
        idle_after = await fe.evaluate("time.process_time()") - cpu0

    bare_us, run_us = bare_seconds / n * 1e6, runs_seconds / n * 1e6
    print(f"P2  {n:,} pending runs in one kernel (ipykernel {fe.ipykernel_version_str})")
    print("  creation (kernel clock, until every one is parked / awaiting input)")
    print(f"  bare task awaiting a future        {bare_us:8.1f} µs each   (baseline)")
    print(
        f"  run + RunView awaiting input       {run_us:8.1f} µs each   ({run_us / bare_us:.0f}× baseline)"
    )
    print(
        f"  all {n:,} runs                    {runs_seconds:8.2f} s         "
        f"({start_seconds:.2f} s in the start() calls; goal for 10,000 ≤ 10 s)"
    )
    print("  memory (RSS added)")
    print(f"  bare task awaiting a future        {bare:8.2f} KiB each  (baseline)")
    print(
        f"  run + RunView awaiting input       {per_run:8.2f} KiB each  ({per_run / bare:.1f}× baseline; goal ≤ 20 KiB)"
    )
    print(f"  runs awaiting input                {count:,} (the frontend shows {seen:,} of them)")
    print(
        f"  kernel CPU over {idle:.0f} s idle       {idle_before * 1000:6.0f} ms before the runs, "
        f"{idle_after * 1000:6.0f} ms with them (goal ~0)"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(main(int(args[0]) if args else 10_000, float(args[1]) if len(args) > 1 else 30.0))
