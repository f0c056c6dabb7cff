"""Table and grid components: the data stays in the kernel; the page asks for pages.

``prepare()`` computes the first page into the props, so the first render needs no round
trip; later pages come from :meth:`TableComponent.query`, answering the page's ``query``
messages. A ``select.table`` answer is a list of row keys, or ``{"all_matching": search,
"except": [keys]}``; the action receives the author's own rows (dicts, or a DataFrame of
the selected rows).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._util import quote
from ..errors import ActionDefinitionError
from .components import (
    MAX_NAMED_PICKS,
    Component,
    InvalidAnswer,
    component_class,
    echo_items,
    picked_text,
)
from .tabular import MAX_SEARCH_TEXT, Column, QueryError, TableQuery, TableSource, cells_of

MAX_SELECTED_KEYS = 1_000_000


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class TableComponent(Component):
    """Common ground of tables and grids: a source, its columns and paging."""

    source: TableSource | None = None
    columns: tuple[Column, ...] = ()
    row_menu_items: Callable[[Any], Sequence[Mapping[str, str]]] | None = None

    def serialize(self, key: str, row: Any) -> dict[str, Any]:
        """One row as the page shows it."""
        out: dict[str, Any] = {"key": key, "cells": cells_of(row, self.columns)}
        if self.row_menu_items is not None:
            from .displays import check_link

            out["menu"] = [
                {"label": str(item["label"]), "url": check_link(str(item["url"]), "row_menu_items")}
                for item in self.row_menu_items(row) or []
            ]
        return out

    async def query(self, query: TableQuery) -> tuple[list[dict[str, Any]], int]:
        """One page of serialized rows and the number of rows matching."""
        assert self.source is not None
        rows, total = await self.source.page(query)
        return [self.serialize(k, r) for k, r in rows], total

    def parse_query(self, message: Mapping[str, Any]) -> TableQuery:
        """Validate a query message from the page."""
        return TableQuery.from_message(message, self.columns)

    async def prepare(self) -> TableComponent:
        first = TableQuery(0, int(self.props["page_size"]))
        initial: dict[str, Any] = {"rows": [], "total": 0, "offset": 0}
        try:
            initial["rows"], initial["total"] = await self.query(first)
        except QueryError as exc:  # e.g. the author's get_data failed: show it in the table
            initial["error"] = str(exc)
        props = {**self.props, "initial": initial}
        return dataclasses.replace(self, props=props)


@component_class("display.table")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class DisplayTable(TableComponent):
    """A read-only table, paged, sorted and filtered in the kernel."""

    is_display = True

    def is_missing(self, raw: Any) -> bool:
        return False

    def parse(self, raw: Any) -> None:
        return None


@component_class("select.table")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class SelectTable(TableComponent):
    """Pick rows of a table; the action gets the author's rows back."""

    row_key: str | None = None
    """The field naming each row (the journal names picked rows by it), else ``None``."""

    def initial_value(self) -> Any:
        return list(self.props.get("initially_selected") or [])

    def is_missing(self, raw: Any) -> bool:
        return raw is None or (raw == [] and (self.props.get("min_selections") or 0) > 0)

    def echo(self, raw: Any) -> Any:
        # Keys of rows that are not in the table were never offered: they are dropped, so a
        # forged 900 KB key is not kept, re-published and stored with the prompt.
        if isinstance(raw, Mapping):
            search = raw.get("all_matching")
            excluded = raw.get("except")
            return {
                "all_matching": search[:MAX_SEARCH_TEXT] if isinstance(search, str) else "",
                "except": self._known_keys(excluded if isinstance(excluded, list) else []),
            }
        return self._known_keys(raw if isinstance(raw, list) else [])

    def _known_keys(self, raw: list[Any]) -> list[str] | None:
        assert self.source is not None
        keys = (_key_text(k) for k in raw[:MAX_SELECTED_KEYS])
        known = dict.fromkeys(k for k in keys if k is not None and self.source.has_key(k))
        return echo_items(list(known))

    def selected_keys(self, raw: Any) -> list[str]:
        """The keys an answer selects (resolving select-all-matching in the kernel)."""
        assert self.source is not None
        if isinstance(raw, Mapping):
            search, excluded = raw.get("all_matching"), raw.get("except") or []
            if not isinstance(search, str) or not isinstance(excluded, list):
                raise InvalidAnswer("Expected {all_matching: search text, except: [row keys]}.")
            if len(search) > MAX_SEARCH_TEXT:
                raise InvalidAnswer(f"Search text is at most {MAX_SEARCH_TEXT:,} characters.")
            if not self.source.can_select_all:
                raise InvalidAnswer(
                    "This table cannot select all matching rows; pick them one by one."
                )
            skip = {str(k) for k in excluded}
            try:
                return [k for k in self.source.keys_matching(search.strip()) if k not in skip]
            except QueryError as exc:
                raise InvalidAnswer(str(exc)) from None
        if not isinstance(raw, list) or len(raw) > MAX_SELECTED_KEYS:
            raise InvalidAnswer("Expected a list of row keys.")
        keys = [_key_text(k) for k in raw]
        if None in keys:
            raise InvalidAnswer("Row keys are strings.")
        if len(set(keys)) != len(keys):
            raise InvalidAnswer("Each row can be selected once.")
        unknown = [k for k in keys if not self.source.has_key(k)]  # type: ignore[arg-type]
        if unknown:
            raise InvalidAnswer(f"Row {quote(unknown[0])} is not in this table.")
        return keys  # type: ignore[return-value]

    def parse(self, raw: Any) -> Any:
        assert self.source is not None
        keys = self.selected_keys(raw)
        lo, hi = self.props.get("min_selections"), self.props.get("max_selections")
        if lo is not None and len(keys) < lo:
            raise InvalidAnswer(f"Select at least {lo}.")
        if hi is not None and len(keys) > hi:
            raise InvalidAnswer(f"Select at most {hi}.")
        return self.source.rows_for(keys)

    def readable(self, raw: Any) -> Any:
        """The picked rows named by their ``row_key``, else by their first column's text."""
        assert self.source is not None
        try:
            keys = self.selected_keys(raw)
        except InvalidAnswer:
            return None
        named = keys[:MAX_NAMED_PICKS]
        if self.row_key is None and self.columns:
            first = self.columns[:1]
            named = [cells_of(r, first)[0]["text"] for r in self.source.records_for(named)]
        return picked_text(named, len(keys))


