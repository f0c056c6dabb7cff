"""RunView: the one widget that shows one run (DESIGN §3).

Its synced traits mirror :meth:`Run.state`; a new prompt is one state update, so a prompt
costs one comm message and no new widgets. The page sends back ``{"type": "answer", ...}``
or ``{"type": "cancel"}`` as custom messages. The message handler may run on a kernel
subshell thread (JupyterLab ≥ 4.4 with ipykernel 7.0–7.3), so it only hands the message to
the run's event loop with ``call_soon_threadsafe`` and touches no run state itself.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import traitlets

from ..runtime.run import Run
from ._anywidget import StaticAnyWidget, static_file

log = logging.getLogger("interval_nb")

MAX_MESSAGE_VALUES = 1000
"""A forged answer with more values than this is dropped before it reaches the run."""


class RunView(StaticAnyWidget):
    """The view of one run: prompt, progress, logs, notifications and outcome."""

    _esm = static_file("runview.js")
    _css = static_file("runview.css")
    _anywidget_id = traitlets.Unicode("interval_nb.RunView").tag(sync=True)

    run_id = traitlets.Unicode("").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("pending").tag(sync=True)
    prompt = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    transcript: traitlets.List[Any] = traitlets.List().tag(sync=True)
    loading = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    logs: traitlets.List[str] = traitlets.List().tag(sync=True)
    notifications: traitlets.List[Any] = traitlets.List().tag(sync=True)
    result = traitlets.Any(None).tag(sync=True)
    error = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    cancel_reason = traitlets.Unicode("").tag(sync=True)

    def __init__(self, run: Run, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._run = run
        self._loop = asyncio.get_event_loop()
        self._sync(
            frozenset(
                (
                    "status",
                    "prompt",
                    "transcript",
                    "loading",
                    "logs",
                    "notifications",
                    "result",
                    "error",
                )
            )
        )
        self._unsubscribe = run.subscribe(lambda _run, changed: self._sync(changed))
        self.on_msg(self._on_page_message)

    @property
    def run(self) -> Run:
        """The run this view shows."""
        return self._run

    def _sync(self, changed: frozenset[str]) -> None:
        """Copy the changed parts of the run's state into traits: one comm message."""
        state = self._run.state()
        with self.hold_sync():
            self.run_id = state["run_id"]
            self.title = state["title"]
            for field in changed:
                if field in (
                    "status",
                    "prompt",
                    "transcript",
                    "loading",
                    "logs",
                    "notifications",
                    "result",
                    "error",
                ):
                    setattr(self, field, state[field])  # type: ignore[literal-required]
            self.cancel_reason = self._run.cancel_reason or ""

    def _on_page_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        # Possibly on a subshell thread: do nothing here but hand over to the run's loop.
        if (
            isinstance(content, dict)
            and isinstance(content.get("values"), list)
            and (len(content["values"]) > MAX_MESSAGE_VALUES)
        ):
            content = {"type": "oversized"}
        self._loop.call_soon_threadsafe(self._run.handle_view_message, content)

    def close(self) -> None:
        """Close the widget and stop following the run (the run itself goes on)."""
        self._unsubscribe()
        layout = getattr(self, "layout", None)
        super().close()
        if layout is not None:
            layout.close()  # DOMWidget.close() leaves its Layout model alive
