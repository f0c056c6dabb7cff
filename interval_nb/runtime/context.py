"""``ctx``: what an action knows about its run (params, user, ids) and how it reports progress."""

from __future__ import annotations

import dataclasses
import functools
import getpass
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ActionDefinitionError
from ..principals import parse_principals

if TYPE_CHECKING:
    from ..actions import Action
    from .loading import Loading
    from .run import Run


class Redirect(BaseException):
    """Control signal raised by ``ctx.redirect``: ends the run; its view starts ``action``.

    A ``BaseException`` like ``CancelledError``, so ``except Exception`` in an action does not
    swallow it.
    """

    def __init__(self, action: Any, params: Mapping[str, Any]) -> None:
        super().__init__(getattr(action, "slug", action))
        self.action = action
        self.params = dict(params)


@dataclasses.dataclass(frozen=True)
class User:
    """The person running an action."""

    username: str
    display_name: str | None = None
    email: str | None = None

    @classmethod
    def current(cls) -> User:
        """The Jupyter user where known (JupyterHub), else the operating-system user."""
        hub_user = os.environ.get("JUPYTERHUB_USER")
        if hub_user:
            return _user_named(hub_user)
        return _user_named(_os_username(*(os.environ.get(name) for name in _LOGIN_VARIABLES)))

    @classmethod
    def coerce(cls, user: User | str | None) -> User:
        """Accept a :class:`User`, a username or ``None`` (the current user)."""
        if user is None:
            return cls.current()
        if isinstance(user, str):
            return cls(username=user)
        if isinstance(user, User):
            return user
        raise ActionDefinitionError(f"user must be a username or a User, got {type(user).__name__}")


_LOGIN_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")
"""The variables :func:`getpass.getuser` reads before it asks the password database."""


@functools.lru_cache(maxsize=8)
def _os_username(*login_variables: str | None) -> str:
    """The operating-system user, looked up once per value of :data:`_LOGIN_VARIABLES`.

    The arguments are only the cache key. Every run asks for its user; with the cache, a kernel
    starting thousands of runs reads the password database once instead of once per run.
    """
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return os.environ.get("USER", "unknown")


@functools.lru_cache(maxsize=8)
def _user_named(username: str) -> User:
    """One shared (frozen) :class:`User` per username, instead of one per run."""
    return User(username=username)


class ActionContext:
    """The ``ctx`` an action receives."""

    def __init__(self, run: Run) -> None:
        self._run = run

    @property
    def run_id(self) -> str:
        """The id of this run."""
        return self._run.id

    @property
    def action(self) -> Action | None:
        """The :class:`~interval_nb.Action` being run (``ctx.action.slug``, ``.name``)."""
        return self._run.action

    @property
    def params(self) -> Mapping[str, Any]:
        """The parameters the run was started with (read-only)."""
        return self._run.params

    @property
    def user(self) -> User:
        """Who is running the action."""
        return self._run.user

    @property
    def loading(self) -> Loading:
        """The progress indicator: ``start()``, ``update()``, ``complete_one()``."""
        return self._run.loading

    def log(self, *args: Any) -> None:
        """Add a line to the run's log, like ``print`` (shown in the view, kept in history).

        >>> ctx.log("refunded", charge_id)  # doctest: +SKIP
        """
        self._run.add_log(" ".join(str(a) for a in args))

    def redirect(self, action: Action | str, params: Mapping[str, Any] | None = None) -> None:
        """End this run and start ``action`` (an action or its slug) with ``params``, in the same view.

        Code after ``ctx.redirect(...)`` does not run.

        >>> ctx.redirect(action="edit_user", params={"id": user_id})  # doctest: +SKIP
        """
        from ..actions import Action  # the registry imports the runtime, not the other way

        if isinstance(action, str):
            registry = self.action.registry if self.action is not None else None
            if registry is None or action not in registry:
                raise ActionDefinitionError(
                    f"ctx.redirect(): no action {action!r} in this action's registry"
                )
            action = registry.get(action)
        if not isinstance(action, Action):
            raise ActionDefinitionError("ctx.redirect() takes an action or its slug")
        if params is not None and not isinstance(params, Mapping):
            raise ActionDefinitionError("ctx.redirect(): params must be a mapping")
        raise Redirect(action, params or {})

    async def step(self, name: str, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Call ``fn(*args, **kwargs)`` (sync or async) once and return its result.

        Put side effects (writes, payments, emails) in steps: the result is journaled, and a
        run rebuilt from its journal gets it back without calling ``fn`` again. A step that
        was running when its kernel died runs again (at least once): pass
        :meth:`idempotency_key` to APIs that accept one. The result must be plain JSON
        (return an id, not an API object); anything else raises ``StepResultError``.

        >>> refund = await ctx.step("refund", stripe_refund, charge_id)  # doctest: +SKIP
        """
        return await self._run.step(name, fn, *args, **kwargs)

    def idempotency_key(self, name: str) -> str:
        """A key for the next ``ctx.step(name, …)`` (the running one, inside its function).

        The same in every replay of this run and different for each occurrence of ``name``,
        so an external API can tell a repeated request from a new one.

        >>> key = ctx.idempotency_key("refund")  # doctest: +SKIP
        >>> await ctx.step("refund", stripe.Refund.create, charge=cid, idempotency_key=key)  # doctest: +SKIP
        """
        return self._run.idempotency_key(name)

    def notify(
        self, message: str, *, title: str | None = None, to: str | Sequence[str] | None = None
    ) -> None:
        """Show a notification in the run's view; with ``to``, also send it to people.

        ``to`` names them as ``access=`` does: a user name, ``"group:NAME"``, or a list of
        them. Served through the server, the message reaches their inbox (``GET
        notifications``; Lab's "Waiting for me" and a Lab notification, the app page's inbox)
        wherever the run runs, with a link to the run.

        >>> ctx.notify("Refund sent", title="Done")  # doctest: +SKIP
        >>> ctx.notify(f"{n} refunds need a look", to="group:managers")  # doctest: +SKIP
        """
        if not isinstance(message, str) or (title is not None and not isinstance(title, str)):
            raise ActionDefinitionError(
                "ctx.notify() takes a message string and an optional title string"
            )
        names = parse_principals(to, "ctx.notify(to=...)")
        self._run.add_notification(message, title, None if names is None else list(names))

    def __repr__(self) -> str:
        return f"<ActionContext run={self.run_id} action={self._run.slug!r} user={self.user.username!r}>"
