"""Table data kept in the kernel: paging, sorting and text filtering where the data lives.

A :class:`TableSource` wraps what the author passed — a list of dicts, a pandas or polars
DataFrame (imported lazily), or an async ``get_data(query)`` callback — and answers
:class:`TableQuery` with one page of rows. The page never holds more than that page, so a
million-row table costs the browser one page. Orderings and filters are cached per
(search, sort), so turning pages costs only slicing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import inspect
import math
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from .._util import quote, shorten
from ..errors import ActionDefinitionError

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 20
FORMATS = ("number", "currency", "percent", "date", "datetime")


MAX_SEARCH_TEXT = 1000
"""Longest search text a table query (or a select-all-matching answer) may carry."""


class QueryError(ValueError):
    """A table query the page sent cannot be answered; the message is shown in the table."""


@dataclasses.dataclass(frozen=True)
class TableQuery:
    """One page request: ``offset``, ``page_size``, optional sort and search text."""

    offset: int = 0
    page_size: int = DEFAULT_PAGE_SIZE
    sort: tuple[str, str] | None = None
    """(column key, "asc" | "desc"); the key is the column's accessor name."""
    search: str = ""

    @classmethod
    def from_message(cls, message: Mapping[str, Any], columns: Sequence[Column]) -> TableQuery:
        """Validate a query from the page (``sort.column`` is a column key like ``c0``)."""
        offset, size = message.get("offset", 0), message.get("page_size", DEFAULT_PAGE_SIZE)
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise QueryError("offset must be a non-negative integer")
        if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_PAGE_SIZE:
            raise QueryError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        search = message.get("search") or ""
        if not isinstance(search, str) or len(search) > MAX_SEARCH_TEXT:
            raise QueryError(f"search must be text of at most {MAX_SEARCH_TEXT:,} characters")
        sort = message.get("sort")
        parsed_sort: tuple[str, str] | None = None
        if sort is not None:
            if not isinstance(sort, Mapping):
                raise QueryError("sort must be {column, direction}")
            by_key = {c.key: c for c in columns}
            column = by_key.get(sort.get("column"))  # type: ignore[arg-type]
            if column is None or not column.sortable:
                raise QueryError(f"cannot sort by {quote(sort.get('column'))}")
            if sort.get("direction") not in ("asc", "desc"):
                raise QueryError("sort direction must be 'asc' or 'desc'")
            parsed_sort = (column.name, str(sort["direction"]))
        return cls(offset, size, parsed_sort, search.strip())


Accessor = str | Callable[[Any], Any]


@dataclasses.dataclass(frozen=True)
class Column:
    """A displayed column: where its value comes from and how it is shown."""

    key: str
    """The column's id on the wire (``c0``, ``c1`` …)."""
    label: str
    accessor: Accessor
    format: str | None = None
    currency: str | None = None
    url: Accessor | None = None
    image: Accessor | None = None

    @property
    def name(self) -> str:
        """The field name when the accessor is one, else the wire key."""
        return self.accessor if isinstance(self.accessor, str) else self.key

    @property
    def sortable(self) -> bool:
        """Only named fields sort in the kernel without evaluating a function per row."""
        return isinstance(self.accessor, str)

    def spec(self) -> dict[str, Any]:
        """How the page shows the column header."""
        align = "right" if self.format in ("number", "currency", "percent") else "left"
        return {
            "key": self.key,
            "label": self.label,
            "format": self.format,
            "align": align,
            "sortable": self.sortable,
        }


def _get(row: Any, accessor: Accessor) -> Any:
    if callable(accessor):
        return accessor(row)
    if isinstance(row, Mapping):
        return row.get(accessor)
    return getattr(row, accessor, None)


