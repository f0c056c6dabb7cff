"""Actions written for interval-sdk 1.5, unchanged but for the import line.

The compat suite runs these through ``interval_nb.testing`` and in real kernels; the server
extension could serve them as ``tests.compat.sdk_actions:interval``. They use only
interval-sdk's documented API (and stay free of pandas, nh3-only features and network).
"""

from __future__ import annotations

import asyncio
import datetime

# before: from interval_sdk import Action, ActionContext, IO, IOError, Interval, ctx_var, io_var
from interval_nb.compat import (
    IO,
    Action,
    ActionContext,
    FetchedTableData,
    Interval,
    IOError,
    TableDataFetcherState,
    action_ctx_var,
    ctx_var,
    io_var,
)

ERRORS: list[object] = []
"""What ``on_error`` received (the tests read it)."""

interval = Interval(
    "test_api_key",
    endpoint="wss://interval.example.com/websocket",
    log_level="info",
    on_error=ERRORS.append,
)

USERS = [
    {"id": 1, "name": "Ana Lima", "email": "ana@example.com", "plan": "pro"},
    {"id": 2, "name": "Bob Stone", "email": "bob@example.com", "plan": "free"},
    {"id": 3, "name": "Cy Twombly", "email": "cy@example.com", "plan": "pro"},
]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@interval.action
async def add_two_numbers(io: IO):
    a = await io.input.number("First number")
    b = await io.input.number("Second number", min=a + 1)
    return {"sum": a + b}


@interval.action(slug="every-input")
async def every_input(io: IO):
    (
        name,
        bio,
        email,
        amount,
        count,
        rating,
        subscribed,
        homepage,
        birthday,
        alarm,
        meeting,
        note,
    ) = await io.group(
        io.input.text("Name", placeholder="Ada Lovelace", min_length=2, max_length=40),
        io.input.text("Bio", multiline=True, lines=3, help_text="A few words"),
        io.input.email("Email", default_value="ada@example.com"),
        io.input.number("Amount", min=1, decimals=2, currency="USD"),
        io.input.number("Count", max=10, prepend="#"),
        io.input.slider("Rating", min=0, max=10, step=1, default_value=5),
        io.input.boolean("Subscribe?", default_value=True),
        io.input.url("Homepage", allowed_protocols=["https"]),
        io.input.date("Birthday", max=datetime.date(2020, 1, 1)),
        io.input.time("Alarm", min=datetime.time(6, 0), max=datetime.time(22, 0)),
        io.input.datetime("Meeting", default_value=datetime.datetime(2030, 5, 1, 9, 30)),
        io.input.rich_text("Note").optional(),
    )
    return {
        "name": name,
        "bio": bio,
        "email": email,
        "amount": amount,
        "count": count,
        "rating": rating,
        "subscribed": subscribed,
        "homepage": homepage,
        "birthday": birthday,
        "alarm": alarm,
        "meeting": meeting,
        "note": note,
    }


@interval.action
async def pick_things(io: IO):
    plan = await io.select.single(
        "Plan",
        options=[
            {"label": "Free", "value": "free", "description": "No cost"},
            {"label": "Pro", "value": "pro"},
        ],
        default_value={"label": "Pro", "value": "pro"},
    )
    day = await io.select.single(
        "Day", options=[datetime.date(2030, 1, 1), datetime.date(2030, 1, 2)], searchable=True
    )
    tags = await io.select.multiple(
        "Tags", options=["red", "teal", 3], default_value=["red"], max_selections=2
    )
    users = await io.select.table(
        "Users",
        data=USERS,
        columns=[
            "name",
            {"label": "Email", "accessorKey": "email"},
            {
                "label": "Profile",
                "renderCell": lambda row: {
                    "label": f"#{row['id']}",
                    "url": f"https://example.com/u/{row['id']}",
                },
            },
        ],
        initially_selected=lambda row: row["plan"] == "pro",
        row_menu_items=lambda row: [
            {"label": "Open", "url": f"https://example.com/u/{row['id']}"},
            {"label": "Archived", "url": "https://example.com/x", "disabled": True},
        ],
        min_selections=1,
        default_page_size=2,
    )
    return {"plan": plan, "day": day, "tags": tags, "users": users}


@interval.action
async def show_everything(io: IO):
    async def slow_total() -> str:
        await asyncio.sleep(0)
        return "$1,024"

    await io.display.heading(
        "Report",
        level=3,
        description="All the displays",
        menu_items=[{"label": "Docs", "url": "https://example.com/docs"}],
    )
    await io.display.markdown("**Bold** and _italic_")
    await io.display.code("Query", code="select 1", language="sql")
    await io.display.link("Open Stripe", url="https://stripe.com", theme="danger")
    await io.display.object("User", data=USERS[0])
    await io.display.metadata(
        "Totals",
        layout="card",
        data=[
            {"label": "Users", "value": lambda: len(USERS)},
            {"label": "Revenue", "value": slow_total()},
            {"label": "Docs", "value": "here", "url": "https://example.com"},
        ],
    )
    await io.display.image("Pixel", bytes=PNG, alt="one pixel", size="thumbnail")
    await io.display.video("Intro", url="https://example.com/v.mp4", loop=True, muted=True)
    await io.display.table("All users", data=USERS, default_page_size=2)
    await io.display.grid(
        "Cards",
        data=USERS,
        render_item=lambda u: {
            "label": u["name"],
            "description": u["email"],
            "image": {"url": "https://example.com/a.png"},
        },
    )
    return await io.confirm("Looks right?", help_text="Check the above")


