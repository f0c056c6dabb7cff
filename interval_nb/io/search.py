"""``io.search``: a type-ahead over results the action computes in the kernel.

Each search the page sends runs ``on_search(query)`` (sync or async, with a time limit);
results are rendered with ``render_result`` and given keys that are only valid for this
prompt. The answer is a key (or keys with ``.multiple()``) of results actually offered.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import Callable, Mapping
from typing import Any

from .._util import call_maybe_async, jsonable, shorten
from ..errors import ActionDefinitionError
from .components import Component, InvalidAnswer, component_class, echo_items
from .selects import option_key

MAX_RESULTS = 100


class SearchFailed(RuntimeError):
    """``on_search`` raised or took too long; the message is shown under the search box."""


def render_result(result: Any, render: Callable[[Any], Any] | None) -> dict[str, Any]:
    """A result as the page lists it: ``{label, description?, image?}``."""
    shown = render(result) if render else result
    if isinstance(shown, Mapping):
        out = {"label": str(shown.get("label", shown.get("title", "")))}
        if shown.get("description") is not None:
            out["description"] = str(shown["description"])
        image = shown.get("image")
        if isinstance(image, Mapping):
            image = image.get("url")
        if image:
            out["image"] = str(image)
        return out
    return {"label": str(shown)}


@component_class("search")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Search(Component):
    """Search and pick results; the action gets the original result objects."""

    on_search: Callable[[str], Any] | None = None
    render: Callable[[Any], Any] | None = None
    initial_results: tuple[Any, ...] = ()
    timeout: float = 10.0
    offered: dict[str, Any] = dataclasses.field(default_factory=dict)
    _counter: Any = dataclasses.field(default_factory=lambda: itertools.count())
    _keys: dict[str, str] = dataclasses.field(default_factory=dict)
    """Result content → key: the same result found by two searches keeps one key, so it
    cannot be picked twice."""

    def multiple(self) -> Search:
        """Let the person pick several results; the action gets a list."""
        return dataclasses.replace(self, props={**self.props, "multiple": True})

    def initial_value(self) -> Any:
        return [] if self.props.get("multiple") else None

    def _offer(self, results: Any) -> list[dict[str, Any]]:
        if isinstance(results, (str, bytes)) or not hasattr(results, "__iter__"):
            raise SearchFailed("on_search must return a list of results")
        shown = []
        for result in list(results)[:MAX_RESULTS]:
            identity = option_key(jsonable(result))
            key = self._keys.get(identity)
            if key is None:
                key = self._keys[identity] = f"r{next(self._counter)}"
            self.offered[key] = result
            shown.append({"key": key, **render_result(result, self.render)})
        return shown

    async def prepare(self) -> Search:
        fresh = dataclasses.replace(self, offered={}, _counter=itertools.count(), _keys={})
        initial = fresh._offer(self.initial_results)
        return dataclasses.replace(fresh, props={**fresh.props, "initial": initial})

    async def search(self, query: str) -> list[dict[str, Any]]:
        """Run ``on_search(query)`` and return the results as the page lists them."""
        assert self.on_search is not None
        if not isinstance(query, str) or len(query) > 1000:
            raise SearchFailed("a search is text of at most 1,000 characters")
        try:
            results = await asyncio.wait_for(call_maybe_async(self.on_search, query), self.timeout)
        except asyncio.TimeoutError:
            raise SearchFailed(f"the search took longer than {self.timeout:g}s") from None
        except Exception as exc:
            # The author's exception may quote the query; the message is kept short.
            raise SearchFailed(shorten(f"the search failed: {type(exc).__name__}: {exc}")) from exc
        try:
            return self._offer(results)
        except Exception as exc:
            raise SearchFailed(
                shorten(f"showing the results failed: {type(exc).__name__}: {exc}")
            ) from exc

    def is_missing(self, raw: Any) -> bool:
        return raw is None or raw == "" or raw == []

    def echo(self, raw: Any) -> Any:
        # Only keys of results this prompt offered are kept: a forged key was never shown.
        def offered(key: Any) -> bool:
            return isinstance(key, str) and key in self.offered

        if self.props.get("multiple"):
            keys = raw if isinstance(raw, list) else []
            return echo_items(list(dict.fromkeys(k for k in keys if offered(k))))
        return raw if offered(raw) else None

    def readable(self, raw: Any) -> Any:
        def label(key: Any) -> str | None:
            if not isinstance(key, str) or key not in self.offered:
                return None
            return str(render_result(self.offered[key], self.render).get("label", ""))

        if self.props.get("multiple"):
            keys = dict.fromkeys(raw if isinstance(raw, list) else [])
            return [text for text in map(label, keys) if text is not None]
        return label(raw)

    def parse(self, raw: Any) -> Any:
        def pick(key: Any) -> Any:
            if not isinstance(key, str) or key not in self.offered:
                raise InvalidAnswer("Pick one of the search results shown.")
            return self.offered[key]

        if self.props.get("multiple"):
            if not isinstance(raw, list):
                raise InvalidAnswer("Expected a list of results.")
            if len(set(map(str, raw))) != len(raw):
                raise InvalidAnswer("Each result can be picked once.")
            return [pick(k) for k in raw]
        return pick(raw)


def make_search(
    label: str,
    on_search: Callable[[str], Any],
    render_result: Callable[[Any], Any] | None,
    initial_results: Any,
    placeholder: str | None,
    help_text: str | None,
    timeout: float,
) -> Search:
    """Check the author's arguments and build the component."""
    from .components import check_label, drop_none

    if not callable(on_search):
        raise ActionDefinitionError("io.search() needs on_search=, a function of the query text")
    if render_result is not None and not callable(render_result):
        raise ActionDefinitionError("io.search(): render_result must be a function")
    return Search(
        check_label(label, "search"),
        drop_none(placeholder=placeholder, help_text=help_text, multiple=False),
        on_search=on_search,
        render=render_result,
        initial_results=tuple(initial_results or ()),
        timeout=timeout,
    )
