"""Example internal tools: a support refund, employee onboarding and a data-team explorer.

``actions`` holds three actions; show them all with ``actions.show()`` (a launcher, as in the
Voilà dashboard) or start one from a cell with ``refund_user.start()``. Every piece of data is
made up and deterministic (seeded), so the same input always gives the same rows and no
network is needed. pandas and matplotlib are only needed by ``explore_sales`` and are imported
when it runs.

>>> from support_tools import actions, refund_user  # doctest: +SKIP
>>> run = refund_user.start()                       # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import html
import random
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import interval_nb as inb

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EXPORT_DIR",
    "REGIONS",
    "actions",
    "charges_for",
    "explore_sales",
    "onboard_employee",
    "refund_charge",
    "refund_user",
    "sales_data",
]

actions = inb.Actions()

EXPORT_DIR = Path(__file__).resolve().parent / "exports"
"""Where ``explore_sales`` writes its CSV files (``notebooks/examples/exports/``)."""

CHARGES_PER_CUSTOMER = 24
TODAY = dt.date(2026, 6, 30)
"""The fixed "today" of the made-up data, so every run sees the same dates."""

PRODUCTS = [
    ("Pro plan, monthly", 49.00),
    ("Team plan, monthly", 129.00),
    ("Extra seats", 12.50),
    ("Storage add-on, 100 GB", 9.99),
    ("Priority support", 199.00),
    ("API overage", 23.40),
]


def _rng(*parts: str) -> random.Random:
    """A random generator seeded from text (``hash()`` differs between processes; SHA-256 does not)."""
    digest = hashlib.sha256("\x00".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


APPROVAL_OVER = 1000
"""Refunds totalling more than this (dollars) wait for someone in the managers group."""


def charges_for(email: str) -> list[dict[str, Any]]:
    """The customer's last 24 charges, newest first; the same email always gives the same charges."""
    rng = _rng("charges", email.strip().lower())
    charges = []
    day = TODAY
    for _ in range(CHARGES_PER_CUSTOMER):
        day -= dt.timedelta(days=rng.randint(3, 20))
        description, price = rng.choice(PRODUCTS)
        quantity = rng.randint(1, 3) if price < 20 else 1
        charges.append(
            {
                "id": f"ch_{rng.getrandbits(48):012x}",
                "date": day,
                "description": description if quantity == 1 else f"{description} × {quantity}",
                "amount": round(price * quantity, 2),
            }
        )
    return charges


async def refund_charge(charge_id: str, amount: float, *, idempotency_key: str) -> dict[str, Any]:
    """Stands in for the payment provider's refund API (0.3 s a call).

    Returns plain JSON, the refund's id, so ``ctx.step`` can journal it; the same
    ``idempotency_key`` gives the same refund, as a real provider's would.
    """
    await asyncio.sleep(0.3)
    refund_id = hashlib.sha256(idempotency_key.encode()).hexdigest()[:12]
    return {"id": f"re_{refund_id}", "charge": charge_id, "amount": amount}


@actions.action(
    name="Refund user", description="Find a customer's charges and refund some of them."
)
async def refund_user(io: inb.IO, ctx: inb.ActionContext) -> dict[str, Any]:
    """Refund some of a customer's charges (a support team's everyday tool)."""
    email = await io.input.email(
        "Customer email", help_text="Any address works: the charges are made up"
    )
    picked = await io.select.table(
        "Charges to refund",
        data=charges_for(email),
        columns=[
            {"label": "id", "accessor": "id"},
            {"label": "date", "accessor": "date", "format": "date"},
            {"label": "description", "accessor": "description"},
            {"label": "amount", "accessor": "amount", "format": "currency", "currency": "USD"},
        ],
        row_key="id",
        min_selections=1,
        page_size=10,
    )
    n = len(picked)
    total = sum(charge["amount"] for charge in picked)
    if not await io.confirm(f"Refund {n} charges totalling ${total:,.2f} to {email}?"):
        return {"email": email, "refunded": 0}
    if total > APPROVAL_OVER:
        # Served by the server, this prompt goes to the managers' inbox ("Waiting for me"); the
        # agent's tab shows it read-only until one of them answers.
        approved = await io.confirm(
            f"Approve refunding ${total:,.2f} to {email}? ({n} charges, asked by {ctx.user.username})",
            help_text=f"Refunds over ${APPROVAL_OVER:,} need a manager's approval.",
        ).assign_to("group:managers")
        if not approved:
            return {"email": email, "refunded": 0, "approval": "declined"}
    ctx.loading.start(label="Refunding charges", items_in_queue=n)
    refunds = []
    for charge in picked:
        # A step runs once: a run resumed after a kernel loss gets the journaled refund back
        # instead of refunding again; a refund that was under way is retried with the same key.
        key = ctx.idempotency_key("refund")
        refunds.append(
            await ctx.step(
                "refund", refund_charge, charge["id"], charge["amount"], idempotency_key=key
            )
        )
        ctx.loading.complete_one()
    for refund in refunds:
        ctx.log(f"Refunded {refund['charge']} (${refund['amount']:,.2f}) as {refund['id']}")
    return {"email": email, "refunded": n, "total": f"${total:,.2f}"}