def format_value(value: Any, fmt: str | None = None, currency: str | None = None) -> str:
    """The text a cell shows."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if fmt in ("number", "currency", "percent") and isinstance(
        value, (int, float, decimal.Decimal)
    ):
        if fmt == "percent":
            return f"{float(value) * 100:.1f}%"
        if fmt == "currency":
            from .inputs import CURRENCY_SYMBOLS

            symbol = CURRENCY_SYMBOLS.get((currency or "USD").upper(), (currency or "") + " ")
            return f"{'-' if value < 0 else ''}{symbol}{abs(float(value)):,.2f}"
        return f"{value:,}" if isinstance(value, int) else f"{float(value):,.6g}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if fmt != "date" else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "isoformat"):  # pandas Timestamp, numpy datetime64 via pandas
        try:
            return str(value.isoformat())
        except (TypeError, ValueError):
            pass
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def make_columns(columns: Sequence[Any] | None, fields: Sequence[str], method: str) -> list[Column]:
    """Normalise the author's ``columns=`` (names or dicts) or default to every field."""
    out: list[Column] = []
    for i, spec in enumerate(columns if columns is not None else list(fields)):
        key = f"c{i}"
        if isinstance(spec, str):
            out.append(
                Column(
                    key, spec.replace("_", " ").capitalize() if spec == spec.lower() else spec, spec
                )
            )
        elif isinstance(spec, Mapping):
            accessor = spec.get("accessor", spec.get("label"))
            if not (isinstance(accessor, str) or callable(accessor)):
                raise ActionDefinitionError(
                    f"io.{method}(): column {spec!r} needs an accessor (a field name or a function)"
                )
            fmt = spec.get("format")
            if fmt is not None and fmt not in FORMATS:
                raise ActionDefinitionError(
                    f"io.{method}(): column format must be one of {FORMATS}"
                )
            label = spec.get("label", accessor if isinstance(accessor, str) else f"Column {i + 1}")
            out.append(
                Column(
                    key,
                    str(label),
                    accessor,
                    fmt,
                    spec.get("currency"),
                    spec.get("url"),
                    spec.get("image"),
                )
            )
        else:
            raise ActionDefinitionError(
                f"io.{method}(): a column is a field name or a dict, got {spec!r}"
            )
    if not out:
        raise ActionDefinitionError(f"io.{method}(): the table has no columns")
    return out


def cells_of(row: Any, columns: Sequence[Column]) -> list[dict[str, Any]]:
    """The displayed cells of one row."""
    cells = []
    for column in columns:
        cell: dict[str, Any] = {
            "text": format_value(_get(row, column.accessor), column.format, column.currency)
        }
        if column.url is not None:
            url = _get(row, column.url)
            if url:
                from .displays import check_link

                cell["url"] = check_link(str(url), "table column url")
        if column.image is not None:
            image = _get(row, column.image)
            if image:
                cell["image"] = str(image)
        cells.append(cell)
    return cells


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (2, 0)  # missing values last
    if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
        return (0, value)
    return (1, str(value).lower())


class TableSource:
    """Rows the kernel pages through; subclasses wrap each kind of data."""

    can_select_all = True

    async def page(self, query: TableQuery) -> tuple[list[tuple[str, Any]], int]:
        """``([(key, row), …], total matching)`` for one query."""
        raise NotImplementedError

    def rows_for(self, keys: Sequence[str]) -> Any:
        """The author's own row objects for ``keys``, in data order (``KeyError`` if unknown)."""
        raise NotImplementedError

    def keys_matching(self, search: str) -> list[str]:
        """Every key matching ``search`` (select-all-matching)."""
        raise NotImplementedError

    def has_key(self, key: str) -> bool:
        """Whether ``key`` names a row of this table."""
        raise NotImplementedError


