"""The columnar engine behind table search and sort: polars, when it is installed.

A :class:`ColumnarIndex` answers "which rows match this search" and "in which order do the
rows go when sorted by this column" for a table of any kind (a list of dicts, a pandas or a
polars DataFrame). It converts each column it needs once, on the first query that needs it,
and keeps only that: one polars Series per column (the table's own columnar size) plus small
dictionaries of the distinct values whose shown text polars cannot compute itself.

The results are the same as the Python fallback in :mod:`.tabular` by construction:

* search is a case-insensitive substring test on each row's shown text — every searchable
  column's :func:`~.tabular.format_value` joined by a space. A needle without a space can
  only match inside one column's text, so each column is tested on its own; a needle with a
  space is tested on the joined text;
* sort puts missing values (``None``, NaN) last in both directions, keeps ties in data
  order, and orders the other values naturally; a column whose values polars cannot hold as
  one type (mixed types, objects) is ordered by :func:`~.tabular.python_order`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from operator import countOf
from types import ModuleType
from typing import Any

from .tabular import Accessor, Column, format_value, python_order

NUMERIC_FORMATS = ("number", "currency", "percent")

NATIVE_TYPES = (str, int, float, bool, dt.date, dt.datetime)
"""Python types a list column may hold (one of them, plus ``None``) to be converted as is."""

LOWER_TO_ASCII = ("\u0130", "\u212a")
"""The characters other than ASCII whose lowercase holds ASCII (İ → i̇, the Kelvin sign → k),
found by lowercasing every code point: elsewhere, an ASCII needle is in the lowercase text
exactly where it is in the text ignoring ASCII case."""

LOWERED_INTO = frozenset("ik")
"""The ASCII letters :data:`LOWER_TO_ASCII` lowercase into: a needle without them cannot
match across one of those characters, whatever the column holds."""

Fetch = Callable[[Accessor], Any]
"""The values of one column: a polars Series, or a list of Python values in row order."""


def engine() -> ModuleType | None:
    """The columnar engine (the ``polars`` module), or ``None`` when it is not installed.

    Every columnar path asks here, so hiding the engine (tests do, with ``monkeypatch``)
    sends tables down the Python fallback.
    """
    try:
        import numpy  # noqa: F401  (orders and masks are numpy arrays)
        import polars
    except ImportError:
        return None
    return polars


def positions(array: Any) -> Any:
    """Row positions as the smallest unsigned array that holds them (orders are cached)."""
    import numpy as np

    return np.asarray(array, dtype=np.uint32 if len(array) < 2**32 else np.uint64)


class ColumnarIndex:
    """Search masks and sort orders for one table, computed by polars."""

    def __init__(
        self, pl: ModuleType, length: int, fetch: Fetch, searchable: Sequence[Column]
    ) -> None:
        self.pl = pl
        self.length = length
        self.fetch = fetch
        self.searchable = list(searchable)
        self._values: dict[str, Any] = {}
        """Column name → its polars Series, or ``None`` when polars cannot hold it as one type."""
        self._distinct: dict[str, tuple[Any, Any]] = {}
        self._row_text: dict[str, Any] = {}
        self._ascii_exact: dict[str, bool] = {}
        """Column key → whether ignoring ASCII case finds what lowercasing does (text columns)."""
        self._kinds: dict[str, Any] = {}
        """Column name → the polars type of a list of numbers read but not converted (a search
        its text could not match read it; a sort or a search for digits converts it)."""

    # -- conversion ----------------------------------------------------------------------

    def series(self, accessor: Accessor) -> Any:
        """The column as one typed polars Series, converted once; ``None`` if it cannot be."""
        name = accessor if isinstance(accessor, str) else None
        if name is not None and name in self._values:
            return self._values[name]
        converted = to_series(self.pl, self.fetch(accessor), self.length)
        if name is not None:
            self._values[name] = converted
        return converted

    def _cannot_show(self, column: Column, needle: str) -> bool:
        """Whether a list of numbers cannot show ``needle``: read for its type, not converted.

        Building a polars Series of 1,000,000 numbers costs ≈ 9 ms; a search for a name needs
        only to know the column holds numbers. Any other column is converted here.
        """
        name = column.accessor
        assert isinstance(name, str)
        if name in self._values:
            return False  # the caller checks the Series' own type
        if name not in self._kinds:
            values = self.fetch(name)
            if isinstance(values, self.pl.Series):
                self._values[name] = to_series(self.pl, values, self.length)
                return False
            kind, values = python_type(values)
            dtype = number_types(self.pl).get(kind) if kind is not None else None
            if dtype is None or may_show(self.pl, dtype, column, needle):
                self._values[name] = from_python(self.pl, kind, values, self.length)
                return False
            self._kinds[name] = dtype
        return not may_show(self.pl, self._kinds[name], column, needle)

    def _python_values(self, accessor: Accessor) -> list[Any]:
        values = self.fetch(accessor)
        return values.to_list() if isinstance(values, self.pl.Series) else list(values)

    # -- search --------------------------------------------------------------------------

    def mask(self, needle: str) -> Any:
        """A boolean array: which rows' shown text contains ``needle`` (already lowercase)."""
        import numpy as np

        if " " in needle:  # may span two columns: test the joined text, as the fallback does
            return self._joined_mask(needle)
        hits = np.zeros(self.length, dtype=bool)
        # Converting a column is Python work that holds the GIL; testing one is polars work
        # that does not: the worker tests each column while the next one is converted.
        with ThreadPoolExecutor(max_workers=1) as worker:
            pending = []
            for column in self.searchable:
                found = self._column_test(column, needle)
                if found is not None:
                    pending.append(worker.submit(self._test, column.key, *found))
            for result in pending:
                hits |= result.result()
        return hits

    def _test(self, key: str, data: Any, test: Any) -> Any:
        """Which rows pass ``test``: an expression, or a needle to find in text ``data``."""
        frame = self.pl.DataFrame({key: data})
        if isinstance(test, str):
            return self._text_hits(key, frame, test)
        return frame.select(test.fill_null(False)).to_series().to_numpy()

    def _text_hits(self, key: str, frame: Any, needle: str) -> Any:
        """Which rows' lowercase text contains ``needle``, found without lowercasing if it can.

        Lowercasing a column costs as much as searching it; ignoring ASCII case finds the same
        rows for an ASCII needle unless the column holds one of :data:`LOWER_TO_ASCII` and the
        needle the letter it becomes. The first such search learns whether the column does in
        the same select (each hand-over of the GIL waits while the main thread converts).
        """
        col = self.pl.col(key)
        exact = self._ascii_exact.get(key)
        if needle.isascii() and exact is not False:
            hits = col.str.contains_any([needle], ascii_case_insensitive=True).fill_null(False)
            if exact or LOWERED_INTO.isdisjoint(needle):
                return frame.select(hits).to_series().to_numpy()
            ascii_only = col.str.len_bytes().sum() == col.str.len_chars().sum()
            found = frame.select(hits.alias("hits"), ascii_only.alias("ascii"))
            exact = (
                bool(found["ascii"][0])
                or not frame.select(col.str.contains_any(list(LOWER_TO_ASCII)).any()).item()
            )
            self._ascii_exact[key] = exact
            if exact:
                return found["hits"].to_numpy()
        test = col.str.to_lowercase().str.contains(needle, literal=True).fill_null(False)
        return frame.select(test).to_series().to_numpy()

    def _joined_mask(self, needle: str) -> Any:
        import numpy as np

        pl = self.pl
        data: dict[str, Any] = {}
        texts = []
        for column in self.searchable:
            data[column.key], text = self._column_text(column)
            texts.append(text.fill_null(""))
        if not texts:
            return np.zeros(self.length, dtype=bool)
        joined = pl.concat_str(texts, separator=" ").str.contains(needle, literal=True)
        return pl.DataFrame(data).select(joined.fill_null(False)).to_series().to_numpy()

    def _column_text(self, column: Column) -> tuple[Any, Any]:
        """The column's data and an expression giving each row's lowercase shown text."""
        pl = self.pl
        values = self.series(column.accessor) if isinstance(column.accessor, str) else None
        if values is None:
            return self._row_texts(column), pl.col(column.key)
        native = native_text(pl, pl.col(column.key), values.dtype, column)
        if native is not None:
            return values, native
        distinct, texts = self._distinct_text(column, values)
        text = pl.col(column.key).replace_strict(
            distinct, texts, default="", return_dtype=pl.String
        )
        return values, text

    def _column_test(self, column: Column, needle: str) -> tuple[Any, Any] | None:
        """The column's data and an expression: does each row's text contain ``needle``?

        ``None`` when no row's text can: the needle has a character the column never shows
        (digits-only columns and a search for a name), so the column is not converted (a
        list is read to learn that it holds numbers; a pandas number column is not read).
        """
        pl = self.pl
        if isinstance(column.accessor, str) and self._cannot_show(column, needle):
            return None
        values = self.series(column.accessor) if isinstance(column.accessor, str) else None
        if values is not None:
            if not may_show(pl, values.dtype, column, needle):
                return None
            if values.dtype == pl.String:
                return values, needle  # the worker picks the test (see _text_hits)
            if native_text(pl, pl.col(column.key), values.dtype, column) is None:
                distinct, texts = self._distinct_text(column, values)
                hit = distinct.filter(texts.str.contains(needle, literal=True))
                return values, pl.col(column.key).is_in(hit.implode())
        data, text = self._column_text(column)
        return data, text.str.contains(needle, literal=True)

    def _row_texts(self, column: Column) -> Any:
        """One lowercase shown text per row, made in Python and kept (no polars type fits)."""
        if column.key not in self._row_text:
            texts = [
                format_value(v, column.format, column.currency).lower()
                for v in self._python_values(column.accessor)
            ]
            self._row_text[column.key] = self.pl.Series(texts, dtype=self.pl.String)
        return self._row_text[column.key]

    def _distinct_text(self, column: Column, values: Any) -> tuple[Any, Any]:
        """The shown text of each distinct value, made by :func:`format_value` itself."""
        if column.key in self._distinct:
            return self._distinct[column.key]
        distinct = values.unique().drop_nulls()
        texts = self.pl.Series(
            [format_value(v, column.format, column.currency).lower() for v in distinct.to_list()],
            dtype=self.pl.String,
        )
        # Kept only while it is small next to the column; a column of distinct floats is
        # formatted again on each search rather than held twice.
        if len(distinct) <= max(1000, self.length // 4):
            self._distinct[column.key] = (distinct, texts)
        return distinct, texts

    # -- sort ----------------------------------------------------------------------------

    def order(self, name: str, descending: bool) -> Any:
        """Every row position, sorted by column ``name`` (missing last, ties in data order)."""
        pl = self.pl
        values = self.series(name)
        if values is None:
            return positions(python_order(self._python_values(name), descending))
        if values.dtype.is_float():
            values = values.fill_nan(None)
        frame = pl.DataFrame({"v": values})
        order = frame.select(
            pl.arg_sort_by("v", descending=descending, nulls_last=True, maintain_order=True)
        )
        return positions(order.to_series().to_numpy())

    def kept_bytes(self) -> int:
        """Bytes this index holds: converted columns, distinct-value texts, row texts."""
        held = [s for s in self._values.values() if s is not None]
        held += [part for pair in self._distinct.values() for part in pair]
        held += list(self._row_text.values())
        return int(sum(s.estimated_size() for s in held))


def to_series(pl: ModuleType, values: Any, length: int) -> Any:
    """``values`` as one typed polars Series, or ``None`` when polars would change them.

    A Series of a type whose values keep their meaning (text, integers, floats, booleans,
    dates, naive datetimes) is used as is; a list is converted only when it holds one of
    those Python types (and ``None``/NaN), so no value is coerced into another type.
    """
    if isinstance(values, pl.Series):
        return values if _is_native(pl, values) else None
    return from_python(pl, *python_type(values), length)


def python_type(values: Sequence[Any]) -> tuple[type | None, Sequence[Any]]:
    """The one Python type ``values`` hold besides missing ones, and the values.

    ``NoneType`` when every value is missing, ``None`` when they hold several types or one
    polars cannot hold as it is. NaN among text marks a missing value (pandas text columns):
    it comes back as ``None``.
    """
    types = value_types(values)
    types.discard(type(None))
    if float in types and len(types) == 2 and all(v != v for v in values if type(v) is float):
        types.discard(float)
        values = [None if type(v) is float else v for v in values]
    if not types:
        return type(None), values
    if len(types) != 1 or next(iter(types)) not in NATIVE_TYPES:
        return None, values
    return next(iter(types)), values


def from_python(pl: ModuleType, kind: type | None, values: Sequence[Any], length: int) -> Any:
    """Values of one Python type ``kind`` (see :func:`python_type`) as a polars Series."""
    if kind is None:
        return None
    if kind is type(None):
        return pl.Series(values=[None] * length, dtype=pl.Null)
    try:  # text is named: polars' own type inference takes longer than building it
        series = pl.Series(values, dtype=pl.String if kind is str else None, strict=True)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        return None
    return series if _is_native(pl, series) else None


def number_types(pl: ModuleType) -> dict[type, Any]:
    """Python types whose shown text has a short alphabet, with the polars type they make."""
    return {int: pl.Int64, float: pl.Float64, bool: pl.Boolean, type(None): pl.Null}


def may_show(pl: ModuleType, dtype: Any, column: Column, needle: str) -> bool:
    """Whether a column of polars type ``dtype`` can show ``needle`` (see :func:`alphabet`)."""
    shown = alphabet(pl, dtype, column)
    return shown is None or set(needle) <= set(shown)


def value_types(values: Sequence[Any]) -> set[type]:
    """The exact Python types among ``values`` (subclasses are types of their own).

    Most columns hold one type: counting the first value's type is one pass without a set
    (≈ 11 ms for 1,000,000 values against ≈ 14 ms); a mixed column takes a second pass.
    """
    if values:
        first = type(values[0])
        if countOf(map(type, values), first) == len(values):
            return {first}
    return set(map(type, values))


def _is_native(pl: ModuleType, series: Any) -> bool:
    dtype = series.dtype
    if dtype == pl.Datetime:
        return dtype.time_zone is None  # aware values show their own zone's clock: Python
    return bool(
        dtype in (pl.String, pl.Boolean, pl.Date, pl.Null) or dtype.is_integer() or dtype.is_float()
    )


def native_text(pl: ModuleType, col: Any, dtype: Any, column: Column) -> Any:
    """An expression for the lowercase shown text polars can compute exactly, else ``None``.

    Floats (``format_value`` shows six significant digits) and numbers with a number,
    currency or percent format are shown by Python: their text comes per distinct value.
    """
    if dtype == pl.String:
        return col.str.to_lowercase()
    if dtype == pl.Datetime:
        return col.dt.strftime("%Y-%m-%d" if column.format == "date" else "%Y-%m-%d %H:%M")
    if dtype == pl.Null:
        return col.cast(pl.String)
    if dtype == pl.Date:
        return col.cast(pl.String)
    if column.format in NUMERIC_FORMATS or dtype.is_float():
        return None
    return col.cast(pl.String)  # integers as digits, booleans as true/false


def alphabet(pl: ModuleType, dtype: Any, column: Column) -> str | None:
    """Every character the column's shown text can hold, when that is a short list."""
    if dtype == pl.Null:
        return ""
    if dtype in (pl.Date, pl.Datetime):
        return "0123456789-: "
    if column.format in NUMERIC_FORMATS:
        return None  # currency symbols, thousands separators …
    if dtype.is_integer():
        return "0123456789-"
    if dtype.is_float():
        return "0123456789.-+einf"  # 1.5, -2e+06, inf; NaN shows nothing
    if dtype == pl.Boolean:
        return "truefals"
    return None
