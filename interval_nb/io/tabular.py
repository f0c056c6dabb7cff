"""Table data kept in the kernel: paging, sorting and text filtering where the data lives.

A :class:`TableSource` wraps what the author passed — a list of dicts, a pandas or polars
DataFrame (imported lazily), or an async ``get_data(query)`` callback — and answers
:class:`TableQuery` with one page of rows. The page never holds more than that page, so a
million-row table costs the browser one page. Orderings and filters are cached per
(search, sort), so turning pages costs only slicing.

Search and sort run on the columnar engine (polars, see :mod:`._columnar`) when it is
installed; a list of dicts or a pandas DataFrame is converted column by column on the first
query that needs it. Without the engine the Python code here gives the same answers, slower.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import inspect
import math
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from itertools import repeat
from operator import countOf, itemgetter
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .._util import quote, shorten
from ..errors import ActionDefinitionError

if TYPE_CHECKING:
    from ._columnar import ColumnarIndex

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
            # Labelled as written, as Interval does: the author's field names are not retitled.
            out.append(Column(key, spec, spec))
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


COLUMN_SCAN_HEAD = 1000
"""Rows read from the start of a list to find its columns when ``columns=`` is not given."""
COLUMN_SCAN_SAMPLE = 1000
"""Further rows, evenly spaced over the rest of the list, read to find its columns."""


def fields_of(rows: Sequence[Any]) -> list[str]:
    """The keys of a list of dict rows, in order of first appearance (the default columns).

    Interval takes the union of every row's keys. A million rows would cost a million dict
    walks before the first page, so only the first :data:`COLUMN_SCAN_HEAD` rows (which hold
    the first page) and :data:`COLUMN_SCAN_SAMPLE` rows evenly spaced over the rest are read;
    a key found in none of them is not a column. ``columns=`` lists them exactly.
    """
    head = min(len(rows), COLUMN_SCAN_HEAD)
    rest = len(rows) - head
    step = max(1, rest // COLUMN_SCAN_SAMPLE) if rest else 1
    positions = [*range(head), *range(head, len(rows), step)[:COLUMN_SCAN_SAMPLE]]
    if rest:
        positions.append(len(rows) - 1)  # the last row too, so a trailing odd row is seen
    keys: dict[str, None] = {}
    for position in positions:
        row = rows[position]
        if isinstance(row, Mapping):
            keys.update(dict.fromkeys(row))
    return list(keys)


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


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _mixed_key(value: Any) -> tuple[int, Any]:
    """Numbers before everything else, which sorts by its text, case-insensitively."""
    if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
        return (0, value)
    return (1, str(value).lower())


def python_order(values: Sequence[Any], descending: bool) -> list[int]:
    """Positions of ``values`` in sorted order, the way every table sorts.

    Values of one comparable type sort naturally; a mix sorts numbers first, then the rest
    by its text. Missing values (``None``, NaN) come last in both directions and ties keep
    their data order.
    """
    present: list[int] = []
    missing: list[int] = []
    for i, value in enumerate(values):
        (missing if _missing(value) else present).append(i)
    try:
        order = sorted(present, key=values.__getitem__, reverse=descending)
    except TypeError:
        keys = {i: _mixed_key(values[i]) for i in present}
        order = sorted(present, key=keys.__getitem__, reverse=descending)
    return order + missing


def _text_size(texts: Sequence[str] | None) -> int:
    if texts is None:
        return 0
    return sys.getsizeof(texts) + sum(sys.getsizeof(t) for t in texts)


class TableSource:
    """Rows the kernel pages through; subclasses wrap each kind of data."""

    can_select_all = True

    async def page(self, query: TableQuery) -> tuple[list[tuple[str, Any]], int]:
        """``([(key, row), …], total matching)`` for one query."""
        raise NotImplementedError

    def rows_for(self, keys: Sequence[str]) -> Any:
        """The author's own row objects for ``keys``, in data order (``KeyError`` if unknown)."""
        raise NotImplementedError

    def records_for(self, keys: Sequence[str]) -> list[Any]:
        """The rows for ``keys`` one by one (dicts for a DataFrame), in data order."""
        return list(self.rows_for(keys))

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

    def nbytes(self) -> int:
        """Bytes the cached orderings hold (a ``range`` holds none)."""
        return sum(
            0 if isinstance(v, range) else getattr(v, "nbytes", 8 * len(v))
            for v in self.items.values()
        )


