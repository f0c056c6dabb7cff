"""The migration notebook runs as written and maps every name interval_nb.compat provides."""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path
from typing import Any

import nbformat

import interval_nb.compat as compat

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "migrating-from-interval.ipynb"
README = ROOT / "README.md"
NOTEBOOK_ONLY = (".listen()", ".start()")


def _cells(kind: str) -> list[str]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == kind]


def _definitions() -> dict[str, Any]:
    """The notebook's code without the lines that show widgets."""
    namespace: dict[str, Any] = {}
    for source in _cells("code"):
        lines = [ln for ln in source.splitlines() if not any(m in ln for m in NOTEBOOK_ONLY)]
        exec(compile("\n".join(lines), str(NOTEBOOK), "exec"), namespace)
    return namespace


async def test_the_notebook_testing_example_passes() -> None:
    namespace = _definitions()
    example = re.search(r"```python\n(.*?)```", _cells("markdown")[-1], re.S)
    assert example, "the last cell has no python example"
    body = "async def _example():\n" + textwrap.indent(example.group(1), "    ")
    exec(compile(body, "migration example", "exec"), namespace)
    await namespace["_example"]()


async def test_the_notebook_actions_run() -> None:
    from interval_nb.testing import start

    interval = _definitions()["interval"]
    assert [a.slug for a in interval] == ["add_two_numbers", "refund_customer", "whoami"]
    async with start(interval.get("whoami"), user="grace") as run:
        assert await run.result() == {"email": "grace", "environment": "development"}
    async with start(interval.get("refund_customer")) as run:
        await run.next_prompt()
        await run.answer("bob@example.com")
        await run.next_prompt()
        await run.answer(["0"])
        await run.next_prompt()
        await run.answer({"reason": "requested"}, choice="cancel")
        assert await run.result() == {"refunded": 0}


def test_every_compat_name_and_io_method_is_mapped() -> None:
    text = "\n".join(_cells("markdown"))
    missing = [name for name in compat.__all__ if f"`{name}`" not in text and name not in text]
    assert missing == [], f"names the migration notebook does not map: {missing}"
    io_section = text.split("### `io` methods")[1].split("### Modifiers")[0]
    methods = [
        name
        for holder in (compat.IO, compat.IO.Input, compat.IO.Select, compat.IO.Display)
        for name, _ in inspect.getmembers(holder, inspect.isfunction)
        if not name.startswith("_")
    ]
    unmapped = [m for m in methods if not re.search(rf"\b{m}\b", io_section)]
    assert unmapped == [], f"io methods missing from the notebook: {unmapped}"
    ctx_section = text.split("### `ctx`")[1]
    members = ["user", "params", "environment", "organization", "action", "loading", "log"]
    assert all(f"ctx.{m}" in ctx_section for m in [*members, "notify", "redirect"])


def test_readme_has_a_migration_section_pointing_at_the_notebook() -> None:
    readme = README.read_text()
    section = readme.split("## Migrating from Interval")[1].split("\n## ")[0]
    assert "from interval_nb.compat import" in section
    assert "notebooks/migrating-from-interval.ipynb" in section
    assert "NotImplementedError" in section
