"""What a person reads of an answer in the journal: picked rows and options by name, not position."""

from __future__ import annotations

from typing import Any

import pandas as pd
import polars as pl
import pytest

import interval_nb as inb
from interval_nb.io.components import MAX_NAMED_PICKS, picked_text
from interval_nb.testing import start

CHARGES = [
    {"id": f"ch_{i}", "description": f"Charge number {i} " + "x" * 60, "amount": i * 10}
    for i in range(30)
]


def answered(journal: list[dict[str, Any]]) -> list[Any]:
    """The ``values`` of every accepted answer, in order."""
    return [event["values"] for event in journal if event["event"] == "answered"]


def table_action(data: Any, **kwargs: Any) -> inb.Action:
    actions = inb.Actions()

    @actions.action
    async def refund(io: Any, ctx: Any) -> Any:
        return await io.select.table("Charges to refund", data=data, **kwargs)

    return refund


async def pick(action: inb.Action, keys: Any) -> Any:
    async with start(action) as run:
        await run.next_prompt()
        await run.answer(keys)
        await run.result()
        return answered(run.journal)[0][0]


async def test_picked_rows_are_named_by_row_key() -> None:
    shown = await pick(table_action(CHARGES, row_key="id"), ["ch_1", "ch_3", "ch_20", "ch_24"])
    assert shown == "ch_1, ch_3, ch_20, ch_24 (4 rows)"


@pytest.mark.parametrize("kind", ["dicts", "pandas", "polars"])
async def test_without_row_key_rows_are_named_by_their_first_column(kind: str) -> None:
    rows = [{"description": c["description"], "amount": c["amount"]} for c in CHARGES]
    data: Any = {"dicts": rows, "pandas": pd.DataFrame(rows), "polars": pl.DataFrame(rows)}[kind]
    shown = await pick(table_action(data), ["3", "1"])
    first = "Charge number 1 " + "x" * 23 + "…"  # cut to 40 characters
    assert shown == f"{first}, {first.replace('1', '3', 1)} (2 rows)"
    assert "1, 3" not in shown


async def test_select_all_matching_names_a_few_and_counts_the_rest() -> None:
    shown = await pick(
        table_action(CHARGES, row_key="id"), {"all_matching": "charge", "except": ["ch_0"]}
    )
    names = ", ".join(f"ch_{i}" for i in range(1, MAX_NAMED_PICKS + 1))
    assert shown == f"{names} and 19 more (29 rows)"


def test_picked_text_counts_one_row_and_none() -> None:
    assert picked_text(["ch_1"], 1) == "ch_1 (1 row)"
    assert picked_text([], 0) == "0 rows"


actions = inb.Actions()


@actions.action
async def options_and_search(io: Any, ctx: Any) -> Any:
    people = [{"label": "Ada Lovelace", "value": 1}, {"label": "Grace Hopper", "value": 2}]
    return await io.group(
        io.select.single("Owner", options=people),
        io.select.multiple("Reviewers", options=people),
        io.search(
            "Customer",
            on_search=lambda q: [{"email": "ada@example.com"}],
            render_result=lambda r: {"label": r["email"]},
        ),
    )


async def test_options_and_search_results_are_named_by_their_labels() -> None:
    async with start(options_and_search) as run:
        prompt = await run.next_prompt()
        found = await run.search(2, "ada")
        assert prompt.components[0].label == "Owner"
        await run.answer([1, [2, 1], found[0]["key"]])
        await run.result()
        assert answered(run.journal) == [
            ["Ada Lovelace", ["Grace Hopper", "Ada Lovelace"], "ada@example.com"]
        ]
