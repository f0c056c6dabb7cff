"""Run actions written for Interval's Python SDK (``interval-sdk``) by changing one import.

>>> # before: from interval_sdk import Interval, IO, ActionContext, io_var, ctx_var
>>> from interval_nb.compat import Interval, IO, ActionContext, io_var, ctx_var
>>> interval = Interval("unused-api-key")
>>> @interval.action
... async def add_two_numbers(io: IO):
...     a = await io.input.number("First number")
...     b = await io.input.number("Second number", min=a + 1)
...     return {"sum": a + b}

``Interval`` is an :class:`interval_nb.Actions` registry: ``interval.listen()`` in a notebook
cell shows the launcher, ``interval.get("add_two_numbers").start()`` starts a run,
``interval_nb.testing.start(...)`` drives one headless, and the server extension serves the
module by its ``module:attribute`` path. Every io method, modifier and ``ctx`` member of
interval-sdk 1.5 keeps its name, keywords and return shape; features that only Interval's
servers provided (queued actions, pages, notification delivery, credentials, identity
confirmation) raise ``NotImplementedError`` saying what to do instead. The README section
"Migrating from Interval" and ``notebooks/migrating-from-interval.ipynb`` map every name.
"""

from __future__ import annotations

from .action import (
    Action,
    IntervalActionHandler,
    IntervalErrorProps,
    IntervalPageHandler,
    action_ctx_var,
    ctx_var,
    interval_context_var,
    io_var,
    page_ctx_var,
)
from .client import Interval, LogLevel, QueuedAction
from .context import (
    ActionContext,
    ActionEnvironment,
    ActionInfo,
    ContextUser,
    LoadingState,
    OrganizationDef,
    PageContext,
    TransactionLoadingState,
)
from .errors import (
    BadResponse,
    IntervalError,
    IntervalIOError,
    IOCanceled,
    IOErrorKind,
    NotConnectedError,
    NotInitializedError,
    RenderError,
    ResponseHandlerError,
    TransactionClosed,
)
from .files import FileState, FileUrlSet, IntervalFile
from .namespace import IO
from .pages import BasicLayout, Layout, Page
from .promises import ChoiceReturn, KeyedIONamespace
from .tables import FetchedGridData, FetchedTableData, GridDataFetcherState, TableDataFetcherState

IOError = IntervalIOError
"""interval-sdk's spelling; interval_nb's own code says :class:`IntervalIOError`."""

__all__ = [
    "IO",
    "Action",
    "ActionContext",
    "ActionEnvironment",
    "ActionInfo",
    "BadResponse",
    "BasicLayout",
    "ChoiceReturn",
    "ContextUser",
    "FetchedGridData",
    "FetchedTableData",
    "FileState",
    "FileUrlSet",
    "GridDataFetcherState",
    "IOCanceled",
    "IOError",
    "IOErrorKind",
    "Interval",
    "IntervalActionHandler",
    "IntervalError",
    "IntervalErrorProps",
    "IntervalFile",
    "IntervalIOError",
    "IntervalPageHandler",
    "KeyedIONamespace",
    "Layout",
    "LoadingState",
    "LogLevel",
    "NotConnectedError",
    "NotInitializedError",
    "OrganizationDef",
    "Page",
    "PageContext",
    "QueuedAction",
    "RenderError",
    "ResponseHandlerError",
    "TableDataFetcherState",
    "TransactionClosed",
    "TransactionLoadingState",
    "action_ctx_var",
    "ctx_var",
    "interval_context_var",
    "io_var",
    "page_ctx_var",
]
