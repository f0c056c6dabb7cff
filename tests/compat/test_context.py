"""interval-sdk's ``ctx``: user, params, loading, logs, notifications, redirects, cancellation, errors."""

from __future__ import annotations

import pytest

from interval_nb import RunCancelled, User
from interval_nb.compat import (
    ContextUser,
    IntervalErrorProps,
    IntervalIOError,
    IOCanceled,
    TransactionClosed,
)
from interval_nb.testing import start

from .sdk_actions import CLEANUPS, ERRORS, interval


async def test_ctx_user_params_and_contextvars_in_a_handler_without_arguments() -> None:
    ana = User(username="ana", display_name="Ana Maria Lima", email="ana@corp.example")
    async with start(interval.get("who_am_i"), params={"id": 7}, user=ana) as run:
        result = await run.result()
    assert result == {
        "email": "ana@corp.example",
        "first_name": "Ana",
        "last_name": "Maria Lima",
        "role": "member",
        "teams": [],
        "params": {"id": 7},
        "environment": "development",  # not a live_ key, as Interval decides
        "slug": "who_am_i",
    }
    assert run.transcript[0]["components"][0]["props"]["html"] == "<p>Hi Ana</p>\n"


def test_context_user_from_a_bare_username() -> None:
    assert ContextUser.of(User(username="bob")) == ContextUser(
        email="bob", role="member", teams=[], first_name="bob", last_name=None
    )


async def test_handler_taking_only_io() -> None:
    async with start(interval.get("one_arg")) as run:
        await run.next_prompt()
        await run.answer("hi")
        assert await run.result() == "hi"


async def test_loading_logs_and_notifications() -> None:
    async with start(interval.get("busy")) as run:
        result = await run.result()
        assert result == {
            "after_start": ["Preparing", None],  # no items_in_queue: nothing counted yet
            "final": {
                "label": "Preparing",
                "description": "Almost there",
                "items_in_queue": 3,
                "items_completed": 3,
            },
        }
        assert run.loading == {
            "label": "Preparing",
            "description": "Almost there",
            "items_in_queue": 3,
            "items_completed": 3,
        }
        assert run.logs == ["done with 3 items", "not awaited works too"]
        notes = [(n["message"], n["title"]) for n in run.notifications]
    assert notes == [("Refund sent", "Done"), ("Once only", None)]  # idempotency_key: once


async def test_loading_warnings_go_to_the_run_log(compat_interval) -> None:  # type: ignore[no-untyped-def]
    @compat_interval.action
    async def careless(io, ctx):
        await ctx.loading.complete_one()
        await ctx.loading.update("Late start")
        return ctx.loading.state.label

    async with start(careless) as run:
        assert await run.result() == "Late start"
        assert run.logs == [
            "[Interval] Please call `loading.start` with `items_in_queue` before "
            "`loading.complete_one`, nothing to complete.",
            "[Interval] Please call `loading.start` before `loading.update`",
        ]


async def test_an_action_error_fails_the_run_and_reaches_on_error() -> None:
    ERRORS.clear()
    async with start(interval.get("fails"), user="ana") as run:
        await run.next_prompt()
        await run.answer("x")
        with pytest.raises(ValueError, match="the database is down"):
            await run.result()
        assert run.status == "failed"
        assert run.run.error is not None and run.run.error["type"] == "ValueError"
    (props,) = ERRORS
    assert isinstance(props, IntervalErrorProps)
    assert (props.route, props.user.email, props.environment) == ("fails", "ana", "development")
    assert props.route_definition is interval.get("fails")
    assert isinstance(props.error, ValueError)


async def test_cancelling_raises_ioerror_canceled_and_ends_the_run_cancelled() -> None:
    CLEANUPS.clear()
    async with start(interval.get("cancellable")) as run:
        await run.next_prompt()
        run.cancel()
        with pytest.raises(RunCancelled):
            await run.result()
        assert run.status == "cancelled"
    assert CLEANUPS == ["CANCELED"]


async def test_io_after_a_swallowed_cancel_raises_transaction_closed() -> None:
    CLEANUPS.clear()
    async with start(interval.get("swallows_cancel")) as run:
        await run.next_prompt()
        run.cancel()
        with pytest.raises(RunCancelled):
            await run.result()
    assert CLEANUPS == ["swallowed the run was cancelled", "TRANSACTION_CLOSED"]


def test_ioerror_kinds_are_subclasses_and_keep_interval_sdk_attributes() -> None:
    err = IntervalIOError("CANCELED")
    assert isinstance(err, IOCanceled) and isinstance(err, Exception)
    assert (err.kind, err.message, str(err)) == ("CANCELED", None, "CANCELED")
    closed = IntervalIOError("TRANSACTION_CLOSED", "gone")
    assert isinstance(closed, TransactionClosed) and str(closed) == "gone"
    assert type(IntervalIOError("SOMETHING_NEW")) is IntervalIOError  # type: ignore[arg-type]
    import pickle

    again = pickle.loads(pickle.dumps(closed))
    assert type(again) is TransactionClosed and again.message == "gone"


async def test_redirect_to_a_route_starts_it_when_the_action_returns() -> None:
    async with start(interval.get("go_elsewhere")) as run:
        await run.next_prompt()
        await run.answer(4)
        assert await run.result() is None  # the run ended with the redirect
        assert run.logs == ["after redirect"]  # code after the redirect still ran
        assert run.redirect_to == (interval.get("add_two_numbers"), {"from": 4})
        assert run.status == "completed"


async def test_redirect_refuses_bad_targets(compat_interval) -> None:  # type: ignore[no-untyped-def]
    @compat_interval.action
    async def nowhere(io, ctx):
        await ctx.redirect(route="no_such_action")

    @compat_interval.action
    async def both(io, ctx):
        await ctx.redirect(url="https://example.com", route="nowhere")

    @compat_interval.action
    async def to_url(io, ctx):
        await ctx.redirect(url="https://example.com/docs")
        return "shown"

    async with start(nowhere) as run:
        with pytest.raises(Exception, match="no action 'no_such_action'"):
            await run.result()
    async with start(both) as run:
        with pytest.raises(Exception, match="exactly one of url= or route="):
            await run.result()
    async with start(to_url) as run:
        assert await run.result() == "shown"
        (entry,) = run.transcript
        assert entry["components"][0]["props"] == {
            "url": "https://example.com/docs",
            "theme": "primary",
        }
