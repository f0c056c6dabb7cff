"""Fixtures of the compat suite; the real-kernel fixtures come from ``tests/kernel``."""

from __future__ import annotations

import pytest

from interval_nb.compat import Interval

from ..kernel.conftest import fe, kernel_id, module_frontend

__all__ = ["compat_interval", "fe", "kernel_id", "module_frontend"]


@pytest.fixture
def compat_interval() -> Interval:
    """A fresh ``Interval`` for actions defined inside a test."""
    return Interval("test_key", log_level="info")
