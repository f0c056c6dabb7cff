"""Drafts of the waiting prompt, kept by a real Run: stored, stale ids ignored, capped,
cleared with their prompt, rich text sanitised, secrets dropped, never journaled."""

from __future__ import annotations

import json
from typing import Any

import pytest

import interval_nb as inb
from interval_nb import RunCancelled
from interval_nb.runtime.drafts import MAX_DRAFT_BYTES, DraftRejected
from interval_nb.runtime.run import Run, add_journal_sink
from interval_nb.testing import start

actions = inb.Actions()


@actions.action
async def form(io: Any, ctx: Any) -> dict[str, Any]:
    first = await io.group(
        name=io.input.text("Name"),
        age=io.input.number("Age", min=0),
        notes=io.input.rich_text("Notes"),
        token=io.input.text("Token", sensitive=True),
    )
    second = await io.input.text("Next")
    return {"first": first, "second": second}


def draft(*entries: dict[str, Any] | None, rev: str = "v1") -> dict[str, Any]:
    return {"rev": rev, "components": list(entries)}


async def test_a_draft_is_kept_in_the_prompt_views_see() -> None:
    changes: list[frozenset[str]] = []
    async with start(form) as run:
        prompt = await run.next_prompt()
        run.run.subscribe(lambda _run, changed: changes.append(changed))
        saved = draft({"value": "Ada"}, {"value": "3"})
        assert run.run.save_draft({"prompt_id": prompt.id, "draft": saved}) is True
        assert run.run.prompt is not None and run.run.prompt["draft"] == {
            "rev": "v1",
            "components": [{"value": "Ada"}, {"value": "3"}],
        }
        assert run.run.state()["prompt"] == run.run.prompt  # every view's snapshot has it
        assert changes == [frozenset({"draft"})]
        # the page's own message does the same; the newest draft wins
        run.run.handle_view_message(
            {"type": "draft", "prompt_id": prompt.id, "draft": draft({"value": "Ada L"}, rev="v2")}
        )
        assert run.run.prompt["draft"]["components"] == [{"value": "Ada L"}]
        assert run.run.prompt["draft"]["rev"] == "v2"
        run.cancel()


async def test_a_draft_for_a_stale_prompt_is_ignored() -> None:
    async with start(form) as run:
        prompt = await run.next_prompt()
        assert run.run.save_draft({"prompt_id": "forged", "draft": draft({"value": "x"})}) is False
        run.run.handle_view_message({"type": "draft", "prompt_id": "old", "draft": draft()})
        assert run.run.prompt is not None and "draft" not in run.run.prompt
        run.cancel()
        with pytest.raises(RunCancelled):
            await run.result()
    assert run.run.save_draft({"prompt_id": prompt.id, "draft": draft()}) is False


async def test_a_draft_is_capped_and_must_be_plain_json() -> None:
    async with start(form) as run:
        prompt = await run.next_prompt()
        big = draft({"value": "x" * MAX_DRAFT_BYTES})
        with pytest.raises(DraftRejected) as too_big:
            run.run.save_draft({"prompt_id": prompt.id, "draft": big})
        assert too_big.value.code == "too_large"
        bad_drafts: list[Any] = [
            "not an object",
            ["a", "list"],
            {"rev": "v1", "values": []},  # unknown key
            {"components": "x"},
            {"components": [None] * 5},  # more entries than components
            {"components": [42]},  # an entry is an object or null
            {"components": [{"value": float("nan")}]},
            {"components": [{"value": {1: "int key"}}]},
            {"components": [{"value": object()}]},
            {"rev": 7},
            {"components": [{"deep": json.loads("[" * 40 + "]" * 40)}]},
        ]
        for bad in bad_drafts:
            with pytest.raises(DraftRejected) as refused:
                run.run.save_draft({"prompt_id": prompt.id, "draft": bad})
            assert refused.value.code == "bad_request", bad
        # from a view, a refused draft is dropped quietly: nothing kept, nothing journaled
        before = len(run.journal)
        run.run.handle_view_message({"type": "draft", "prompt_id": prompt.id, "draft": big})
        assert "draft" not in (run.run.prompt or {})
        assert len(run.journal) == before
        run.cancel()


async def test_a_draft_outlives_a_validation_error_and_goes_with_its_prompt() -> None:
    async with start(form) as run:
        prompt = await run.next_prompt()
        kept = draft({"value": "Ada"}, {"value": "-1"})
        run.run.save_draft({"prompt_id": prompt.id, "draft": kept})
        outcome = await run.answer(["Ada", "-1", "", "s3cret"])
        assert not outcome.accepted
        again = await run.next_prompt()
        assert again.id == prompt.id  # the same prompt, shown again with its error…
        assert run.run.prompt is not None and run.run.prompt["draft"]["components"][1] == {
            "value": "-1"
        }  # …still carries what the person did
        assert (await run.answer(["Ada", "36", "<p>ok</p>", "s3cret"])).accepted
        nxt = await run.next_prompt()
        assert nxt.id != prompt.id
        assert run.run.prompt is not None and "draft" not in run.run.prompt
        # the answered prompt's draft arriving late (a debounce) is ignored
        assert run.run.save_draft({"prompt_id": prompt.id, "draft": kept}) is False
        await run.answer("done")
        await run.result()
    assert run.run.prompt is None


async def test_rich_text_drafts_are_sanitised_and_secrets_dropped() -> None:
    async with start(form) as run:
        prompt = await run.next_prompt()
        html = '<p onclick="steal()">Hi <b>there</b><script>alert(1)</script><img src=x onerror=alert(1)></p>'
        run.run.save_draft(
            {
                "prompt_id": prompt.id,
                "draft": draft(None, None, {"value": html, "caret": 3}, {"value": "s3cret"}),
            }
        )
        assert run.run.prompt is not None
        notes, token = run.run.prompt["draft"]["components"][2:]
        # exactly what the same text would become as an answer
        assert notes == {"value": prompt_component_parse(run.run, 2, html), "caret": 3}
        assert "script" not in notes["value"] and "onclick" not in notes["value"]
        assert "onerror" not in notes["value"] and "<b>there</b>" in notes["value"]
        assert token is None  # a sensitive field's draft never leaves the page that typed it
        run.run.save_draft(
            {"prompt_id": prompt.id, "draft": draft(None, None, {"value": 12, "caret": 0})}
        )
        assert run.run.prompt["draft"]["components"][2] == {"caret": 0}  # not text: dropped
        run.cancel()


def prompt_component_parse(run: Run, index: int, raw: str) -> Any:
    assert run._pending is not None
    return run._pending.prompt.components[index].parse(raw)


async def test_drafts_are_never_journaled() -> None:
    sunk: list[dict[str, Any]] = []
    remove = add_journal_sink(lambda _run, event: sunk.append(event))
    try:
        async with start(form) as run:
            prompt = await run.next_prompt()
            for i in range(5):
                run.run.save_draft({"prompt_id": prompt.id, "draft": draft({"value": f"A{i}"})})
            await run.answer(["Ada", "36", "<p>ok</p>", "s3cret"])
            nxt = await run.next_prompt()
            run.run.save_draft({"prompt_id": nxt.id, "draft": draft({"value": "A4"})})
            await run.answer("done")
            await run.result()
    finally:
        remove()
    events = [e["event"] for e in run.journal]
    assert events == [
        "started",
        "prompt_shown",
        "answered",
        "prompt_shown",
        "answered",
        "completed",
    ]
    assert [e["event"] for e in sunk] == events  # the store sees exactly the journal
    assert "A4" not in json.dumps(run.journal)  # no draft hides inside another event
