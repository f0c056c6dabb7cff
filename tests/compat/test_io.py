"""Every interval-sdk io method, with its keyword names and return shapes, through the testing driver."""

from __future__ import annotations

import datetime as dt
from urllib.parse import ParseResult

import pytest

from interval_nb.compat import IntervalFile
from interval_nb.testing import start

from .sdk_actions import USERS, interval


async def test_the_issue_example_validates_min_in_the_kernel() -> None:
    async with start(interval.get("add_two_numbers")) as run:
        first = await run.next_prompt()
        assert (first.components[0].kind, first.components[0].label) == (
            "input.number",
            "First number",
        )
        await run.answer(3)
        second = await run.next_prompt()
        assert second.components[0].props["min"] == 4
        await run.answer(2)
        assert (await run.next_prompt()).errors == ["Must be at least 4."]
        await run.answer(5)
        assert await run.result() == {"sum": 8}


async def test_every_input_keeps_its_keywords_and_returns_interval_sdk_types() -> None:
    async with start(interval.get("every-input")) as run:
        prompt = await run.next_prompt()
        props = {c.label: c.props for c in prompt.components}
        assert props["Name"] == {
            "placeholder": "Ada Lovelace",
            "multiline": False,
            "min_length": 2,
            "max_length": 40,
        }
        assert props["Bio"]["multiline"] and props["Bio"]["lines"] == 3
        assert props["Bio"]["help_text"] == "A few words"
        assert props["Amount"]["prepend"] == "$" and props["Amount"]["decimals"] == 2
        assert props["Alarm"] == {"min": "06:00", "max": "22:00"}
        assert [c.value for c in prompt.components][2] == "ada@example.com"
        assert prompt.components[-1].optional
        answer = [
            "Ada",
            "Hi",
            "ada@example.com",
            "12.35",
            3,
            7,
            True,
            "https://ada.dev/x?y=1",
            "2019-05-01",
            "05:59",
            "2030-05-01T09:30",
            None,
        ]
        await run.answer(answer)
        rejected = await run.next_prompt()
        # interval_nb's io.input.time has no bounds: interval-sdk's min/max are checked here too
        assert rejected.errors[9] == "Must be on or after 06:00."
        await run.answer([*answer[:9], "07:15", *answer[10:]])
        result = await run.result()
    assert result["amount"] == 12.35 and isinstance(result["amount"], float)
    assert result["count"] == 3 and isinstance(result["count"], int)
    assert result["rating"] == 7 and isinstance(result["rating"], int)
    assert isinstance(result["homepage"], ParseResult)
    assert (result["homepage"].netloc, result["homepage"].query) == ("ada.dev", "y=1")
    assert result["birthday"] == dt.date(2019, 5, 1)
    assert result["alarm"] == dt.time(7, 15)
    assert result["meeting"] == dt.datetime(2030, 5, 1, 9, 30)
    assert result["note"] is None and result["subscribed"] is True


async def test_selects_return_the_original_options_and_rows() -> None:
    async with start(interval.get("pick_things")) as run:
        plan = await run.next_prompt()
        assert plan.components[0].value == "pro"  # default_value given as an option dict
        assert plan.components[0].props["options"][0]["description"] == "No cost"
        await run.answer("free")
        day = await run.next_prompt()
        assert [o["value"] for o in day.components[0].props["options"]] == [
            "2030-01-01",
            "2030-01-02",
        ]
        await run.answer("2030-01-02")
        tags = await run.next_prompt()
        assert tags.components[0].value == ["red"]
        await run.answer(["red", "teal", 3])
        assert (await run.next_prompt()).errors == ["Select at most 2."]
        await run.answer(["teal", 3])
        table = (await run.next_prompt()).components[0]
        assert [c["label"] for c in table.props["columns"]] == ["name", "Email", "Profile"]
        assert table.value == ["0", "2"]  # initially_selected=lambda row: row["plan"] == "pro"
        first = table.props["initial"]["rows"][0]
        assert first["cells"][2] == {"text": "#1", "url": "https://example.com/u/1"}
        assert first["menu"] == [{"label": "Open", "url": "https://example.com/u/1"}]
        assert table.props["page_size"] == 2
        rows, total = await run.query(0, sort=("name", "desc"))
        assert total == 3 and [r["cells"][0]["text"] for r in rows] == [
            "Cy Twombly",
            "Bob Stone",
            "Ana Lima",
        ]
        await run.answer(["1"])
        result = await run.result()
    assert result["plan"] == {"label": "Free", "value": "free", "description": "No cost"}
    assert result["day"] == dt.date(2030, 1, 2)
    assert result["tags"] == ["teal", 3]
    assert result["users"] == [USERS[1]] and result["users"][0] is USERS[1]


