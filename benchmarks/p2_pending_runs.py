"""P2: 10,000 runs waiting for an answer in one kernel — memory per run and idle CPU.

In one kernel: the RSS added by 10,000 bare asyncio tasks each awaiting a future (the
baseline: the least a suspended coroutine can cost), then by 10,000 runs each showing a
prompt in its own RunView (a widget with its comm, the run, its task and journal). Then the
kernel's CPU time over an idle period, before and after the runs exist. Goals (docs/architecture.md):
≤ 20 KiB per pending run; ~0 kernel CPU while idle.

Run: ``python benchmarks/p2_pending_runs.py [runs] [idle_seconds]``
"""

from __future__ import annotations

import asyncio
import sys

from _harness import kernel

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


async def main(n: int, idle: float) -> None:
    async with kernel("p2") as fe:
        fe.default_timeout = 900
        await fe.execute(SETUP)
        cpu0 = await fe.evaluate("time.process_time()")
        await asyncio.sleep(idle)
        idle_before = await fe.evaluate("time.process_time()") - cpu0

        before = await fe.evaluate("rss_kib()")
        await fe.execute(
            f"futures = [loop.create_future() for _ in range({n})]\n"
            "async def park(f): await f\n"
            "bare = [loop.create_task(park(f)) for f in futures]"
        )
        await asyncio.sleep(1)
        bare = (await fe.evaluate("rss_kib()") - before) / n
        await fe.execute(
            "for f in futures: f.set_result(None)\nawait asyncio.sleep(0.5)\ndel futures, bare"
        )

        before = await fe.evaluate("rss_kib()")
        await fe.execute(f"runs = [waits.start(display=False) for _ in range({n})]", timeout=900)

        def waiting(_models: object) -> bool:
            awaiting = [s for s in fe.models.values() if s.get("status") == "awaiting_input"]
            return len(awaiting) >= n

        await fe.wait_for(waiting, 900, what=f"{n} runs awaiting input")
        await asyncio.sleep(1)
        count = await fe.evaluate("sum(r.status == 'awaiting_input' for r in runs)")
        per_run = (await fe.evaluate("rss_kib()") - before) / n

        cpu0 = await fe.evaluate("time.process_time()")
        await asyncio.sleep(idle)
        idle_after = await fe.evaluate("time.process_time()") - cpu0

    print(f"P2  {n:,} pending runs in one kernel (ipykernel {fe.ipykernel_version_str})")
    print(f"  bare task awaiting a future        {bare:6.2f} KiB each   (baseline)")
    print(
        f"  run + RunView awaiting input       {per_run:6.2f} KiB each   ({per_run / bare:.1f}× baseline; goal ≤ 20 KiB)"
    )
    print(f"  runs awaiting input                {count:,}")
    print(
        f"  kernel CPU over {idle:.0f} s idle       {idle_before * 1000:6.0f} ms before the runs, "
        f"{idle_after * 1000:6.0f} ms with them (goal ~0)"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(main(int(args[0]) if args else 10_000, float(args[1]) if len(args) > 1 else 30.0))
