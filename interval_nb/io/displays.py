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
"""The only schemes a link (``href``) may use; relative links are allowed too."""

IMAGE_SCHEMES = ("http", "https", "data")
"""Schemes an image ``src`` may use: ``data:`` images cannot run script."""

MAX_IMAGE_BYTES = 20 * 1024 * 1024

# What browsers strip from the ends of a URL (C0 controls and space) and drop inside it (tab,
# CR, LF) before reading the scheme: "\x01java\tscript:" is still javascript: to them.
_URL_IGNORED = "".join(chr(c) for c in range(0x21))


def link_scheme(url: str) -> str:
    """The scheme a browser would see in ``url``, lower-cased (``""`` for a relative URL)."""
    cleaned = url.strip(_URL_IGNORED)
    for ch in "\t\r\n":
        cleaned = cleaned.replace(ch, "")
    return urlparse(cleaned).scheme.lower()


def is_safe_link(url: str) -> bool:
    """Whether ``url`` may be an ``href``: http, https, mailto or relative — never
    ``javascript:``, ``vbscript:`` or ``data:``."""
    scheme = link_scheme(url)
    return not scheme or scheme in SAFE_LINK_SCHEMES


def render_markdown(text: str) -> str:
    """Markdown → HTML with raw HTML escaped, then through :func:`sanitize_html`.

    markdown-it already refuses ``javascript:`` links but lets ``data:image/…`` through as a
    link target; the sanitiser's link rule is the one every HTML the page shows obeys.
    """
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").render(text)
    return sanitize_html(str(html), markdown=True)


def check_link(url: object, method: str) -> str:
    """Return ``url`` if it is an absolute http(s)/mailto URL or a relative path."""
    if not isinstance(url, str):
        raise ActionDefinitionError(f"io.{method}() needs url as a string")
    if not is_safe_link(url):
        raise ActionDefinitionError(
            f"io.{method}(): links must use http, https or mailto, not {link_scheme(url)}:"
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

    def echo(self, raw: Any) -> Any:
        return raw if isinstance(raw, bool) else None

    def parse(self, raw: Any) -> bool:
        if not isinstance(raw, bool):
            raise InvalidAnswer("Answer yes or no.")
        return raw


HTML_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}


HTML_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}

MARKDOWN_ATTRIBUTES = {
    **HTML_ATTRIBUTES,
    "code": {"class"},  # markdown-it's language-… class on fenced code
    "ol": {"start"},
    "td": {"colspan", "rowspan", "style"},  # table column alignment
    "th": {"colspan", "rowspan", "style"},
}


def _url_filter(element: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: ``href`` only to :func:`is_safe_link` targets (no ``data:``).

    nh3 has already dropped any URL whose scheme is outside :data:`IMAGE_SCHEMES` and
    ``mailto``; this narrows links further, since one ``url_schemes`` set covers both.
    """
    if attribute == "href" and not is_safe_link(value):
        return None
    if attribute == "src" and link_scheme(value) == "mailto":
        return None
    return value


def sanitize_html(html: str, *, markdown: bool = False) -> str:
    """HTML with scripts, event handlers, styles and unsafe URLs removed (nh3 allow-list).

    Links may point to http, https, mailto or relative URLs; images may also be ``data:``.
    ``markdown=True`` keeps the few attributes kernel-rendered markdown uses (code language,
    list start, table alignment as a ``text-align`` style and nothing else).
    """
    import nh3

    return str(
        nh3.clean(
            html,
            tags=HTML_TAGS,
            attributes=MARKDOWN_ATTRIBUTES if markdown else HTML_ATTRIBUTES,
            attribute_filter=_url_filter,
            url_schemes={*SAFE_LINK_SCHEMES, *IMAGE_SCHEMES},
            filter_style_properties={"text-align"} if markdown else None,
            link_rel="noopener noreferrer",
        )
    )


@component_class("display.html")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class HTMLDisplay(Display):
    """HTML, sanitised in the kernel."""


_VIDEO_MAGIC = [(b"\x1aE\xdf\xa3", "video/webm"), (b"OggS", "video/ogg")]


def video_data_url(data: bytes) -> str:
    """A ``data:`` URL for MP4, WebM or Ogg video bytes."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ActionDefinitionError(
            f"io.display.video(): video is over {MAX_IMAGE_BYTES // 2**20} MiB; pass url= instead"
        )
    if data[4:8] == b"ftyp":
        mime = "video/mp4"
    else:
        mime = next((m for magic, m in _VIDEO_MAGIC if data.startswith(magic)), "")
    if not mime:
        raise ActionDefinitionError("io.display.video(): bytes are not MP4, WebM or Ogg video")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@component_class("display.video")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Video(Display):
    """A video from a URL or bytes."""


@component_class("display.widget")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class WidgetDisplay(Display):
    """Any ipywidget embedded in the prompt (kept alive while the run shows it)."""

    widget: Any = None
