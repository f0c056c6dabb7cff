"""The active run, as a context variable.

The run engine sets :data:`active_host` inside each action's task; ``io`` prompts look it up
when awaited. Keeping the variable here, below both layers, lets ``interval_nb.io`` stay free
of runtime imports.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol

from .errors import NoActiveRunError

if TYPE_CHECKING:
    from .io.prompt import Prompt


class PromptHost(Protocol):
    """What a prompt needs from the run that shows it."""

    async def ask(self, prompt: Prompt) -> Any:
        """Show ``prompt`` and return its validated value."""
        ...


active_host: ContextVar[PromptHost | None] = ContextVar("interval_nb_active_run", default=None)


def current_host() -> PromptHost:
    """Return the run of the current task, or raise :class:`NoActiveRunError`."""
    host = active_host.get()
    if host is None:
        raise NoActiveRunError(
            "io prompts can only be awaited inside a running action. Define the action with "
            "@actions.action and start it with my_action.start() (or interval_nb.testing.start "
            "in a test) instead of calling it directly."
        )
    return host