class _IndexedSource(TableSource):
    """A source held in the kernel: orderings come from the columnar engine when there is one.

    The engine's index is made on the first search or sort (an unsorted, unsearched page
    converts nothing); without the engine, subclasses answer with their Python fallback.
    """

    columns: Sequence[Column]

    def __init__(self) -> None:
        self._orders = _Cache()
        self._index: ColumnarIndex | None = None
        self._engine_missing = False
        self._search_text: list[str] | None = None
        """Each row's lowercase shown text: the fallback's search, never made with the engine."""

    def __len__(self) -> int:
        raise NotImplementedError

    def _searchable(self) -> Sequence[Column]:
        """The columns whose shown text a search looks into."""
        raise NotImplementedError

    def _fetch(self, accessor: Accessor) -> Any:
        """One column's values in row order: a polars Series or a list."""
        raise NotImplementedError

    def _fallback_order(self, search: str, sort: tuple[str, str] | None) -> Sequence[int]:
        """The ordering computed in Python, when there is no columnar engine."""
        raise NotImplementedError

    def _engine(self) -> ModuleType | None:
        from . import _columnar

        return None if self._engine_missing else _columnar.engine()

    def columnar(self) -> ColumnarIndex | None:
        """The table's columnar index (made on first use), or ``None`` without the engine."""
        if self._index is None and not self._engine_missing:
            from ._columnar import ColumnarIndex

            pl = self._engine()
            if pl is None:
                self._engine_missing = True  # asked once: a failed import is not free
                return None
            self._index = ColumnarIndex(pl, len(self), self._fetch, self._searchable())
        return self._index

    def _order(self, search: str, sort: tuple[str, str] | None) -> Sequence[int]:
        if not search and not sort:
            return range(len(self))  # the first page needs no conversion and no cache

        def make() -> Any:  # a list, a range or a numpy array of positions
            index = self.columnar()
            if index is None:
                return self._fallback_order(search, sort)
            return self._columnar_order(index, search, sort)

        return self._orders.get((search, sort), make)  # type: ignore[no-any-return]

    def _columnar_order(
        self, index: ColumnarIndex, search: str, sort: tuple[str, str] | None
    ) -> Any:
        from ._columnar import positions

        full = None
        if sort is not None:
            name, direction = sort
            full = self._orders.get(("", sort), lambda: index.order(name, direction == "desc"))
        if not search:
            return full
        mask = index.mask(search.lower())
        # A sorted search filters the cached full order: no second sort per search text.
        return full[mask[full]] if full is not None else positions(mask.nonzero()[0])

    def kept_bytes(self) -> int:
        """Bytes this table keeps for search and sort, beyond the author's own data."""
        index = self._index.kept_bytes() if self._index is not None else 0
        return index + self._orders.nbytes() + _text_size(self._search_text)


