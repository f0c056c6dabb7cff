"""The page assets: anywidget CSS is global, so every selector must carry our prefix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "interval_nb" / "static"


def selectors(css: str) -> list[str]:
    """Every selector of every rule, outside @keyframes bodies."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@keyframes[^{]*\{(?:[^{}]*\{[^}]*\})*[^}]*\}", "", css)
    found = []
    for head in re.findall(r"([^{}]+)\{", css):
        head = head.strip()
        if head.startswith("@"):
            continue  # @media / @supports wrappers: their inner rules are checked themselves
        found += [s.strip() for s in head.split(",") if s.strip()]
    return found


@pytest.mark.parametrize("name", ["runview.css", "launcher.css", "inbox.css"])
def test_every_selector_is_scoped(name: str) -> None:
    found = selectors((STATIC / name).read_text())
    assert len(found) > 20
    unscoped = [s for s in found if not s.startswith(".inb-")]
    assert unscoped == [], f"selectors that would style the whole page: {unscoped[:10]}"


@pytest.mark.parametrize("name", ["runview.js", "launcher.js", "inbox.js"])
def test_modules_load_nothing_from_the_network(name: str) -> None:
    source = (STATIC / name).read_text()
    assert not re.search(r"^\s*import\s", source, re.M), (
        "no imports: anywidget loads the module as-is"
    )
    assert "http://" not in source and "cdn" not in source.lower()
