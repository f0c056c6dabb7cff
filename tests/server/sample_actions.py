"""Actions the server tests serve (copied into the server's root_dir as ``inb_sample_actions``)."""

from __future__ import annotations

import asyncio
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
