"""Displays render safely in the kernel and resolve lazy values before they are shown."""

from __future__ import annotations

import asyncio

import pytest

from interval_nb import ActionDefinitionError, io

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_markdown_escapes_html_and_unsafe_links() -> None:
    html = io.display.markdown("**hi** <script>alert(1)</script> [x](javascript:alert(1))").props[
        "html"
    ]
    assert "<strong>hi</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_image_bytes_and_url() -> None:
    img = io.display.image("Chart", bytes=PNG)
    assert img.props["url"].startswith("data:image/png;base64,")
    assert img.props["alt"] == "Chart"
    with pytest.raises(ActionDefinitionError, match="exactly one"):
        io.display.image("x")
    with pytest.raises(ActionDefinitionError, match="not PNG"):
        io.display.image("x", bytes=b"hello")
    with pytest.raises(ActionDefinitionError, match="javascript"):
        io.display.image("x", url="javascript:alert(1)")


def test_metadata_resolves_callables_and_awaitables() -> None:
    async def slow() -> int:
        return 42

    meta = io.display.metadata(
        "User",
        data=[
            {"label": "Plan", "value": "pro"},
            {"label": "Seats", "value": lambda: 3},
            {"label": "Score", "value": slow},
            {"label": "Docs", "value": "link", "url": "https://example.com"},
        ],
    )
    ready = asyncio.run(meta.prepare())
    assert [d["value"] for d in ready.props["data"]] == ["pro", 3, 42, "link"]
    assert ready.props["data"][3]["url"] == "https://example.com"


def test_object_link_heading_code() -> None:
    import datetime as dt

    obj = io.display.object("Customer", data={"since": dt.date(2020, 1, 2), "tags": {"a"}})
    assert obj.props["data"] == {"since": "2020-01-02", "tags": ["a"]}
    assert io.display.link("Docs", url="https://x.org", theme="primary").props == {
        "url": "https://x.org",
        "theme": "primary",
    }
    with pytest.raises(ActionDefinitionError, match="level"):
        io.display.heading("x", level=1)
    with pytest.raises(ActionDefinitionError, match="string"):
        io.display.code("x", code=1)  # type: ignore[arg-type]
    with pytest.raises(ActionDefinitionError, match="cannot be optional"):
        io.display.markdown("x").optional()