class ListSource(_IndexedSource):
    """A list of dicts (or objects); keys are positions unless ``row_key`` names a field."""

    def __init__(self, rows: Sequence[Any], columns: Sequence[Column], row_key: str | None) -> None:
        super().__init__()
        self.rows = list(rows)
        self.columns = columns
        self._all_dicts: bool | None = None
        # Positional keys are computed on demand: a million-row list needs no key table.
        self.named_keys: list[str] | None = None
        self.index: dict[str, int] = {}
        if row_key is not None:
            self.named_keys = [str(_get(r, row_key)) for r in self.rows]
            self.index = {k: i for i, k in enumerate(self.named_keys)}
            if len(self.index) != len(self.named_keys):
                raise ActionDefinitionError(f"row_key {row_key!r} is not unique in the table data")

    def __len__(self) -> int:
        return len(self.rows)

    def _searchable(self) -> Sequence[Column]:
        return self.columns

    def _fetch(self, accessor: Accessor) -> list[Any]:
        if isinstance(accessor, str) and self._plain_dicts():
            try:  # no Python code per row: ~31 ms for 1,000,000 rows against ~40
                return list(map(itemgetter(accessor), self.rows))
            except KeyError:  # a row without the field shows it blank
                return list(map(dict.get, self.rows, repeat(accessor)))
        if isinstance(accessor, str):
            return [r.get(accessor) if type(r) is dict else _get(r, accessor) for r in self.rows]
        return [_get(r, accessor) for r in self.rows]

    def _plain_dicts(self) -> bool:
        """Whether every row is a ``dict`` itself (a subclass may answer ``get`` its own way)."""
        if self._all_dicts is None:
            self._all_dicts = countOf(map(type, self.rows), dict) == len(self.rows)
        return self._all_dicts

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

    def _fallback_order(self, search: str, sort: tuple[str, str] | None) -> Sequence[int]:
        positions: Sequence[int] = range(len(self.rows))
        if search:
            needle, text = search.lower(), self._text()
            positions = [i for i in positions if needle in text[i]]
        if sort:
            name, direction = sort
            values = [_get(self.rows[i], name) for i in positions]
            positions = [positions[i] for i in python_order(values, direction == "desc")]
        return positions

    async def page(self, query: TableQuery) -> tuple[list[tuple[str, Any]], int]:
        order = self._order(query.search, query.sort)
        chosen = [int(i) for i in order[query.offset : query.offset + query.page_size]]
        return [(self.key(i), self.rows[i]) for i in chosen], len(order)

    def rows_for(self, keys: Sequence[str]) -> list[Any]:
        return [self.rows[p] for p in sorted(self.position(k) for k in keys)]

    def keys_matching(self, search: str) -> list[str]:
        return [self.key(int(i)) for i in self._order(search, None)]

    def has_key(self, key: str) -> bool:
        try:
            self.position(key)
        except KeyError:
            return False
        return True


class _FrameSource(_IndexedSource):
    """A DataFrame: keys are row positions unless ``row_key`` names a column."""

    df: Any
    key_values: Any
    key_index: dict[str, int]

    def __len__(self) -> int:
        return len(self.df)

    def _searchable(self) -> Sequence[Column]:
        return [
            c for c in self.columns if isinstance(c.accessor, str) and c.accessor in self.df.columns
        ]

    def _key(self, position: int) -> str:
        return str(position) if self.key_values is None else str(self.key_values[position])

    def _position(self, key: str) -> int:
        if self.key_values is None:
            if not key.isdigit() or int(key) >= len(self.df):
                raise KeyError(key)
            return int(key)
        return self.key_index[key]

    def keys_matching(self, search: str) -> list[str]:
        return [self._key(int(p)) for p in self._order(search, None)]

    def has_key(self, key: str) -> bool:
        try:
            self._position(key)
        except KeyError:
            return False
        return True


