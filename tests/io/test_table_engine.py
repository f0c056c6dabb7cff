"""The columnar engine and the Python fallback answer every table query the same way.

Each test builds the same table twice — once with polars as the engine, once with the
engine hidden through its one import seam (``_columnar.engine``) — and compares pages,
totals, sort orders, search results and row keys. A few hand-written expectations pin the
semantics themselves (missing values last in both directions, shown text searched).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import decimal
import enum
from collections.abc import Iterator
from typing import Any

import pandas as pd
import polars as pl
import pytest

from interval_nb.io import _columnar
from interval_nb.io.tabular import (
    ListSource,
    PandasSource,
    TableQuery,
    TableSource,
    make_source,
)

NAN = float("nan")

MESSY_ROWS: list[dict[str, Any]] = [
    {
        "id": i,
        "name": ("Zoë", "adam", "Bob", None, "émile", "bob")[i % 6] + f"{i}"
        if i % 6 != 3
        else None,
        "amount": (1234567.5, 0.1 + 0.2, NAN, -3.0, None, 12.5, 0.5)[i % 7],
        "active": (True, False, None)[i % 3],
        "joined": dt.date(2020, 1, 1) + dt.timedelta(days=(i * 37) % 400),
        "seen": dt.datetime(2026, 1, 2, 3, 4) + dt.timedelta(hours=i % 5),
        "mixed": (1, "b", 2.5, None, "A", decimal.Decimal("1.50"))[i % 6],
        "plan": ("free", "pro", "team")[i % 3],
    }
    for i in range(120)
]
for _row in MESSY_ROWS[::5]:
    del _row["plan"]  # missing keys: shown blank, sorted last
MESSY_ROWS[7]["extra"] = "not a column"

SEARCHES = ["", "bob", "BOB", "1.23457e+06", "0.3", "true", "2020-02", "03:04", "b", "1.5"]
SEARCHES += ["nan", "none", "pro 20", "é", "free 1", "zz-no-match"]


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tables made inside this fixture see no columnar engine: the Python fallback answers."""
    monkeypatch.setattr(_columnar, "engine", lambda: None)
    yield


def answers(
    source: TableSource, columns: list[str], searches: list[str] = SEARCHES
) -> dict[Any, Any]:
    """Every page a person could reach: each search, unsorted and sorted both ways."""
    import asyncio

    out: dict[Any, Any] = {}
    sorts: list[tuple[str, str] | None] = [None]
    sorts += [(c, d) for c in columns for d in ("asc", "desc")]
    for search in searches:
        for sort in sorts:
            query = TableQuery(offset=0, page_size=10_000, sort=sort, search=search)
            rows, total = asyncio.run(source.page(query))
            out[(search, sort)] = ([k for k, _ in rows], total)
        out[("keys", search)] = source.keys_matching(search)
    return out


def build(data: Any, *, row_key: str | None = None) -> tuple[TableSource, list[str]]:
    source, cols = make_source(data, None, row_key, "select.table")
    return source, [c.name for c in cols]


def both_paths(
    data: Any,
    monkeypatch: pytest.MonkeyPatch,
    *,
    row_key: str | None = None,
    searches: list[str] = SEARCHES,
) -> tuple[TableSource, dict[Any, Any], TableSource, dict[Any, Any]]:
    columnar, names = build(data, row_key=row_key)
    with_engine = answers(columnar, names, searches)
    with monkeypatch.context() as patch:
        patch.setattr(_columnar, "engine", lambda: None)
        fallback, _ = build(data, row_key=row_key)
        without = answers(fallback, names, searches)
    return columnar, with_engine, fallback, without


def assert_same(with_engine: dict[Any, Any], without: dict[Any, Any]) -> None:
    assert with_engine.keys() == without.keys()
    for key in with_engine:
        assert with_engine[key] == without[key], key


def test_list_of_dicts_with_missing_keys_and_mixed_types(monkeypatch: pytest.MonkeyPatch) -> None:
    columnar, with_engine, fallback, without = both_paths(MESSY_ROWS, monkeypatch)
    assert_same(with_engine, without)
    assert isinstance(columnar, ListSource) and isinstance(fallback, ListSource)
    assert columnar.columnar() is not None and columnar._search_text is None
    assert fallback._index is None and fallback._search_text is not None
    # Floats are searched by the text the cell shows, never by their repr.
    assert with_engine[("1.23457e+06", None)][1] == len(MESSY_ROWS[::7])
    assert with_engine[("nan", None)][1] == 0


