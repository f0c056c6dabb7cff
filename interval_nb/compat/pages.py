"""interval-sdk's pages (``Page``, ``Layout``): not supported, and say so at once.

Interval pages are dashboards its servers render from a handler returning a ``Layout``; a
Jupyter kernel has no such host. Building one raises ``NotImplementedError`` with what to do
instead, rather than registering something that would never show.
"""

from __future__ import annotations

from typing import Any

from .context import PAGES_INSTEAD
from .errors import unsupported

__all__ = ["BasicLayout", "Layout", "Page"]


class Page:
    """interval-sdk's ``Page`` (a route group with an optional layout handler)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise unsupported("Interval pages (Page)", PAGES_INSTEAD)


class BasicLayout:
    """interval-sdk's ``Layout`` (``BasicLayout``) of a page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise unsupported("Interval page layouts (Layout)", PAGES_INSTEAD)


Layout = BasicLayout
