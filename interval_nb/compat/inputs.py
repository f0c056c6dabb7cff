"""interval-sdk's ``io.input``: every input with its keyword names and return shapes.

Each method checks its arguments with interval_nb's own ``io.input`` and says how the answer
becomes interval-sdk's value: ``url`` → ``urllib.parse.ParseResult``, ``number`` → ``int``
(``float`` with ``decimals``), ``time``/``datetime`` to the minute, ``file`` →
:class:`~interval_nb.compat.files.IntervalFile`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import ParseResult, urlparse

from ..errors import ActionDefinitionError
from .errors import unsupported
from .files import IntervalFile
from .promises import InputIOPromise, MultipleableIOPromise

if TYPE_CHECKING:
    from .namespace import IO

__all__ = ["Input"]


def _no_defaults(values: list[Any]) -> None:
    if values:
        raise ActionDefinitionError("io.input.file().multiple() takes no default_value")


class Input:
    """``io.input``."""

    def __init__(self, io: IO) -> None:
        self._io = io
        self._core = io._core.input

    def text(
        self,
        label: str,
        *,
        help_text: str | None = None,
        default_value: str | None = None,
        multiline: bool | None = None,
        lines: int | None = None,
        disabled: bool | None = None,
        placeholder: str | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
    ) -> InputIOPromise[str]:
        """Ask for text."""
        component = self._core.text(
            label,
            help_text=help_text,
            placeholder=placeholder,
            default_value=default_value,
            multiline=bool(multiline),
            lines=lines,
            min_length=min_length,
            max_length=max_length,
        )
        return self._io._input(component, disabled=disabled, default=default_value)

    def email(
        self,
        label: str,
        *,
        help_text: str | None = None,
        default_value: str | None = None,
        disabled: bool | None = None,
        placeholder: str | None = None,
    ) -> InputIOPromise[str]:
        """Ask for an email address."""
        component = self._core.email(
            label, help_text=help_text, placeholder=placeholder, default_value=default_value
        )
        return self._io._input(component, disabled=disabled, default=default_value)

    def number(
        self,
        label: str,
        *,
        min: float | None = None,
        max: float | None = None,
        prepend: str | None = None,
        help_text: str | None = None,
        default_value: float | None = None,
        decimals: int | None = None,
        disabled: bool | None = None,
        placeholder: str | None = None,
        currency: str | None = None,
    ) -> InputIOPromise[Any]:
        """Ask for a number: an ``int``, or a ``float`` when ``decimals`` is given."""
        component = self._core.number(
            label,
            min=min,
            max=max,
            decimals=decimals,
            currency=currency,
            prepend=prepend,
            help_text=help_text,
            placeholder=placeholder,
            default_value=default_value,
        )

        def get_value(value: float) -> Any:
            return int(value) if decimals is None else float(value)

        return self._io._input(component, get_value, disabled=disabled, default=default_value)

    def slider(
        self,
        label: str,
        *,
        min: float,
        max: float,
        step: float | None = None,
        help_text: str | None = None,
        default_value: float | None = None,
        disabled: bool | None = None,
    ) -> InputIOPromise[Any]:
        """Ask for a number on a slider: an ``int`` when every bound is an ``int``."""
        component = self._core.slider(
            label, min=min, max=max, step=step, help_text=help_text, default_value=default_value
        )
        whole = all(
            isinstance(v, int) and not isinstance(v, bool)
            for v in (min, max, step if step is not None else 1, default_value or 0)
        )

        def get_value(value: float) -> Any:
            return int(value) if whole else float(value)

        return self._io._input(component, get_value, disabled=disabled, default=default_value)

    def boolean(
        self,
        label: str,
        *,
        help_text: str | None = None,
        default_value: bool | None = None,
        disabled: bool | None = None,
    ) -> InputIOPromise[bool]:
        """Ask a yes/no question as a checkbox."""
        default = bool(default_value)
        component = self._core.boolean(label, help_text=help_text, default_value=default)
        return self._io._input(component, disabled=disabled, default=default)

    def rich_text(
        self,
        label: str,
        *,
        help_text: str | None = None,
        disabled: bool | None = None,
        placeholder: str | None = None,
        default_value: str | None = None,
    ) -> InputIOPromise[str]:
        """Ask for formatted text; the action gets HTML (sanitised in the kernel)."""
        component = self._core.rich_text(
            label, help_text=help_text, placeholder=placeholder, default_value=default_value
        )
        return self._io._input(component, disabled=disabled, default=default_value)

    def url(
        self,
        label: str,
        *,
        help_text: str | None = None,
        allowed_protocols: Iterable[str] | None = None,
        default_value: str | None = None,
        disabled: bool | None = None,
        placeholder: str | None = None,
    ) -> InputIOPromise[ParseResult]:
        """Ask for a URL; the action gets a ``urllib.parse.ParseResult``."""
        component = self._core.url(
            label,
            help_text=help_text,
            placeholder=placeholder,
            default_value=default_value,
            allowed_protocols=list(allowed_protocols) if allowed_protocols else None,
        )
        return self._io._input(component, urlparse, disabled=disabled, default=default_value)

    def date(
        self,
        label: str,
        *,
        help_text: str | None = None,
        default_value: dt.date | None = None,
        disabled: bool | None = None,
        min: dt.date | None = None,
        max: dt.date | None = None,
    ) -> InputIOPromise[dt.date]:
        """Ask for a date (``datetime.date``)."""
        component = self._core.date(
            label, help_text=help_text, default_value=default_value, min=min, max=max
        )
        return self._io._input(component, disabled=disabled, default=default_value)

    def time(
        self,
        label: str,
        *,
        help_text: str | None = None,
        default_value: dt.time | None = None,
        disabled: bool | None = None,
        min: dt.time | None = None,
        max: dt.time | None = None,
    ) -> InputIOPromise[dt.time]:
        """Ask for a time of day (``datetime.time``, to the minute); ``min``/``max`` checked in the kernel."""
        component = self._core.time(
            label, help_text=help_text, default_value=default_value, min=min, max=max
        )

        def get_value(value: dt.time) -> dt.time:
            return dt.time(value.hour, value.minute)

        return self._io._input(component, get_value, disabled=disabled, default=default_value)

    def datetime(
        self,
        label: str,
        *,
        help_text: str | None = None,
        default_value: dt.datetime | None = None,
        disabled: bool | None = None,
        min: dt.datetime | None = None,
        max: dt.datetime | None = None,
    ) -> InputIOPromise[dt.datetime]:
        """Ask for a date and time (naive ``datetime.datetime``, to the minute)."""
        component = self._core.datetime(
            label, help_text=help_text, default_value=default_value, min=min, max=max
        )

        def get_value(value: dt.datetime) -> dt.datetime:
            return value.replace(second=0, microsecond=0)

        return self._io._input(component, get_value, disabled=disabled, default=default_value)

    def file(
        self,
        label: str,
        *,
        allowed_extensions: Iterable[str] | None = None,
        help_text: str | None = None,
        generate_presigned_urls: Callable[..., Any] | None = None,
        disabled: bool | None = None,
    ) -> MultipleableIOPromise[IntervalFile]:
        """Ask for a file (``.multiple()`` for several); the action gets an :class:`IntervalFile`."""
        if generate_presigned_urls is not None:
            raise unsupported(
                "io.input.file(generate_presigned_urls=...) (uploads to your own storage)",
                "the upload arrives in the kernel; read it with .read()/.text() and store it "
                "yourself",
            )
        component = self._core.file(
            label,
            help_text=help_text,
            allowed_extensions=list(allowed_extensions) if allowed_extensions else None,
        )
        call = self._io._call(
            component, IntervalFile, label=label, disabled=disabled, set_defaults=_no_defaults
        )
        return MultipleableIOPromise(call)
