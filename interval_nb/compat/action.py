"""interval-sdk's ``Action`` and how a run of its handler works.

A compat :class:`Action` is an interval_nb action whose function runs the interval-sdk handler:
it builds interval-sdk's ``io`` and ``ctx`` for the run, sets :data:`io_var`, :data:`ctx_var`,
:data:`action_ctx_var` and :data:`interval_context_var`, calls the handler with ``()``,
``(io)`` or ``(io, ctx)`` as its signature asks, and then:

- ``IOError("CANCELED"/"TRANSACTION_CLOSED")`` from a cancelled run ends it ``cancelled``;
- any other exception fails the run and is passed to ``Interval(on_error=...)``;
- a pending ``ctx.redirect(route=...)`` ends the run with interval_nb's redirect.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

from .._context import active_host
from ..actions import Action as CoreAction
from ..actions import title_from_slug
from ..errors import ActionDefinitionError
from ..runtime.context import ActionContext as CoreActionContext
from ..runtime.context import Redirect
from .context import (
    ActionContext,
    ActionEnvironment,
    ContextUser,
    OrganizationDef,
    PageContext,
    Transaction,
)
from .errors import IntervalIOError
from .namespace import IO

if TYPE_CHECKING:
    from ..io.namespace import IO as CoreIO
    from ..runtime.run import Run
    from .client import Interval

__all__ = [
    "Action",
    "IntervalActionHandler",
    "IntervalErrorProps",
    "IntervalPageHandler",
    "action_ctx_var",
    "ctx_var",
    "interval_context_var",
    "io_var",
    "page_ctx_var",
]

log = logging.getLogger("interval_nb.compat")

io_var: ContextVar[IO] = ContextVar("io_var")
"""The ``io`` of the running action (set inside every run of a compat action)."""
action_ctx_var: ContextVar[ActionContext] = ContextVar("action_ctx_var")
"""The ``ctx`` of the running action."""
page_ctx_var: ContextVar[PageContext] = ContextVar("page_ctx_var")
"""interval-sdk's page context; pages are not supported, so it is never set."""
ctx_var: ContextVar[ActionContext | PageContext] = ContextVar("ctx_var")
"""The ``ctx`` of the running action (interval-sdk: of the action or page)."""
interval_context_var: ContextVar[tuple[IO, ActionContext | PageContext]] = ContextVar(
    "interval_context_var"
)
"""``(io, ctx)`` of the running action."""

Handler = Callable[..., Any]
"""An interval-sdk action handler: ``async def f()``, ``f(io)`` or ``f(io, ctx)``."""

IntervalActionHandler = Handler
"""interval-sdk's name for the type of an action handler (for annotations)."""
IntervalPageHandler = Callable[..., Any]
"""interval-sdk's type of a page handler (pages are not supported; for annotations only)."""


@dataclasses.dataclass
class IntervalErrorProps:
    """What ``Interval(on_error=...)`` receives when an action raises."""

    error: BaseException
    route: str
    route_definition: Any
    environment: ActionEnvironment
    user: ContextUser
    params: Mapping[str, Any]
    organization: OrganizationDef


def _arity(handler: Handler) -> int:
    if not callable(handler):
        raise ActionDefinitionError(f"an action handler is an async function, got {handler!r}")
    try:
        count = len(inspect.signature(handler).parameters)
    except (TypeError, ValueError):
        return 2
    if count > 2:
        raise ActionDefinitionError(
            f"{getattr(handler, '__name__', handler)!r} takes {count} arguments; an action "
            "handler takes (), (io) or (io, ctx)"
        )
    return count