def test_list_with_row_key_gives_the_same_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{**r, "sku": f"SKU-{(i * 31) % 120:03}"} for i, r in enumerate(MESSY_ROWS)]
    _, with_engine, _, without = both_paths(rows, monkeypatch, row_key="sku")
    assert_same(with_engine, without)
    # Keys are the row_key field's text, whichever path found the rows.
    assert with_engine[("keys", "bob")][:2] == ["SKU-062", "SKU-035"]  # rows 2 and 5


def test_pandas_with_an_index(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.DataFrame(MESSY_ROWS).drop(columns=["extra"])
    frame["seen"] = pd.to_datetime(frame["seen"])
    frame.index = [f"r{i}" for i in range(len(frame))][::-1]
    columnar, with_engine, fallback, without = both_paths(frame, monkeypatch)
    assert_same(with_engine, without)
    assert isinstance(columnar, PandasSource) and isinstance(fallback, PandasSource)
    assert columnar._index is not None and columnar._search_text is None
    assert fallback._index is None
    picked = columnar.rows_for(["3", "1"])
    assert list(picked.index) == [frame.index[1], frame.index[3]]


class Plan(str, enum.Enum):
    """A str subclass: its cells show ``Plan.PRO``, not the ``pro`` polars would keep."""

    FREE = "free"
    PRO = "pro"


def test_pandas_text_columns_are_converted_only_when_they_hold_exact_str(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = pd.DataFrame(
        {
            "plan": [Plan.FREE, Plan.PRO, "pro", None] * 30,  # pandas' str dtype keeps the enums
            "objects": pd.Series(["a", 1, None, 2.5] * 30, dtype=object),
            "text": ["Bob", NAN, "adam", "Zoë"] * 30,
            "strings": pd.Series(["x", None, "Y", "bob"] * 30, dtype="string"),
            "enums": pd.Series([Plan.PRO, Plan.FREE] * 60, dtype=object),
        }
    )
    searches = ["", "plan.", "pro", "plan.pro", "b", "bob", "2.5", "a", "y", "nan", "none"]
    columnar, with_engine, _, without = both_paths(frame, monkeypatch, searches=searches)
    assert_same(with_engine, without)
    assert with_engine[("plan.pro", None)][1] == 30 + 60
    index = columnar._index  # type: ignore[attr-defined]
    assert index is not None
    # Exact str columns (missing values as NaN or NA) are polars text; the others are not.
    converted = {name for name, series in index._values.items() if series is not None}
    assert converted == {"text", "strings"}


def test_text_searched_ignoring_ascii_case_only_where_lowercasing_agrees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # İ lowercases to i + a combining dot and the Kelvin sign to k: an ASCII needle must
    # still find them as the fallback's lowercase text does; é lowercases to no ASCII.
    rows = [
        {
            "ascii": ("Bob", "ADAM", "kim")[i % 3],
            "accents": ("Émile", "ZOË", "Bob")[i % 3],
            "special": ("İstanbul", "\u212aelvin", "Kelvin", None)[i % 4],
        }
        for i in range(24)
    ]
    searches = ["k", "kel", "i", "ist", "i\u0307st", "mile", "ZOË".lower(), "bob", "\u212a"]
    columnar, with_engine, _, without = both_paths(rows, monkeypatch, searches=searches)
    assert_same(with_engine, without)
    assert with_engine[("kel", None)][1] == 12 and with_engine[("i\u0307st", None)][1] == 6
    index = columnar._index  # type: ignore[attr-defined]
    assert index is not None
    assert index._ascii_exact == {"c0": True, "c1": True, "c2": False}


def test_number_lists_are_only_read_by_a_search_they_cannot_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [
        {"id": i, "amount": i / 4, "ok": i % 2 == 0, "gone": None, "name": f"Bob {i}"}
        for i in range(40)
    ]
    source, _ = build(rows)
    assert isinstance(source, ListSource)
    asyncio.run(source.page(TableQuery(0, 10, None, "bob")))
    index = source._index
    assert index is not None
    # Their types are known from the read; nothing but the text became a polars Series.
    assert sorted(index._values) == ["name"]
    assert sorted(index._kinds) == ["amount", "gone", "id", "ok"]
    asyncio.run(source.page(TableQuery(0, 10, None, "1")))  # digits: numbers are searched
    assert sorted(index._values) == ["amount", "id", "name"]
    _, with_engine, _, without = both_paths(rows, monkeypatch, searches=["bob", "1", "true", "2.5"])
    assert_same(with_engine, without)


def test_polars_agrees_with_the_fallback_over_its_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{k: v for k, v in r.items() if k not in ("mixed", "extra")} for r in MESSY_ROWS]
    frame = pl.DataFrame(rows, infer_schema_length=None)
    source, names = build(frame)
    with_engine = answers(source, names)
    with monkeypatch.context() as patch:
        patch.setattr(_columnar, "engine", lambda: None)
        fallback, _ = build(frame.to_dicts())
        without = answers(fallback, names)
    assert_same(with_engine, without)


@pytest.mark.parametrize("engine", [True, False])
def test_missing_values_sort_last_both_ways_and_ties_keep_data_order(
    engine: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not engine:
        monkeypatch.setattr(_columnar, "engine", lambda: None)
    values = [3.0, None, 1.0, NAN, 3.0, 2.0]
    source, _ = build([{"v": v, "n": i} for i, v in enumerate(values)])
    import asyncio

    def keys(direction: str) -> list[str]:
        rows, _ = asyncio.run(source.page(TableQuery(0, 50, ("v", direction))))
        return [k for k, _ in rows]

    assert keys("asc") == ["2", "5", "0", "4", "1", "3"]
    assert keys("desc") == ["0", "4", "5", "2", "1", "3"]
    mixed, _ = build([{"v": v} for v in [2, "b", None, 1.5, "A"]])
    rows, _ = asyncio.run(mixed.page(TableQuery(0, 50, ("v", "asc"))))
    assert [k for k, _ in rows] == ["3", "0", "4", "1", "2"]  # numbers, then text, then missing


async def test_first_page_converts_nothing() -> None:
    from interval_nb import io

    for data in (MESSY_ROWS, pd.DataFrame(MESSY_ROWS)):
        table = await io.select.table("Rows", data=data).prepare()
        assert table.source is not None
        assert table.source.kept_bytes() == 0  # type: ignore[attr-defined]
        assert table.source._index is None  # type: ignore[attr-defined]


async def test_memory_is_held_once() -> None:
    rows = [
        {"id": i, "email": f"user{i}@example.com", "amount": (i * 7919) % 10_000 / 100}
        for i in range(20_000)
    ]
    source, names = build(rows)
    assert isinstance(source, ListSource)
    for search, sort in [("", ("amount", "desc")), ("user12", None), ("user7", ("id", "asc"))]:
        await source.page(TableQuery(0, 20, sort, search))
    index = source._index
    assert index is not None and source._search_text is None  # no Python copy of the text
    # Each column converted once; no per-row text for columns polars can show itself.
    assert sorted(index._values) == sorted(names) and not index._row_text
    frame_size = pl.DataFrame(rows).estimated_size()
    assert source.kept_bytes() <= 1.5 * frame_size


def test_polars_tables_are_read_in_place() -> None:
    frame = pl.DataFrame({"id": list(range(1000)), "name": [f"n{i}" for i in range(1000)]})
    source, _ = build(frame)
    import asyncio

    asyncio.run(source.page(TableQuery(0, 10, ("name", "desc"), "n9")))
    index = source._index  # type: ignore[attr-defined]
    assert index is not None
    # Nothing was made in Python: polars showed every value, and no copy of the text is kept.
    assert not index._row_text and not index._distinct and source._search_text is None


def test_without_the_engine_nothing_columnar_is_made(no_engine: None) -> None:
    source, names = build(MESSY_ROWS)
    answers(source, names[:2])
    assert isinstance(source, ListSource)
    assert source.columnar() is None and source._index is None


def test_lists_search_and_sort_where_neither_polars_nor_numpy_is_installed() -> None:
    """Kernels may lack both (the older test kernels do): the fallback must not import them."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import asyncio, sys
        sys.modules["numpy"] = sys.modules["polars"] = None  # any import of them now fails
        from interval_nb.io.tabular import TableQuery, make_source
        rows = [{"id": i, "name": f"item{i:03}"} for i in range(300)]
        source, _ = make_source(rows, None, None, "select.table")
        page, total = asyncio.run(source.page(TableQuery(0, 3, ("name", "desc"), "item29")))
        print(total, [key for key, _ in page])
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "10 ['299', '298', '297']"
