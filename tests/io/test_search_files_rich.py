"""Search, file upload, rich text and HTML: judged and sanitised in the kernel."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

import interval_nb as inb
from interval_nb import ActionDefinitionError, io
from interval_nb.testing import start

actions = inb.Actions()
USERS = [
    {"name": "Ana Lima", "email": "ana@example.com"},
    {"name": "Bob Stone", "email": "bob@example.com"},
]


async def find(query: str) -> list[dict[str, str]]:
    if query == "boom":
        raise RuntimeError("index offline")
    if query == "slow":
        await asyncio.sleep(5)
    return [u for u in USERS if query.lower() in u["name"].lower()]


@actions.action
async def pick_users(io, ctx):
    one = await io.search(
        "User",
        on_search=find,
        timeout=0.2,
        initial_results=USERS[:1],
        render_result=lambda u: {"label": u["name"], "description": u["email"]},
    )
    many = await io.search(
        "Team", on_search=lambda q: [u for u in USERS if q in u["email"]]
    ).multiple()
    return one, many


async def test_search_offers_results_and_returns_the_originals() -> None:
    async with start(pick_users) as run:
        prompt = await run.next_prompt()
        assert prompt.components[0].props["initial"] == [
            {"key": "r0", "label": "Ana Lima", "description": "ana@example.com"}
        ]
        results = await run.search(0, "bob")
        assert [r["label"] for r in results] == ["Bob Stone"]
        with pytest.raises(ValueError, match="index offline"):
            await run.search(0, "boom")
        with pytest.raises(ValueError, match="longer than 0.2s"):
            await run.search(0, "slow")
        await run.answer("r999")
        assert (await run.next_prompt()).errors == ["Pick one of the search results shown."]
        await run.answer(results[0]["key"])
        await run.next_prompt()
        both = await run.search(0, "example")
        await run.answer([r["key"] for r in both])
        one, many = await run.result()
    assert one is USERS[1] and many == USERS
    assert any(e["event"] == "search_failed" for e in run.journal)


@actions.action
async def upload(io, ctx):
    report = await io.input.file("Report", allowed_extensions=["csv", ".JSON"], max_size=100)
    with open(report.path, "rb") as f:  # written into the run's own temp dir
        on_disk = f.read()
    extra = await io.input.file("Attachments").multiple().optional()
    return (
        report.name,
        report.json(),
        on_disk == report.read(),
        os.path.dirname(os.path.dirname(report.path)),
        extra,
    )


async def test_files_checked_in_the_kernel_and_cleaned_up() -> None:
    async with start(upload) as run:
        await run.next_prompt()
        await run.answer(("virus.exe", b"MZ"))
        again = await run.next_prompt()
        assert again.errors == ["'virus.exe': only .csv, .json files are accepted."]
        assert again.components[0].value == [
            {"name": "virus.exe", "size": 2}
        ]  # no bytes echoed back
        await run.answer(("big.json", b"x" * 101))
        assert "the limit is 100 bytes" in (await run.next_prompt()).errors[0]
        await run.answer(("data.json", json.dumps({"a": 1}).encode()))
        await run.next_prompt()
        await run.answer(None)
        name, data, same, tempdir, extra = await run.result()
    assert (name, data, same, extra) == ("data.json", {"a": 1}, True, None)
    assert not os.path.exists(tempdir)  # removed when the run ended


@actions.action
async def write_note(io, ctx):
    await io.display.html(
        "Preview", html="<b>bold</b><script>alert(1)</script><a href='javascript:x'>l</a>"
    )
    return await io.input.rich_text("Note")


async def test_rich_text_and_html_are_sanitised() -> None:
    async with start(write_note) as run:
        await run.next_prompt()
        assert (
            run.transcript[0]["components"][0]["props"]["html"]
            == '<b>bold</b><a rel="noopener noreferrer">l</a>'
        )
        await run.answer("<p>&nbsp;</p>")
        assert (await run.next_prompt()).errors == ["This field is required."]
        await run.answer(
            '<p onclick="steal()">Hi <img src=x onerror=alert(1)><script>x</script></p>'
        )
        assert await run.result() == '<p>Hi <img src="x"></p>'


@actions.action
async def hop(io, ctx):
    ctx.redirect(action="landing", params={"from": "hop"})
    raise AssertionError("code after ctx.redirect must not run")


@actions.action
async def landing(io, ctx):
    return dict(ctx.params)


async def test_redirect_ends_the_run_and_names_the_next() -> None:
    async with start(hop) as run:
        assert await run.result() is None
    action, params = run.redirect_to
    assert action is landing and params == {"from": "hop"} and run.status == "completed"
    async with start(action, params=params) as nxt:
        assert await nxt.result() == {"from": "hop"}


def test_video_widget_and_figure_definitions() -> None:
    mp4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 8
    assert io.display.video("v", bytes=mp4).props["url"].startswith("data:video/mp4;base64,")
    with pytest.raises(ActionDefinitionError, match="MP4, WebM or Ogg"):
        io.display.video("v", bytes=b"nope")
    import ipywidgets

    slider = ipywidgets.IntSlider()
    try:
        shown = io.display.widget("w", widget=slider)
        assert shown.props == {"model_id": slider.model_id} and shown.widget is slider
    finally:
        slider.close()
    with pytest.raises(ActionDefinitionError, match="ipywidgets widget"):
        io.display.widget("w", widget=object())
    with pytest.raises(ActionDefinitionError, match="matplotlib or plotly"):
        io.display.figure("f", figure=object())


@actions.action
async def pick_many(io, ctx):
    return await io.search(
        "Team", on_search=lambda q: [dict(u) for u in USERS if q in u["email"]]
    ).multiple()


async def test_the_same_result_keeps_its_key_across_searches() -> None:
    async with start(pick_many) as run:
        await run.next_prompt()
        first = await run.search(0, "ana")
        again = await run.search(0, "example")  # fresh dicts, same content
        assert again[0]["key"] == first[0]["key"]
        await run.answer([first[0]["key"], again[0]["key"]])
        assert (await run.next_prompt()).errors == ["Each result can be picked once."]
        await run.answer([r["key"] for r in again])
        assert await run.result() == USERS
