"""The quickstart rendered by Voilà: a person runs an action from the launcher, fixes a
validation error and submits with a custom choice — no code, no cells."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .servers import Server, start_voila

pytestmark = pytest.mark.browser


@pytest.fixture
def voila(tmp_path: Path) -> Iterator[Server]:
    server = start_voila(tmp_path, "quickstart.ipynb")
    try:
        yield server
    finally:
        server.stop()


def test_launcher_onboarding_with_validation(
    voila: Server, page: Page, artefacts: Path, console_errors: Any
) -> None:
    page.set_viewport_size({"width": 1100, "height": 1000})
    page.goto(f"{voila.url}/?token={voila.token}")
    card = page.locator(".inb-launcher-card[data-slug='onboard_employee']")
    expect(card).to_be_visible(timeout=60_000)
    expect(card).to_contain_text("Onboard employee")
    card.get_by_role("button", name="Run").click()

    view = page.locator(".inb-launcher-host .inb-rv").first
    expect(view.get_by_label("Full name")).to_be_visible(timeout=20_000)
    view.get_by_label("Full name").fill("Grace Hopper")
    view.get_by_label("Work email").fill("grace@navy.mil")
    view.get_by_label("Start date").fill("2026-12-01")
    view.get_by_label("Ops").check()
    view.get_by_label("Needs a laptop").check()
    view.get_by_role("button", name="Create account").click()

    expect(view).to_contain_text("Use an @example.com address")
    expect(view.get_by_label("Full name")).to_have_value("Grace Hopper")  # nothing typed is lost
    expect(view.get_by_label("Start date")).to_have_value("2026-12-01")
    page.screenshot(path=str(artefacts / "voila-1-validation.png"), full_page=True)

    view.get_by_label("Work email").fill("grace@example.com")
    view.get_by_role("button", name="Save as draft").click()
    result = view.locator(".inb-rv-result")
    expect(result).to_be_visible(timeout=20_000)
    expect(result).to_contain_text("draft")
    expect(result).to_contain_text("grace@example.com")
    expect(view).to_contain_text("Summary")  # the metadata display stays in the transcript
    page.screenshot(path=str(artefacts / "voila-2-result.png"), full_page=True)
    assert console_errors == []
