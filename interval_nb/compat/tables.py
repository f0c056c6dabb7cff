"""interval-sdk's tables and grids on interval_nb's kernel-side paging.

interval-sdk describes columns as strings or ``{"label", "accessorKey", "renderCell"}`` and
cells as values or ``{"label", "value", "url", "image", "route", "params"}``; ``get_data``
receives a :class:`TableDataFetcherState` and returns :class:`FetchedTableData`, a list or a
``(rows, total)`` tuple. This module turns those into interval_nb column specs and a
``get_data(query)`` callback, so paging, sorting and search still happen in the kernel.

Columns backed by an ``accessorKey`` sort by that field (``get_data`` gets it as
``sort_column``, or the column's index for ``renderCell``-only columns, as in interval-sdk);
a ``renderCell`` column of a list sorts nowhere (interval_nb sorts lists by field only).
Links to other actions (``route=``) raise ``NotImplementedError``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, Literal, TypeVar

from .._util import call_maybe_async
from ..errors import ActionDefinitionError
from ..io.tabular import MAX_PAGE_SIZE, TableQuery
from .errors import unsupported

__all__ = [
    "FetchedGridData",
    "FetchedTableData",
    "GridDataFetcherState",
    "TableDataFetcherState",
]

TR = TypeVar("TR")

ROUTE_INSTEAD = (
    "the run's view cannot start another action from a link yet; use url= for a web page, "
    "or ask with .with_choices([...]) and then `await ctx.redirect(route=..., params=...)`"
)


@dataclasses.dataclass
class TableDataFetcherState:
    """What a ``display.table(get_data=...)`` callback receives."""

    query_term: str | None
    sort_column: str | None
    sort_direction: Literal["asc", "desc"] | None
    offset: int
    page_size: int


@dataclasses.dataclass
class FetchedTableData(Generic[TR]):
    """What a table's ``get_data`` may return (also a list, or a ``(rows, total)`` tuple)."""

    data: list[TR]
    total_records: int | None = None


@dataclasses.dataclass
class GridDataFetcherState:
    """What a ``display.grid(get_data=...)`` callback receives."""

    query_term: str | None
    offset: int
    page_size: int


@dataclasses.dataclass
class FetchedGridData(Generic[TR]):
    """What a grid's ``get_data`` may return (also a list, or a ``(items, total)`` tuple)."""

    data: list[TR]
    total_records: int | None = None


def is_frame(data: Any) -> bool:
    """Whether ``data`` is a pandas or polars DataFrame (interval_nb pages those natively)."""
    return type(data).__name__ == "DataFrame" and type(data).__module__.split(".")[0] in (
        "pandas",
        "polars",
    )


def page_size(default_page_size: float | None) -> int:
    """interval-sdk's ``default_page_size`` (``math.inf`` = everything) as interval_nb's page size."""
    if default_page_size is None:
        return 20
    return max(1, min(MAX_PAGE_SIZE, int(min(default_page_size, MAX_PAGE_SIZE))))


def check_route(item: Mapping[str, Any], where: str) -> None:
    """Refuse a link to another action (``route=``), which interval_nb cannot follow."""
    if item.get("route"):
        raise unsupported(f"{where} linking to an action (route={item['route']!r})", ROUTE_INSTEAD)


def links(items: Iterable[Mapping[str, Any]] | None, where: str) -> list[dict[str, str]]:
    """Menu items (``{label, url, theme, disabled, route}``) as interval_nb links ``{label, url}``.

    A disabled item cannot be followed, so it is left out; ``theme`` is not shown.
    """
    out = []
    for item in items or []:
        check_route(item, where)
        if item.get("disabled"):
            continue
        if not isinstance(item.get("url"), str):
            raise ActionDefinitionError(f"{where}: a menu item needs url=, got {dict(item)!r}")
        out.append({"label": str(item["label"]), "url": item["url"]})
    return out


def row_menu(
    build: Callable[[Any], Iterable[Mapping[str, Any]]] | None,
) -> Callable[[Any], list[dict[str, str]]] | None:
    """interval-sdk's ``row_menu_items`` as interval_nb's."""
    if build is None:
        return None
    return lambda row: links(build(row), "row_menu_items")


def _cell_text(value: Any) -> Any:
    if isinstance(value, Mapping):
        check_route(value, "a table cell")
        return value.get("label", value.get("value"))
    return value


def _cell_url(value: Any) -> Any:
    return value.get("url") if isinstance(value, Mapping) else None


def _cell_image(value: Any) -> Any:
    image = value.get("image") if isinstance(value, Mapping) else None
    return image.get("url") if isinstance(image, Mapping) else image


def _sdk_columns(
    columns: Iterable[str | Mapping[str, Any]] | None, rows: Sequence[Any]
) -> list[dict[str, Any]]:
    """interval-sdk's column list: the given ones, else every key of every row, in order."""
    if columns:
        out = []
        for col in columns:
            if isinstance(col, str):
                out.append({"label": col, "accessorKey": col})
            elif isinstance(col, Mapping) and "label" in col:
                out.append(dict(col))
            else:
                raise ActionDefinitionError(
                    f"a table column is a field name or {{label, accessorKey, renderCell}}, got {col!r}"
                )
        return out
    keys: dict[str, None] = {}
    for row in rows:
        if isinstance(row, Mapping):
            keys.update(dict.fromkeys(row))
    return [{"label": k, "accessorKey": k} for k in keys]


