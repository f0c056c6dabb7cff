"""``actions.show()``: a launcher of actions for people who never see code (notebooks, Voilà).

One card per action; clicking Run starts a run whose view appears below the launcher, newest
first. The click arrives as a widget message, possibly on a kernel subshell thread, so the
handler only schedules the start on the kernel's main loop.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import ipywidgets
import traitlets

from ..runtime import registry
from ._anywidget import StaticAnyWidget, static_file
from ._loop import main_loop
from .notebook import current_cell_id, show, shown_in_this_cell, start_in_notebook

if TYPE_CHECKING:
    from ..actions import Actions
    from ..runtime.run import Run

log = logging.getLogger("interval_nb")

MAX_VIEWS = 20
"""Finished runs beyond this many are removed from under the launcher (newest stay)."""


class LauncherCards(StaticAnyWidget):
    """The searchable grid of action cards."""

    _esm = static_file("launcher.js")
    _css = static_file("launcher.css")
    _anywidget_id = traitlets.Unicode("interval_nb.LauncherCards").tag(sync=True)

    title = traitlets.Unicode("Actions").tag(sync=True)
    actions: traitlets.List[Any] = traitlets.List().tag(sync=True)


class Launcher(ipywidgets.VBox):  # type: ignore[misc]
    """A launcher: the action cards, then the views of the runs started from them."""

    def __init__(self, actions: Actions, title: str = "Actions", origin: str | None = None) -> None:
        self.cards = LauncherCards(
            title=title,
            actions=[
                {"slug": a.slug, "name": a.name, "description": a.description or ""}
                for a in actions
                if not a.unlisted
            ],
        )
        self.runs_box = ipywidgets.VBox()
        super().__init__(children=[self.cards, self.runs_box])
        self.add_class("inb-launcher-host")
        self._actions = actions
        self._origin = origin
        self._loop = main_loop()
        self.runs: list[Run] = []
        self.cards.on_msg(self._on_card_message)

    def _on_card_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        self._loop.call_soon_threadsafe(self._handle, content)

    def _handle(self, content: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "start":
            return
        slug = content.get("slug")
        if not isinstance(slug, str) or slug not in self._actions:
            log.warning("launcher: no action %r", str(slug)[:100])
            return
        self.start(slug)
        if self.cards.comm is not None:
            self.cards.send({"type": "started", "slug": slug})  # the card's button is free again

    def start(self, slug: str) -> Run:
        """Start ``slug`` as if its card was clicked; its view appears below the cards."""
        run = start_in_notebook(
            self._actions.get(slug),
            None,
            user=None,
            display=False,
            from_cell=False,
            origin=self._origin,
        )
        self.runs.insert(0, run)
        views = [r.view for r in self.runs]  # type: ignore[attr-defined]
        stale = [r for r in self.runs[MAX_VIEWS:] if r.done]
        for old in stale:
            self.runs.remove(old)
            old.view.close()  # type: ignore[attr-defined]
        self.runs_box.children = [v for v in views if v.comm is not None]
        return run

    def _ipython_display_(self) -> None:
        # actions.show() displays the launcher and returns it: do not show it twice.
        if not shown_in_this_cell(self):
            show(self)

    def close(self) -> None:
        """Close the launcher and its views; live runs started from it are cancelled."""
        for run in self.runs:
            run.cancel("its launcher was closed")
            run.view.close()  # type: ignore[attr-defined]
        self.cards.close()
        self.runs_box.close()
        for w in (self.cards.layout, self.runs_box.layout, self.layout):
            w.close()
        super().close()


_launchers: dict[str, Launcher] = {}


def show_launcher(actions: Actions, title: str = "Actions") -> Launcher:
    """Display a launcher for ``actions`` and return it (the body of ``Actions.show``)."""
    origin = current_cell_id()
    if origin is not None:
        old = _launchers.pop(origin, None)
        if old is not None:
            old.close()
        registry.cancel_from_origin(origin, "its cell was run again")
    launcher = Launcher(actions, title=title, origin=origin)
    if origin is not None:
        _launchers[origin] = launcher
    show(launcher)
    return launcher
