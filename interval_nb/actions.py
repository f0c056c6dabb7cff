"""The author API: a registry of actions and the decorator that fills it.

>>> actions = Actions()
>>> @actions.action
... async def refund_user(io, ctx):
...     email = await io.input.email("Customer email")

In a notebook cell, ``refund_user.start()`` starts a run as a background task, displays its
:class:`~interval_nb.channels.widget.RunView` and returns the :class:`~interval_nb.Run` at once;
``actions.show()`` displays a launcher with one button per action. ``inb.resume(run_id)``
rebuilds an interrupted run from the run history (docs/architecture.md, "Durable runs").
"""

from __future__ import annotations

import dataclasses
import html
import inspect
import re
import time
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal, overload

from .cron import Schedule
from .errors import ActionDefinitionError, IntervalNBError
from .principals import parse_principals
from .runtime import registry
from .runtime.context import User
from .runtime.recording import Recording
from .runtime.replay import rebuild
from .runtime.run import ActionFunction, Run
from .store import QueuedRun, Store, configured_path, journal_in_kernel, journal_writer

SLUG_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,99}$")
"""What a slug may be: letters, digits, ``-`` and ``_``, at most 100 characters."""


def _access(access: Sequence[str] | None) -> tuple[str, ...] | None:
    if access is None:
        return None
    if isinstance(access, str) or not all(isinstance(a, str) and a for a in access):
        raise ActionDefinitionError(
            'access must be a list of usernames and "group:<name>" entries, e.g. access=["alice", "group:ops"]'
        )
    return tuple(access)


def _schedule(
    cron: str | None, tz: str | None, assignee: str | Sequence[str] | None, catch_up: bool
) -> Schedule | None:
    if cron is None:
        if tz is not None or assignee is not None:
            raise ActionDefinitionError("schedule_tz and assignee need schedule='<cron>'")
        return None
    return Schedule.make(cron, tz=tz, assignee=assignee, catch_up=catch_up)


def title_from_slug(name: str) -> str:
    """The name a person reads for a function name or slug: ``refund_user`` → ``Refund user``."""
    words = name.replace("-", " ").replace("_", " ").split()
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


