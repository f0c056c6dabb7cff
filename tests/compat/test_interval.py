"""``Interval``: interval-sdk's registration API on an ordinary interval_nb registry."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

import interval_nb as inb
from interval_nb import ActionDefinitionError
from interval_nb.compat import (
    IO,
    Action,
    FileState,
    Interval,
    IntervalError,
    Layout,
    NotConnectedError,
    Page,
    PageContext,
)
from interval_nb.testing import start

from .sdk_actions import interval


def test_interval_is_an_actions_registry_with_every_decorator_form() -> None:
    assert isinstance(interval, inb.Actions)
    assert isinstance(interval.get("add_two_numbers"), inb.Action)
    assert [a.slug for a in interval][:3] == ["add_two_numbers", "every-input", "pick_things"]
    add = interval.get("add_two_numbers")
    assert (add.name, add.description) == ("Add two numbers", None)
    assert interval.get("fixed_value").name == "Fixed value"  # name= kept
    assert "every_input" not in interval and "every-input" in interval  # slug= wins
    secret = interval.get("secret_tool")
    assert (secret.name, secret.unlisted, secret.access) == ("Secret tool", True, ("group:ops",))
    assert (secret.backgroundable, secret.warn_on_close) == (False, True)


def test_decorator_returns_a_callable_action(compat_interval: Interval) -> None:
    @compat_interval.action("custom-slug")
    async def handler(io: IO) -> int:
        return 1

    @compat_interval.action(name="Named", backgroundable=True, warn_on_close=False)
    async def other(io: IO, ctx: object) -> int:
        return 2

    assert isinstance(handler, Action) and handler.slug == "custom-slug"
    assert compat_interval.get("custom-slug") is handler
    assert (other.name, other.backgroundable, other.warn_on_close) == ("Named", True, False)
    assert asyncio.run(handler(None)) == 1  # calling the action calls the handler


def test_routes_add_remove_and_one_handler_under_two_slugs(compat_interval: Interval) -> None:
    async def report(io: IO) -> str:
        return "ok"

    action = Action(report, description="Daily report", access="entire-organization")
    compat_interval.routes.add("report", action)
    compat_interval.routes.add("report-copy", action)
    assert compat_interval.get("report") is action
    copy = compat_interval.get("report-copy")
    assert copy is not action and copy.handler is report and copy.name == "Report copy"
    assert action.access is None and action.description == "Daily report"
    compat_interval.routes.remove("report")
    compat_interval.routes.remove("never-added")
    assert [a.slug for a in compat_interval] == ["report-copy"]


async def test_the_testing_driver_starts_decorated_and_added_actions(
    compat_interval: Interval,
) -> None:
    @compat_interval.action
    async def greet(io):
        return "Hello, " + await io.input.text("Name")

    async with start(greet) as run:  # the decorated name itself
        await run.next_prompt()
        await run.answer("Ada")
        assert await run.result() == "Hello, Ada"
    assert run.journal[0]["event"] == "started"  # journaled like any run
    assert [e["event"] for e in run.journal][-2:] == ["answered", "completed"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda i: i.routes.add("has.dot", Action(lambda: None)), "letters, digits"),
        (lambda i: i.routes.add("ok", object()), "takes an Action"),
        (lambda i: i.action(lambda a, b, c: None), "takes 3 arguments"),
        (
            lambda i: Action(lambda: None, access={"people": ["x"]}),
            "access is 'entire-organization'",
        ),
        (lambda i: Interval("k", log_level="loud"), "log_level is"),  # type: ignore[arg-type]
    ],
)
def test_definition_errors_are_clear(compat_interval: Interval, call: object, message: str) -> None:
    with pytest.raises(ActionDefinitionError, match=message):
        call(compat_interval)  # type: ignore[operator]


def test_live_key_means_production() -> None:
    assert Interval("live_abc").environment == "production"
    assert Interval("dev_abc").environment == "development"
    assert Interval(None).environment == "development"


def test_listen_outside_a_kernel_registers_says_so_and_returns(
    capsys: pytest.CaptureFixture[str], compat_interval: Interval
) -> None:
    @compat_interval.action
    async def hello(io):
        return None

    assert not compat_interval.is_connected
    compat_interval.listen()  # interval-sdk blocks here; interval_nb never does
    assert compat_interval.is_connected and compat_interval.launcher is None
    err = capsys.readouterr().err
    assert "registered 1 actions (hello)" in err and "server extension" in err
    quiet = Interval("k", log_level="quiet")
    asyncio.run(quiet.listen_async())
    assert capsys.readouterr().err == "" and quiet.is_connected


async def test_ping_close_and_safely_close(compat_interval: Interval) -> None:
    with pytest.raises(NotConnectedError):
        await compat_interval.ping()
    compat_interval.listen()
    await compat_interval.ping()

    @compat_interval.action
    async def waits(io):
        return await io.input.text("Waiting")

    async with start(waits) as run:
        await run.next_prompt()
        await compat_interval.immediately_close()
        assert run.status == "cancelled" and not compat_interval.is_connected
    compat_interval.listen()
    await compat_interval.safely_close()
    assert not compat_interval.is_connected


async def test_interval_notify_reaches_a_run_by_id_or_the_current_run(
    compat_interval: Interval,
) -> None:
    @compat_interval.action
    async def notifies(io):
        await compat_interval.notify("From inside", title="Hi")
        return await io.input.text("Wait")

    async with start(notifies) as run:
        await run.next_prompt()
        await compat_interval.notify("By id", transaction_id=run.run.id, idempotency_key="x")
        await compat_interval.notify("By id", transaction_id=run.run.id, idempotency_key="x")
        assert [n["message"] for n in run.notifications] == ["From inside", "By id"]
        with pytest.raises(IntervalError, match="no run 'nope'"):
            await compat_interval.notify("x", transaction_id="nope")
        await run.answer("done")
        await run.result()


async def test_what_only_interval_servers_did_raises_not_implemented(
    compat_interval: Interval,
) -> None:
    io = IO()
    refusals = [
        (lambda: Page(name="Dashboard"), "Interval pages"),
        (lambda: Layout(title="x"), "page layouts"),
        (lambda: PageContext(), "Interval pages"),
        (lambda: compat_interval.page("Dashboard"), "Interval pages"),
        (lambda: io.confirm_identity("Confirm"), "io.confirm_identity"),
        (lambda: io.experimental.spreadsheet("Rows", columns={"a": "string"}), "spreadsheet"),
        (lambda: io.experimental.credentials("github"), "credentials"),
        (
            lambda: io.input.file("F", generate_presigned_urls=lambda s: s),
            "generate_presigned_urls",
        ),
        (lambda: io.display.link("Edit", route="edit_user"), "route='edit_user'"),
        (
            lambda: io.display.heading("H", menu_items=[{"label": "Go", "route": "x"}]),
            "route='x'",
        ),
        (
            lambda: io.display.metadata("M", data=[{"label": "a", "image": {"url": "u"}}]),
            r"metadata\(\) item images",
        ),
    ]
    for make, message in refusals:
        with pytest.raises(NotImplementedError, match=message):
            make()
    for coroutine, message in [
        (compat_interval.enqueue("slug", assignee_email="a@b.c"), "queued actions"),
        (compat_interval.dequeue("id"), "queued actions"),
        (compat_interval.notify("outside a run"), "outside a run"),
        (compat_interval.notify("x", delivery=[{"to": "a@b.c"}]), "delivery"),
    ]:
        with pytest.raises(NotImplementedError, match=message):
            await coroutine
    assert FileState(name="a.csv", type="text/csv").name == "a.csv"


async def test_route_links_inside_tables_and_grids_raise_when_shown(
    compat_interval: Interval,
) -> None:
    @compat_interval.action
    async def linked(io):
        await io.display.table(
            "T", data=[{"a": 1}], row_menu_items=lambda r: [{"label": "Edit", "route": "edit"}]
        )

    @compat_interval.action
    async def carded(io):
        await io.display.grid("G", data=[1], render_item=lambda i: {"label": "x", "menu": [{}]})

    for action, message in [(linked, "route='edit'"), (carded, "grid\\(\\) item menus")]:
        async with start(action) as run:
            with pytest.raises(NotImplementedError, match=message):
                await run.result()


async def test_notify_delivery_inside_a_run_is_refused_at_the_call(
    compat_interval: Interval,
) -> None:
    @compat_interval.action
    async def delivers(io, ctx):
        await ctx.notify("x", delivery=[{"to": "ops@example.com", "method": "EMAIL"}])

    async with start(delivers) as run:
        with pytest.raises(NotImplementedError, match="ctx.notify\\(delivery"):
            await run.result()


def test_the_server_extension_loader_accepts_an_interval() -> None:
    remote = pytest.importorskip("interval_nb.channels.remote")
    catalog = remote.Catalog.load(["tests.compat.sdk_actions:interval"], entry_points=False)
    assert catalog.errors == []
    assert catalog.actions["add_two_numbers"] is interval.get("add_two_numbers")
    assert {a["slug"] for a in catalog.info()} == {a.slug for a in interval}


async def test_table_edge_cases(compat_interval: Interval) -> None:
    @compat_interval.action
    async def tables(io):
        await io.display.table("Empty", data=[])
        await io.display.table(
            "Mixed",
            data=[{"when": dt.date(2030, 1, 2), "who": {"label": "Ana", "url": "https://a.b"}}],
            default_page_size=float("inf"),
        )
        return await io.select.table(
            "Pick",
            data=iter([{"a": 1}, {"a": 2}]),
            disabled=True,
            initially_selected=lambda r: r["a"] == 2,
        )

    async with start(tables) as run:
        assert await run.result() == [{"a": 2}]  # disabled: the initially selected rows
        empty, mixed, pick = (e["components"][0] for e in run.transcript)
    assert empty["props"]["initial"] == {"rows": [], "total": 0, "offset": 0}
    assert mixed["props"]["page_size"] == 500
    assert mixed["props"]["initial"]["rows"][0]["cells"] == [
        {"text": "2030-01-02"},
        {"text": "Ana", "url": "https://a.b"},
    ]
    assert (pick["kind"], pick["props"]["data"]) == ("display.object", [{"a": 2}])