class PandasSource(_FrameSource):
    """A pandas DataFrame, converted column by column to the engine when a query needs it."""

    def __init__(self, df: Any, columns: Sequence[Column], row_key: str | None) -> None:
        super().__init__()
        self.df = df
        self.columns = columns
        if row_key is None:
            self.key_values = None
        else:
            if row_key not in df.columns:
                raise ActionDefinitionError(f"row_key {row_key!r} is not a column of the DataFrame")
            self.key_values = df[row_key].astype(str).to_numpy()
            if len(set(self.key_values)) != len(self.key_values):
                raise ActionDefinitionError(f"row_key {row_key!r} is not unique in the DataFrame")
            self.key_index = {k: i for i, k in enumerate(self.key_values)}

    def _fetch(self, accessor: Accessor) -> Any:
        import numpy as np
        import pandas as pd  # type: ignore[import-untyped]

        if not isinstance(accessor, str) or accessor not in self.df.columns:
            return [None] * len(self.df)
        column = self.df[accessor]
        pl = self._engine()
        assert pl is not None
        if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iufbM":
            return pl.Series(accessor, column.to_numpy())  # plain numpy columns convert as is
        # Text and objects go through their values, converted only when they are one exact
        # Python type: pandas' text dtypes keep str subclasses (enums), which show otherwise.
        if isinstance(column.dtype, pd.StringDtype) and column.dtype.na_value is pd.NA:
            return column.to_numpy(dtype=object, na_value=None).tolist()
        return column.tolist()

    def _text(self) -> list[str]:
        """Each row's shown text, lowercase: the searchable columns' cells joined by a space."""
        if self._search_text is None:
            per_column = [
                [format_value(v, c.format, c.currency) for v in self.df[c.accessor].tolist()]
                for c in self._searchable()
            ]
            rows = zip(*per_column, strict=True) if per_column else ((),) * len(self.df)
            self._search_text = [" ".join(cells).lower() for cells in rows]
        return self._search_text

    def _fallback_order(self, search: str, sort: tuple[str, str] | None) -> Sequence[int]:
        import numpy as np

        positions: Any = np.arange(len(self.df))
        if search:
            needle, text = search.lower(), self._text()
            positions = np.array([i for i in positions if needle in text[i]], dtype=np.int64)
        if sort:
            name, direction = sort
            column = self.df[name].iloc[positions].reset_index(drop=True)
            try:
                order = column.sort_values(
                    ascending=direction == "asc", na_position="last", kind="stable"
                ).index.to_numpy()
            except TypeError:  # mixed types: the same order a list of them gets
                order = np.array(python_order(column.tolist(), direction == "desc"))
            positions = positions[order]
        return positions  # type: ignore[no-any-return]

    async def page(self, query: TableQuery) -> tuple[list[tuple[str, Any]], int]:
        order = self._order(query.search, query.sort)
        chosen = [int(p) for p in order[query.offset : query.offset + query.page_size]]
        records = self.df.iloc[chosen].to_dict("records")
        return [(self._key(p), r) for p, r in zip(chosen, records, strict=True)], len(order)

    def rows_for(self, keys: Sequence[str]) -> Any:
        return self.df.iloc[sorted(self._position(k) for k in keys)]

    def records_for(self, keys: Sequence[str]) -> list[Any]:
        return self.rows_for(keys).to_dict("records")  # type: ignore[no-any-return]


class PolarsSource(_FrameSource):
    """A polars DataFrame: it is already columnar, so the engine reads it without a copy."""

    def __init__(self, df: Any, columns: Sequence[Column], row_key: str | None) -> None:
        super().__init__()
        import polars as pl

        self.pl = pl
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

    def _engine(self) -> ModuleType:
        return self.pl  # the data is polars: the engine is there whatever the seam says

    def _fetch(self, accessor: Accessor) -> Any:
        if not isinstance(accessor, str) or accessor not in self.df.columns:
            return [None] * len(self.df)
        return self.df[accessor]

    def _fallback_order(self, search: str, sort: tuple[str, str] | None) -> Sequence[int]:
        raise AssertionError("a polars table always has its engine")

    async def page(self, query: TableQuery) -> tuple[list[tuple[str, Any]], int]:
        order = self._order(query.search, query.sort)
        chosen = [int(p) for p in order[query.offset : query.offset + query.page_size]]
        records = self.df[chosen].to_dicts() if chosen else []
        return [(self._key(p), r) for p, r in zip(chosen, records, strict=True)], len(order)

    def rows_for(self, keys: Sequence[str]) -> Any:
        return self.df[sorted(self._position(k) for k in keys)]

    def records_for(self, keys: Sequence[str]) -> list[Any]:
        return self.rows_for(keys).to_dicts()  # type: ignore[no-any-return]


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
        fields = fields_of(data) if columns is None else []
        cols = make_columns(columns, fields, method)
        return ListSource(data, cols, row_key), cols
    raise ActionDefinitionError(
        f"io.{method}(): data must be a list of dicts, a pandas/polars DataFrame or an async "
        f"get_data(query) function; got {type(data).__name__}"
    )
