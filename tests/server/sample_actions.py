"""Actions the server tests serve (copied into the server's root_dir as ``inb_sample_actions``)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import interval_nb as inb

actions = inb.Actions()


@actions.action
async def greet(io: Any, ctx: Any) -> str:
    """Ask a name and greet its owner."""
    name = await io.input.text("Your name", min_length=2)
    return f"Hello, {name}! (run by {ctx.user.username})"


@actions.action(access=["alice", "group:ops"], description="Refund a customer")
async def refund(io: Any, ctx: Any) -> dict[str, Any]:
    details = await io.group(
        email=io.input.email("Customer email"),
        amount=io.input.number("Amount", min=1, max=100),
    )
    await io.input.text("Approval token", sensitive=True)
    if not await io.confirm(f"Refund {details['amount']} to {details['email']}?"):
        return {"refunded": 0}
    ctx.log("refunded", details["email"])
    return {"refunded": details["amount"], "email": details["email"]}


@actions.action
async def progress(io: Any, ctx: Any) -> int:
    await io.input.text("Ready?")
    ctx.loading.start(label="Working", items_in_queue=4)
    for i in range(4):
        await asyncio.sleep(0.06)
        ctx.log(f"item {i}")
        ctx.loading.complete_one()
    return 4


@actions.action
async def hop(io: Any, ctx: Any) -> None:
    ctx.redirect("greet")


@actions.action
async def boom(io: Any, ctx: Any) -> None:
    raise RuntimeError("it broke")


@actions.action
async def bench(io: Any, ctx: Any) -> str:
    """Used by benchmarks/p5_server_api.py: one prompt, then done."""
    name = await io.input.text("Name")
    return name


PEOPLE = [
    {"id": i, "name": f"Person {i:02d}", "team": "ops" if i % 2 else "dev"} for i in range(30)
]


def find_people(query: str) -> list[dict[str, Any]]:
    if query == "explode":
        raise RuntimeError("the directory is down")
    return [p for p in PEOPLE if query.lower() in str(p["name"]).lower()]


@actions.action(access=["alice", "group:ops"])
async def desk(io: Any, ctx: Any) -> dict[str, Any]:
    """What a page shows: a table in the transcript, logs, notes, a table, a search, a file."""
    ctx.log("opening the desk")
    ctx.notify("Desk open", title="Hello")
    await io.display.table("Everyone", data=PEOPLE, page_size=10)
    picked = await io.select.table("Pick people", data=PEOPLE, page_size=10)
    ctx.log(f"picked {len(picked)}")
    found = await io.search(
        "Find a person", on_search=find_people, render_result=lambda p: p["name"]
    )
    upload = await io.input.file("Attachment", allowed_extensions=[".txt"])
    ctx.notify(f"got {upload.name}")
    return {
        "picked": [p["id"] for p in picked],
        "found": found["name"],
        "file": upload.text(),
        "size": upload.size,
    }


@actions.action
async def freeze(io: Any, ctx: Any) -> None:
    """Blocks the kernel's loop for a while once answered (a long synchronous call)."""
    await io.input.text("Freeze?")
    await asyncio.sleep(0.3)
    time.sleep(3)


@actions.action
async def slow_check(io: Any, ctx: Any) -> str:
    """An answer judged by a slow async validator (it logs when it starts; 0.6 s or the
    ``judge_seconds`` param), then a second question, so a cancel sent while the answer is
    judged always has a run to cancel."""
    seconds = float(ctx.params.get("judge_seconds", 0.6))

    async def judge(value: str) -> str | None:
        ctx.log(f"judging {value}")
        await asyncio.sleep(seconds)
        return None

    first = await io.input.text("First").validate(judge)
    second = await io.input.text("Second")
    return f"{first} {second}"


@actions.action
async def two_steps(io: Any, ctx: Any) -> str:
    """Two plain questions: a cancel racing the first answer always finds the run unfinished."""
    first = await io.input.text("First")
    second = await io.input.text("Second")
    return f"{first} {second}"


def _pay(run_id: str, amount: float) -> str:
    """The side effect: one line in payouts.txt (the kernel's working directory) per call."""
    with open("payouts.txt", "a", encoding="utf-8") as ledger:
        ledger.write(f"{run_id} {amount}\n")
    return f"tx-{run_id}"


@actions.action
async def payout(io: Any, ctx: Any) -> dict[str, Any]:
    """A durable action: asks an amount, pays it once (``ctx.step``), then asks a note."""
    amount = await io.input.number("Amount", min=1)
    receipt = await ctx.step("pay", _pay, ctx.run_id, amount)
    note = await io.input.text("Note")
    return {"receipt": receipt, "note": note}


@actions.action
async def approval(io: Any, ctx: Any) -> dict[str, Any]:
    """A hand-off: the starter asks, someone in ops approves, the starter has the last word."""
    amount = await io.input.number("Amount", min=1)
    approved = await io.confirm(f"Approve {amount}?").assign_to("group:ops")
    note = await io.input.text("Note")
    return {"amount": amount, "approved": approved, "note": note}


@actions.action(schedule="0 9 * * MON", schedule_tz="Europe/Paris", assignee="group:ops")
async def weekly_report(io: Any, ctx: Any) -> str:
    """Scheduled: every Monday at 9 in Paris, a run waits in ops' inbox to be started."""
    sent = await io.confirm("Send the weekly report?")
    return "sent" if sent else "skipped"


@actions.action(schedule="0 3 * * *")
async def nightly(io: Any, ctx: Any) -> str:
    """Scheduled without an assignee: the server starts it as its owner every night at 3."""
    return f"cleaned up for {ctx.user.username}"


@actions.action
async def heads_up(io: Any, ctx: Any) -> str:
    """Tell people something (ctx.notify(to=...)), then wait."""
    ctx.notify("Refund 42 needs a look", title="Refunds", to=["group:ops", "bob"])
    ctx.notify("Just for the record")  # the run's own view only
    return str(await io.input.text("Done?"))