def _access(access: Any) -> tuple[str, ...] | None:
    """interval-sdk's ``access`` (``"entire-organization"`` or ``{"teams": [...]}``) as
    interval_nb's (``None`` or ``"group:<team>"`` entries); interval_nb's lists pass through."""
    if access is None or access == "entire-organization":
        return None
    if isinstance(access, Mapping):
        teams = access.get("teams")
        if isinstance(teams, (list, tuple)) and all(isinstance(t, str) and t for t in teams):
            return tuple(f"group:{t}" for t in teams)
    elif isinstance(access, (list, tuple)) and all(isinstance(a, str) and a for a in access):
        return tuple(access)
    raise ActionDefinitionError(
        f"access is 'entire-organization' or {{'teams': ['support', ...]}}, got {access!r}"
    )


async def _run_action(io: CoreIO, ctx: CoreActionContext) -> Any:
    """The interval_nb action function of every compat action: runs its handler."""
    action = ctx.action
    assert isinstance(action, Action)
    return await action._execute(ctx)


class Action(CoreAction):
    """interval-sdk's ``Action(handler, name=, description=, backgroundable=, warn_on_close=,
    unlisted=, access=)``, for ``interval.routes.add(slug, action)``; an interval_nb action.

    ``backgroundable`` and ``warn_on_close`` are kept as attributes and need nothing here:
    every run lives in the kernel, so closing or reloading the page never loses it.
    ``unlisted`` hides the action from the launcher (it can still be started by slug or
    redirected to). Calling the action calls its handler.
    """

    def __init__(
        self,
        handler: Handler,
        name: str | None = None,
        description: str | None = None,
        backgroundable: bool = False,
        warn_on_close: bool = True,
        unlisted: bool = False,
        access: Any = None,
    ) -> None:
        self.arity = _arity(handler)
        slug = str(getattr(handler, "__name__", "action"))
        super().__init__(
            _run_action,
            slug=slug,
            name=name or title_from_slug(slug),
            description=description,
            unlisted=unlisted,
        )
        self.handler = handler
        self.backgroundable = backgroundable
        self.warn_on_close = warn_on_close
        self.access = _access(access)
        self.named = name is not None
        self.__doc__ = getattr(handler, "__doc__", None)
        self.__wrapped__ = handler

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the handler itself, as with interval-sdk (to reuse one action in another)."""
        return self.handler(*args, **kwargs)

    async def _execute(self, core: CoreActionContext) -> Any:
        run = cast("Run", active_host.get())
        from .client import Interval  # the registry module imports this one

        interval = self.registry if isinstance(self.registry, Interval) else None
        transaction = Transaction(run, interval)
        ctx = ActionContext(core, transaction)
        io = IO(transaction)
        tokens = (
            io_var.set(io),
            action_ctx_var.set(ctx),
            ctx_var.set(ctx),
            interval_context_var.set((io, ctx)),
        )
        try:
            result = self.handler(*(io, ctx)[: self.arity])
            if inspect.isawaitable(result):
                result = await result
        except IntervalIOError as err:
            if transaction.cancelled and err.kind in ("CANCELED", "TRANSACTION_CLOSED"):
                raise asyncio.CancelledError() from err  # the run ends "cancelled", not "failed"
            self._report(err, ctx, interval)
            raise
        except Exception as err:
            self._report(err, ctx, interval)
            raise
        finally:
            interval_context_var.reset(tokens[3])
            ctx_var.reset(tokens[2])
            action_ctx_var.reset(tokens[1])
            io_var.reset(tokens[0])
        if transaction.redirect is not None:
            raise Redirect(*transaction.redirect)
        return result

    def _report(self, error: Exception, ctx: ActionContext, interval: Interval | None) -> None:
        if interval is None or interval.on_error is None:
            return
        props = IntervalErrorProps(
            error=error,
            route=self.slug,
            route_definition=self,
            environment=ctx.environment,
            user=ctx.user,
            params=ctx.params,
            organization=ctx.organization,
        )
        try:
            interval.on_error(props)
        except Exception:  # the action's own error is what the run reports
            log.exception("Interval(on_error=...) raised while reporting an error of %s", self.slug)