def _raw_cell(col: Mapping[str, Any]) -> Callable[[Any], Any]:
    render, key = col.get("renderCell"), col.get("accessorKey")
    if render is not None:
        return lambda row: render(row)
    return lambda row: row.get(key) if isinstance(row, Mapping) and key is not None else None


def list_columns(
    columns: Iterable[str | Mapping[str, Any]] | None, rows: Sequence[Any]
) -> list[dict[str, Any]]:
    """interval_nb column specs for a table over a list of rows."""
    out: list[dict[str, Any]] = []
    for col in _sdk_columns(columns, rows):
        key = col.get("accessorKey")
        plain = (
            col.get("renderCell") is None
            and isinstance(key, str)
            and not any(isinstance(r, Mapping) and isinstance(r.get(key), Mapping) for r in rows)
        )
        if plain:
            out.append({"label": str(col["label"]), "accessor": key})
            continue
        raw = _raw_cell(col)
        out.append(
            {
                "label": str(col["label"]),
                "accessor": lambda row, raw=raw: _cell_text(raw(row)),
                "url": lambda row, raw=raw: _cell_url(raw(row)),
                "image": lambda row, raw=raw: _cell_image(raw(row)),
            }
        )
    return out


def _normalise(fetched: Any, query: TableQuery) -> tuple[list[Any], int]:
    """FetchedTableData / list / (rows, total) as ``(rows, total)``; an unknown total keeps
    paging while pages come back full."""
    if isinstance(fetched, (FetchedTableData, FetchedGridData)):
        rows, total = list(fetched.data), fetched.total_records
    elif isinstance(fetched, tuple):
        rows, total = list(fetched[0]), (fetched[1] if len(fetched) > 1 else None)
    else:
        rows, total = list(fetched), None
    if total is None:
        total = query.offset + len(rows) + (1 if len(rows) >= query.page_size else 0)
    return rows, int(total)


class TableFetcher:
    """A ``display.table(get_data=...)`` callback as interval_nb's ``get_data(query)``.

    Rows are flattened for display: cell values become text under the column's field, with
    their links and images beside them under private keys.
    """

    def __init__(
        self, get_data: Callable[[TableDataFetcherState], Any], columns: Any, size: int
    ) -> None:
        self._get_data = get_data
        self._columns = columns
        self._size = size
        self._first: tuple[TableQuery, tuple[list[Any], int]] | None = None
        self._specs: list[dict[str, Any]] = []

    async def _fetch(self, query: TableQuery) -> tuple[list[Any], int]:
        sort_column, direction = query.sort if query.sort else (None, None)
        if sort_column is not None and sort_column.startswith("_inb_col_"):
            sort_column = sort_column.removeprefix("_inb_col_")  # interval-sdk: the column index
        state = TableDataFetcherState(
            query_term=query.search or None,
            sort_column=sort_column,
            sort_direction=direction,  # type: ignore[arg-type]
            offset=query.offset,
            page_size=query.page_size,
        )
        return _normalise(await call_maybe_async(self._get_data, state), query)

    async def columns(self) -> list[dict[str, Any]]:
        """interval_nb column specs; without ``columns=`` they come from the first page."""
        if self._columns:
            self._specs = _sdk_columns(self._columns, [])
        else:
            first = TableQuery(0, self._size)
            self._first = (first, await self._fetch(first))
            self._specs = _sdk_columns(None, self._first[1][0])
        out = []
        for i, col in enumerate(self._specs):
            key = col.get("accessorKey")
            field = key if isinstance(key, str) and col.get("renderCell") is None else None
            out.append(
                {
                    "label": str(col["label"]),
                    "accessor": field or f"_inb_col_{i}",
                    "url": f"_inb_url_{i}",
                    "image": f"_inb_image_{i}",
                }
            )
        return out

    async def __call__(self, query: TableQuery) -> tuple[list[dict[str, Any]], int]:
        if self._first is not None and self._first[0] == query:
            rows, total = self._first[1]
            self._first = None
        else:
            rows, total = await self._fetch(query)
        return [self._flatten(row) for row in rows], total

    def _flatten(self, row: Any) -> dict[str, Any]:
        flat: dict[str, Any] = {}
        for i, col in enumerate(self._specs):
            value = _raw_cell(col)(row)
            key = col.get("accessorKey")
            field = key if isinstance(key, str) and col.get("renderCell") is None else None
            flat[field or f"_inb_col_{i}"] = _cell_text(value)
            flat[f"_inb_url_{i}"] = _cell_url(value)
            flat[f"_inb_image_{i}"] = _cell_image(value)
        return flat


def grid_item(render_item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """interval-sdk's ``render_item`` (``{label, description, image, url, route, menu}``) for interval_nb."""

    def render(item: Any) -> Any:
        shown = render_item(item)
        if isinstance(shown, Mapping):
            check_route(shown, "a grid item")
            if shown.get("menu"):
                raise unsupported(
                    "io.display.grid() item menus",
                    "give the item a url= (the card links to it) or show a table with row_menu_items",
                )
        return shown

    return render


class GridFetcher:
    """A ``display.grid(get_data=...)`` callback as interval_nb's ``get_data(query)``."""

    def __init__(self, get_data: Callable[[GridDataFetcherState], Any]) -> None:
        self._get_data = get_data

    async def __call__(self, query: TableQuery) -> tuple[list[Any], int]:
        state = GridDataFetcherState(
            query_term=query.search or None, offset=query.offset, page_size=query.page_size
        )
        return _normalise(await call_maybe_async(self._get_data, state), query)
