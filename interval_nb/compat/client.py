"""interval-sdk's ``Interval`` as an interval_nb action registry.

``Interval`` is an :class:`interval_nb.Actions`: the launcher shows it, the testing driver starts
its actions (``testing.start(interval.get("slug"))``), the server extension loads it by
``module:attribute`` path and its runs are journaled like any other. What differs is the
author-facing API, which is interval-sdk's:

- ``@interval.action``, ``@interval.action("slug")``, ``@interval.action(name=, slug=, ...)``
  and ``interval.routes.add(slug, Action(handler, ...))`` register handlers taking ``()``,
  ``(io)`` or ``(io, ctx)``;
- a run of such a handler gets interval-sdk's ``io`` and ``ctx`` (see
  :mod:`~interval_nb.compat.action`);
- ``interval.listen()`` shows the launcher when called from a notebook cell, and otherwise only
  registers (it never blocks: the kernel is the host).

Nothing connects to Interval's servers: the API key, endpoint and connection settings are
accepted and unused; queued actions, pages and notification delivery raise
``NotImplementedError``.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import logging
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, cast, overload

from .._context import active_host
from ..actions import SLUG_PATTERN, Actions, title_from_slug
from ..actions import Action as CoreAction
from ..errors import ActionDefinitionError
from ..runtime import registry
from .action import Action, Handler, IntervalErrorProps
from .context import PAGES_INSTEAD, ActionEnvironment, OrganizationDef
from .errors import IntervalError, NotConnectedError, unsupported

if TYPE_CHECKING:
    from ..runtime.run import Run

__all__ = ["Interval", "LogLevel", "QueuedAction"]

log = logging.getLogger("interval_nb.compat")

LogLevel = Literal["quiet", "info", "debug"]


@dataclasses.dataclass
class QueuedAction:
    """interval-sdk's queued action (``enqueue``/``dequeue`` are not supported here)."""

    id: str
    assignee: str | None
    params: Mapping[str, Any] | None


def _kernel_parent_type() -> str | None:
    """The message type the kernel is handling (``execute_request`` in a cell), if in a kernel."""
    from ..channels.notebook import kernel_parent

    parent = kernel_parent()
    return str((parent.get("header") or {}).get("msg_type") or "") if parent else None


