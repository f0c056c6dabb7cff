"""The examples in the quickstart notebook and README run as written (headless)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "notebooks" / "quickstart.ipynb"
TABLES = ROOT / "notebooks" / "tables-and-files.ipynb"
NOTEBOOK_ONLY = (".start()", "actions.show()", "inb.runs()")


def _definitions(path: Path) -> dict[str, Any]:
    """Execute the notebook's code without the lines that show widgets (``start()`` …)."""
    namespace: dict[str, Any] = {}
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines = [
                ln for ln in cell.source.splitlines() if not any(m in ln for m in NOTEBOOK_ONLY)
            ]
            exec(compile("\n".join(lines), str(path), "exec"), namespace)
    return namespace


def _fenced_python(markdown: str) -> str:
    match = re.search(r"```python\n(.*?)```", markdown, re.S)
    assert match, "no python example found"
    return match.group(1)


def _testing_example(nb: Any) -> str:
    """The notebook's example of testing an action (a markdown cell using interval_nb.testing)."""
    [cell] = [
        c
        for c in nb.cells
        if c.cell_type == "markdown" and "from interval_nb.testing import" in c.source
    ]
    return _fenced_python(cell.source)


async def test_quickstart_testing_example_passes() -> None:
    namespace = _definitions(QUICKSTART)
    nb = nbformat.read(QUICKSTART, as_version=4)
    example = _testing_example(nb)
    body = "async def _example():\n" + textwrap.indent(example, "    ")
    exec(compile(body, "quickstart example", "exec"), namespace)
    await namespace["_example"]()


async def test_quickstart_onboarding_validates_email_domain() -> None:
    from interval_nb.testing import start

    namespace = _definitions(QUICKSTART)
    async with start(namespace["onboard_employee"]) as run:
        await run.next_prompt()
        answer = {
            "name": "Grace Hopper",
            "email": "grace@navy.mil",
            "start": "2026-12-01",
            "team": "Data",
            "laptop": True,
        }
        await run.answer(answer, choice="Create account")
        again = await run.next_prompt()
        assert again.errors[1] == "Use an @example.com address"
        await run.answer({**answer, "email": "grace@example.com"}, choice="draft")
        result = await run.result()
    assert result["choice"] == "draft" and result["email"] == "grace@example.com"


async def test_tables_notebook_examples() -> None:
    from interval_nb.testing import start

    namespace = _definitions(TABLES)
    nb = nbformat.read(TABLES, as_version=4)
    example = _testing_example(nb)
    exec(
        compile("async def _example():\n" + textwrap.indent(example, "    "), "example", "exec"),
        namespace,
    )
    await namespace["_example"]()

    async with start(namespace["browse_database"]) as run:  # the SQLite-backed table
        await run.next_prompt()
        rows, total = await run.query(0, search="refunded", sort=("amount", "desc"), page_size=3)
        assert total == int((namespace["orders"].status == "refunded").sum())
        amounts = [float(r["cells"][2]["text"].lstrip("$").replace(",", "")) for r in rows]
        assert amounts == sorted(amounts, reverse=True)
        await run.answer([rows[0]["key"]])
        await run.result()

    async with start(namespace["import_prices"]) as run:
        await run.next_prompt()
        await run.answer(("prices.csv", b"sku,price\nA,1\nB,2\n"))
        await run.next_prompt()
        await run.answer("<p>New <b>prices</b><script>x()</script></p>")
        assert await run.result() == {"rows": 2, "columns": ["sku", "price"]}
        assert run.transcript[-1]["components"][0]["props"]["html"] == "<p>New <b>prices</b></p>"

    async with start(namespace["revenue_report"]) as run:
        await run.next_prompt()  # the confirm, after the grid and the figure
        kinds = [e["components"][0]["kind"] for e in run.transcript]
        assert kinds == ["display.grid", "display.image"]
        await run.answer(True)
        await run.result()
    assert run.redirect_to[0] is namespace["refund_orders"]
