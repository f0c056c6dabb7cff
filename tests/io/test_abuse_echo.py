"""What a refused answer echoes back to the page and into the history: sanitised and capped.

The kept value of a refused answer is re-published with the prompt (whoever views the run
next renders it) and stored with the run, so a forged answer must not turn it into stored
script or a multi-megabyte prompt. Links in kernel-made HTML never get script-capable URLs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import interval_nb as inb
from interval_nb import ActionDefinitionError, io
from interval_nb._util import QUOTE_LIMIT, quote
from interval_nb.io.components import MAX_TEXT_LENGTH
from interval_nb.runtime.run import add_journal_sink
from interval_nb.store import JournalWriter, Store
from interval_nb.testing import TestRun, start

XSS = '<img src=x onerror="alert(document.cookie)">Hi <b>there</b><script>alert(1)</script>'
FORGED_KEY = "k" * 900_000

actions = inb.Actions()


@actions.action
async def note_for_customer(io: Any, ctx: Any) -> dict[str, Any]:
    return await io.group(  # type: ignore[no-any-return]
        note=io.input.rich_text("Note"), email=io.input.email("Customer email")
    )


@actions.action
async def pick_rows(io: Any, ctx: Any) -> int:
    rows = [{"id": i, "name": f"Row {i}"} for i in range(5)]
    picked = await io.select.table("Rows", data=rows, row_key="id", max_selections=1)
    return len(picked)


@pytest.fixture
def history(tmp_path: Path) -> Iterator[tuple[JournalWriter, Path]]:
    """Every run of the test journaled into a throwaway SQLite history, as in a kernel."""
    path = tmp_path / "runs.sqlite"
    writer = JournalWriter(path)
    remove = add_journal_sink(writer)
    yield writer, path
    remove()
    writer.close()


def stored_text(path: Path, run: TestRun) -> str:
    """Everything the history holds about a run: its row and its journal, as JSON."""
    store = Store(path)
    try:
        return json.dumps([store.get_run(run.run.id), store.events(run.run.id)])
    finally:
        store.close()


async def test_a_refused_rich_text_answer_comes_back_sanitised_and_is_stored_sanitised(
    history: tuple[JournalWriter, Path],
) -> None:
    writer, path = history
    async with start(note_for_customer) as run:
        await run.next_prompt()
        await run.answer({"note": XSS, "email": "ana@example..com"})
        again = await run.next_prompt()
        kept = again.components[0].value
        assert again.errors[1] and not again.errors[0]
        assert kept == '<img src="x">Hi <b>there</b>'  # what an accepted answer would be
        writer.flush()
        for text in (json.dumps(run.journal), stored_text(path, run)):
            assert "onerror" not in text and "<script" not in text
        await run.answer({"note": XSS, "email": "ana@example.com"})
        assert (await run.result())["note"] == kept
    writer.flush()
    assert "onerror" not in stored_text(path, run)


async def test_a_forged_row_key_is_neither_kept_nor_quoted_whole(
    history: tuple[JournalWriter, Path],
) -> None:
    writer, path = history
    async with start(pick_rows) as run:
        await run.next_prompt()
        await run.answer([2, FORGED_KEY])
        again = await run.next_prompt()
        assert again.components[0].value == ["2"]  # the offered row stays selected
        [error] = again.errors
        assert error is not None and error.startswith("Row 'kkk") and len(error) < 150
        assert len(json.dumps(run.run.prompt)) < 10_000
        writer.flush()
        assert len(stored_text(path, run)) < 20_000
        await run.send(
            {"prompt_id": again.id, "values": [{"all_matching": "x" * 5000, "except": [9, 3]}]}
        )
        kept = (await run.next_prompt()).components[0].value
        assert kept == {"all_matching": "x" * 1000, "except": ["3"]}
        await run.answer([1])
        assert await run.result() == 1


@actions.action
async def everything(io: Any, ctx: Any) -> list[Any]:
    async def find(query: str) -> list[str]:
        return ["alpha", "beta"]

    return await io.group(  # type: ignore[no-any-return]
        io.input.text("Name", max_length=10),
        io.input.number("Count"),
        io.input.boolean("Sure"),
        io.input.date("Day"),
        io.input.url("Site"),
        io.select.single("Colour", options=["red", "blue"]),
        io.select.multiple("Sizes", options=["S", "M", "L"]),
        io.search("Word", on_search=find, initial_results=["alpha"]),
        io.search("Words", on_search=find, initial_results=["alpha", "beta"]).multiple(),
        io.input.file("Upload").multiple(),
    ).validate(lambda value: "never accepted")


async def test_every_kind_keeps_only_what_it_could_have_offered_or_accepted() -> None:
    forged = [
        "a" * 500,
        {"nested": ["x" * 100]},
        "yes",
        ["2026-01-01"] * 3,
        "x" * 9000,
        "green" * 1000,
        ["S", "XXL" * 1000, "S", {"v": 1}, "L"],
        "r999",
        ["r0", "r0", "r77", ["r1"]],
        [{"name": "../../etc/passwd", "size": "big", "data": b"x"}, "junk"],
    ]
    async with start(everything) as run:
        prompt = await run.next_prompt()
        await run.send({"prompt_id": prompt.id, "values": forged})
        kept = [c.value for c in (await run.next_prompt()).components]
    assert kept == [
        "a" * 500,  # over max_length: refused, but kept whole for the person to trim
        None,  # an object is not a number
        None,  # text is not a checkbox
        None,
        "x" * 8192,
        None,  # never offered
        ["S", "L"],  # offered ones only, once each
        None,
        ["r0"],
        [{"name": "passwd", "size": 1}],
    ]


async def test_huge_author_validator_messages_are_cut() -> None:
    @actions.action
    async def echoing(io: Any, ctx: Any) -> str:
        return await io.input.text("Anything").validate(  # type: ignore[no-any-return]
            lambda value: f"{value} is taken"
        )

    async with start(echoing) as run:
        await run.next_prompt()
        await run.answer("z" * 50_000)
        [error] = (await run.next_prompt()).errors
        assert error is not None and len(error) <= 1_000 and error.endswith("…")
        run.cancel()


def test_quote_caps_what_a_message_repeats_of_the_input() -> None:
    assert quote("virus.exe") == "'virus.exe'"
    for value in (FORGED_KEY, [FORGED_KEY] * 100, {"k": FORGED_KEY}, 10**4000):
        assert len(quote(value)) <= QUOTE_LIMIT


# -- URLs in kernel-made HTML ---------------------------------------------------------------

SCRIPT_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,iVBORw0KGgo=",
]


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_links_refuse_script_and_data_urls(url: str) -> None:
    with pytest.raises(ActionDefinitionError, match="links must use http, https or mailto"):
        io.display.link("Open", url=url)
    with pytest.raises(ActionDefinitionError):
        io.display.heading("Title", menu_items=[{"label": "x", "url": url}])


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_sanitised_html_drops_script_and_data_hrefs(url: str) -> None:
    # The URL as an author (html=) or a person (rich text) would write it in an attribute.
    attr = url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    html = f'<a href="{attr}">x</a> <a href="https://example.com/ok">ok</a>'
    shown = io.display.html("Receipt", html=html).props["html"]
    answered = io.input.rich_text("Note").parse(html)
    for out in (shown, answered):
        assert out.count("href=") == 1 and 'href="https://example.com/ok"' in out


def test_markdown_links_obey_the_same_rule_but_images_may_be_data() -> None:
    png = "data:image/png;base64,iVBORw0KGgo="
    html = io.display.markdown(f"[a]({png}) ![b]({png}) [c](mailto:a@b.co) [d](/rel)").props["html"]
    assert f'src="{png}"' in html
    assert f'href="{png}"' not in html
    assert 'href="mailto:a@b.co"' in html and 'href="/rel"' in html


def test_html_images_may_still_be_data_urls() -> None:
    png = "data:image/png;base64,iVBORw0KGgo="
    shown = io.display.html("Logo", html=f'<img src="{png}" onload="x()">').props["html"]
    assert shown == f'<img src="{png}">'


def test_rich_text_echo_is_capped() -> None:
    c = io.input.rich_text("Note")
    assert c.echo("<" * (MAX_TEXT_LENGTH // 2)) is None  # escaping would make it too long
    assert c.echo(["<script>"]) is None
    assert c.echo("<p onclick=x()>hi</p>") == "<p>hi</p>"
