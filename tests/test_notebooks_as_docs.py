"""The examples in the quickstart notebook and README run as written (headless)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "notebooks" / "quickstart.ipynb"
NOTEBOOK_ONLY = ("start()", "actions.show()", "inb.runs()")


def _definitions(path: Path) -> dict[str, Any]:
    """Execute the notebook's code cells that define things (not the ones that show widgets)."""
    namespace: dict[str, Any] = {}
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and not any(marker in cell.source for marker in NOTEBOOK_ONLY):
            exec(compile(cell.source, str(path), "exec"), namespace)
    return namespace


def _fenced_python(markdown: str) -> str:
    match = re.search(r"```python\n(.*?)```", markdown, re.S)
    assert match, "no python example found"
    return match.group(1)


async def test_quickstart_testing_example_passes() -> None:
    namespace = _definitions(QUICKSTART)
    nb = nbformat.read(QUICKSTART, as_version=4)
    example = _fenced_python(nb.cells[-1].source)
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
