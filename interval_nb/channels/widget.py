"""RunView: the one widget that shows one run (docs/architecture.md).

Its synced traits mirror :meth:`Run.state`; a new prompt is one state update, so a prompt
costs one comm message and no new widgets. The page sends back ``{"type": "answer", ...}``
or ``{"type": "cancel"}`` as custom messages, and ``{"type": "draft", ...}`` with what the
person did on the waiting prompt so far (kept by the run, so a view shown later draws it).
The message handler may run on a kernel subshell thread (JupyterLab ≥ 4.4 with ipykernel
7.0–7.3), so it only hands the message to the run's event loop with ``call_soon_threadsafe``
and touches no run state itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import traitlets
from ipywidgets import Layout

from ..runtime.run import Run
from . import renderer
from ._anywidget import StaticAnyWidget
from ._loop import main_loop

log = logging.getLogger("interval_nb")

MAX_MESSAGE_VALUES = 1000
"""A forged answer with more values than this is dropped before it reaches the run."""

SYNCED = frozenset(
    ("status", "prompt", "transcript", "loading", "logs", "notifications", "result", "error")
)
"""The run-state fields mirrored as traits."""


def attach_buffers(values: Any, buffers: list[Any]) -> Any:
    """Replace ``{"buffer": i}`` file references in an answer by ``{"data": bytes}``."""
    if not isinstance(values, list):
        return values
    out = []
    for value in values:
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            files = []
            for ref in value:
                index = ref.get("buffer")
                if (
                    isinstance(index, int)
                    and not isinstance(index, bool)
                    and 0 <= index < len(buffers)
                ):
                    ref = {
                        **{k: v for k, v in ref.items() if k != "buffer"},
                        "data": bytes(buffers[index]),
                    }
                files.append(ref)
            value = files
        out.append(value)
    return out


_shared_layout: Layout | None = None


def shared_layout() -> Layout:
    """The one Layout every RunView uses (a DOMWidget otherwise makes one, with a comm, each).

    A run view never styles its own box, so one model serves all of them: creating 10,000
    runs opens 10,000 comms instead of 20,000. Made again if something closed it.
    """
    global _shared_layout
    if _shared_layout is None or _shared_layout.comm is None:
        _shared_layout = Layout()
    return _shared_layout


class RunView(StaticAnyWidget):
    """The view of one run: prompt, progress, logs, notifications and outcome."""

    _esm = traitlets.Unicode(renderer.module_source()).tag(sync=True)
    _css = traitlets.Unicode(renderer.css_source()).tag(sync=True)
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
        kwargs.setdefault("layout", shared_layout())
        # The run's state goes in the comm open itself, not in a second message after it.
        super().__init__(**self._traits_of(run, SYNCED), **kwargs)
        self._loop = main_loop()
        self._requests: set[asyncio.Task[None]] = set()
        self._run = run
        self._unsubscribe: Callable[[], None] = lambda: None
        self.follow(run)
        self.on_msg(self._on_page_message)

    @property
    def run(self) -> Run:
        """The run this view shows."""
        return self._run

    def follow(self, run: Run) -> None:
        """Show ``run`` from now on (``ctx.redirect`` continues in the same view)."""
        self._unsubscribe()
        self._run = run
        self._sync(SYNCED)
        self._unsubscribe = run.subscribe(lambda _run, changed: self._sync(changed))

    @staticmethod
    def _traits_of(run: Run, changed: frozenset[str]) -> dict[str, Any]:
        """The trait values showing ``run``: the ``changed`` fields, its id, title and reason."""
        state = run.state()
        if "draft" in changed:  # the draft travels inside its prompt (views restore it from there)
            changed = changed | {"prompt"}
        traits: dict[str, Any] = {field: state[field] for field in changed & SYNCED}  # type: ignore[literal-required]
        traits.update(
            run_id=state["run_id"], title=state["title"], cancel_reason=run.cancel_reason or ""
        )
        return traits

    def _sync(self, changed: frozenset[str]) -> None:
        """Copy the changed parts of the run's state into traits: one comm message."""
        with self.hold_sync():
            for name, value in self._traits_of(self._run, changed).items():
                setattr(self, name, value)

    def _on_page_message(self, _widget: Any, content: Any, buffers: Any) -> None:
        # Possibly on a subshell thread: do nothing here but hand over to the run's loop.
        self._loop.call_soon_threadsafe(self._dispatch, content, list(buffers or []))

    def _dispatch(self, content: Any, buffers: list[Any]) -> None:
        """On the loop: answers and cancels go to the run; page requests get a reply."""
        if not isinstance(content, dict):
            self._run.handle_view_message(content)
            return
        kind = content.get("type")
        if kind == "renderer":  # a page with no server route for the renderer (once per page)
            if self.comm is not None:
                self.send(renderer.renderer_message())
            return
        if kind in ("query", "search"):
            request = self._run.query(content) if kind == "query" else self._run.search(content)
            task = self._loop.create_task(self._reply(request))
            self._requests.add(task)
            task.add_done_callback(self._requests.discard)
            return
        if isinstance(content.get("values"), list) and len(content["values"]) > MAX_MESSAGE_VALUES:
            content = {"type": "oversized"}
        elif kind == "answer" and buffers:
            content = {**content, "values": attach_buffers(content.get("values"), buffers)}
        self._run.handle_view_message(content)

    async def _reply(self, request: Awaitable[dict[str, Any]]) -> None:
        try:
            reply = await request
            if self.comm is not None:
                self.send(reply)
        except Exception:
            log.exception("could not answer a page request of run %s", self._run.id)

    def close(self) -> None:
        """Close the widget and stop following the run (the run itself goes on)."""
        self._unsubscribe()
        layout = self.layout
        super().close()
        if layout is not _shared_layout:
            layout.close()  # DOMWidget.close() leaves its Layout model alive
