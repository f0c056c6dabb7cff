"""Naming people: a user name or ``"group:NAME"``, alone or in a list.

``.assign_to()``, ``ctx.notify(to=...)`` and the ``assignee`` of queued and scheduled runs
(``actions.enqueue``, ``POST actions/{slug}/queue``, ``schedule=``) all name people this way,
and all read the names with :func:`parse_principals`, so they accept, refuse and cap the same.
"""

from __future__ import annotations

from typing import Any

from .errors import ActionDefinitionError

MAX_PRINCIPALS = 100
"""Most entries a list of people may hold (a request body could otherwise carry millions)."""
MAX_NAME = 200
"""Longest user or group name an entry may be."""


def parse_principals(value: Any, where: str) -> tuple[str, ...] | None:
    """``value`` (a name, ``"group:NAME"``, a list of them, or ``None``) as a tuple of names,
    stripped and without repeats; ``None`` stays ``None``. ``where`` starts the error message."""
    if value is None:
        return None
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not names:
        raise ActionDefinitionError(
            f'{where} takes a user name, "group:NAME" or a list of them, e.g. "group:managers"'
        )
    if len(names) > MAX_PRINCIPALS:
        raise ActionDefinitionError(f"{where} names at most {MAX_PRINCIPALS} people or groups")
    if not all(isinstance(n, str) and n.strip() for n in names):
        raise ActionDefinitionError(f'{where} takes user names or "group:NAME" entries')
    if any(len(n) > MAX_NAME for n in names):
        raise ActionDefinitionError(f"{where}: a name is at most {MAX_NAME} characters")
    cleaned = tuple(dict.fromkeys(n.strip() for n in names))
    if any(n.startswith("group:") and not n[len("group:") :].strip() for n in cleaned):
        raise ActionDefinitionError(f'{where}: "group:" needs a group name after it')
    return cleaned
