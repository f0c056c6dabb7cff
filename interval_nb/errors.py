"""The exceptions interval_nb raises.

Every exception derives from :class:`IntervalNBError`::

    IntervalNBError
    ├── ActionDefinitionError      an action or prompt is defined wrongly (caught at definition)
    ├── NoActiveRunError           ``io`` used outside a running action
    ├── PromptConflictError        a run tried to show two prompts at once
    ├── TopLevelAwaitUnsupported   ``await action.start()`` on a kernel that would deadlock
    ├── AnswerRejected             an answer could not be taken (stale prompt, finished run, bad shape)
    ├── PromptTimeout              testing: no prompt arrived in time
    ├── RunFinishedError           testing: a prompt was expected but the run had ended
    └── RunCancelled               control signal: the run was cancelled (not a failure)

A failed run re-raises the action's own exception from ``await run.result()``.
"""

from __future__ import annotations

__all__ = [
    "ActionDefinitionError",
    "AnswerRejected",
    "IntervalNBError",
    "NoActiveRunError",
    "PromptConflictError",
    "PromptTimeout",
    "RunCancelled",
    "RunFinishedError",
    "TopLevelAwaitUnsupported",
]


class IntervalNBError(Exception):
    """Base class of every error interval_nb raises."""


class ActionDefinitionError(IntervalNBError, TypeError):
    """An action, prompt or option is defined wrongly; the message says how to fix it."""


class NoActiveRunError(IntervalNBError, RuntimeError):
    """``io`` or ``ctx`` was used outside a running action."""


class PromptConflictError(IntervalNBError, RuntimeError):
    """A run tried to show a second prompt while one is still waiting."""


class TopLevelAwaitUnsupported(IntervalNBError, RuntimeError):
    """``await action.start()`` in a cell would deadlock this kernel."""


class AnswerRejected(IntervalNBError, ValueError):
    """An answer was refused before validation: stale prompt id, finished run or malformed message.

    Attributes
    ----------
    code:
        A short machine-readable reason: ``"stale_prompt"``, ``"not_waiting"``,
        ``"malformed"``, ``"busy"`` (another answer is being judged), ``"cancelled"`` (the
        run was cancelled before or while this answer was judged) or ``"interrupted"`` (its
        kernel went away meanwhile).
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class PromptTimeout(IntervalNBError, TimeoutError):
    """Testing: the action showed no new prompt within the timeout."""


class RunFinishedError(IntervalNBError, RuntimeError):
    """Testing: a prompt was expected but the run has already ended."""


class RunCancelled(IntervalNBError):
    """The run was cancelled; raised by ``await run.result()``. A control signal, not a failure."""
