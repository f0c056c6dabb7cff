"""Strong references to every live run of this kernel, and a short history of finished ones.

Without the references, a pending run's task could be garbage-collected mid-await; the
history lets ``inb.runs(all=True)`` re-display recent results.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .run import Run

HISTORY = 100

_live: dict[str, Run] = {}
_finished: deque[Run] = deque(maxlen=HISTORY)
_by_origin: dict[str, dict[str, Run]] = {}
"""Live runs by the cell that started them, so re-running a cell does not scan every run."""


def track(run: Run) -> None:
    """Keep ``run`` alive until it finishes (indexed by its ``origin`` as set now)."""
    _live[run.id] = run
    origin = run.origin
    if origin is not None:
        _by_origin.setdefault(origin, {})[run.id] = run

    def on_change(changed_run: Run, changed: frozenset[str]) -> None:
        if changed_run.done and changed_run.id in _live:
            del _live[changed_run.id]
            _finished.append(changed_run)
            if origin is not None:
                _forget_origin(origin, changed_run.id)

    run.subscribe(on_change)


def _forget_origin(origin: str, run_id: str) -> None:
    same_cell = _by_origin.get(origin)
    if same_cell is not None:
        same_cell.pop(run_id, None)
        if not same_cell:
            del _by_origin[origin]


def live_runs() -> list[Run]:
    """Runs not yet finished, oldest first."""
    return sorted(_live.values(), key=lambda r: r.created)


def recent_runs() -> list[Run]:
    """Live runs followed by up to :data:`HISTORY` finished ones, oldest first."""
    return sorted([*_live.values(), *_finished], key=lambda r: r.created)


def cancel_from_origin(origin: str, reason: str) -> list[Run]:
    """Cancel every live run started from the cell ``origin``; returns them."""
    runs = list(_by_origin.get(origin, {}).values())
    for run in runs:
        run.cancel(reason)
    return runs


class RunList(list["Run"]):
    """A list of runs that displays as a summary table in a notebook."""

    def _repr_html_(self) -> str:
        import html
        import time

        if not self:
            return (
                "<p class='inb-runlist'>No runs. Start one with <code>my_action.start()</code>.</p>"
            )
        rows = "".join(
            f"<tr><td>{i}</td><td><code>{html.escape(r.id)}</code></td><td>{html.escape(r.title)}</td>"
            f"<td>{html.escape(r.status)}</td><td>{time.strftime('%H:%M:%S', time.localtime(r.created))}</td></tr>"
            for i, r in enumerate(self)
        )
        return (
            "<table class='inb-runlist'><thead><tr><th>#</th><th>run</th><th>action</th><th>status</th>"
            f"<th>started</th></tr></thead><tbody>{rows}</tbody></table>"
            "<p>Display one with <code>inb.runs()[i]</code> to show its view again.</p>"
        )
