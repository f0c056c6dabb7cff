"""How a RunView gets its renderer: a small loader per view, the renderer once per page.

Every RunView carries :func:`module_source` as its anywidget ``_esm``. By default that is the
loader (``static/runview_loader.js``, about 3 KB): in the page it imports the renderer once
from the Jupyter server's static route (``{base_url}static/interval_nb/runview.js?v=<version>``)
when the kernel was started by a server running the extension (:data:`SERVED_ENV`), or else
(standalone Voilà, VS Code, Colab) asks this kernel once per page with ``{"type": "renderer"}``
and gets :func:`renderer_message` back. A saved notebook then
keeps a few KB per run instead of the whole renderer.

Set ``INTERVAL_NB_INLINE_RENDERER=1`` in the kernel's environment (before importing
``interval_nb``) to put the whole renderer in every view instead, for pages with neither a
server nor a kernel behind them, such as an nbconvert HTML export.
"""

from __future__ import annotations

import os
from importlib.resources import files
from typing import Any

INLINE_ENV = "INTERVAL_NB_INLINE_RENDERER"
"""The environment variable that makes every view carry the whole renderer."""

VERSION_MARK = "__INTERVAL_NB_VERSION__"
"""What the loader's source says where the package version goes."""

ROUTE_MARK = "__INTERVAL_NB_ROUTE__"
"""What the loader's source says where ``"served"`` goes when the server serves the renderer."""

SERVED_ENV = "INTERVAL_NB_RENDERER_SERVED"
"""Set to its own process id by the server extension, in its environment, which the kernels it
starts inherit: a kernel whose parent process is that server knows its pages can load the
renderer from ``{base_url}static/interval_nb/``. Kernels of other hosts (standalone Voilà,
VS Code) lack it or have another parent (a standalone Voilà started from a Lab terminal
inherits the variable, not the route), and their pages ask the kernel instead of first
requesting a route that is not there."""


def served_by_parent() -> bool:
    """Whether this process was started by a server that serves the renderer's route."""
    return os.environ.get(SERVED_ENV) == str(os.getppid())


_STATIC = files("interval_nb") / "static"


def _read(name: str) -> str:
    return (_STATIC / name).read_text(encoding="utf-8")


def inline() -> bool:
    """Whether views carry the whole renderer (``INTERVAL_NB_INLINE_RENDERER`` is set)."""
    return os.environ.get(INLINE_ENV, "").strip().lower() not in ("", "0", "false", "no")


def _version() -> str:
    from .. import __version__

    return __version__


def module_source() -> str:
    """A RunView's ``_esm``: the loader stamped with the version, or the whole renderer."""
    if inline():
        return _read("runview.js")
    route = "served" if served_by_parent() else "none"
    return _read("runview_loader.js").replace(VERSION_MARK, _version()).replace(ROUTE_MARK, route)


def css_source() -> str:
    """A RunView's ``_css``: nothing with the loader (it links the stylesheet itself)."""
    return _read("runview.css") if inline() else ""


def renderer_message() -> dict[str, Any]:
    """The reply to a page's ``{"type": "renderer"}``: the renderer's module and stylesheet."""
    return {"type": "renderer", "js": _read("runview.js"), "css": _read("runview.css")}
