"""The extension is enabled on install and configurable as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from traitlets import TraitType

import interval_nb
from interval_nb.server import IntervalNB

ROOT = Path(__file__).resolve().parent.parent.parent


def test_pip_install_enables_the_server_extension() -> None:
    config = json.loads(
        (ROOT / "jupyter-config" / "server-config" / "interval_nb.json").read_text()
    )
    assert config == {"ServerApp": {"jpserver_extensions": {"interval_nb": True}}}
    tomllib = pytest.importorskip("tomllib")  # Python ≥ 3.11
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shared = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert shared["jupyter-config/server-config"] == "etc/jupyter/jupyter_server_config.d"
    [point] = interval_nb._jupyter_server_extension_points()
    assert point["app"] is IntervalNB and IntervalNB.name == "interval_nb"


def test_every_setting_is_documented() -> None:
    own = IntervalNB.class_own_traits(config=True)
    assert {
        "actions",
        "entry_points",
        "kernel_name",
        "kernels",
        "store_path",
        "retention_days",
    } <= set(own)
    docs = (ROOT / "docs" / "server.md").read_text()
    for name, trait in own.items():
        assert isinstance(trait, TraitType) and trait.help, name
        assert f"`{name}`" in docs, f"docs/server.md does not describe c.IntervalNB.{name}"
