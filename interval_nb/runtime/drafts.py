"""Drafts: what the person did on the waiting prompt and has not submitted yet.

A page saves its draft of the pending prompt (typed values, ticked boxes, a table's selection,
page, sort and search text…) so that a reload, another tab or another browser draws the prompt
as it was left. The run keeps one draft, for the prompt it waits on, in memory only: a draft is
never journaled and never reaches the run history, and it goes away with its prompt.

The shape is the page's business, within limits checked here::

    {"rev": "<the page's token>", "components": [<object or null>, ...]}

one entry per component (a JSON object of plain values). The kernel looks inside an entry only
to keep secrets out (entries of ``sensitive`` components are dropped) and to sanitise a rich
text ``value`` exactly as an answer would be, since views put that string back into an editor.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from ..io.components import Component, InvalidAnswer

MAX_DRAFT_BYTES = 64 * 1024
"""A draft larger than this (as compact JSON) is refused."""

MAX_DEPTH = 16
"""How deeply a draft's objects and lists may nest."""

MAX_REV_LENGTH = 100

_KEYS = frozenset({"rev", "components"})


class DraftRejected(ValueError):
    """A draft that cannot be kept; ``code`` is ``"bad_request"`` or ``"too_large"``."""

    def __init__(self, message: str, code: str = "bad_request") -> None:
        super().__init__(message)
        self.code = code


def clean_draft(draft: Any, components: Sequence[Component]) -> dict[str, Any]:
    """The draft as the run keeps it, for a prompt of ``components``; raises :class:`DraftRejected`."""
    if not isinstance(draft, dict):
        raise DraftRejected("a draft is a JSON object")
    unknown = set(draft) - _KEYS
    if unknown:
        raise DraftRejected(f"a draft has only 'rev' and 'components', not {sorted(unknown)[:5]}")
    _check_plain(draft, 0)
    size = len(json.dumps(draft, separators=(",", ":"), ensure_ascii=False).encode())
    if size > MAX_DRAFT_BYTES:
        raise DraftRejected(
            f"the draft is {size} bytes; at most {MAX_DRAFT_BYTES} are kept", "too_large"
        )
    rev = draft.get("rev")
    if rev is not None and not (isinstance(rev, str) and len(rev) <= MAX_REV_LENGTH):
        raise DraftRejected(f"rev must be a string of at most {MAX_REV_LENGTH} characters")
    entries = draft.get("components", [])
    if not isinstance(entries, list) or len(entries) > len(components):
        raise DraftRejected(
            f"components must be a list of at most {len(components)} entries (one per component)"
        )
    cleaned = [_clean_entry(entry, c) for entry, c in zip(entries, components, strict=False)]
    return {"rev": rev, "components": cleaned}


def _clean_entry(entry: Any, component: Component) -> dict[str, Any] | None:
    if entry is None:
        return None
    if not isinstance(entry, dict):
        raise DraftRejected("each entry of components is a JSON object or null")
    if component.is_sensitive:
        return None  # secrets stay in the page that typed them
    if component.kind == "input.rich_text" and "value" in entry:
        # Views put this string back into an editor as HTML: the answer's own sanitiser.
        try:
            return {**entry, "value": component.parse(entry["value"])}
        except InvalidAnswer:
            return {k: v for k, v in entry.items() if k != "value"}
    return entry


def _check_plain(value: Any, depth: int) -> None:
    """Raise unless ``value`` is JSON made of plain values (no NaN, string keys, bounded depth)."""
    if depth > MAX_DEPTH:
        raise DraftRejected(f"a draft nests at most {MAX_DEPTH} levels")
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DraftRejected("a draft holds finite numbers only")
        return
    if isinstance(value, list):
        for item in value:
            _check_plain(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise DraftRejected("a draft's keys are strings")
            _check_plain(item, depth + 1)
        return
    raise DraftRejected(f"a draft holds JSON values only, not {type(value).__name__}")
