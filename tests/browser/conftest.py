"""Browser fixtures: Debian's Chromium driven by pytest-playwright, screenshots kept as artefacts."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from .lab import answer_known_dialogs

CHROMIUM = "/usr/bin/chromium"
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium, skip browser tests locally; under CI a missing browser is a failure."""
    if os.path.exists(CHROMIUM) or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found (apt-get install chromium)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (never a downloaded one) with the flags this sandbox needs."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS}


@pytest.fixture(scope="session")
def artefacts() -> Path:
    """Where screenshots go (kept after the run for people to look at)."""
    shutil.rmtree(ARTEFACTS, ignore_errors=True)
    ARTEFACTS.mkdir(parents=True)
    return ARTEFACTS


@pytest.fixture
def page(page: Page) -> Page:
    """pytest-playwright's page, with JupyterLab's known late dialogs answered (see ``lab.py``)."""
    answer_known_dialogs(page)
    return page


@pytest.fixture
def console_errors(page: Any) -> Iterator[list[str]]:
    """Errors logged in the page console during the test (offline CDN fonts excluded)."""
    errors: list[str] = []

    def record(msg: Any) -> None:
        if msg.type == "error" and "ERR_NAME_NOT_RESOLVED" not in msg.text:
            errors.append(msg.text)

    page.on("console", record)
    yield errors


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Browser contexts opened by the test (one per person), closed after it."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()
