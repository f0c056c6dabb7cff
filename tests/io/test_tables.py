"""Tables page, sort and filter in the kernel, for every kind of data, and refuse bad input."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pandas as pd
import polars as pl
import pytest

import interval_nb as inb
from interval_nb import ActionDefinitionError, io
from interval_nb.io.components import InvalidAnswer
from interval_nb.io.tabular import TableQuery, format_value
from interval_nb.testing import start

ROWS = [{"id": i, "name": f"user{i:03}", "amount": (i * 7) % 100 + 0.5} for i in range(250)]


def frames() -> dict[str, Any]:
    return {"list": ROWS, "pandas": pd.DataFrame(ROWS), "polars": pl.DataFrame(ROWS)}


@pytest.mark.parametrize("kind", ["list", "pandas", "polars"])
async def test_paging_sorting_filtering_agree_across_sources(kind: str) -> None:
    table = await io.select.table("Users", data=frames()[kind], page_size=10).prepare()
    assert table.props["initial"]["total"] == 250
    assert [r["key"] for r in table.props["initial"]["rows"]] == [str(i) for i in range(10)]
    amount = table.columns[2].key
    rows, total = await table.query(
        table.parse_query(
            {
                "offset": 0,
                "page_size": 3,
                "sort": {"column": amount, "direction": "desc"},
                "search": "user1",
            }
        )
    )
    matching = [r for r in ROWS if "user1" in r["name"]]
    expected = sorted(matching, key=lambda r: -r["amount"])[:3]
    assert total == len(matching)
    assert [r["cells"][2]["text"] for r in rows] == [format_value(r["amount"]) for r in expected]
    page3, _ = await table.query(TableQuery(offset=20, page_size=10))
    assert [r["key"] for r in page3] == [str(i) for i in range(20, 30)]


@pytest.mark.parametrize("kind", ["list", "pandas", "polars"])
async def test_selection_returns_the_authors_rows(kind: str) -> None:
    data = frames()[kind]
    table = await io.select.table("Users", data=data, max_selections=2).prepare()
    picked = table.parse(["7", "3"])  # data order, whatever the order of clicks
    if kind == "list":
        assert picked == [ROWS[3], ROWS[7]]
    elif kind == "pandas":
        assert picked.equals(data.iloc[[3, 7]])
    else:
        assert picked.equals(data[[3, 7]])
    with pytest.raises(InvalidAnswer, match="at most 2"):
        table.parse(["1", "2", "3"])
    with pytest.raises(InvalidAnswer, match="not in this table"):
        table.parse(["999"])
    with pytest.raises(InvalidAnswer, match="once"):
        table.parse(["1", "1"])


async def test_select_all_matching_with_exceptions_and_row_key() -> None:
    table = await io.select.table("Users", data=ROWS, row_key="name").prepare()
    assert table.props["initial"]["rows"][0]["key"] == "user000"
    picked = table.parse({"all_matching": "user01", "except": ["user010"]})
    assert [r["name"] for r in picked] == [f"user01{i}" for i in range(1, 10)]


async def test_bad_queries_are_refused_clearly() -> None:
    table = await io.display.table("Users", data=ROWS).prepare()
    for message, error in [
        ({"page_size": 10**9}, "page_size must be between 1 and 500"),
        ({"offset": -1}, "offset"),
        ({"sort": {"column": "zzz", "direction": "asc"}}, "cannot sort by 'zzz'"),
        ({"sort": {"column": "c0", "direction": "sideways"}}, "direction"),
        ({"search": 5}, "search"),
    ]:
        with pytest.raises(ValueError, match=error):
            table.parse_query(message)


async def test_columns_format_links_images_and_menus() -> None:
    table = await io.display.table(
        "Orders",
        data=[
            {
                "id": 1,
                "total": 1234.5,
                "when": dt.date(2026, 1, 2),
                "share": 0.25,
                "url": "https://x.org/1",
            }
        ],
        columns=[
            {"label": "Order", "accessor": "id", "url": "url"},
            {"label": "Total", "accessor": "total", "format": "currency", "currency": "EUR"},
            {"label": "Day", "accessor": "when"},
            {"label": "Share", "accessor": "share", "format": "percent"},
            {
                "label": "Badge",
                "accessor": lambda r: "big" if r["total"] > 1000 else "",
                "image": lambda r: "https://x.org/b.png",
            },
        ],
        row_menu_items=lambda r: [{"label": "Open", "url": r["url"]}],
    ).prepare()
    row = table.props["initial"]["rows"][0]
    assert [c["text"] for c in row["cells"]] == ["1", "€1,234.50", "2026-01-02", "25.0%", "big"]
    assert row["cells"][0]["url"] == "https://x.org/1" and row["cells"][4]["image"].endswith(
        "b.png"
    )
    assert row["menu"] == [{"label": "Open", "url": "https://x.org/1"}]
    assert [c["sortable"] for c in table.props["columns"]] == [True, True, True, True, False]


def test_definition_errors() -> None:
    with pytest.raises(ActionDefinitionError, match="list of dicts, a pandas/polars DataFrame"):
        io.select.table("x", data="nope")
    with pytest.raises(ActionDefinitionError, match="page_size"):
        io.select.table("x", data=ROWS, page_size=0)
    with pytest.raises(ActionDefinitionError, match="not unique"):
        io.select.table("x", data=[{"k": 1}, {"k": 1}], row_key="k")

    async def get_data(query: TableQuery) -> tuple[list[dict[str, Any]], int]:
        return [], 0

    with pytest.raises(ActionDefinitionError, match="row_key"):
        io.select.table("x", data=get_data, columns=["id"])


actions = inb.Actions()


async def _database(query: TableQuery) -> tuple[list[dict[str, Any]], int]:
    rows = [r for r in ROWS if query.search in r["name"]]
    if query.sort:
        rows.sort(key=lambda r: r[query.sort[0]], reverse=query.sort[1] == "desc")
    if query.search == "boom":
        raise RuntimeError("database is down")
    if query.search == "slow":
        await asyncio.sleep(10)
    return rows[query.offset : query.offset + query.page_size], len(rows)


@actions.action
async def from_database(io, ctx):
    return await io.select.table(
        "Users", data=_database, columns=["id", "name"], row_key="id", page_size=5
    ).with_choices(["Export"])


async def test_callback_tables_page_through_the_authors_database() -> None:
    async with start(from_database) as run:
        await run.next_prompt()
        rows, total = await run.query(0, offset=5, page_size=5, sort=("name", "desc"))
        assert total == 250 and rows[0]["cells"][1]["text"] == "user244"
        with pytest.raises(ValueError, match="database is down"):
            await run.query(0, search="boom")
        assert run.status == "awaiting_input"  # the run survives a failing callback
        await run.answer(["244"], choice="Export")
        result = await run.result()
    assert result.choice == "Export" and result.value == [ROWS[244]]
