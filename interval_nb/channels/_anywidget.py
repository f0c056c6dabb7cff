"""A base for our anywidgets that keeps their per-instance cost small.

anywidget 0.11 adds ``_esm``, ``_css`` and ``_anywidget_id`` with ``add_traits()`` in every
``__init__``, which makes a new subclass per instance (measured: ~27 KiB per RunView, over
P2's 20 KiB goal). Declaring the three as class traits and skipping traits the class
already has keeps every instance of the plain class.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import anywidget
import traitlets

_STATIC = files("interval_nb") / "static"


def static_file(name: str) -> traitlets.Unicode[str, str | bytes]:
    """A synced class trait holding ``interval_nb/static/<name>`` (an ES module or CSS)."""
    return traitlets.Unicode((_STATIC / name).read_text(encoding="utf-8")).tag(sync=True)


class StaticAnyWidget(anywidget.AnyWidget):
    """An AnyWidget whose module, CSS and id are class traits (no subclass per instance).

    Subclasses set ``_esm = static_file("x.js")``, ``_css = static_file("x.css")`` and
    ``_anywidget_id`` (a unique name; anywidget keys its global CSS by it).
    """

    def add_traits(self, **traits: Any) -> None:
        """Add only the traits the class does not already define."""
        new = {name: trait for name, trait in traits.items() if not self.has_trait(name)}
        if new:
            super().add_traits(**new)