class Action:
    """An async function registered as an action, with its slug, name and description."""

    def __init__(
        self,
        fn: ActionFunction,
        *,
        slug: str,
        name: str,
        description: str | None,
        access: Sequence[str] | None = None,
        unlisted: bool = False,
        schedule: Schedule | None = None,
    ) -> None:
        self.fn = fn
        self.slug = slug
        self.name = name
        self.description = description
        self.access: tuple[str, ...] | None = _access(access)
        """Who may run it through the server: usernames and ``"group:<name>"``; ``None`` = anyone."""
        self.unlisted = unlisted
        """Startable by slug but left out of launchers, the sidebar and ``GET actions``."""
        self.schedule = schedule
        """When the server fires it by itself (``schedule=`` of :meth:`Actions.action`)."""
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn
        self.registry: Actions | None = None
        """The registry the action belongs to (redirects by slug look there)."""

    def create_run(
        self, params: Mapping[str, Any] | None = None, *, user: User | str | None = None
    ) -> Run:
        """Make a run of this action without starting it or showing it (for hosts and tests)."""
        if params is not None and not isinstance(params, Mapping):
            raise ActionDefinitionError("params must be a mapping, e.g. params={'user_id': 42}")
        return Run(
            self.fn,
            slug=self.slug,
            title=self.name,
            params=params,
            user=User.coerce(user),
            action=self,
        )

    def start(
        self,
        params: Mapping[str, Any] | None = None,
        *,
        user: User | str | None = None,
        display: bool = True,
    ) -> Run:
        """Start a run in the background, show its view (in a notebook) and return the :class:`Run`.

        The cell returns at once; the run waits for answers without blocking the kernel.
        Running the same cell again cancels the runs it started before.

        >>> run = refund_user.start(params={"email": "ana@example.com"})  # doctest: +SKIP
        """
        from .channels.notebook import start_in_notebook

        return start_in_notebook(self, params, user=user, display=display)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the underlying function directly (for composing actions inside another)."""
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Action {self.slug!r}: {self.name}>"


class Actions:
    """A registry of actions: decorate functions with :meth:`action`, show them with :meth:`show`."""

    def __init__(self) -> None:
        self._actions: dict[str, Action] = {}
        _registries.append(weakref.ref(self))

    @overload
    def action(self, fn: ActionFunction, /) -> Action: ...

    @overload
    def action(
        self,
        fn: None = None,
        /,
        *,
        name: str | None = None,
        description: str | None = None,
        slug: str | None = None,
        access: Sequence[str] | None = None,
        unlisted: bool = False,
        schedule: str | None = None,
        schedule_tz: str | None = None,
        assignee: str | Sequence[str] | None = None,
        catch_up: bool = True,
    ) -> Callable[[ActionFunction], Action]: ...

    def action(
        self,
        fn: ActionFunction | None = None,
        /,
        *,
        name: str | None = None,
        description: str | None = None,
        slug: str | None = None,
        access: Sequence[str] | None = None,
        unlisted: bool = False,
        schedule: str | None = None,
        schedule_tz: str | None = None,
        assignee: str | Sequence[str] | None = None,
        catch_up: bool = True,
    ) -> Action | Callable[[ActionFunction], Action]:
        """Register an ``async def f(io, ctx)`` as an action.

        Use bare (``@actions.action``) or with options
        (``@actions.action(name="Refund a user", description=..., slug="refund")``).
        ``access=["alice", "group:ops"]`` limits who may list, start, answer, cancel and see
        the history of the action through the server extension (``None``: everyone).
        ``unlisted=True`` leaves it out of launchers, the Lab sidebar and ``GET actions``; it
        can still be started by slug (``ctx.redirect("slug")``, the API).

        ``schedule="0 9 * * MON"`` (cron, read by ``croniter``) has the server fire the action
        at each time, in ``schedule_tz`` (``"Europe/Paris"``) or the server's local zone: with
        ``assignee`` (a user name, ``"group:NAME"`` or a list) it queues a run in their inbox,
        without it starts one as the server's owner. ``catch_up=False`` skips a fire missed
        while the server was down instead of running it once at start-up.
        """
        the_access = _access(access)
        the_schedule = _schedule(schedule, schedule_tz, assignee, catch_up)

        def register(function: ActionFunction) -> Action:
            if isinstance(function, Action):
                function = function.fn
            if not inspect.iscoroutinefunction(function):
                raise ActionDefinitionError(
                    f"{getattr(function, '__name__', function)!r} is not an async function: "
                    "define actions with `async def name(io, ctx):`"
                )
            the_slug = slug or function.__name__
            if not SLUG_PATTERN.match(the_slug):
                raise ActionDefinitionError(
                    f"slug {the_slug!r} must be letters, digits, '-' or '_' (at most 100 characters)"
                )
            if the_slug in self._actions and self._actions[the_slug].fn is not function:
                existing = self._actions[the_slug].fn
                same_place = (
                    getattr(existing, "__qualname__", None) == function.__qualname__
                    and getattr(existing, "__module__", None) == function.__module__
                )
                if not same_place:
                    raise ActionDefinitionError(
                        f"an action with slug {the_slug!r} is already registered; pass slug=... to tell them apart"
                    )
            the_action = Action(
                function,
                slug=the_slug,
                name=name or title_from_slug(function.__name__),
                description=description if description is not None else inspect.getdoc(function),
                access=the_access,
                unlisted=unlisted,
                schedule=the_schedule,
            )
            the_action.registry = self
            self._actions[the_slug] = the_action  # re-running a defining cell replaces it
            return the_action

        if fn is not None:
            return register(fn)
        return register

    def get(self, slug: str) -> Action:
        """The action registered under ``slug`` (``KeyError`` if none)."""
        try:
            return self._actions[slug]
        except KeyError:
            raise KeyError(
                f"no action {slug!r}; registered: {', '.join(self._actions) or 'none'}"
            ) from None

    def enqueue(
        self,
        slug: str,
        *,
        params: Mapping[str, Any] | None = None,
        assignee: str | Sequence[str] | None = None,
        user: User | str | None = None,
    ) -> str:
        """Queue a run of ``slug`` in the run history for someone to start; returns its id.

        The run waits, held by no kernel, in the inbox of ``assignee`` (a user name,
        ``"group:NAME"`` or a list; ``None``: whoever queued it, ``user`` or this kernel's
        user) until one of them starts it through the server (``POST runs/{id}/start``).
        """
        action = self.get(slug)
        if params is not None and not isinstance(params, Mapping):
            raise ActionDefinitionError("params must be a mapping, e.g. params={'user_id': 42}")
        queued = QueuedRun(
            id=uuid.uuid4().hex[:12],
            action=action.slug,
            title=action.name,
            user=User.coerce(user).username,
            params=dict(params or {}),
            access=action.access,
            assignee=parse_principals(assignee, "assignee"),
            created=time.time(),
        )
        store = _history()
        try:
            store.enqueue(queued)
        finally:
            store.close()
        return queued.id

    def __iter__(self) -> Iterator[Action]:
        return iter(self._actions.values())

    def __len__(self) -> int:
        return len(self._actions)

    def __contains__(self, slug: object) -> bool:
        return slug in self._actions

    def show(self) -> Any:
        """Display a launcher with one card per action; runs render below it."""
        from .channels.launcher import show_launcher

        return show_launcher(self)

    def inbox(self, title: str = "Waiting for me") -> Any:
        """Display "Waiting for me": the runs whose prompt is the viewer's to answer.

        Meant for dashboards (Voilà under a Jupyter server with the interval_nb extension): the
        page lists the runs through the server's API as the person logged in, and clicking one
        opens its form below the list. It lists every run waiting for that person, not only
        this registry's.
        """
        from .channels.inbox import show_inbox

        return show_inbox(title)

    def __repr__(self) -> str:
        return f"<Actions: {', '.join(self._actions) or 'none'}>"


_registries: list[weakref.ref[Actions]] = []
"""Every registry created in this kernel, oldest first (``resume`` looks actions up here)."""


def find_action(slug: str) -> Action | None:
    """The action ``slug`` among the registries alive in this kernel (newest first), if any."""
    _registries[:] = [ref for ref in _registries if ref() is not None]
    for ref in reversed(_registries):
        actions = ref()
        if actions is not None and slug in actions:
            return actions.get(slug)
    return None


@dataclasses.dataclass(frozen=True)
class InterruptedRun:
    """A run the history holds as ``interrupted``: what ``inb.resume(run_id)`` can rebuild."""

    run_id: str
    action: str
    title: str
    user: str
    created: float
    reason: str
    action_here: bool
    """Whether this kernel defines the action (it cannot be resumed here otherwise)."""


class InterruptedRuns(list[InterruptedRun]):
    """Interrupted runs, newest first; displays as a table saying how to resume one."""

    def _repr_html_(self) -> str:
        if not self:
            return "<p class='inb-runlist'>No interrupted runs in the history.</p>"
        rows = "".join(
            f"<tr><td><code>{html.escape(r.run_id)}</code></td><td>{html.escape(r.title)}</td>"
            f"<td>{html.escape(r.user)}</td>"
            f"<td>{time.strftime('%Y-%m-%d %H:%M', time.localtime(r.created))}</td>"
            f"<td>{html.escape(r.reason)}</td><td>{'yes' if r.action_here else 'no'}</td></tr>"
            for r in self
        )
        return (
            "<table class='inb-runlist'><thead><tr><th>run</th><th>action</th><th>user</th>"
            "<th>started</th><th>why it stopped</th><th>action defined here</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            "<p>Resume one with <code>inb.resume(run_id)</code>.</p>"
        )


def _history() -> Store:
    """The run history this kernel journals to, opened for reading (flushed first)."""
    writer = journal_writer() or journal_in_kernel()
    if writer is not None:
        writer.flush()
    path = writer.path if writer is not None else configured_path()
    if path is None:
        raise IntervalNBError("the run history is off in this kernel (INTERVAL_NB_STORE=off)")
    return Store(path)


@overload
def runs(all: bool = False, *, interrupted: Literal[False] = False) -> registry.RunList: ...


@overload
def runs(all: bool = False, *, interrupted: Literal[True]) -> InterruptedRuns: ...


def runs(all: bool = False, *, interrupted: bool = False) -> registry.RunList | InterruptedRuns:
    """The runs of this kernel: live ones (or also recent finished ones with ``all=True``).

    Display the list to see a summary; display any element (``inb.runs()[-1]``) to show that
    run's view again, e.g. after reloading a page whose output was not saved.
    ``interrupted=True`` lists the history's interrupted runs instead (the 50 newest, of any
    kernel), which :func:`resume` can rebuild.
    """
    if interrupted:
        store = _history()
        try:
            rows, _total = store.list_runs(status="interrupted", limit=50)
        finally:
            store.close()
        return InterruptedRuns(
            InterruptedRun(
                run_id=row["id"],
                action=row["action"],
                title=row["title"],
                user=row["user"],
                created=row["created"],
                reason=(row["error"] or {}).get("message") or "",
                action_here=find_action(row["action"]) is not None,
            )
            for row in rows
        )
    return registry.RunList(registry.recent_runs() if all else registry.live_runs())


def resume(run_id: str, *, display: bool = True) -> Run:
    """Rebuild an interrupted run in this kernel from the run history, and show its form.

    The action (found by its slug in the registries this kernel has loaded) runs again from
    the start; the journal answers every prompt it answered before and returns every completed
    ``ctx.step``'s result, then the run waits on its pending prompt again, with the same id.
    If the action is not defined here, or changed, or the journal holds a secret it would
    need, the run stays ``interrupted`` with a reason that says so. A run live in this kernel
    is returned as it is.

    >>> run = inb.resume("3f2a9c1b7d4e")  # doctest: +SKIP
    """
    from .channels.notebook import launch

    for live in registry.live_runs():
        if live.id == run_id and not live.done:
            if display and live.display_hook is not None:
                live.display_hook()
            return live
    recording, status = stored_recording(run_id)
    if status != "interrupted":
        raise IntervalNBError(f"run {run_id} is {status}: only interrupted runs can be resumed")
    run = rebuild(recording, find_action(recording.slug))
    return launch(run, display=display)


def stored_recording(run_id: str) -> tuple[Recording, str]:
    """The journal of run ``run_id`` in the run history, and the run's stored status."""
    store = _history()
    try:
        row = store.get_run(run_id)
        events = store.events(run_id) if row is not None else []
    finally:
        store.close()
    if row is None:
        raise IntervalNBError(f"no run {run_id!r} in the run history")
    return Recording.from_store(row, events), str(row["status"])
