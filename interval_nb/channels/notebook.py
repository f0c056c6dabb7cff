"""Starting runs from notebook cells, and showing them again.

``action.start()`` makes the run, its :class:`~.widget.RunView`, starts the task and displays
the view, then returns so the cell finishes at once. The cell that started a run is its
*origin* (JupyterLab and Notebook 7 send a ``cellId`` with every execution): running that
cell again cancels the runs it started before, so none is left waiting behind a vanished
output. ``inb.runs()`` lists live runs; displaying one shows its view again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..runtime import registry
from ..runtime.context import User
from ..runtime.run import Run
from ..store import journal_in_kernel
from .widget import RunView

if TYPE_CHECKING:
    from ..actions import Action

RERUN_REASON = "its cell was run again"


def kernel_parent() -> dict[str, Any]:
    """The message the kernel is handling now (a cell's ``execute_request``, a comm message…).

    Empty outside a kernel.
    """
    try:
        from ipykernel.kernelbase import Kernel
    except ImportError:
        return {}
    if not Kernel.initialized():
        return {}
    kernel = Kernel.instance()
    try:
        parent = kernel.get_parent("shell")  # type: ignore[no-untyped-call]
    except TypeError:  # ipykernel 7 dropped the channel argument
        parent = kernel.get_parent()  # type: ignore[no-untyped-call]
    return dict(parent or {})


def current_cell_id() -> str | None:
    """The ``cellId`` of the cell being executed, when the frontend sent one."""
    metadata = kernel_parent().get("metadata") or {}
    cell_id = metadata.get("cellId")
    return str(cell_id) if cell_id else None


def _execution_count() -> int | None:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return None if shell is None else int(shell.execution_count)


def show(view: Any) -> None:
    """Display a widget in the current output, remembering in which execution it was shown."""
    from IPython.display import display

    view._inb_shown_at = _execution_count()
    # Publish the widget's bundle directly: the objects' own _ipython_display_ would skip it.
    bundle = view._repr_mimebundle_()
    data, metadata = (
        bundle if isinstance(bundle, tuple) else (bundle, {})
    )  # anywidget: (data, meta)
    display(data, metadata=metadata, raw=True)  # type: ignore[no-untyped-call]


def shown_in_this_cell(view: Any) -> bool:
    """Whether :func:`show` already displayed ``view`` during the executing cell."""
    count = _execution_count()
    return count is not None and getattr(view, "_inb_shown_at", None) == count


def attach_view(run: Run) -> RunView:
    """Give ``run`` a RunView and make displaying the run display that view."""
    view = RunView(run)

    def display_run() -> None:
        # start() already displayed the view in this very cell: do not show it twice.
        if not shown_in_this_cell(view):
            show(view)

    run.display_hook = display_run
    run.view = view  # type: ignore[attr-defined]
    _follow_redirects(run, view)
    return view


def _follow_redirects(run: Run, view: RunView) -> None:
    """When ``run`` ends with ``ctx.redirect``, start the target in the same view."""

    def on_change(ended: Run, _changed: frozenset[str]) -> None:
        if not ended.done or ended.redirect_to is None or view.run is not ended:
            return
        action, params = ended.redirect_to
        successor = action.create_run(params, user=ended.user)
        successor.origin = ended.origin
        successor.display_hook = ended.display_hook
        successor.view = view
        registry.track(successor)
        view.follow(successor)
        _follow_redirects(successor, view)
        successor.start()

    run.subscribe(on_change)


_cell_executions: dict[str, str] = {}
"""Cell id → the ``msg_id`` of its latest execution that started a run."""


def _is_rerun(cell_id: str) -> bool:
    """Is the executing cell running again (not a second start in the same execution)?"""
    execution = str((kernel_parent().get("header") or {}).get("msg_id", ""))
    rerun = _cell_executions.get(cell_id) != execution
    _cell_executions[cell_id] = execution
    return rerun


def start_in_notebook(
    action: Action,
    params: Mapping[str, Any] | None,
    *,
    user: User | str | None,
    display: bool,
    from_cell: bool = True,
    origin: str | None = None,
) -> Run:
    """Create, show and start a run of ``action`` (the body of ``Action.start``).

    ``from_cell``: the run is started by the executing cell (its earlier runs are cancelled);
    otherwise ``origin`` is used as given (e.g. the cell of a launcher).
    """
    journal_in_kernel()
    run = action.create_run(params, user=user)
    if from_cell:
        origin = current_cell_id()
        if origin is not None and _is_rerun(origin):
            registry.cancel_from_origin(origin, RERUN_REASON)
    run.origin = origin
    return launch(run, display=display)


def launch(run: Run, *, display: bool) -> Run:
    """Track ``run``, give it a view, start it, and show the view in the output if asked."""
    registry.track(run)
    view = attach_view(run)
    run.start()
    if display:
        show(view)
    return run
