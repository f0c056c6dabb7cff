"""interval-sdk's ``ctx``: :class:`ActionContext`, its ``user``, ``loading`` and the run's state.

One :class:`Transaction` per run (interval-sdk's word for a run) holds what the compat ``io``
and ``ctx`` share: the interval_nb run, whether the person cancelled it, and a pending
``ctx.redirect(route=...)``. interval-sdk's ``ctx.log``, ``ctx.notify`` and ``ctx.loading.*``
are coroutines; here they act at the call and return an already finished awaitable, so both
``await ctx.log("x")`` and ``ctx.log("x")`` work.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Generator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from ..errors import ActionDefinitionError
from ..runtime.context import ActionContext as CoreActionContext
from ..runtime.context import User
from ..runtime.loading import Loading
from .errors import IntervalIOError, unsupported

if TYPE_CHECKING:
    from ..runtime.run import Run
    from .client import Interval

__all__ = [
    "ActionContext",
    "ActionEnvironment",
    "ActionInfo",
    "Completed",
    "ContextUser",
    "LoadingState",
    "OrganizationDef",
    "PageContext",
    "PageInfo",
    "Transaction",
    "TransactionLoadingState",
]

ActionEnvironment = Literal["production", "development"]
ContextUserRole = Literal["admin", "developer", "member"]


class Completed:
    """An awaitable that is already done (what interval-sdk's ctx coroutines become here)."""

    __slots__ = ("_value",)

    def __init__(self, value: Any = None) -> None:
        self._value = value

    def __await__(self) -> Generator[Any, None, Any]:
        return self._value
        yield  # a generator that finishes at once


@dataclasses.dataclass
class ContextUser:
    """Who runs the action: interval-sdk's ``ctx.user``.

    ``email`` is the Jupyter user's email where the host knows it, else their username;
    ``first_name``/``last_name`` split the display name (the username when there is none);
    ``role`` is ``"member"`` and ``teams`` is empty (Jupyter has no Interval roles or teams).
    """

    email: str
    role: ContextUserRole
    teams: list[str]
    first_name: str | None = None
    last_name: str | None = None

    @classmethod
    def of(cls, user: User) -> ContextUser:
        """interval-sdk's shape of an interval_nb :class:`~interval_nb.User`."""
        first, _, last = (user.display_name or user.username).strip().partition(" ")
        return cls(
            email=user.email or user.username,
            role="member",
            teams=[],
            first_name=first or None,
            last_name=last.strip() or None,
        )


@dataclasses.dataclass
class OrganizationDef:
    """interval-sdk's ``ctx.organization``; here the machine the kernel runs on."""

    name: str
    slug: str

    @classmethod
    def here(cls) -> OrganizationDef:
        """This host, as the organization."""
        host = socket.gethostname() or "localhost"
        return cls(name=host, slug=host.lower())


@dataclasses.dataclass
class ActionInfo:
    """interval-sdk's ``ctx.action``: the action's ``slug`` and ``url`` (``""``: no dashboard)."""

    slug: str
    url: str = ""


@dataclasses.dataclass
class PageInfo:
    """interval-sdk's ``ctx.page`` (pages are not supported here)."""

    slug: str


@dataclasses.dataclass
class LoadingState:
    """What ``ctx.loading.state`` returns."""

    label: str | None = None
    description: str | None = None
    items_in_queue: int | None = None
    items_completed: int | None = None

    def copy(self) -> LoadingState:
        """A copy (interval-sdk's state is a pydantic model with ``copy()``)."""
        return dataclasses.replace(self)

    def dict(self) -> dict[str, Any]:
        """The state as a dict."""
        return dataclasses.asdict(self)


class Transaction:
    """The compat view of one run: shared by its ``io`` and ``ctx``."""

    def __init__(self, run: Run, interval: Interval | None) -> None:
        self.run = run
        self.interval = interval
        self.redirect: tuple[Any, dict[str, Any]] | None = None
        """``(action, params)`` after ``ctx.redirect(route=...)``: the run ends with it."""

    @property
    def cancelled(self) -> bool:
        """Whether the person (or a host) cancelled the run."""
        return self.run.cancel_reason is not None

    def check_open(self) -> None:
        """Raise ``IOError("TRANSACTION_CLOSED")`` when the run can show nothing more."""
        if self.cancelled or self.redirect is not None:
            raise IntervalIOError(
                "TRANSACTION_CLOSED",
                "this run was cancelled or redirected; it cannot show more prompts",
            )

    def warn(self, message: str) -> None:
        """interval-sdk's logger warning, shown in the run's log (where its author looks)."""
        if self.interval is None or self.interval.log_level != "quiet":
            self.run.add_log(f"[Interval] {message}")


class TransactionLoadingState:
    """interval-sdk's ``ctx.loading``: ``start()`` resets, ``update()`` merges, ``complete_one()`` counts.

    Each call changes the indicator at once (coalesced on the wire by the run) and returns an
    awaitable, so ``await ctx.loading.start("Working")`` and ``ctx.loading.start("Working")``
    are the same.
    """

    def __init__(self, loading: Loading, transaction: Transaction) -> None:
        self._loading = loading
        self._transaction = transaction
        self._state: LoadingState | None = None

    @property
    def state(self) -> LoadingState | None:
        """A copy of the current state (``None`` before ``start()``)."""
        return self._state.copy() if self._state is not None else None

    def start(
        self,
        label: str | None = None,
        description: str | None = None,
        items_in_queue: int | None = None,
    ) -> Completed:
        """Show a new indicator, replacing any earlier one.

        >>> await ctx.loading.start("Refunding", items_in_queue=len(rows))  # doctest: +SKIP
        """
        self._loading.start(label, description=description, items_in_queue=items_in_queue)
        self._state = LoadingState(
            label=label,
            description=description,
            items_in_queue=items_in_queue,
            items_completed=0 if items_in_queue is not None else None,
        )
        return Completed()

    def update(
        self,
        label: str | None = None,
        description: str | None = None,
        items_in_queue: int | None = None,
    ) -> Completed:
        """Change the fields given (``None`` keeps a field), as interval-sdk does."""
        if self._state is None:
            self._transaction.warn("Please call `loading.start` before `loading.update`")
            return self.start(label, description, items_in_queue)
        changes: dict[str, Any] = {
            k: v
            for k, v in (
                ("label", label),
                ("description", description),
                ("items_in_queue", items_in_queue),
            )
            if v is not None
        }
        self._loading.update(**changes)
        self._state = dataclasses.replace(self._state, **changes)
        if items_in_queue is not None and self._state.items_completed is None:
            self._state.items_completed = 0
        return Completed()

    def complete_one(self) -> Completed:
        """Count one item done (needs ``start(items_in_queue=...)`` first, as in interval-sdk)."""
        if self._state is None or self._state.items_in_queue is None:
            self._transaction.warn(
                "Please call `loading.start` with `items_in_queue` before "
                "`loading.complete_one`, nothing to complete."
            )
            return Completed()
        self._state.items_completed = (self._state.items_completed or 0) + 1
        self._loading.complete_one()
        return Completed()


class ActionContext:
    """interval-sdk's ``ctx``: ``user``, ``params``, ``environment``, ``organization``,
    ``action``, ``loading``, ``log()``, ``notify()`` and ``redirect()``.

    ``run_id`` and ``core`` (the interval_nb ``ctx``) are extras of interval_nb.
    """

    def __init__(self, core: CoreActionContext, transaction: Transaction) -> None:
        self.core = core
        self._transaction = transaction
        interval = transaction.interval
        self.environment: ActionEnvironment = (
            interval.environment if interval is not None else "development"
        )
        self.user = ContextUser.of(core.user)
        self.params: dict[str, Any] = dict(core.params)
        self.organization = (
            interval.organization if interval is not None else OrganizationDef.here()
        )
        self.action = ActionInfo(slug=core.action.slug if core.action is not None else "")
        self.loading = TransactionLoadingState(core.loading, transaction)

    @property
    def run_id(self) -> str:
        """The interval_nb run id (what interval-sdk calls the transaction id)."""
        return self.core.run_id

    def log(self, *args: Any) -> Completed:
        """Add a line to the run's log (arguments joined by spaces, like ``print``).

        >>> await ctx.log("Refunded", charge_id)  # doctest: +SKIP
        """
        if args:
            self.core.log(*args)
        return Completed()

    def notify(
        self,
        message: str,
        title: str | None = None,
        delivery: Iterable[Mapping[str, Any]] | None = None,
        idempotency_key: str | None = None,
    ) -> Completed:
        """Show a notification in the run's view.

        A repeated ``idempotency_key`` is shown once. ``delivery`` (email/Slack through
        Interval's servers) raises ``NotImplementedError``.
        """
        if delivery is not None:
            raise unsupported(
                "ctx.notify(delivery=...) (email/Slack sent by Interval's servers)",
                "drop delivery= to show the notification in the run's view, and send email "
                "or Slack messages with your own client",
            )
        interval = self._transaction.interval
        if interval is None or interval.claim_notification(idempotency_key):
            self.core.notify(message, title=title)
        return Completed()

    async def redirect(
        self,
        url: str | None = None,
        route: str | None = None,
        params: Mapping[str, Any] | None = None,
        replace: bool | None = None,
    ) -> None:
        """Send the person elsewhere: ``route=`` another action (with ``params``), or ``url=``.

        ``route``: when this action returns, its view starts that action with ``params``
        (the run's view is replaced, so ``replace`` changes nothing); later io calls raise
        ``IOError("TRANSACTION_CLOSED")`` as the page has moved on. ``url``: a link to the
        URL is shown in the run (a notebook page is never navigated away).
        """
        if (url is None) == (route is None):
            raise ActionDefinitionError(
                "ctx.redirect() takes exactly one of url= or route=, e.g. ctx.redirect(route='edit_user')"
            )
        if params is not None and not isinstance(params, Mapping):
            raise ActionDefinitionError("ctx.redirect(): params must be a mapping")
        if route is not None:
            registry = self.core.action.registry if self.core.action is not None else None
            if registry is None or route not in registry:
                raise ActionDefinitionError(
                    f"ctx.redirect(): no action {route!r} is registered with this Interval"
                )
            self._transaction.redirect = (registry.get(route), dict(params or {}))
            return
        from ..io import io as core_io

        assert url is not None
        self._transaction.check_open()
        await core_io.display.link(f"Continue to {url}", url=url, theme="primary")

    def __repr__(self) -> str:
        return f"<compat ActionContext run={self.run_id} action={self.action.slug!r}>"


class PageContext:
    """interval-sdk's ``ctx`` of a page; pages are not supported, so this is never built."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise unsupported("Interval pages (PageContext)", PAGES_INSTEAD)


PAGES_INSTEAD = (
    "there is no page/layout host in Jupyter; show the same components from an action "
    "(io.display.heading/metadata/table…) or from a notebook cell"
)
