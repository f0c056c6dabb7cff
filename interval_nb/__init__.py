"""interval_nb: Interval-style internal tools, hosted in Jupyter.

Write actions as async functions; each ``await io.…`` shows a prompt to the person running
the action and waits for their answer, while the kernel stays free.

>>> import interval_nb as inb
>>> actions = inb.Actions()
>>> @actions.action
... async def hello(io, ctx):
...     name = await io.input.text("Your name")
...     return f"Hello, {name}!"
"""

from __future__ import annotations

import logging as _logging

from .actions import Action, Actions, resume, runs
from .errors import (
    ActionDefinitionError,
    AnswerRejected,
    IntervalNBError,
    NoActiveRunError,
    PromptConflictError,
    PromptTimeout,
    RunCancelled,
    RunFinishedError,
    TopLevelAwaitUnsupported,
)
from .io import IO, ChoiceResult, io
from .runtime import ActionContext, Run, User
from .runtime.replay import NotReplayable, ReplayDivergence, ReplayError

# Inside a kernel, a log record with no handler would be printed to stderr by Python's
# last-resort handler, i.e. into some cell's output (docs/architecture.md). Hosts that want our logs
# (a server, a test) configure handlers on "interval_nb" or the root logger as usual.
_logging.getLogger("interval_nb").addHandler(_logging.NullHandler())

try:
    from ._version import __version__  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0+unknown"

__all__ = [
    "IO",
    "Action",
    "ActionContext",
    "ActionDefinitionError",
    "Actions",
    "AnswerRejected",
    "ChoiceResult",
    "IntervalNBError",
    "NoActiveRunError",
    "NotReplayable",
    "PromptConflictError",
    "PromptTimeout",
    "ReplayDivergence",
    "ReplayError",
    "Run",
    "RunCancelled",
    "RunFinishedError",
    "TopLevelAwaitUnsupported",
    "User",
    "__version__",
    "io",
    "resume",
    "runs",
]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "interval-nb"}]


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    from .server import IntervalNB

    return [{"module": "interval_nb.server", "app": IntervalNB}]
