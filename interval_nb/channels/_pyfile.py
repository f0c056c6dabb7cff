"""Action registries given as Python files: ``"tools/support.py"`` or ``"tools/support.py:actions"``.

A registry path names a file when the part before the optional ``:attribute`` ends in ``.py``
or contains a path separator. The file is resolved against the working directory (the actions
kernel's is the server's ``root_dir``) after ``~`` expansion, and imported like a top-level
module named after its stem: its directory goes first on ``sys.path`` (so it imports its
siblings) and the module into ``sys.modules``. Loading the same file again in the same process
returns the module already imported, as ``import`` would; a fresh kernel imports it afresh.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path
from types import ModuleType

_ATTRIBUTE = re.compile(r"\s*([A-Za-z_]\w*(\.[A-Za-z_]\w*)*)?\s*")


def split_file_path(path: str) -> tuple[str, str]:
    """``"dir/tools.py:attr"`` → ``("dir/tools.py", "attr")``; the attribute may be empty.

    Only a last ``:`` followed by a dotted name separates an attribute, so a Windows drive
    (``C:\\tools\\x.py``) stays part of the file name.
    """
    head, sep, tail = path.rpartition(":")
    if sep and head and _ATTRIBUTE.fullmatch(tail):
        return head.strip(), tail.strip()
    return path.strip(), ""


def is_file_path(path: str) -> bool:
    """Whether a registry path names a Python file rather than ``package.module:attribute``."""
    file_part, _attribute = split_file_path(path)
    separators = {"/", os.sep, os.altsep or "/"}
    return file_part.endswith(".py") or any(s in file_part for s in separators)


def load_file(path: str) -> ModuleType:
    """Import the Python file ``path`` names (see the module docstring) and return the module."""
    file = Path(path).expanduser()
    if not file.is_absolute():
        file = Path.cwd() / file
    file = Path(os.path.normpath(file))
    if not file.is_file():
        where = "" if Path(path).expanduser().is_absolute() else f" (relative to {Path.cwd()})"
        raise FileNotFoundError(f"no such registry file: {file}{where}")
    name = file.stem
    loaded = sys.modules.get(name)
    if loaded is not None:
        origin = getattr(loaded, "__file__", None)
        if origin is not None and Path(origin).resolve() == file.resolve():
            return loaded
        raise ImportError(
            f"cannot load {file} as module {name!r}: a module of that name is already "
            f"imported from {origin or 'a built-in'}; rename the file"
        )
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {file} as a Python module")
    folder = str(file.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module
