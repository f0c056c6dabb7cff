"""The author API: a registry of actions and the decorator that fills it.

>>> actions = Actions()
>>> @actions.action
... async def refund_user(io, ctx):
...     email = await io.input.email("Customer email")

In a notebook cell, ``refund_user.start()`` starts a run as a background task, displays its
:class:`~interval_nb.channels.widget.RunView` and returns the :class:`~interval_nb.Run` at once;
``actions.show()`` displays a launcher with one button per action.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, overload

from .errors import ActionDefinitionError
from .runtime import registry
from .runtime.context import User
from .runtime.run import ActionFunction, Run

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
    ) -> None:
        self.fn = fn
        self.slug = slug
        self.name = name
        self.description = description
        self.access: tuple[str, ...] | None = _access(access)
        """Who may run it through the server: usernames and ``"group:<name>"``; ``None`` = anyone."""
        self.unlisted = unlisted
        """Startable by slug but left out of launchers, the sidebar and ``GET actions``."""
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
    ) -> Action | Callable[[ActionFunction], Action]:
        """Register an ``async def f(io, ctx)`` as an action.

        Use bare (``@actions.action``) or with options
        (``@actions.action(name="Refund a user", description=..., slug="refund")``).
        ``access=["alice", "group:ops"]`` limits who may list, start, answer, cancel and see
        the history of the action through the server extension (``None``: everyone).
        ``unlisted=True`` leaves it out of launchers, the Lab sidebar and ``GET actions``; it
        can still be started by slug (``ctx.redirect("slug")``, the API).
        """
        the_access = _access(access)

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

    def __repr__(self) -> str:
        return f"<Actions: {', '.join(self._actions) or 'none'}>"


def runs(all: bool = False) -> registry.RunList:
    """The runs of this kernel: live ones (or also recent finished ones with ``all=True``).

    Display the list to see a summary; display any element (``inb.runs()[-1]``) to show that
    run's view again, e.g. after reloading a page whose output was not saved.
    """
    return registry.RunList(registry.recent_runs() if all else registry.live_runs())
