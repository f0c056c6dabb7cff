"""What the run engine may ask of a component besides judging its answer.

Tables and grids answer page requests (``query``) and ``io.search`` answers type-ahead searches
(``search``) while their prompt waits, or after it, for display tables kept in the transcript.
The run engine reaches them only through these two protocols.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from .tabular import TableQuery


@runtime_checkable
class Pageable(Protocol):
    """A component whose rows the page asks for one page at a time (tables, grids)."""

    def parse_query(self, message: Mapping[str, Any]) -> TableQuery:
        """Validate a page request from the page (raises ``QueryError``)."""
        ...

    async def query(self, query: TableQuery) -> tuple[list[dict[str, Any]], int]:
        """One page of serialised rows and the number of rows matching."""
        ...


@runtime_checkable
class Searchable(Protocol):
    """A component that answers the page's type-ahead searches (``io.search``)."""

    async def search(self, query: str) -> list[dict[str, Any]]:
        """The results for ``query``, as the page shows them (raises ``SearchFailed``)."""
        ...
