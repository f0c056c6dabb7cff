"""The public surface is exactly what ``__all__`` says."""

from __future__ import annotations

import interval_nb


def test_all_is_the_public_surface() -> None:
    public = {name for name in dir(interval_nb) if not name.startswith("_")} - {
        # submodules, importable but not re-exported names
        "actions",
        "channels",
        "compat",
        "cron",
        "errors",
        "io",
        "kernel_extension",
        "principals",
        "protocol",
        "server",
        "store",
        "runtime",
        "testing",
        "annotations",
    }
    exported = set(interval_nb.__all__) - {"__version__", "io"}
    assert exported == public
    assert len(set(interval_nb.__all__)) == len(interval_nb.__all__)
    assert all(hasattr(interval_nb, name) for name in interval_nb.__all__)
