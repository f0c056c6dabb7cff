"""``interval_nb.compat`` exports exactly what its ``__all__`` says, with interval-sdk's names."""

from __future__ import annotations

import types

import interval_nb.compat as compat


def test_all_is_the_public_surface() -> None:
    public = {
        name
        for name in dir(compat)
        if not name.startswith("_") and not isinstance(getattr(compat, name), types.ModuleType)
    } - {"annotations"}
    assert set(compat.__all__) == public
    assert len(set(compat.__all__)) == len(compat.__all__)


def test_interval_sdk_top_level_names_are_importable() -> None:
    # interval_sdk/__init__.py (1.5.1) re-exports these from main.py, io_schema and components
    names = [
        "Interval",
        "IO",
        "IOError",
        "Layout",
        "Action",
        "ActionContext",
        "PageContext",
        "Page",
        "io_var",
        "ctx_var",
        "action_ctx_var",
        "page_ctx_var",
        "interval_context_var",
        "QueuedAction",
        "IntervalErrorProps",
        "IntervalError",
        "NotInitializedError",
        "NotConnectedError",
        "ContextUser",
        "LoadingState",
        "TransactionLoadingState",
        "OrganizationDef",
        "ActionEnvironment",
        "LogLevel",
        "IntervalActionHandler",
        "IntervalPageHandler",
        "FileState",
        "FileUrlSet",
        "TableDataFetcherState",
        "FetchedTableData",
        "GridDataFetcherState",
        "FetchedGridData",
    ]
    assert [n for n in names if not hasattr(compat, n)] == []
    assert compat.IOError is compat.IntervalIOError and compat.IOError is not IOError
