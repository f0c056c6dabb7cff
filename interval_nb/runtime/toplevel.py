"""Guard for ``await action.start()`` typed directly in a notebook cell.

Awaiting user input at the top level of a cell deadlocks ipykernel < 7.4 (the comm carrying
the answer waits behind the awaiting cell; docs/architecture.md), so refuse it there with advice instead
of hanging. Everywhere else (inside another action, a test, a script) awaiting a run is fine.
"""

from __future__ import annotations

import sys

from ..errors import TopLevelAwaitUnsupported

MIN_IPYKERNEL = (7, 4)


def _ipykernel_version() -> tuple[int, ...] | None:
    module = sys.modules.get("ipykernel")
    if module is None:
        return None
    parts = []
    for piece in str(getattr(module, "__version__", "0")).split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def _in_cell_top_level() -> bool:
    """Whether the current coroutine chain was entered from IPython's ``run_cell_async``."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "run_cell_async" and "IPython" in frame.f_code.co_filename:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def check_top_level_await() -> None:
    """Raise :class:`TopLevelAwaitUnsupported` when awaiting would deadlock this kernel."""
    version = _ipykernel_version()
    if version is None or version >= MIN_IPYKERNEL or not _in_cell_top_level():
        return
    found = ".".join(map(str, version))
    raise TopLevelAwaitUnsupported(
        f"`await my_action.start()` in a cell needs ipykernel >= 7.4 (this kernel runs {found}): "
        "on older kernels the cell would wait forever for answers it cannot receive. Drop the "
        "`await`: `run = my_action.start()` shows the run and returns at once; read its value "
        "later with `run.result_value`, or upgrade ipykernel."
    )
