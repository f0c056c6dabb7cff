"""``actions.inbox()``: "Waiting for me" on a dashboard, for the person looking at it.

The widget lists the runs whose waiting prompt is the viewer's to answer (a prompt handed to
them or their group with ``.assign_to``, a run queued for them), and clicking one opens its form
below the list. Unlike the launcher it does not run anything in this kernel: the page asks the
server's API, as the person logged in to the server, and the runs live where they were started
(the server's actions kernel, another notebook's kernel the server manages). So it works only
when this kernel's server runs the interval_nb extension (a Voilà page under a Jupyter server,
Lab, Notebook 7); elsewhere (standalone Voilà) the widget says so.
"""

from __future__ import annotations

import traitlets

from ._anywidget import StaticAnyWidget, static_file
from .notebook import show, shown_in_this_cell
from .renderer import served_by_parent


class InboxWidget(StaticAnyWidget):
    """The list of runs waiting for the viewer, and the form of the one they open."""

    _esm = static_file("inbox.js")
    _css = static_file("inbox.css")
    _anywidget_id = traitlets.Unicode("interval_nb.InboxWidget").tag(sync=True)

    title = traitlets.Unicode("Waiting for me").tag(sync=True)
    served = traitlets.Bool(False).tag(sync=True)
    """Whether this kernel's server runs the interval_nb extension (its API answers the page)."""

    def _ipython_display_(self) -> None:
        # actions.inbox() displays the widget and returns it: do not show it twice.
        if not shown_in_this_cell(self):
            show(self)


def show_inbox(title: str = "Waiting for me") -> InboxWidget:
    """Display the inbox widget and return it (the body of ``Actions.inbox``)."""
    widget = InboxWidget(title=title, served=served_by_parent())
    show(widget)
    return widget
