"""interval-sdk's ``io.select``: single, multiple and table, returning the original objects.

interval-sdk options are primitives, dates, ``None`` or ``{label, value, description}``;
interval_nb's are str/int/float/bool, so dates travel as ISO text and ``None`` as a marker, and
the action gets the option it passed. Tables keep interval-sdk's columns (see
:mod:`~interval_nb.compat.tables`) and return the selected rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ActionDefinitionError
from ..io import selects
from . import tables
from .promises import InputIOPromise

if TYPE_CHECKING:
    from .namespace import IO

__all__ = ["Select"]


_NONE_OPTION = "\ue000None"
"""How an option whose value is ``None`` travels (interval_nb options are str/int/float/bool)."""


def _wire(value: Any) -> Any:
    """An interval-sdk option value as an interval_nb one (dates as ISO text)."""
    if value is None:
        return _NONE_OPTION
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    raise ActionDefinitionError(
        f"an option value is a str, number, bool, date, time or None; got {type(value).__name__}"
    )


def _text(label: Any) -> str:
    return label.isoformat() if isinstance(label, (dt.date, dt.time)) else str(label)


def _value_of(option: Any) -> Any:
    return option.get("value") if isinstance(option, Mapping) else option


def _options(options: Iterable[Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """interval-sdk options (primitives, dates, ``None`` or ``{label, value, description}``)
    as interval_nb options, and a map from each option's key back to the original."""
    if isinstance(options, (str, bytes, Mapping)) or not isinstance(options, Iterable):
        raise ActionDefinitionError("select options are a list, e.g. options=['red', 'teal']")
    shown: list[dict[str, Any]] = []
    originals: dict[str, Any] = {}
    for option in options:
        value = _value_of(option)
        label = option.get("label", value) if isinstance(option, Mapping) else option
        entry = {"label": _text(label), "value": _wire(value)}
        if isinstance(option, Mapping) and option.get("description") is not None:
            entry["description"] = str(option["description"])
        shown.append(entry)
        originals[selects.option_key(entry["value"])] = option
    return shown, originals


class Select:
    """``io.select``."""

    def __init__(self, io: IO) -> None:
        self._io = io
        self._core = io._core.select

    def table(
        self,
        label: str,
        *,
        data: Iterable[Any],
        row_menu_items: Callable[[Any], Iterable[Mapping[str, Any]]] | None = None,
        initially_selected: Callable[[Any], bool] | None = None,
        help_text: str | None = None,
        columns: Iterable[str | Mapping[str, Any]] | None = None,
        min_selections: int | None = None,
        max_selections: int | None = None,
        disabled: bool | None = None,
        default_page_size: float | None = None,
        is_sortable: bool = True,
        is_filterable: bool = True,
    ) -> InputIOPromise[list[Any]]:
        """Pick rows of a table; the action gets the selected rows (paged in the kernel)."""
        rows: Any = data if tables.is_frame(data) else list(data)
        specs = (
            None
            if tables.is_frame(rows) and columns is None
            else (tables.list_columns(columns, rows) or [{"label": "", "accessor": ""}])
        )
        component = self._core.table(
            label,
            data=rows,
            columns=specs,
            help_text=help_text,
            min_selections=min_selections,
            max_selections=max_selections,
            initially_selected=initially_selected,
            page_size=tables.page_size(default_page_size),
            sortable=is_sortable,
            filterable=is_filterable,
            row_menu_items=tables.row_menu(row_menu_items),
        )
        chosen = (
            [r for r in rows if initially_selected(r)]
            if disabled and initially_selected is not None and not tables.is_frame(rows)
            else []
        )
        call = self._io._call(component, label=label, disabled=disabled, value=chosen, shown=chosen)
        return InputIOPromise(call)

    def single(
        self,
        label: str,
        *,
        options: Iterable[Any],
        help_text: str | None = None,
        default_value: Any = None,
        searchable: bool | None = None,
        disabled: bool | None = None,
    ) -> InputIOPromise[Any]:
        """Pick one option; the action gets the original option (primitive or dict)."""
        shown, originals = _options(options)
        default = _wire(_value_of(default_value)) if default_value is not None else None
        component = self._core.single(
            label,
            options=shown,
            help_text=help_text,
            default_value=default,
            searchable=bool(searchable),
        )

        def get_value(option: dict[str, Any]) -> Any:
            return originals[selects.option_key(option["value"])]

        original = originals.get(selects.option_key(default)) if default is not None else None
        call = self._io._call(
            component,
            get_value,
            label=label,
            disabled=disabled,
            value=original,
            shown=_text(_value_of(original)) if original is not None else None,
        )
        return InputIOPromise(call)

    def multiple(
        self,
        label: str,
        *,
        options: Iterable[Any],
        help_text: str | None = None,
        default_value: Iterable[Any] | None = None,
        min_selections: int | None = None,
        max_selections: int | None = None,
        disabled: bool | None = None,
    ) -> InputIOPromise[list[Any]]:
        """Pick several options; the action gets a list of the original options."""
        shown, originals = _options(options)
        defaults = [_wire(_value_of(v)) for v in default_value or []]
        component = self._core.multiple(
            label,
            options=shown,
            help_text=help_text,
            default_value=defaults or None,
            min_selections=min_selections,
            max_selections=max_selections,
        )

        def get_value(chosen: list[dict[str, Any]]) -> list[Any]:
            return [originals[selects.option_key(option["value"])] for option in chosen]

        # A default not among the options is dropped by io.select.multiple (with a log line).
        picked = [originals[k] for k in map(selects.option_key, defaults) if k in originals]
        call = self._io._call(
            component,
            get_value,
            label=label,
            disabled=disabled,
            value=picked,
            shown=[_text(_value_of(p)) for p in picked],
        )
        return InputIOPromise(call)