class Interval(Actions):
    """interval-sdk's ``Interval``: register actions with ``@interval.action``; an interval_nb registry.

    ``api_key`` sets ``ctx.environment`` as Interval does (``"production"`` for a ``live_``
    key, else ``"development"``); nothing connects anywhere, so ``endpoint`` and the
    connection settings are accepted and unused. ``log_level`` ("quiet", "info", "debug")
    sets the level of the ``interval_nb.compat`` logger and whether interval-sdk's warnings
    reach the run's log. ``on_error(IntervalErrorProps)`` is called when an action raises.

    >>> interval = Interval("unused-api-key")
    >>> @interval.action
    ... async def hello(io):
    ...     name = await io.input.text("Your name")
    ...     return {"greeting": f"Hello, {name}"}
    """

    class Routes:
        """``interval.routes``: ``add(slug, action)`` and ``remove(slug)``."""

        def __init__(self, interval: Interval) -> None:
            self._interval = interval

        def add(self, slug: str, action_or_page: Any) -> None:
            """Register an :class:`Action` (or any interval_nb action) under ``slug``."""
            self._interval._add(slug, action_or_page)

        def remove(self, slug: str) -> None:
            """Unregister ``slug`` (nothing happens if it is not registered)."""
            self._interval._actions.pop(slug, None)

    def __init__(
        self,
        api_key: str | None,
        *,
        endpoint: str | None = None,
        log_level: LogLevel = "info",
        retry_interval: float = 3,
        max_resend_attempts: int = 10,
        send_timeout: float = 5,
        ping_timeout: float = 5,
        ping_interval: float = 30,
        close_unresponsive_connection_timeout: float = 180,
        reinitialize_batch_timeout: float = 0.2,
        num_message_producers: int = 1,
        on_error: Callable[[IntervalErrorProps], None] | None = None,
    ) -> None:
        super().__init__()
        if log_level not in ("quiet", "info", "debug"):
            raise ActionDefinitionError("log_level is 'quiet', 'info' or 'debug'")
        if on_error is not None and not callable(on_error):
            raise ActionDefinitionError("on_error must be a function of IntervalErrorProps")
        self._api_key = api_key
        self.endpoint = endpoint
        self.log_level: LogLevel = log_level
        log.setLevel(
            {"quiet": logging.ERROR, "info": logging.INFO, "debug": logging.DEBUG}[log_level]
        )
        self.on_error = on_error
        self.routes = Interval.Routes(self)
        self.organization = OrganizationDef.here()
        self.environment: ActionEnvironment = (
            "production"
            if isinstance(api_key, str) and api_key.startswith("live_")
            else "development"
        )
        self.launcher: Any = None
        """The launcher ``listen()`` showed in a notebook, if any."""
        self._listening = False
        self._notified: set[str] = set()

    # -- registering -----------------------------------------------------------------------
    # interval-sdk's signatures, not Actions' (no schedule= keywords; an async enqueue).
    @overload  # type: ignore[override]
    def action(self, handler_or_slug: Handler, /) -> Action: ...

    @overload
    def action(
        self,
        handler_or_slug: str | None = None,
        /,
        *,
        slug: str | None = None,
        name: str | None = None,
        description: str | None = None,
        backgroundable: bool = False,
        warn_on_close: bool = True,
        unlisted: bool = False,
        access: Any = None,
    ) -> Callable[[Handler], Action]: ...

    def action(
        self,
        handler_or_slug: Handler | str | None = None,
        /,
        *,
        slug: str | None = None,
        name: str | None = None,
        description: str | None = None,
        backgroundable: bool = False,
        warn_on_close: bool = True,
        unlisted: bool = False,
        access: Any = None,
    ) -> Action | Callable[[Handler], Action]:
        """Register a handler as an action (bare, with a slug, or with options).

        Returns the :class:`Action` (calling it calls the handler), so the decorated name can
        be started in a notebook (``.start()``) or by ``interval_nb.testing.start``.
        """

        def adder(handler: Handler) -> Action:
            the_slug = (
                slug
                if slug is not None
                else handler_or_slug
                if isinstance(handler_or_slug, str)
                else getattr(handler, "__name__", "")
            )
            action = Action(
                handler,
                name=name,
                description=description,
                backgroundable=backgroundable,
                warn_on_close=warn_on_close,
                unlisted=unlisted,
                access=access,
            )
            self._add(the_slug, action)  # a new action: registered as it is, not copied
            return action

        if handler_or_slug is not None and not isinstance(handler_or_slug, str):
            return adder(handler_or_slug)
        return adder

    def _add(self, slug: str, action_or_page: object) -> CoreAction:
        if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
            raise ActionDefinitionError(
                f"slug {slug!r} must be letters, digits, '-' or '_' (at most 100 characters)"
            )
        if not isinstance(action_or_page, CoreAction):
            raise ActionDefinitionError(
                "interval.routes.add() takes an Action(handler, ...), "
                f"got {type(action_or_page).__name__}"
            )
        action: CoreAction = action_or_page
        if action.registry is not None and (action.registry is not self or action.slug != slug):
            action = copy.copy(action)  # one handler under several slugs, as interval-sdk allows
        action.slug = slug
        if isinstance(action, Action) and not action.named:
            action.name = title_from_slug(slug)
        action.registry = self
        self._actions[slug] = action  # as interval-sdk: adding a slug again replaces it
        return action

    def page(
        self,
        name: str,
        slug: str | None = None,
        description: str | None = None,
        unlisted: bool = False,
        access: Any = None,
    ) -> Any:
        """interval-sdk's ``@interval.page(...)``: pages are not supported here."""
        raise unsupported("Interval pages (interval.page)", PAGES_INSTEAD)

    # -- hosting ----------------------------------------------------------------------------
    def show(self) -> Any:
        """Display a launcher of the listed actions (``unlisted=True`` ones are left out)."""
        from ..channels.launcher import show_launcher

        return show_launcher(self)

    def listen(self) -> None:
        """Serve the actions: in a notebook cell, show the launcher; elsewhere just register.

        Unlike interval-sdk this never blocks: the kernel hosts the runs. Loaded by the server
        extension (``module:attribute``), the actions are registered and nothing is shown.
        """
        self._listening = True
        parent = _kernel_parent_type()
        if parent == "execute_request":
            self.launcher = self.show()
        elif parent is None and self.log_level != "quiet":
            slugs = ", ".join(self._actions) or "none"
            print(
                f"[Interval] interval_nb registered {len(self._actions)} actions ({slugs}). "
                "Run them from a notebook (interval.listen() in a cell shows a launcher) or "
                "serve this module with the interval_nb server extension.",
                file=sys.stderr,
            )

    async def listen_async(self) -> None:
        """``listen()``, awaitable (interval-sdk's ``await interval.listen_async()``)."""
        self.listen()

    @property
    def is_connected(self) -> bool:
        """Whether ``listen()`` was called (there is no connection to lose)."""
        return self._listening

    async def ping(self) -> None:
        """Raise ``NotConnectedError`` before ``listen()``; afterwards there is nothing to check."""
        if not self._listening:
            raise NotConnectedError("call interval.listen() first")

    def _live_runs(self) -> list[Run]:
        return [
            r
            for r in registry.live_runs()
            if r.slug in self._actions and r.action is self._actions[r.slug]
        ]

    async def immediately_close(self) -> None:
        """Stop serving: cancel this Interval's live runs and close its launcher."""
        for run in self._live_runs():
            run.cancel("Interval.immediately_close()")
        await asyncio.gather(*(r.result() for r in self._live_runs()), return_exceptions=True)
        self._close()

    async def safely_close(self) -> None:
        """Stop serving once this Interval's live runs have finished."""
        await asyncio.gather(*(r.result() for r in self._live_runs()), return_exceptions=True)
        self._close()

    def _close(self) -> None:
        self._listening = False
        if self.launcher is not None:
            self.launcher.close()
            self.launcher = None

    # -- notifications and queues ----------------------------------------------------------
    def claim_notification(self, idempotency_key: str | None) -> bool:
        """Whether a notification with this key should be shown (each key once)."""
        if idempotency_key is None:
            return True
        if idempotency_key in self._notified:
            return False
        self._notified.add(idempotency_key)
        return True

    async def notify(
        self,
        message: str,
        title: str | None = None,
        delivery: Iterable[Mapping[str, Any]] | None = None,
        transaction_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        """Show a notification in a run's view: the run ``transaction_id`` (a run id), else
        the run this is called from.

        Outside any run, and with ``delivery=`` (email/Slack), interval-sdk sent it through
        Interval's servers: that raises ``NotImplementedError``.
        """
        if delivery is not None:
            raise unsupported(
                "Interval.notify(delivery=...) (email/Slack sent by Interval's servers)",
                "drop delivery= to show it in a run's view, and send email or Slack messages "
                "with your own client",
            )
        if transaction_id is not None:
            run = next((r for r in registry.recent_runs() if r.id == transaction_id), None)
            if run is None:
                raise IntervalError(f"there is no run {transaction_id!r} in this kernel")
        else:
            host = active_host.get()
            if host is None:
                raise unsupported(
                    "Interval.notify() outside a run (sent by Interval's servers)",
                    "call it inside an action (or use ctx.notify), or pass transaction_id=run.id",
                )
            run = cast("Run", host)
        if self.claim_notification(idempotency_key):
            run.add_notification(message, title)

    async def enqueue(  # type: ignore[override]
        self,
        slug: str,
        assignee_email: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> QueuedAction:
        """interval-sdk's queued actions (kept by Interval's servers): not supported here."""
        raise unsupported("queued actions (Interval.enqueue)", QUEUE_INSTEAD)

    async def dequeue(self, id: str) -> QueuedAction:
        """interval-sdk's queued actions (kept by Interval's servers): not supported here."""
        raise unsupported("queued actions (Interval.dequeue)", QUEUE_INSTEAD)

    def __repr__(self) -> str:
        return f"<Interval: {', '.join(self._actions) or 'none'}>"


QUEUE_INSTEAD = (
    "start the run now with interval.get(slug).start(params=...) in a notebook, or through "
    "the server extension's API, and pass the assignee in params"
)