class _Cache:
    """A small LRU of orderings per (search, sort)."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self.items: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = self.items[key] = make()
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


class ListSource(TableSource):
    """A list of dicts (or objects); keys are positions unless ``row_key`` names a field."""

    def __init__(self, rows: Sequence[Any], columns: Sequence[Column], row_key: str | None) -> None:
        self.rows = list(rows)
        self.columns = columns
        # Positional keys are computed on demand: a million-row list needs no key table.
        self.named_keys: list[str] | None = None
        self.index: dict[str, int] = {}
        if row_key is not None:
            self.named_keys = [str(_get(r, row_key)) for r in self.rows]
            self.index = {k: i for i, k in enumerate(self.named_keys)}
            if len(self.index) != len(self.named_keys):
                raise ActionDefinitionError(f"row_key {row_key!r} is not unique in the table data")
        self._search_text: list[str] | None = None
        self._orders = _Cache()

    def _text(self) -> list[str]:
        if self._search_text is None:
            self._search_text = [
                " ".join(
                    format_value(_get(r, c.accessor), c.format, c.currency) for c in self.columns
                ).lower()
                for r in self.rows
            ]
        return self._search_text

    def key(self, position: int) -> str:
        """The key of the row at ``position``."""
        return str(position) if self.named_keys is None else self.named_keys[position]

    def position(self, key: str) -> int:
        """The position of the row ``key`` (``KeyError`` if there is none)."""
        if self.named_keys is not None:
            return self.index[key]
        if not key.isdigit() or int(key) >= len(self.rows):
            raise KeyError(key)
        return int(key)

    def _order(self, search: str, sort: tuple[str, str] | None) -> Sequence[int]:
        def make() -> Sequence[int]:
            positions: Sequence[int] = range(len(self.rows))
            if search:
                needle, text = search.lower(), self._text()
                positions = [i for i in positions if needle in text[i]]
            if sort:
                name, direction = sort
                values = [_get(self.rows[i], name) for i in positions]
                try:  # fast path: one comparable type, no missing values
                    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
                        raise TypeError
                    order = sorted(
                        range(len(values)), key=values.__getitem__, reverse=direction == "desc"
                    )
                except TypeError:
                    keys = [_sort_key(v) for v in values]
                    order = sorted(
                        range(len(keys)), key=keys.__getitem__, reverse=direction == "desc"
                    )
                positions = [positions[i] for i in order]
            return positions

        return self._orders.get((search, sort), make)  # type: ignore[no-any-return]

    async def page(self, query: TableQuery) -> tuple[list[tuple[str, Any]], int]:
        order = self._order(query.search, query.sort)
        chosen = order[query.offset : query.offset + query.page_size]
        return [(self.key(i), self.rows[i]) for i in chosen], len(order)

    def rows_for(self, keys: Sequence[str]) -> list[Any]:
        return [self.rows[p] for p in sorted(self.position(k) for k in keys)]

    def keys_matching(self, search: str) -> list[str]:
        return [self.key(i) for i in self._order(search, None)]

    def has_key(self, key: str) -> bool:
        try:
            self.position(key)
        except KeyError:
            return False
        return True


class PandasSource(TableSource):
    """A pandas DataFrame; keys are row positions unless ``row_key`` names a column."""

    def __init__(self, df: Any, columns: Sequence[Column], row_key: str | None) -> None:
        import numpy as np

        self.np = np
        self.df = df
        self.columns = columns
        if row_key is None:
            self.key_values: Any = None
        else:
            if row_key not in df.columns:
                raise ActionDefinitionError(f"row_key {row_key!r} is not a column of the DataFrame")
            self.key_values = df[row_key].astype(str).to_numpy()
            if len(set(self.key_values)) != len(self.key_values):
                raise ActionDefinitionError(f"row_key {row_key!r} is not unique in the DataFrame")
            self.key_index = {k: i for i, k in enumerate(self.key_values)}
        self._search_text: Any = None
        self._orders = _Cache()

    def _key(self, position: int) -> str:
        return str(position) if self.key_values is None else str(self.key_values[position])

    def _position(self, key: str) -> int:
        if self.key_values is None:
            if not key.isdigit() or int(key) >= len(self.df):
                raise KeyError(key)
            return int(key)
        return self.key_index[key]

    def _text(self) -> list[Any]:
        """Each searchable column as lowercase text, computed once (searching reuses them)."""
        if self._search_text is None:
            names = [
                c.accessor
                for c in self.columns
                if isinstance(c.accessor, str) and c.accessor in self.df.columns
            ]
            self._search_text = [self.df[name].astype(str).str.lower() for name in names]
        return self._search_text  # type: ignore[no-any-return]

    def _order(self, search: str, sort: tuple[str, str] | None) -> Any:
        np = self.np

        def make() -> Any:
            positions = np.arange(len(self.df))
            if search:
                mask = np.zeros(len(self.df), dtype=bool)
                for column in self._text():
                    mask |= column.str.contains(search.lower(), regex=False).to_numpy()
                positions = positions[mask]
            if sort:
                name, direction = sort
                column = self.df[name].iloc[positions] if search else self.df[name]
                order = (
                    column.reset_index(drop=True)
                    .sort_values(ascending=direction == "asc", na_position="last", kind="stable")
                    .index.to_numpy()
                )
                positions = positions[order]
            return positions

        return self._orders.get((search, sort), make)

    async def page(self, query: TableQuery) -> tuple[list[tuple[str, Any]], int]:
        order = self._order(query.search, query.sort)
        chosen = order[query.offset : query.offset + query.page_size]
        records = self.df.iloc[chosen].to_dict("records")
        return [(self._key(int(p)), r) for p, r in zip(chosen, records, strict=True)], len(order)

    def rows_for(self, keys: Sequence[str]) -> Any:
        return self.df.iloc[sorted(self._position(k) for k in keys)]

    def keys_matching(self, search: str) -> list[str]:
        return [self._key(int(p)) for p in self._order(search, None)]

    def has_key(self, key: str) -> bool:
        try:
            self._position(key)
        except KeyError:
            return False
        return True


class PolarsSource(PandasSource):
    """A polars DataFrame, paged through its pandas-free API."""

    def __init__(self, df: Any, columns: Sequence[Column], row_key: str | None) -> None:
        import numpy as np
        import polars as pl

        self.np, self.pl = np, pl
        self.df = df
        self.columns = columns
        if row_key is None:
            self.key_values = None
        else:
            if row_key not in df.columns:
                raise ActionDefinitionError(f"row_key {row_key!r} is not a column of the DataFrame")
            self.key_values = df[row_key].cast(pl.Utf8).to_numpy()
            if df[row_key].n_unique() != len(df):
                raise ActionDefinitionError(f"row_key {row_key!r} is not unique in the DataFrame")
            self.key_index = {k: i for i, k in enumerate(self.key_values)}
        self._search_text = None
        self._orders = _Cache()

    def _order(self, search: str, sort: tuple[str, str] | None) -> Any:
        pl, np = self.pl, self.np

        def make() -> Any:
            frame = self.df.with_row_index("__inb_pos")
            if search:
                names = [
                    c.accessor
                    for c in self.columns
                    if isinstance(c.accessor, str) and c.accessor in self.df.columns
                ]
                if not names:
                    return np.arange(0)
                text = pl.concat_str(
                    [pl.col(n).cast(pl.Utf8).fill_null("") for n in names], separator="\x1f"
                )
                frame = frame.filter(
                    text.str.to_lowercase().str.contains(search.lower(), literal=True)
                )
            if sort:
                name, direction = sort
                frame = frame.sort(
                    name, descending=direction == "desc", nulls_last=True, maintain_order=True
                )
            return frame["__inb_pos"].to_numpy()

        return self._orders.get((search, sort), make)

    async def page(self, query: TableQuery) -> tuple[list[tuple[str, Any]], int]:
        order = self._order(query.search, query.sort)
        chosen = order[query.offset : query.offset + query.page_size]
        records = self.df[[int(p) for p in chosen]].to_dicts() if len(chosen) else []
        return [(self._key(int(p)), r) for p, r in zip(chosen, records, strict=True)], len(order)

    def rows_for(self, keys: Sequence[str]) -> Any:
        return self.df[sorted(self._position(k) for k in keys)]


GetData = Callable[[TableQuery], Awaitable[tuple[Sequence[Any], int]]]


class CallbackSource(TableSource):
    """An async ``get_data(query) -> (rows, total)``: the author's database does the work."""

    can_select_all = False

    def __init__(
        self, get_data: GetData, columns: Sequence[Column], row_key: str | None, timeout: float
    ) -> None:
        self.get_data = get_data
        self.columns = columns
        self.row_key = row_key
        self.timeout = timeout
        self.seen: dict[str, Any] = {}

    async def page(self, query: TableQuery) -> tuple[list[tuple[str, Any]], int]:
        import asyncio

        try:
            result: Any = self.get_data(query)
            if inspect.isawaitable(result):
                result = await asyncio.wait_for(result, self.timeout)
        except asyncio.TimeoutError:
            raise QueryError(f"loading the table took longer than {self.timeout:g}s") from None
        except QueryError:
            raise
        except Exception as exc:
            raise QueryError(
                shorten(f"loading the table failed: {type(exc).__name__}: {exc}")
            ) from exc
        rows, total = result
        out = []
        for i, row in enumerate(rows):
            key = str(_get(row, self.row_key)) if self.row_key else str(query.offset + i)
            self.seen[key] = row
            out.append((key, row))
        return out, int(total)

    def rows_for(self, keys: Sequence[str]) -> list[Any]:
        return [self.seen[k] for k in keys]

    def keys_matching(self, search: str) -> list[str]:
        raise QueryError("select-all-matching is not available for tables loaded by a callback")

    def has_key(self, key: str) -> bool:
        return key in self.seen


