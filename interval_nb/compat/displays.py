"""interval-sdk's ``io.display`` and ``io.experimental``.

Displays map one to one onto interval_nb's; tables and grids keep interval-sdk's columns and
``get_data`` (see :mod:`~interval_nb.compat.tables`). Links to other actions (``route=``),
metadata images, grid card menus and the experimental methods raise ``NotImplementedError``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._util import resolve_maybe_async
from ..io import displays, tabular
from ..io.components import Component
from . import tables
from .errors import unsupported
from .promises import DisplayIOPromise

if TYPE_CHECKING:
    from .namespace import IO

__all__ = ["Display", "EventualMetadata", "Experimental"]


class Display:
    """``io.display``."""

    def __init__(self, io: IO) -> None:
        self._io = io
        self._core = io._core.display

    def code(self, label: str, *, code: str, language: str | None = None) -> DisplayIOPromise:
        """Show a block of code."""
        return self._io._display(self._core.code(label, code=code, language=language))

    def heading(
        self,
        label: str,
        *,
        level: int | None = None,
        description: str | None = None,
        menu_items: Iterable[Mapping[str, Any]] | None = None,
    ) -> DisplayIOPromise:
        """Show a section heading (level 2–4) with an optional description and links."""
        items = tables.links(menu_items, "io.display.heading(menu_items=...)")
        return self._io._display(
            self._core.heading(
                label, level=level or 2, description=description, menu_items=items or None
            )
        )

    def link(
        self,
        label: str,
        *,
        route: str | None = None,
        params: Mapping[str, Any] | None = None,
        theme: str = "default",
        url: str | None = None,
    ) -> DisplayIOPromise:
        """Show a link as a button (``url=``; ``route=`` to another action is not supported)."""
        tables.check_route({"route": route}, "io.display.link()")
        return self._io._display(self._core.link(label, url=url, theme=theme or "default"))  # type: ignore[arg-type]

    def markdown(self, label: str) -> DisplayIOPromise:
        """Show Markdown."""
        return self._io._display(self._core.markdown(label))

    def html(self, label: str, *, html: str) -> DisplayIOPromise:
        """Show HTML (sanitised in the kernel)."""
        return self._io._display(self._core.html(label, html=html))

    def metadata(
        self, label: str, *, data: Iterable[Mapping[str, Any]], layout: str = "grid"
    ) -> DisplayIOPromise:
        """Show labelled values; ``value`` and ``url`` may be callables or awaitables."""
        items = []
        for item in data:
            tables.check_route(item, "io.display.metadata()")
            if item.get("image") is not None:
                raise unsupported(
                    "io.display.metadata() item images",
                    "show the image with io.display.image() next to the metadata",
                )
            items.append({k: item[k] for k in ("label", "value", "url") if k in item})
        core = self._core.metadata(label, data=items, layout=layout)
        fields = {f.name: getattr(core, f.name) for f in dataclasses.fields(core) if f.init}
        return self._io._display(EventualMetadata(**fields))

    def object(self, label: str, *, data: Any) -> DisplayIOPromise:
        """Show any object as an expandable tree."""
        return self._io._display(self._core.object(label, data=data))

    def image(
        self,
        label: str,
        *,
        url: str | None = None,
        bytes: bytes | None = None,
        alt: str | None = None,
        size: str | None = None,
    ) -> DisplayIOPromise:
        """Show an image from a URL or from bytes."""
        return self._io._display(self._core.image(label, url=url, bytes=bytes, alt=alt, size=size))

    def table(
        self,
        label: str,
        *,
        data: Iterable[Any] | None = None,
        get_data: Callable[[tables.TableDataFetcherState], Any] | None = None,
        row_menu_items: Callable[[Any], Iterable[Mapping[str, Any]]] | None = None,
        help_text: str | None = None,
        columns: Iterable[str | Mapping[str, Any]] | None = None,
        default_page_size: float | None = None,
        is_sortable: bool = True,
        is_filterable: bool = True,
    ) -> DisplayIOPromise:
        """Show a table of ``data`` or of pages from ``get_data(state)``, paged in the kernel."""
        size = tables.page_size(default_page_size)
        options: dict[str, Any] = {
            "help_text": help_text,
            "page_size": size,
            "sortable": is_sortable,
            "filterable": is_filterable,
            "row_menu_items": tables.row_menu(row_menu_items),
        }
        if get_data is None:
            rows: Any = data if tables.is_frame(data) else list(data or [])
            specs = (
                None
                if tables.is_frame(rows) and columns is None
                else (tables.list_columns(columns, rows) or [{"label": "", "accessor": ""}])
            )
            return self._io._display(self._core.table(label, data=rows, columns=specs, **options))
        fetcher = tables.TableFetcher(get_data, list(columns) if columns else None, size)

        async def build() -> Component:
            specs = await fetcher.columns() or [{"label": "", "accessor": ""}]
            return self._core.table(label, data=fetcher, columns=specs, **options)

        return DisplayIOPromise(self._io._call(None, build=build))

    def grid(
        self,
        label: str,
        *,
        data: Iterable[Any] | None = None,
        get_data: Callable[[tables.GridDataFetcherState], Any] | None = None,
        render_item: Callable[[Any], Any],
        help_text: str | None = None,
        ideal_column_width: int | None = None,
        default_page_size: float | None = None,
        is_filterable: bool = True,
    ) -> DisplayIOPromise:
        """Show items as cards (``render_item(item)`` → ``{label, description, image, url}``)."""
        component = self._core.grid(
            label,
            data=list(data or []),
            render_item=tables.grid_item(render_item),
            help_text=help_text,
            page_size=tables.page_size(default_page_size),
            filterable=is_filterable,
        )
        if get_data is not None:
            source = tabular.CallbackSource(
                tables.GridFetcher(get_data), component.columns, None, 10.0
            )
            component = dataclasses.replace(component, source=source)
        return self._io._display(component)

    def video(
        self,
        label: str,
        *,
        url: str | None = None,
        bytes: bytes | None = None,
        loop: bool = False,
        muted: bool = False,
        size: str | None = None,
        height: str | None = None,
        width: str | None = None,
    ) -> DisplayIOPromise:
        """Show a video from a URL or from bytes."""
        return self._io._display(
            self._core.video(
                label,
                url=url,
                bytes=bytes,
                loop=loop,
                muted=muted,
                size=size or height or width,
            )
        )


class Experimental:
    """``io.experimental``: interval-sdk's experimental methods, unsupported here."""

    def __init__(self, io: IO) -> None:
        self._io = io

    def spreadsheet(
        self,
        label: str,
        columns: Mapping[str, str],
        help_text: str | None = None,
        default_value: Iterable[Mapping[str, Any]] | None = None,
    ) -> Any:
        """interval-sdk's editable spreadsheet; interval_nb has no spreadsheet input."""
        raise unsupported(
            "io.experimental.spreadsheet()",
            "ask for a CSV with io.input.file(allowed_extensions=['.csv']), or for rows with "
            "a group of inputs",
        )

    def credentials(self, service_name: str, params: Mapping[str, Any] | None = None) -> Any:
        """interval-sdk's OAuth credentials prompt (served by Interval); not available here."""
        raise unsupported(
            "io.experimental.credentials()",
            "Interval's servers ran the OAuth flow; read tokens from your own secret store "
            "or ask with io.input.text(...).sensitive()",
        )


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class EventualMetadata(displays.Metadata):
    """``display.metadata`` whose item ``url`` may also be a callable or awaitable (interval-sdk)."""

    async def prepare(self) -> displays.Metadata:
        items = []
        for item in self.items:
            if "url" in item:
                item = {**item, "url": await resolve_maybe_async(item["url"])}
            items.append(item)
        return await displays.Metadata.prepare(dataclasses.replace(self, items=tuple(items)))