async def test_displays_resolve_at_once_and_stay_in_the_transcript() -> None:
    async with start(interval.get("show_everything")) as run:
        confirm = await run.next_prompt()
        assert confirm.components[0].kind == "confirm"
        assert confirm.components[0].props == {"help_text": "Check the above"}
        shown = {e["components"][0]["kind"]: e["components"][0] for e in run.transcript}
        assert list(shown) == [
            "display.heading",
            "display.markdown",
            "display.code",
            "display.link",
            "display.object",
            "display.metadata",
            "display.image",
            "display.video",
            "display.table",
            "display.grid",
        ]
        assert shown["display.heading"]["props"] == {
            "level": 3,
            "description": "All the displays",
            "menu_items": [{"label": "Docs", "url": "https://example.com/docs"}],
        }
        assert shown["display.link"]["props"] == {"url": "https://stripe.com", "theme": "danger"}
        assert shown["display.metadata"]["props"]["data"] == [
            {"label": "Users", "value": 3},
            {"label": "Revenue", "value": "$1,024"},
            {"label": "Docs", "value": "here", "url": "https://example.com"},
        ]
        assert shown["display.image"]["props"]["url"].startswith("data:image/png;base64,")
        assert shown["display.video"]["props"]["loop"] is True
        assert shown["display.table"]["props"]["initial"]["total"] == 3
        card = shown["display.grid"]["props"]["initial"]["rows"][0]
        assert card == {
            "key": "0",
            "label": "Ana Lima",
            "description": "ana@example.com",
            "image": "https://example.com/a.png",
        }
        await run.answer(False)
        assert await run.result() is False


async def test_display_table_get_data_gets_interval_sdk_state() -> None:
    async with start(interval.get("remote_table")) as run:
        prompt_id = None
        await run.next_prompt()
        table = run.transcript[0]
        prompt_id = table["id"]
        assert table["components"][0]["props"]["initial"]["total"] == 3
        rows, total = await run.query(0, search="Bob", prompt_id=prompt_id)
        assert total == 1 and rows[0]["cells"][1]["text"] == "Bob Stone"
        rows, _ = await run.query(0, sort=("name", "desc"), page_size=2, prompt_id=prompt_id)
        assert [r["cells"][1]["text"] for r in rows] == ["Cy Twombly", "Bob Stone"]
        await run.answer(True)
        seen = await run.result()
    assert seen == [
        (None, None, None, 0),  # the first page, asked once for the columns and the display
        ("Bob", None, None, 0),
        (None, "name", "desc", 0),
    ]


async def test_search_with_default_values_and_multiple() -> None:
    async with start(interval.get("search_users")) as run:
        one = (await run.next_prompt()).components[0]
        assert one.props["initial"] == [
            {"key": "r0", "label": "Cy Twombly", "description": "cy@example.com"}
        ]
        assert one.value == "r0"  # default_value is picked
        found = await run.search(0, "bob")
        assert [r["label"] for r in found] == ["Bob Stone"]
        await run.answer(found[0]["key"])
        many = (await run.next_prompt()).components[0]
        assert many.props["multiple"] and many.value == ["r0"]
        more = await run.search(0, "cy")
        await run.answer(["r0", more[0]["key"]])
        result = await run.result()
    assert result["one"] is USERS[1]
    assert result["many"] == [USERS[0], USERS[2]]


async def test_files_become_interval_files() -> None:
    async with start(interval.get("upload")) as run:
        prompt = await run.next_prompt()
        assert prompt.components[0].props["allowed_extensions"] == [".csv"]
        await run.answer(("users.csv", b"id,name\n1,Ana\n"))
        more = await run.next_prompt()
        assert more.components[0].props["multiple"] and more.components[0].optional
        await run.answer([("a.txt", b"a"), ("b.txt", b"b")])
        result = await run.result()
    assert result == {
        "name": "users.csv",
        "extension": ".csv",
        "size": 14,
        "lines": ["id,name", "1,Ana"],
        "url_scheme": "file",
        "more": ["a.txt", "b.txt"],
    }


async def test_interval_file_reads_in_memory() -> None:
    from interval_nb.io.files import UploadedFile

    file = IntervalFile(UploadedFile("data.json", "application/json", b'{"a": 1}'))
    assert (file.name, file.type, file.size, file.extension) == (
        "data.json",
        "application/json",
        8,
        ".json",
    )
    assert file.json() == {"a": 1} and file.read() == b'{"a": 1}' and file.last_modified is None
    with pytest.raises(RuntimeError, match="only available while its run is active"):
        _ = file.url