def make_source(
    data: Any,
    columns: Sequence[Any] | None,
    row_key: str | None,
    method: str,
    timeout: float = 10.0,
) -> tuple[TableSource, list[Column]]:
    """Wrap the author's ``data`` and normalise ``columns``."""
    module = type(data).__module__.split(".")[0]
    if callable(data) and not isinstance(data, (list, tuple)):
        if columns is None:
            raise ActionDefinitionError(f"io.{method}(): a get_data callback needs columns=[...]")
        cols = make_columns(columns, [], method)
        return CallbackSource(data, cols, row_key, timeout), cols
    if module == "pandas" and type(data).__name__ == "DataFrame":
        cols = make_columns(columns, [str(c) for c in data.columns], method)
        return PandasSource(data, cols, row_key), cols
    if module == "polars" and type(data).__name__ == "DataFrame":
        cols = make_columns(columns, list(data.columns), method)
        return PolarsSource(data, cols, row_key), cols
    if isinstance(data, (list, tuple)):
        first = data[0] if data else {}
        fields = list(first.keys()) if isinstance(first, Mapping) else []
        cols = make_columns(columns, fields, method)
        return ListSource(data, cols, row_key), cols
    raise ActionDefinitionError(
        f"io.{method}(): data must be a list of dicts, a pandas/polars DataFrame or an async "
        f"get_data(query) function; got {type(data).__name__}"
    )
