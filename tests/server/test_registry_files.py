"""Action registries given as Python files, in-process and in a real actions kernel."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interval_nb.channels._pyfile import is_file_path, load_file, split_file_path
from interval_nb.channels.remote import Catalog, resolve

from .helpers import Api

TOOLS = """
import interval_nb as inb
from tool_helpers import shout_text  # a sibling module in the same folder

actions = inb.Actions()
more = inb.Actions()


@actions.action
async def shout(io, ctx):
    return shout_text(await io.input.text("Say"))


@more.action
async def whisper(io, ctx):
    return "psst"
"""

HELPERS = """
def shout_text(text):
    return text.upper() + "!"
"""


def write_tools(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "support_tools.py").write_text(TOOLS)
    (folder / "tool_helpers.py").write_text(HELPERS)
    (folder / "broken_tools.py").write_text("actions = [\n")


@pytest.fixture
def clean_imports() -> Iterator[None]:
    """The modules and sys.path entries a test's file registries add are removed after it."""
    modules, path = set(sys.modules), list(sys.path)
    yield
    for name in set(sys.modules) - modules:
        del sys.modules[name]
    sys.path[:] = path


def test_which_registry_paths_are_files() -> None:
    assert split_file_path("tools/x.py:actions") == ("tools/x.py", "actions")
    assert split_file_path("tools/x.py:reg.more") == ("tools/x.py", "reg.more")
    assert split_file_path("x.py") == ("x.py", "")
    assert split_file_path("x.py:") == ("x.py", "")
    assert split_file_path("C:\\tools\\x.py") == ("C:\\tools\\x.py", "")
    assert is_file_path("x.py") and is_file_path("tools/x.py:more") and is_file_path("~/t/x")
    assert not is_file_path("package.module:actions") and not is_file_path("package.module")


def test_a_file_registry_is_imported_with_its_siblings(
    clean_imports: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tools(tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    actions = resolve("examples/support_tools.py")
    assert [a.slug for a in actions] == ["shout"]
    module = sys.modules["support_tools"]
    assert sys.path[0] == str(tmp_path / "examples")
    assert [a.slug for a in resolve("examples/support_tools.py:more")] == ["whisper"]
    assert sys.modules["support_tools"] is module  # loaded once, like an import

    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve("~/examples/support_tools.py:actions") is actions
    del sys.modules["support_tools"]  # as in a fresh kernel: imported afresh
    again = resolve(str(tmp_path / "examples" / "support_tools.py"))
    assert again is not actions and [a.slug for a in again] == ["shout"]


def test_file_registry_errors_are_reported_in_the_catalog(
    clean_imports: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tools(tmp_path / "examples")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "support_tools.py").write_text("actions = []\n")
    monkeypatch.chdir(tmp_path)
    catalog = Catalog.load(
        [
            "examples/support_tools.py",
            "examples/missing.py",
            "examples/broken_tools.py",
            "examples/support_tools.py:nothing",
            "elsewhere/support_tools.py",
        ],
        entry_points=False,
    )
    assert list(catalog.actions) == ["shout"]
    errors = {e["registry"]: e["message"] for e in catalog.errors}
    assert errors["examples/missing.py"] == (
        f"FileNotFoundError: no such registry file: {tmp_path}/examples/missing.py "
        f"(relative to {tmp_path})"
    )
    assert errors["examples/broken_tools.py"].startswith("SyntaxError: ")
    assert "broken_tools.py, line 1" in errors["examples/broken_tools.py"]
    assert "broken_tools" not in sys.modules  # a fixed file loads on the next try
    assert "has no attribute 'nothing'" in errors["examples/support_tools.py:nothing"]
    assert "already imported from" in errors["elsewhere/support_tools.py"]
    assert "rename the file" in errors["elsewhere/support_tools.py"]
    with pytest.raises(FileNotFoundError):
        load_file(str(tmp_path / "nowhere.py"))


@pytest.mark.kernel
@pytest.mark.parametrize(
    "interval_config",
    [
        {
            "actions": [
                "examples/support_tools.py",
                "examples/support_tools.py:more",
                "examples/missing.py",
                "examples/broken_tools.py:actions",
            ],
            "kernels": "per_run",
        }
    ],
)
async def test_the_server_serves_file_registries_in_fresh_kernels(
    api: Api, jp_root_dir: Path, kernel_ids: Any
) -> None:
    write_tools(Path(jp_root_dir) / "examples")
    status, listing = await api("GET", "actions")
    assert status == 200
    assert [(a["slug"], a["registry"]) for a in listing["actions"]] == [
        ("shout", "examples/support_tools.py"),
        ("whisper", "examples/support_tools.py:more"),
    ]
    errors = {e["registry"]: e["message"] for e in listing["errors"]}
    assert set(errors) == {"examples/missing.py", "examples/broken_tools.py:actions"}
    assert errors["examples/missing.py"].startswith("FileNotFoundError: no such registry file")
    assert errors["examples/broken_tools.py:actions"].startswith("SyntaxError")

    for word in ("hey", "you"):  # each run in a kernel of its own, loading the file again
        status, body = await api("POST", "actions", "shout", "runs", body={"params": {}})
        assert status == 201, body
        run = body["run"]
        status, body = await api(
            "POST",
            "runs",
            run["id"],
            "answer",
            body={"prompt_id": run["prompt"]["id"], "values": [word]},
        )
        assert body["run"]["result"] == f"{word.upper()}!"