TEAMS = ["Data", "Ops", "Sales"]


def _check_new_hire(person: dict[str, Any]) -> dict[str, str] | None:
    """Group-level check: a first day is a weekday, and Data people get a laptop.

    Each error names its field, so the form highlights the field to fix.
    """
    start = person.get("start")
    if isinstance(start, dt.date) and start.weekday() >= 5:
        return {"start": f"{start:%A} {start:%-d %B} is a weekend: pick a weekday as the first day"}
    if person.get("team") == "Data" and not person.get("laptop"):
        return {"laptop": "Everyone on the Data team needs a laptop: tick “Needs a laptop”"}
    return None


@actions.action(name="Onboard employee", description="Create an account for a new colleague.")
async def onboard_employee(io: inb.IO, ctx: inb.ActionContext) -> dict[str, Any]:
    """Create an account for a new colleague (the quickstart's onboarding, with more checks)."""
    person = await (
        io.group(
            name=io.input.text("Full name", min_length=2),
            email=io.input.email("Work email").validate(
                lambda e: None if e.endswith("@example.com") else "Use an @example.com address"
            ),
            start=io.input.date("Start date"),
            team=io.select.single("Team", options=TEAMS),
            laptop=io.input.boolean("Needs a laptop"),
        )
        .validate(_check_new_hire)
        .with_choices(
            [
                "Create account",
                {"label": "Save as draft", "value": "draft", "theme": "secondary"},
            ]
        )
    )
    values = person.value
    status = "draft saved" if person.choice == "draft" else "account created"
    await io.display.metadata(
        "Summary",
        data=[
            {"label": "Full name", "value": values["name"]},
            {"label": "Work email", "value": values["email"]},
            {"label": "Start date", "value": f"{values['start']:%A %-d %B %Y}"},
            {"label": "Team", "value": values["team"]},
            {"label": "Laptop", "value": "Yes" if values["laptop"] else "No"},
            {"label": "Status", "value": status.capitalize()},
        ],
        layout="list",
    )
    ctx.log(f"{status}: {values['email']} ({values['team']})")
    return {
        "choice": person.choice,
        "status": status,
        "name": values["name"],
        "email": values["email"],
        "start": values["start"].isoformat(),
        "team": values["team"],
        "laptop": values["laptop"],
    }


REGIONS = ["North", "South", "East", "West"]
SALES_ROWS = 3_000
SALES_START = dt.date(2026, 1, 1)
SALES_DAYS = 181  # 1 January – 30 June 2026


def _require_data_stack() -> tuple[Any, Any]:
    """Import pandas and matplotlib's ``Figure``, or fail with what to install."""
    try:
        import pandas as pd
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise RuntimeError(
            f"“Explore sales” needs pandas and matplotlib ({exc.name} is missing): "
            "run `python -m pip install pandas matplotlib` in the kernel's environment "
            "and start the action again"
        ) from exc
    return pd, Figure


def sales_data() -> pd.DataFrame:
    """Six months of made-up sales (3,000 rows, seeded): the same table on every call."""
    pd, _ = _require_data_stack()
    rng = _rng("sales")
    products = [name for name, _ in PRODUCTS]
    rows = []
    for i in range(SALES_ROWS):
        product, price = PRODUCTS[rng.randrange(len(products))]
        rows.append(
            {
                "order_id": 50_000 + i,
                "date": SALES_START + dt.timedelta(days=rng.randrange(SALES_DAYS)),
                "region": rng.choice(REGIONS),
                "product": product,
                "amount": round(price * rng.uniform(1, 12), 2),
            }
        )
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.sort_values(["date", "order_id"], ignore_index=True)


