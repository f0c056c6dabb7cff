"""Display components and ``confirm``: things a prompt shows rather than asks.

A display shown alone resolves at once and stays in the run's transcript; inside a group it
is shown with the inputs and contributes ``None``. Markdown is rendered to HTML here, in the
kernel, with raw HTML disabled, so the page never renders author HTML unescaped.
"""

from __future__ import annotations

import base64
import dataclasses
from typing import Any
from urllib.parse import urlparse

from .._util import jsonable, resolve_maybe_async
from ..errors import ActionDefinitionError
from .components import Component, InvalidAnswer, component_class

SAFE_LINK_SCHEMES = ("http", "https", "mailto")
MAX_IMAGE_BYTES = 20 * 1024 * 1024


def render_markdown(text: str) -> str:
    """Markdown → HTML with raw HTML escaped and unsafe link schemes refused."""
    from markdown_it import MarkdownIt

    return str(
        MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").render(text)
    )


def check_link(url: object, method: str) -> str:
    """Return ``url`` if it is an absolute http(s)/mailto URL or a relative path."""
    if not isinstance(url, str):
        raise ActionDefinitionError(f"io.{method}() needs url as a string")
    scheme = urlparse(url).scheme.lower()
    if scheme and scheme not in SAFE_LINK_SCHEMES:
        raise ActionDefinitionError(
            f"io.{method}(): links must use http, https or mailto, not {scheme}:"
        )
    return url


_MAGIC = [
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"RIFF", "image/webp"),
    (b"<svg", "image/svg+xml"),
    (b"<?xml", "image/svg+xml"),
]


def image_data_url(data: bytes) -> str:
    """A ``data:`` URL for image bytes, with the type sniffed from the magic number."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ActionDefinitionError(
            f"io.display.image(): image is over {MAX_IMAGE_BYTES // 2**20} MiB"
        )
    mime = next((m for magic, m in _MAGIC if data.lstrip()[: len(magic)] == magic), None)
    if mime is None:
        raise ActionDefinitionError("io.display.image(): bytes are not PNG, JPEG, GIF, WebP or SVG")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Display(Component):
    """Base of display components: nothing to answer."""

    is_display = True

    def is_missing(self, raw: Any) -> bool:
        return False

    def parse(self, raw: Any) -> None:
        return None


@component_class("display.heading")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Heading(Display):
    """A section heading with an optional description and link menu."""


@component_class("display.markdown")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Markdown(Display):
    """Markdown text, rendered safely in the kernel."""


@component_class("display.code")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Code(Display):
    """A block of source code."""


@component_class("display.link")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Link(Display):
    """A link styled as a button."""


@component_class("display.object")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class ObjectDisplay(Display):
    """A nested object shown as an expandable tree of keys and values."""


@component_class("display.image")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Image(Display):
    """An image from a URL or from bytes."""


@component_class("display.metadata")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Metadata(Display):
    """Labelled values in a grid, list or card; values may be callables or awaitables."""

    items: tuple[dict[str, Any], ...] = ()

    async def prepare(self) -> Metadata:
        shown = []
        for item in self.items:
            value = await resolve_maybe_async(item.get("value"))
            entry: dict[str, Any] = {"label": str(item.get("label", "")), "value": jsonable(value)}
            if item.get("url"):
                entry["url"] = check_link(item["url"], "display.metadata")
            shown.append(entry)
        return dataclasses.replace(self, props={**self.props, "data": shown})


@component_class("confirm")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Confirm(Component):
    """A yes/no question with its own two buttons; answers ``True`` or ``False``."""

    exclusive = True

    def is_missing(self, raw: Any) -> bool:
        return raw is None

    def parse(self, raw: Any) -> bool:
        if not isinstance(raw, bool):
            raise InvalidAnswer("Answer yes or no.")
        return raw
