"""P1: answer sent → next prompt received, over a real kernel, against the raw comm echo.

Both are measured in the same run, interleaved (one echo, one prompt, …), so machine noise
hits both alike. The RunView path is: custom comm_msg with the answer → kernel hops to the
main loop → the run judges the answer → the action awaits the next prompt → one widget
``update`` carrying the new prompt. The echo path is a custom comm that sends each message
straight back: the floor for one client→kernel→client hop. Goal (docs/architecture.md): ≤ 2× the echo.
It also prints the bytes of one RunView's ``comm_open`` (goal ≤ 10 KB: the view carries the
renderer's loader, not the renderer).

Run: ``python benchmarks/p1_prompt_latency.py [iterations]``
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import uuid

from _harness import kernel, next_iopub, now, summary

SETUP = """
import json
import interval_nb as inb
from comm import get_comm_manager

actions = inb.Actions()

@actions.action
async def many_prompts(io, ctx):
    i = 0
    while True:
        await io.input.text(f"Prompt {i}")
        i += 1

def _open_echo(comm, open_msg):
    comm.on_msg(lambda msg: comm.send(msg["content"]["data"]))

get_comm_manager().register_target("inb_bench_echo", _open_echo)
"""


async def view_sizes() -> tuple[int, int]:
    """Bytes of one RunView's ``comm_open`` (the loader) and of the renderer it no longer carries."""
    async with kernel("p1-size") as fe:
        await fe.execute(SETUP)
        since = len(fe.iopub)
        run_id = await fe.evaluate("(run := many_prompts.start(display=False)).id")
        await fe.wait_for(lambda models: any(m.get("run_id") == run_id for m in models.values()))
        comm_id, _state = fe.model_of_run(run_id)
        (opened,) = [m for m in fe.comm_opens(since) if m["content"]["comm_id"] == comm_id]
        renderer = await fe.evaluate(
            "len(json.dumps(__import__('interval_nb.channels.renderer', fromlist=['x'])"
            ".renderer_message()).encode())",
        )
        return len(json.dumps(opened["content"]).encode()), int(renderer)


async def measure(iterations: int, subshell: bool) -> tuple[list[float], list[float], str]:
    async with kernel("p1") as fe:
        fe.use_subshells = subshell
        await fe.execute(SETUP)
        run_id = await fe.evaluate("(run := many_prompts.start(display=False)).id")
        await fe.wait_for(lambda models: any(m.get("run_id") == run_id for m in models.values()))
        comm_id, _state = fe.model_of_run(run_id)
        await fe.wait_for_model(comm_id, lambda s: s.get("prompt"))
        echo_id = uuid.uuid4().hex
        fe._send(
            "shell", "comm_open", {"comm_id": echo_id, "target_name": "inb_bench_echo", "data": {}}
        )
        subshell_id = await fe.ensure_subshell() if subshell else None
        echo_ms: list[float] = []
        prompt_ms: list[float] = []
        for i in range(iterations + 10):
            # raw comm echo
            start = len(fe.iopub)
            t0 = now()
            fe._send(
                "shell", "comm_msg", {"comm_id": echo_id, "data": {"i": i}}, subshell_id=subshell_id
            )
            echo = await next_iopub(
                fe,
                start,
                lambda m, i=i: (
                    m["msg_type"] == "comm_msg"
                    and m["content"]["comm_id"] == echo_id
                    and m["content"]["data"].get("i") == i
                ),
                "echo",
            )
            # answer → next prompt
            prompt_id = fe.models[comm_id]["prompt"]["id"]
            start = len(fe.iopub)
            t1 = now()
            await fe.send_custom(
                comm_id,
                {
                    "type": "answer",
                    "prompt_id": prompt_id,
                    "values": [f"answer {i}"],
                    "choice": None,
                },
                subshell=subshell,
            )
            update = await next_iopub(
                fe,
                start,
                lambda m, old=prompt_id: (
                    m["msg_type"] == "comm_msg"
                    and m["content"]["comm_id"] == comm_id
                    and ((m["content"]["data"].get("state") or {}).get("prompt") or {}).get("id")
                    not in (None, old)
                ),
                "next prompt",
            )
            if i >= 10:  # warm-up excluded
                echo_ms.append((echo["received"] - t0) * 1000)
                prompt_ms.append((update["received"] - t1) * 1000)
        version = fe.ipykernel_version_str + (" subshell" if subshell_id else " main shell")
    return echo_ms, prompt_ms, version


async def main(iterations: int) -> None:
    print(f"P1  answer → next prompt vs raw comm echo, {iterations} iterations each, interleaved")
    print(f"{'channel':<26}{'echo p50 / p90':>24}{'prompt p50 / p90':>26}{'ratio (p50)':>13}")
    for subshell in (False, True):
        echo_ms, prompt_ms, label = await measure(iterations, subshell)
        ratio = statistics.median(prompt_ms) / statistics.median(echo_ms)
        print(f"ipykernel {label:<16}{summary(echo_ms):>24}{summary(prompt_ms):>26}{ratio:>12.2f}×")
    print("goal: ratio ≤ 2× (docs/architecture.md, P1)")
    opened, renderer = await view_sizes()
    print(
        f"RunView comm_open: {opened / 1000:.1f} KB (goal ≤ 10 KB); the renderer it loads once "
        f"per page instead: {renderer / 1000:.1f} KB ({renderer / opened:.0f}× the comm_open)"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
