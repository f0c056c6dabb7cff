"""Registering actions: the decorator forms and the errors for bad definitions."""

from __future__ import annotations

import pytest

import interval_nb as inb


def test_decorator_forms_and_metadata() -> None:
    actions = inb.Actions()

    @actions.action
    async def refund_user(io, ctx):
        """Refund a customer's charges."""

    @actions.action(name="Say hi", description="Greets", slug="hi")
    async def greet(io, ctx):
        pass

    assert refund_user.slug == "refund_user" and refund_user.name == "Refund user"
    assert refund_user.description == "Refund a customer's charges."
    assert actions.get("hi") is greet and greet.name == "Say hi"
    assert (
        [a.slug for a in actions] == ["refund_user", "hi"] and "hi" in actions and len(actions) == 2
    )
    with pytest.raises(KeyError, match="registered: refund_user, hi"):
        actions.get("nope")


def test_non_async_function_is_refused_at_registration() -> None:
    actions = inb.Actions()
    with pytest.raises(inb.ActionDefinitionError, match="not an async function"):

        @actions.action
        def sync_action(io, ctx):
            pass


def test_duplicate_slugs_are_refused() -> None:
    actions = inb.Actions()

    @actions.action(slug="same")
    async def one(io, ctx):
        pass

    with pytest.raises(inb.ActionDefinitionError, match="already registered"):

        @actions.action(slug="same")
        async def two(io, ctx):
            pass

    with pytest.raises(inb.ActionDefinitionError, match="slug"):
        actions.action(slug="has space")(one.fn)


def test_redefining_in_the_same_place_replaces() -> None:
    actions = inb.Actions()
    for _ in range(2):  # like re-running the cell that defines it

        @actions.action
        async def again(io, ctx):
            pass

    assert len(actions) == 1 and actions.get("again") is again


def test_params_must_be_a_mapping() -> None:
    actions = inb.Actions()

    @actions.action
    async def a(io, ctx):
        pass

    with pytest.raises(inb.ActionDefinitionError, match="mapping"):
        a.create_run(params=[1, 2])  # type: ignore[arg-type]


async def test_unlisted_actions_are_startable_but_not_offered() -> None:
    from interval_nb.channels.launcher import Launcher

    actions = inb.Actions()

    @actions.action
    async def visible(io, ctx):
        pass

    @actions.action(unlisted=True)
    async def hidden(io, ctx):
        return "ran"

    assert hidden.unlisted and not visible.unlisted
    assert [card["slug"] for card in Launcher(actions).cards.actions] == ["visible"]
    assert actions.get("hidden") is hidden  # still reachable by slug (redirects, the API)