def _check_filters(filters: dict[str, Any]) -> str | None:
    if filters["start"] > filters["end"]:
        return "“From” is after “To”: swap the dates"
    return None


def _chart(picked: pd.DataFrame, figure_class: Any) -> Any:
    """A bar chart of the picked sales: amount per week, one colour per region."""
    weekly = (
        picked.assign(week=picked["date"].dt.to_period("W").dt.start_time)
        .pivot_table(index="week", columns="region", values="amount", aggfunc="sum", fill_value=0)
        .sort_index()
    )
    fig = figure_class(figsize=(8, 3.2), layout="constrained")
    ax = fig.add_subplot()
    bottom = None
    labels = [f"{week:%-d %b}" for week in weekly.index]
    for region in weekly.columns:
        ax.bar(labels, weekly[region], bottom=bottom, label=region)
        bottom = weekly[region] if bottom is None else bottom + weekly[region]
    ax.set_ylabel("USD")
    ax.set_title(f"{len(picked)} picked sales, per week")
    ax.legend(ncols=len(weekly.columns), loc="upper left", frameon=False)
    ax.tick_params(axis="x", labelrotation=45 if len(labels) > 8 else 0)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _download_widget(name: str, data: bytes) -> Any:
    """A "Download CSV" link carrying the file itself (works in JupyterLab and Voilà alike)."""
    import ipywidgets

    href = "data:text/csv;base64," + base64.b64encode(data).decode("ascii")
    return ipywidgets.HTML(
        f'<a download="{html.escape(name)}" href="{href}" '
        'style="display:inline-block;padding:6px 14px;border-radius:6px;font-weight:600;'
        'text-decoration:none;color:white;background:var(--jp-brand-color1,#1976d2)">'
        f"Download {html.escape(name)}</a>"
    )


@actions.action(
    name="Explore sales",
    description="Filter six months of sales, chart the rows you pick and export them as CSV.",
)
async def explore_sales(io: inb.IO, ctx: inb.ActionContext) -> dict[str, Any]:
    """The data team's flow: filter a DataFrame, pick rows, chart them, export them."""
    pd, figure_class = _require_data_stack()
    sales = sales_data()
    first, last = sales["date"].min().date(), sales["date"].max().date()
    filters = await io.group(
        regions=io.select.multiple(
            "Regions", options=REGIONS, default_value=REGIONS, min_selections=1
        ),
        min_amount=io.input.number(
            "Minimum amount", min=0, decimals=2, currency="USD", default_value=100
        ),
        start=io.input.date("From", min=first, max=last, default_value=first),
        end=io.input.date("To", min=first, max=last, default_value=last),
    ).validate(_check_filters)
    matching = sales[
        sales["region"].isin(filters["regions"])
        & (sales["amount"] >= filters["min_amount"])
        & (sales["date"] >= pd.Timestamp(filters["start"]))
        & (sales["date"] <= pd.Timestamp(filters["end"]))
    ]
    if matching.empty:
        await io.display.markdown("No sales match these filters. Start again with wider ones.")
        return {"rows": 0}
    picked = await io.select.table(
        f"Sales to chart and export ({len(matching):,} match)",
        data=matching,
        columns=[
            {"label": "Order", "accessor": "order_id"},
            {"label": "Date", "accessor": "date", "format": "date"},
            {"label": "Region", "accessor": "region"},
            {"label": "Product", "accessor": "product"},
            {"label": "Amount", "accessor": "amount", "format": "currency", "currency": "USD"},
        ],
        row_key="order_id",
        min_selections=1,
        page_size=15,
        help_text="Tick rows, or select all matching rows from the header checkbox",
    )
    fig = _chart(picked, figure_class)
    await io.display.figure(
        "Picked sales", figure=fig, alt="Weekly amount of the picked sales by region"
    )

    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    name = f"sales-{re.sub(r'[^A-Za-z0-9]', '', ctx.run_id)[:12]}.csv"
    path = EXPORT_DIR / name
    csv = picked.assign(date=picked["date"].dt.date).to_csv(index=False).encode()
    path.write_bytes(csv)
    await io.display.widget("Export", widget=_download_widget(name, csv))
    await io.display.markdown(
        f"Also saved on the server as `{path.parent.name}/{name}` next to this example."
    )
    total = float(picked["amount"].sum())
    ctx.log(f"exported {len(picked)} rows to {path}")
    return {"rows": len(picked), "total": f"${total:,.2f}", "file": f"exports/{name}"}