def _key_text(key: Any) -> str | None:
    """A row key as text (the page may send positional keys as numbers), else ``None``."""
    if isinstance(key, (int, str)) and not isinstance(key, bool):
        return str(key)
    return None


@component_class("display.grid")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class DisplayGrid(TableComponent):
    """Cards with an optional image and link, paged in the kernel like tables."""

    is_display = True
    render_item: Callable[[Any], Any] | None = None

    def serialize(self, key: str, row: Any) -> dict[str, Any]:
        rendered = render_grid_item(row, self.render_item)
        return {"key": key, **rendered}

    def is_missing(self, raw: Any) -> bool:
        return False

    def parse(self, raw: Any) -> None:
        return None


def render_grid_item(item: Any, render_item: Callable[[Any], Any] | None) -> dict[str, Any]:
    """``render_item(item)`` (or the item itself) as ``{label, description, image, url}``."""
    from .displays import check_link

    rendered = render_item(item) if render_item else item
    if isinstance(rendered, str):
        rendered = {"label": rendered}
    if not isinstance(rendered, Mapping):
        raise ActionDefinitionError(
            "io.display.grid(): render_item must return a str or a dict with a label"
        )
    out: dict[str, Any] = {"label": str(rendered.get("label", rendered.get("title", "")))}
    if rendered.get("description") is not None:
        out["description"] = str(rendered["description"])
    image = rendered.get("image")
    if isinstance(image, Mapping):
        image = image.get("url")
    if image:
        out["image"] = str(image)
    if rendered.get("url"):
        out["url"] = check_link(str(rendered["url"]), "display.grid")
    return out
