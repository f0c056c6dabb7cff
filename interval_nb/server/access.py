"""Who is asking, and which actions they may use.

The server's identity provider says who a request comes from; :func:`identify` turns that
into an :class:`Identity` (username, display name, groups). An action's ``access`` list holds
usernames and ``"group:<name>"`` entries (``"*"``: everyone); ``None`` means everyone.

With jupyter_server's own token/password login every token holder is the server's owner and
gets a random "anonymous" name per request; in that case runs are attributed to the owner
(the JupyterHub user, else the operating-system user), so the history says who ran what.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..runtime.context import User


@dataclasses.dataclass(frozen=True)
class Identity:
    """The verified person behind a request."""

    username: str
    display_name: str | None = None
    groups: frozenset[str] = frozenset()

    @property
    def principals(self) -> frozenset[str]:
        """The names an access list may use for this person."""
        return frozenset({self.username, *(f"group:{g}" for g in self.groups)})

    def as_user(self) -> dict[str, Any]:
        """The ``user`` of a start request (becomes ``ctx.user`` in the kernel)."""
        return {"username": self.username, "display_name": self.display_name}


def may_access(access: Sequence[str] | None, who: Identity) -> bool:
    """Whether ``who`` may list, run, answer, cancel and see runs of an action with ``access``."""
    if access is None:
        return True
    return "*" in access or not who.principals.isdisjoint(access)


def may_answer(prompt: Mapping[str, Any] | None, starter: str, who: Identity) -> bool:
    """Whether the waiting ``prompt`` of a run ``starter`` started is ``who``'s to answer.

    A prompt handed to people (``assignees``) is theirs; any other is the starter's. (Access
    to the action is checked separately.)
    """
    assignees = (prompt or {}).get("assignees")
    if assignees:
        return not who.principals.isdisjoint(assignees)
    return who.username == starter


def _hub_groups(user: Any) -> Iterable[str]:
    groups = getattr(user, "groups", None)
    if groups is None:
        hub_user = getattr(user, "hub_user", None)
        if isinstance(hub_user, Mapping):
            groups = hub_user.get("groups")
    return [str(g) for g in groups or ()]


def is_builtin_login(identity_provider: Any) -> bool:
    """Whether the server uses jupyter_server's own token/password login (one owner)."""
    from jupyter_server.auth.identity import IdentityProvider, PasswordIdentityProvider

    return type(identity_provider) in (IdentityProvider, PasswordIdentityProvider)


def identify(
    user: Any,
    *,
    owner: bool,
    groups: Mapping[str, Sequence[str]],
) -> Identity:
    """The :class:`Identity` of a jupyter_server ``User``.

    ``owner``: attribute the request to the server's owner (see the module docstring).
    ``groups``: extra group membership, ``{"ops": ["alice", "bob"]}`` (``IntervalNB.groups``).
    """
    if owner:
        me = User.current()
        username, display = me.username, me.display_name
    else:
        username = str(getattr(user, "username", "") or user)
        display = getattr(user, "display_name", None) or getattr(user, "name", None) or None
    member_of = set(_hub_groups(user)) if not owner else set()
    member_of.update(name for name, members in groups.items() if username in members)
    return Identity(username=username, display_name=display, groups=frozenset(member_of))