@interval.action
async def remote_table(io: IO):
    seen: list[TableDataFetcherState] = []

    async def get_data(state: TableDataFetcherState):
        seen.append(state)
        rows = [u for u in USERS if not state.query_term or state.query_term in u["name"]]
        if state.sort_column:
            rows.sort(key=lambda u: u[state.sort_column], reverse=state.sort_direction == "desc")
        return FetchedTableData(
            data=rows[state.offset : state.offset + state.page_size], total_records=len(rows)
        )

    await io.display.table("Users", get_data=get_data, default_page_size=2)
    await io.confirm("Done?")
    return [(s.query_term, s.sort_column, s.sort_direction, s.offset) for s in seen]


async def find_users(query: str):
    return [u for u in USERS if query.lower() in u["name"].lower()]


@interval.action
async def search_users(io: IO):
    one = await io.search(
        "Find a user",
        on_search=find_users,
        render_result=lambda u: {"label": u["name"], "description": u["email"]},
        default_value=USERS[2],
    )
    many = await io.search(
        "Find a team", on_search=find_users, render_result=lambda u: u["name"]
    ).multiple(default_value=[USERS[0]])
    return {"one": one, "many": many}


@interval.action
async def upload(io: IO):
    report = await io.input.file("Report", allowed_extensions=[".csv"])
    more = await io.input.file("Attachments").multiple().optional()
    return {
        "name": report.name,
        "extension": report.extension,
        "size": report.size,
        "lines": report.text().splitlines(),
        "url_scheme": report.url.split(":")[0],
        "more": [f.name for f in more] if more else None,
    }


@interval.action
async def onboard(io: IO, ctx: ActionContext):
    def check_name(name: str):
        if name[0].islower():
            return "Start with a capital letter"
        return None

    async def check_person(name: str, email: str, site):
        if not email.endswith("@example.com"):
            return "Use an @example.com address"
        if site is not None and site.scheme != "https":
            return "Use https"
        return None

    name, email, site = await io.group(
        io.input.text("Name").validate(check_name),
        io.input.email("Email"),
        io.input.url("Site", allowed_protocols=["http", "https"]).optional(),
    ).validate(check_person)

    def check_choice(result):
        if result.choice == "delete" and result.return_value.team != "ops":
            return "Only ops can be deleted"
        return None

    form = (
        await io.group(
            team=io.select.single("Team", options=["ops", "data"]),
            start=io.input.date("Start"),
        )
        .with_choices(
            [
                {"label": "Create", "value": "create", "theme": "primary"},
                {"label": "Delete", "value": "delete", "theme": "danger"},
            ]
        )
        .validate(check_choice)
    )
    flag = await io.input.boolean("Send welcome email?").with_choices(["Finish", "Skip"])
    return {
        "name": name,
        "email": email,
        "site": site.geturl() if site else None,
        "choice": form.choice,
        "team": form.return_value.team,
        "start": form.return_value["start"],
        "flag": (flag.choice, flag.return_value),
    }


@interval.action
async def uses_kw_validator(io: IO):
    def check(low, high):
        return "low must be below high" if low >= high else None

    values = await io.group(low=io.input.number("Low"), high=io.input.number("High")).validate(
        check
    )
    return dict(values)


@interval.action
async def busy(io: IO, ctx: ActionContext):
    await ctx.loading.start("Preparing")
    state_after_start = ctx.loading.state
    await ctx.loading.update(description="Almost there", items_in_queue=3)
    for _ in range(3):
        await ctx.loading.complete_one()
    await ctx.log("done with", 3, "items")
    ctx.log("not awaited works too")
    await ctx.notify("Refund sent", title="Done")
    await ctx.notify("Once only", idempotency_key="k1")
    await ctx.notify("Once only", idempotency_key="k1")
    final = ctx.loading.state
    return {
        "after_start": [state_after_start.label, state_after_start.items_completed],
        "final": final.dict(),
    }


@interval.action
async def who_am_i():
    io = io_var.get()
    ctx = ctx_var.get()
    assert action_ctx_var.get() is ctx
    await io.display.markdown(f"Hi {ctx.user.first_name}")
    return {
        "email": ctx.user.email,
        "first_name": ctx.user.first_name,
        "last_name": ctx.user.last_name,
        "role": ctx.user.role,
        "teams": ctx.user.teams,
        "params": ctx.params,
        "environment": ctx.environment,
        "slug": ctx.action.slug,
    }


@interval.action
async def one_arg(io):
    return await io.input.text("Only io")


@interval.action
async def fails(io: IO):
    await io.input.text("Anything")
    raise ValueError("the database is down")


CLEANUPS: list[str] = []


@interval.action
async def cancellable(io: IO):
    try:
        await io.input.text("Waiting")
    except IOError as err:
        CLEANUPS.append(err.kind)
        raise
    return "not cancelled"


@interval.action
async def swallows_cancel(io: IO):
    try:
        await io.input.text("Waiting")
    except Exception as err:  # interval-sdk's IOError is an Exception
        CLEANUPS.append(f"swallowed {err}")
    try:
        await io.input.text("After cancel")
    except IOError as err:
        CLEANUPS.append(err.kind)
    return "kept going"


@interval.action
async def go_elsewhere(io: IO, ctx: ActionContext):
    a = await io.input.number("Start at")
    await ctx.redirect(route="add_two_numbers", params={"from": a})
    await ctx.log("after redirect")  # still runs, as with interval-sdk
    return a


@interval.action(name="Fixed value", description="A disabled field")
async def fixed_value(io: IO):
    return await io.group(
        io.input.text("Region", default_value="eu-west-1", disabled=True),
        io.input.number("Amount"),
    )


async def secret_tool(io: IO, ctx: ActionContext):
    return await io.input.text("Secret")


interval.routes.add(
    "secret_tool",
    Action(handler=secret_tool, name="Secret tool", unlisted=True, access={"teams": ["ops"]}),
)
