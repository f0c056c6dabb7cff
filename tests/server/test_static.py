"""What the server extension serves besides the API: the page-side renderer, its history file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from interval_nb.server import IntervalNB

STATIC = Path(__file__).resolve().parents[2] / "interval_nb" / "static"


@pytest.mark.parametrize("name", ["runview.js", "runview.css"])
async def test_the_run_renderer_is_served_under_base_url(jp_fetch: Any, name: str) -> None:
    """JupyterLab run tabs import the notebook's own renderer from {base_url}static/interval_nb/."""
    response = await jp_fetch("static", "interval_nb", name)
    assert response.code == 200
    assert response.body == (STATIC / name).read_bytes()
    assert "no-cache" in response.headers.get("Cache-Control", "")  # always the installed one


def test_the_history_defaults_to_the_file_notebook_kernels_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "team-runs.sqlite"
    monkeypatch.setenv("INTERVAL_NB_STORE", str(store))
    assert IntervalNB().store_path == str(store)
    monkeypatch.setenv("INTERVAL_NB_STORE", "off")  # kernels off; the server still keeps one
    assert IntervalNB().store_path.endswith("runs.sqlite")
