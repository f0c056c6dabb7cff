"""P3: 100,000 ``ctx.loading.complete_one()`` calls — CPU added, and updates on the wire.

In one kernel, the same 100,000-iteration loop runs twice inside a live run with a RunView:
once calling a trivial method (the baseline), once calling ``ctx.loading.complete_one()``.
The difference is the cost the progress API adds. Then a loop that yields to the event loop
every 500 items runs for about two seconds while the frontend counts the RunView updates that
carry ``loading`` on IOPub. Goals (docs/architecture.md): ≤ 100 ms added; ≤ 20 updates/s on the wire.

Run: ``python benchmarks/p3_loading.py``
"""

from __future__ import annotations

import asyncio

from _harness import kernel

N = 100_000

SETUP = f"""
import asyncio, time
import interval_nb as inb

actions = inb.Actions()
timings = {{}}

class _Counter:
    n = 0
    def bump(self):
        self.n += 1

@actions.action
async def tight_loops(io, ctx):
    ctx.loading.start(label="Baseline", items_in_queue={N})
    counter = _Counter()
    t0 = time.perf_counter()
    for _ in range({N}):
        counter.bump()
    timings["baseline"] = time.perf_counter() - t0
    ctx.loading.start(label="complete_one", items_in_queue={N})
    t0 = time.perf_counter()
    for _ in range({N}):
        ctx.loading.complete_one()
    timings["complete_one"] = time.perf_counter() - t0
    return timings

@actions.action
async def paced_loop(io, ctx):
    ctx.loading.start(label="Working", items_in_queue={N})
    t0 = time.perf_counter()
    for i in range({N}):
        ctx.loading.complete_one()
        if i % 500 == 499:
            await asyncio.sleep(0.01)
    return time.perf_counter() - t0
"""


async def main() -> None:
    async with kernel("p3") as fe:
        await fe.execute(SETUP)
        rounds = []
        for _ in range(5):
            run_id = await fe.evaluate("(run := tight_loops.start(display=False)).id")
            await fe.wait_for(
                lambda m, rid=run_id: any(
                    s.get("run_id") == rid and s.get("status") == "completed" for s in m.values()
                )
            )
            rounds.append(await fe.evaluate("run.result_value"))
        base = sorted(r["baseline"] for r in rounds)[2] * 1000
        cost = sorted(r["complete_one"] for r in rounds)[2] * 1000

        run_id = await fe.evaluate("(run := paced_loop.start(display=False)).id")
        await fe.wait_for(lambda m: any(s.get("run_id") == run_id for s in m.values()))
        comm_id, _ = fe.model_of_run(run_id)
        await fe.wait_for_model(comm_id, lambda s: s.get("status") == "completed", 120)
        seconds = await fe.evaluate("run.result_value")
        updates = [
            m
            for m in fe.iopub_for(comm_id, "update")
            if "loading" in (m["content"]["data"].get("state") or {})
        ]
        final = fe.models[comm_id]["loading"]["items_completed"]

    print(f"P3  {N:,} ctx.loading.complete_one() calls (median of 5, same kernel)")
    print(f"  baseline loop (method call)     {base:8.1f} ms")
    print(f"  complete_one loop               {cost:8.1f} ms")
    print(
        f"  added by complete_one           {cost - base:8.1f} ms   ({cost / base:.1f}× the baseline; goal ≤ 100 ms added)"
    )
    print(
        f"  wire: {len(updates)} loading updates in {seconds:.2f} s = {len(updates) / seconds:.1f}/s "
        f"(goal ≤ 20/s); final items_completed = {final:,}"
    )


if __name__ == "__main__":
    asyncio.run(main())
