"""An action written for interval-sdk (only the import changed) served through the REST API."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from .helpers import Api
from .test_api import answer, start

pytestmark = pytest.mark.kernel

SDK_ACTIONS = Path(__file__).resolve().parents[1] / "compat" / "sdk_actions.py"


@pytest.fixture
def interval_config(jp_root_dir: Path) -> dict[str, Any]:
    shutil.copy(SDK_ACTIONS, Path(jp_root_dir) / "inb_sdk_actions.py")
    return {"actions": ["inb_sdk_actions:interval"]}


async def test_an_interval_sdk_action_runs_through_the_api(api: Api) -> None:
    status, listing = await api("GET", "actions")
    assert status == 200 and listing["errors"] == []
    assert "add_two_numbers" in [a["slug"] for a in listing["actions"]]

    run = await start(api, "add_two_numbers")
    assert run["prompt"]["components"][0]["label"] == "First number"
    status, body = await answer(api, run, [2])
    assert status == 200, body
    run = body["run"]
    assert run["prompt"]["components"][0]["props"]["min"] == 3  # min=a + 1, computed by the action
    status, body = await answer(api, run, [1])
    assert status == 422  # below min: the run keeps waiting
    status, body = await answer(api, run, [5])
    assert status == 200 and body["run"]["status"] == "completed"
    assert body["run"]["result"] == {"sum": 7}
