"""The ``io`` object an action receives: ``io.input.*``, ``io.select.*``, ``io.display.*``,
``io.group`` and ``io.confirm``.

Each method builds a component (pure data) and returns it un-shown; awaiting it shows it to
the person running the action. Keyword names follow Interval's SDK (``help_text``,
``default_value``, ``min_selections`` …) so Interval users need no translation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..errors import ActionDefinitionError
from . import displays, files, inputs, search, selects, tables, tabular
from .components import Component, check_label, drop_none
from .prompt import Prompt


def _non_negative(value: int | None, name: str, method: str) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise ActionDefinitionError(f"io.{method}(): {name} must be a non-negative integer")
    return value


def _bounds(lo: float | None, hi: float | None, method: str) -> None:
    for name, v in (("min", lo), ("max", hi)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise ActionDefinitionError(f"io.{method}(): {name} must be a number")
    if lo is not None and hi is not None and lo > hi:
        raise ActionDefinitionError(f"io.{method}(): min ({lo}) is greater than max ({hi})")


class Input:
    """``io.input``: components that ask for a typed value."""

    def text(
        self,
        label: str,
        *,
        help_text: str | None = None,
        placeholder: str | None = None,
        default_value: str | None = None,
        multiline: bool = False,
        lines: int | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        sensitive: bool = False,
    ) -> inputs.TextInput:
        """Ask for text.

        Parameters
        ----------
        label: what to ask. help_text: a hint under it. multiline: a text area of ``lines`` rows.
        min_length, max_length: bounds checked in the kernel.
        sensitive: a secret (password, token): the run's journal and history keep it redacted.

        Example
        -------
        >>> name = await io.input.text("Your name", placeholder="Ada Lovelace")  # doctest: +SKIP
        """
        _non_negative(min_length, "min_length", "input.text")
        _non_negative(max_length, "max_length", "input.text")
        if min_length is not None and max_length is not None and min_length > max_length:
            raise ActionDefinitionError("io.input.text(): min_length is greater than max_length")
        return inputs.TextInput(
            check_label(label, "input.text"),
            drop_none(
                help_text=help_text,
                placeholder=placeholder,
                default_value=default_value,
                multiline=bool(multiline),
                lines=lines,
                min_length=min_length,
                max_length=max_length,
                sensitive=True if sensitive else None,
            ),
        )

    def email(
        self,
        label: str,
        *,
        help_text: str | None = None,
        placeholder: str | None = None,
        default_value: str | None = None,
    ) -> inputs.EmailInput:
        """Ask for an email address (checked in the kernel).

        >>> email = await io.input.email("Customer email")  # doctest: +SKIP
        """
        return inputs.EmailInput(
            check_label(label, "input.email"),
            drop_none(help_text=help_text, placeholder=placeholder, default_value=default_value),
        )

    def number(
        self,
        label: str,
        *,
        min: float | None = None,
        max: float | None = None,
        decimals: int | None = None,
        currency: str | None = None,
        prepend: str | None = None,
        help_text: str | None = None,
        placeholder: str | None = None,
        default_value: float | None = None,
    ) -> inputs.NumberInput:
        """Ask for a number: an ``int``, or a ``float`` with up to ``decimals`` places.

        ``currency`` (``"USD"``, ``"EUR"`` …) shows its symbol before the field; ``prepend``
        shows any text there.

        >>> amount = await io.input.number("Amount", min=1, decimals=2, currency="USD")  # doctest: +SKIP
        """
        _bounds(min, max, "input.number")
        _non_negative(decimals, "decimals", "input.number")
        if currency is not None and not isinstance(currency, str):
            raise ActionDefinitionError("io.input.number(): currency is a code like 'USD'")
        prefix = (
            prepend
            if prepend is not None
            else (
                inputs.CURRENCY_SYMBOLS.get(currency.upper(), currency.upper())
                if currency
                else None
            )
        )
        return inputs.NumberInput(
            check_label(label, "input.number"),
            drop_none(
                min=min,
                max=max,
                decimals=decimals or None,
                currency=currency,
                prepend=prefix,
                help_text=help_text,
                placeholder=placeholder,
                default_value=default_value,
            ),
        )

    def slider(
        self,
        label: str,
        *,
        min: float,
        max: float,
        step: float | None = None,
        help_text: str | None = None,
        default_value: float | None = None,
    ) -> inputs.SliderInput:
        """Ask for a number on a slider from ``min`` to ``max``.

        >>> pct = await io.input.slider("Discount %", min=0, max=50, step=5)  # doctest: +SKIP
        """
        _bounds(min, max, "input.slider")
        if min is None or max is None:
            raise ActionDefinitionError("io.input.slider() needs min and max")
        if step is not None and (
            isinstance(step, bool) or not isinstance(step, (int, float)) or step <= 0
        ):
            raise ActionDefinitionError("io.input.slider(): step must be a positive number")
        return inputs.SliderInput(
            check_label(label, "input.slider"),
            drop_none(
                min=min, max=max, step=step, help_text=help_text, default_value=default_value
            ),
        )

    def boolean(
        self,
        label: str,
        *,
        help_text: str | None = None,
        default_value: bool = False,
    ) -> inputs.BooleanInput:
        """Ask a yes/no question as a checkbox.

        >>> notify = await io.input.boolean("Email the customer?")  # doctest: +SKIP
        """
        return inputs.BooleanInput(
            check_label(label, "input.boolean"),
            drop_none(help_text=help_text, default_value=bool(default_value)),
        )

    def url(
        self,
        label: str,
        *,
        help_text: str | None = None,
        placeholder: str | None = None,
        default_value: str | None = None,
        allowed_protocols: Sequence[str] | None = None,
    ) -> inputs.UrlInput:
        """Ask for a URL (http/https unless ``allowed_protocols`` says otherwise).

        >>> site = await io.input.url("Homepage")  # doctest: +SKIP
        """
        protocols = (
            [p.lower().rstrip(":/") for p in allowed_protocols] if allowed_protocols else None
        )
        return inputs.UrlInput(
            check_label(label, "input.url"),
            drop_none(
                help_text=help_text,
                placeholder=placeholder,
                default_value=default_value,
                allowed_protocols=protocols,
            ),
        )

    def date(
        self,
        label: str,
        *,
        help_text: str | None = None,
        default_value: dt.date | str | None = None,
        min: dt.date | str | None = None,
        max: dt.date | str | None = None,
    ) -> inputs.DateInput:
        """Ask for a date; the action gets a ``datetime.date``.

        >>> day = await io.input.date("Start date", min=datetime.date.today())  # doctest: +SKIP
        """
        return inputs.DateInput(
            check_label(label, "input.date"),
            drop_none(
                help_text=help_text,
                default_value=inputs.temporal_bound(default_value, dt.date, "default_value"),
                min=inputs.temporal_bound(min, dt.date, "min"),
                max=inputs.temporal_bound(max, dt.date, "max"),
            ),
        )

    def time(
        self,
        label: str,
        *,
        help_text: str | None = None,
        default_value: dt.time | str | None = None,
        min: dt.time | str | None = None,
        max: dt.time | str | None = None,
    ) -> inputs.TimeInput:
        """Ask for a time of day; the action gets a ``datetime.time`` (``min``/``max`` inclusive).

        >>> at = await io.input.time("Send at", min=datetime.time(8, 30))  # doctest: +SKIP
        """
        return inputs.TimeInput(
            check_label(label, "input.time"),
            drop_none(
                help_text=help_text,
                default_value=inputs.temporal_bound(default_value, dt.time, "default_value"),
                min=inputs.temporal_bound(min, dt.time, "min"),
                max=inputs.temporal_bound(max, dt.time, "max"),
            ),
        )

    def datetime(
        self,
        label: str,
        *,
        help_text: str | None = None,
        default_value: dt.datetime | str | None = None,
        min: dt.datetime | str | None = None,
        max: dt.datetime | str | None = None,
    ) -> inputs.DateTimeInput:
        """Ask for a date and time; the action gets a naive ``datetime.datetime``.

        >>> when = await io.input.datetime("Maintenance window starts")  # doctest: +SKIP
        """
        kind = dt.datetime
        return inputs.DateTimeInput(
            check_label(label, "input.datetime"),
            drop_none(
                help_text=help_text,
                default_value=inputs.temporal_bound(default_value, kind, "default_value"),
                min=inputs.temporal_bound(min, kind, "min"),
                max=inputs.temporal_bound(max, kind, "max"),
            ),
        )

    def rich_text(
        self,
        label: str,
        *,
        help_text: str | None = None,
        placeholder: str | None = None,
        default_value: str | None = None,
    ) -> inputs.RichTextInput:
        """Ask for formatted text; the action gets HTML sanitised in the kernel.

        >>> note = await io.input.rich_text("Message to the customer")  # doctest: +SKIP
        """
        default = displays.sanitize_html(default_value) if default_value else None
        return inputs.RichTextInput(
            check_label(label, "input.rich_text"),
            drop_none(help_text=help_text, placeholder=placeholder, default_value=default),
        )

    def file(
        self,
        label: str,
        *,
        help_text: str | None = None,
        allowed_extensions: Sequence[str] | None = None,
        max_size: int = files.DEFAULT_MAX_SIZE,
    ) -> files.FileInput:
        """Ask for a file (``.multiple()`` for several); the action gets :class:`UploadedFile`.

        ``max_size`` is in bytes (10 MiB by default).

        >>> f = await io.input.file("Invoices", allowed_extensions=[".csv"])  # doctest: +SKIP
        >>> rows = f.text().splitlines()  # doctest: +SKIP
        """
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size <= 0:
            raise ActionDefinitionError("io.input.file(): max_size is a positive number of bytes")
        return files.FileInput(
            check_label(label, "input.file"),
            drop_none(
                help_text=help_text,
                allowed_extensions=files.check_extensions(allowed_extensions),
                max_size=max_size,
                multiple=False,
            ),
        )


def _table_props(
    method: str,
    page_size: int,
    sortable: bool,
    filterable: bool,
    help_text: str | None,
) -> dict[str, Any]:
    if (
        isinstance(page_size, bool)
        or not isinstance(page_size, int)
        or not 1 <= page_size <= tabular.MAX_PAGE_SIZE
    ):
        raise ActionDefinitionError(
            f"io.{method}(): page_size must be between 1 and {tabular.MAX_PAGE_SIZE}"
        )
    return drop_none(
        page_size=page_size,
        sortable=bool(sortable),
        filterable=bool(filterable),
        help_text=help_text,
    )


class Select:
    """``io.select``: components that pick among options the action offers."""

    def table(
        self,
        label: str,
        *,
        data: Any,
        columns: Sequence[Any] | None = None,
        help_text: str | None = None,
        min_selections: int | None = None,
        max_selections: int | None = None,
        initially_selected: Sequence[Any] | Callable[[Any], bool] | None = None,
        page_size: int = tabular.DEFAULT_PAGE_SIZE,
        sortable: bool = True,
        filterable: bool = True,
        row_menu_items: Callable[[Any], Sequence[dict[str, str]]] | None = None,
        row_key: str | None = None,
    ) -> tables.SelectTable:
        """Pick rows of a table; paging, sorting and search happen in the kernel.

        ``data`` is a list of dicts, a pandas or polars DataFrame, or an async
        ``get_data(query)`` returning ``(rows, total)`` for ``query.offset``,
        ``query.page_size``, ``query.sort`` (``(field, "asc"|"desc")`` or ``None``) and
        ``query.search``. The action gets the selected rows: dicts, or a DataFrame of them.
        A row's key is its position in ``data`` unless ``row_key`` names a field (required
        for ``get_data``). ``columns`` are field names or dicts with ``label``, ``accessor``
        (field or function), ``format`` (number, currency, percent, date, datetime),
        ``url`` and ``image`` (fields or functions); a field name is its own label. Without
        ``columns``, a list of dicts shows every key of its rows in order of first appearance,
        read from a bounded sample on long lists (:func:`.tabular.fields_of`).

        >>> rows = await io.select.table("Charges", data=df, min_selections=1)  # doctest: +SKIP
        """
        _non_negative(min_selections, "min_selections", "select.table")
        _non_negative(max_selections, "max_selections", "select.table")
        if (
            min_selections is not None
            and max_selections is not None
            and min_selections > max_selections
        ):
            raise ActionDefinitionError(
                "io.select.table(): min_selections is greater than max_selections"
            )
        if callable(data) and not isinstance(data, (list, tuple)) and row_key is None:
            raise ActionDefinitionError(
                "io.select.table(): a get_data callback needs row_key= to tell rows apart"
            )
        source, cols = tabular.make_source(data, columns, row_key, "select.table")
        props = _table_props("select.table", page_size, sortable, filterable, help_text)
        props.update(
            drop_none(min_selections=min_selections, max_selections=max_selections),
            columns=[c.spec() for c in cols],
            selectable=True,
            can_select_all=source.can_select_all,
        )
        if initially_selected is not None:
            props["initially_selected"] = _initial_keys(source, initially_selected)
        return tables.SelectTable(
            check_label(label, "select.table"),
            props,
            source=source,
            columns=tuple(cols),
            row_menu_items=row_menu_items,
            row_key=row_key,
        )

    def single(
        self,
        label: str,
        *,
        options: Iterable[Any],
        help_text: str | None = None,
        default_value: Any = None,
        searchable: bool = False,
    ) -> selects.SingleSelect:
        """Pick one option; the action gets the original option object back.

        Options are primitives or dicts with ``label``, ``value`` and ``description``.

        >>> plan = await io.select.single("Plan", options=["free", "pro"])  # doctest: +SKIP
        """
        shown, originals = selects.normalise_options(options, "select.single")
        default = selects.wire_value(selects.value_of(default_value))
        warnings: tuple[str, ...] = ()
        if default is not None and selects.option_key(default) not in originals:
            warnings = (selects.ignored_default("select.single", default_value),)
            default = None
        return selects.SingleSelect(
            check_label(label, "select.single"),
            drop_none(
                options=shown,
                help_text=help_text,
                default_value=default,
                searchable=searchable or None,
            ),
            warnings=warnings,
            originals=originals,
        )

    def multiple(
        self,
        label: str,
        *,
        options: Iterable[Any],
        help_text: str | None = None,
        default_value: Iterable[Any] | None = None,
        min_selections: int | None = None,
        max_selections: int | None = None,
    ) -> selects.MultipleSelect:
        """Pick several options; the action gets a list of the original option objects.

        >>> tags = await io.select.multiple("Tags", options=tags, max_selections=3)  # doctest: +SKIP
        """
        shown, originals = selects.normalise_options(options, "select.multiple")
        _non_negative(min_selections, "min_selections", "select.multiple")
        _non_negative(max_selections, "max_selections", "select.multiple")
        if (
            min_selections is not None
            and max_selections is not None
            and min_selections > max_selections
        ):
            raise ActionDefinitionError(
                "io.select.multiple(): min_selections is greater than max_selections"
            )
        given = list(default_value or [])
        offered = [
            selects.option_key(selects.wire_value(selects.value_of(v))) in originals for v in given
        ]
        warnings = tuple(
            selects.ignored_default("select.multiple", v)
            for v, ok in zip(given, offered, strict=True)
            if not ok
        )
        defaults = [
            selects.wire_value(selects.value_of(v))
            for v, ok in zip(given, offered, strict=True)
            if ok
        ]
        return selects.MultipleSelect(
            check_label(label, "select.multiple"),
            drop_none(
                options=shown,
                help_text=help_text,
                default_value=defaults or None,
                min_selections=min_selections,
                max_selections=max_selections,
            ),
            warnings=warnings,
            originals=originals,
        )


def _initial_keys(source: tabular.TableSource, chosen: Any) -> list[str]:
    if callable(chosen):
        if not isinstance(source, tabular.ListSource):
            raise ActionDefinitionError(
                "initially_selected=function works for lists of dicts; pass row keys"
            )
        return [source.key(i) for i, row in enumerate(source.rows) if chosen(row)]
    keys = [str(k) for k in chosen]
    if any(not source.has_key(k) for k in keys):
        raise ActionDefinitionError("initially_selected has a key that is not a row of the table")
    return keys


def _media_source(
    method: str,
    url: str | None,
    data: bytes | None,
    size: str | None,
    to_data_url: Callable[[bytes], str],
) -> str:
    """The ``src`` of an image or video given as exactly one of ``url=`` or ``bytes=``."""
    if (url is None) == (data is None):
        raise ActionDefinitionError(f"io.{method}() needs exactly one of url= or bytes=")
    if size is not None and size not in ("thumbnail", "small", "medium", "large"):
        raise ActionDefinitionError(
            f"io.{method}(): size must be thumbnail, small, medium or large"
        )
    if url is not None:
        return displays.check_link(url, method)
    assert data is not None
    return to_data_url(data)


class Display:
    """``io.display``: components that show information."""

    def table(
        self,
        label: str,
        *,
        data: Any,
        columns: Sequence[Any] | None = None,
        help_text: str | None = None,
        page_size: int = tabular.DEFAULT_PAGE_SIZE,
        sortable: bool = True,
        filterable: bool = True,
        row_menu_items: Callable[[Any], Sequence[dict[str, str]]] | None = None,
        row_key: str | None = None,
    ) -> tables.DisplayTable:
        """Show a table (same data and columns as :meth:`Select.table`), paged in the kernel.

        >>> await io.display.table("Recent orders", data=orders_df)  # doctest: +SKIP
        """
        source, cols = tabular.make_source(data, columns, row_key, "display.table")
        props = _table_props("display.table", page_size, sortable, filterable, help_text)
        props.update(columns=[c.spec() for c in cols], selectable=False, can_select_all=False)
        return tables.DisplayTable(
            check_label(label, "display.table"),
            props,
            source=source,
            columns=tuple(cols),
            row_menu_items=row_menu_items,
        )

    def grid(
        self,
        label: str,
        *,
        data: Sequence[Any],
        render_item: Callable[[Any], Any] | None = None,
        help_text: str | None = None,
        page_size: int = tabular.DEFAULT_PAGE_SIZE,
        filterable: bool = True,
    ) -> tables.DisplayGrid:
        """Show items as cards (``render_item(item)`` → ``{label, description, image, url}``).

        >>> await io.display.grid("Products", data=products, render_item=lambda p: {
        ...     "label": p["name"], "image": p["photo"], "url": p["page"]})  # doctest: +SKIP
        """
        if isinstance(data, (str, bytes)) or not isinstance(data, Sequence):
            raise ActionDefinitionError("io.display.grid(): data is a list of items")
        if render_item is not None and not callable(render_item):
            raise ActionDefinitionError("io.display.grid(): render_item must be a function")

        def field(name: str) -> Callable[[Any], Any]:
            return lambda item: tables.render_grid_item(item, render_item).get(name)

        cols = [
            tabular.Column("c0", "label", field("label")),
            tabular.Column("c1", "description", field("description")),
        ]
        props = _table_props("display.grid", page_size, False, filterable, help_text)
        return tables.DisplayGrid(
            check_label(label, "display.grid"),
            props,
            source=tabular.ListSource(data, cols, None),
            columns=tuple(cols),
            render_item=render_item,
        )

    def html(self, label: str, *, html: str) -> displays.HTMLDisplay:
        """Show HTML; scripts, styles, event handlers and unsafe links are removed in the kernel.

        >>> await io.display.html("Receipt", html=receipt_html)  # doctest: +SKIP
        """
        if not isinstance(html, str):
            raise ActionDefinitionError("io.display.html(): html must be a string")
        return displays.HTMLDisplay(
            check_label(label, "display.html"), {"html": displays.sanitize_html(html)}
        )

    def video(
        self,
        label: str,
        *,
        url: str | None = None,
        bytes: bytes | None = None,
        loop: bool = False,
        muted: bool = False,
        size: str | None = None,
    ) -> displays.Video:
        """Show a video from a URL or from bytes (MP4, WebM or Ogg).

        >>> await io.display.video("How to", url="https://example.com/howto.mp4")  # doctest: +SKIP
        """
        src = _media_source("display.video", url, bytes, size, displays.video_data_url)
        return displays.Video(
            check_label(label, "display.video"),
            drop_none(url=src, loop=bool(loop), muted=bool(muted), size=size),
        )

    def widget(self, label: str, *, widget: Any) -> displays.WidgetDisplay:
        """Embed any ipywidget (a plot, a map) in the prompt.

        >>> await io.display.widget("Revenue", widget=plotly_figure_widget)  # doctest: +SKIP
        """
        model_id = getattr(widget, "model_id", None)
        if not isinstance(model_id, str):
            raise ActionDefinitionError(
                "io.display.widget() takes an ipywidgets widget (with a model_id)"
            )
        return displays.WidgetDisplay(
            check_label(label, "display.widget"), {"model_id": model_id}, widget=widget
        )

    def figure(self, label: str, *, figure: Any, alt: str | None = None) -> Component:
        """Show a matplotlib figure (as a PNG) or a plotly figure (as an interactive widget).

        >>> await io.display.figure("Refunds per day", figure=fig)  # doctest: +SKIP
        """
        module = type(figure).__module__.split(".")[0]
        if module == "matplotlib" and hasattr(figure, "savefig"):
            import io as _io

            buffer = _io.BytesIO()
            figure.savefig(buffer, format="png", bbox_inches="tight")
            return self.image(label, bytes=buffer.getvalue(), alt=alt)
        if module == "plotly":
            import plotly.graph_objects as go

            widget = figure if isinstance(figure, go.FigureWidget) else go.FigureWidget(figure)
            return self.widget(label, widget=widget)
        raise ActionDefinitionError(
            f"io.display.figure() takes a matplotlib or plotly figure, got {type(figure).__name__}; "
            "for other plots use io.display.widget() or io.display.image(bytes=...)"
        )

    def heading(
        self,
        label: str,
        *,
        level: int = 2,
        description: str | None = None,
        menu_items: Sequence[dict[str, str]] | None = None,
    ) -> displays.Heading:
        """Show a section heading (level 2–4) with an optional description and link menu.

        >>> await io.display.heading("Refund summary", description="Check before confirming")  # doctest: +SKIP
        """
        if level not in (2, 3, 4):
            raise ActionDefinitionError("io.display.heading(): level must be 2, 3 or 4")
        items = [
            {"label": str(m["label"]), "url": displays.check_link(m.get("url"), "display.heading")}
            for m in (menu_items or [])
        ]
        return displays.Heading(
            check_label(label, "display.heading"),
            drop_none(level=level, description=description, menu_items=items or None),
        )

    def markdown(self, label: str) -> displays.Markdown:
        """Show Markdown text (raw HTML in it is escaped).

        >>> await io.display.markdown("**Done.** 3 charges refunded.")  # doctest: +SKIP
        """
        text = check_label(label, "display.markdown")
        return displays.Markdown(text, {"html": displays.render_markdown(text)})

    def code(self, label: str, *, code: str, language: str | None = None) -> displays.Code:
        """Show a block of code.

        >>> await io.display.code("Query", code=sql, language="sql")  # doctest: +SKIP
        """
        if not isinstance(code, str):
            raise ActionDefinitionError("io.display.code(): code must be a string")
        return displays.Code(
            check_label(label, "display.code"), drop_none(code=code, language=language)
        )

    def link(self, label: str, *, url: str, theme: str = "default") -> displays.Link:
        """Show a link as a button (``theme``: default, primary, secondary or danger).

        >>> await io.display.link("Open in Stripe", url=charge_url)  # doctest: +SKIP
        """
        if theme not in ("default", "primary", "secondary", "danger"):
            raise ActionDefinitionError(
                "io.display.link(): theme must be default, primary, secondary or danger"
            )
        return displays.Link(
            check_label(label, "display.link"),
            {"url": displays.check_link(url, "display.link"), "theme": theme},
        )

    def object(self, label: str, *, data: Any) -> displays.ObjectDisplay:
        """Show any object as an expandable tree (dicts, lists, dataclasses, dates …).

        >>> await io.display.object("Customer", data=customer)  # doctest: +SKIP
        """
        from .._util import jsonable

        return displays.ObjectDisplay(
            check_label(label, "display.object"), {"data": jsonable(data)}
        )

    def metadata(
        self,
        label: str,
        *,
        data: Sequence[dict[str, Any]],
        layout: str = "grid",
    ) -> displays.Metadata:
        """Show labelled values; each ``value`` may be a callable or awaitable, resolved first.

        >>> await io.display.metadata("User", data=[{"label": "Plan", "value": "pro"}])  # doctest: +SKIP
        """
        if layout not in ("grid", "list", "card"):
            raise ActionDefinitionError("io.display.metadata(): layout must be grid, list or card")
        if isinstance(data, (str, bytes)) or not all(isinstance(d, dict) for d in data):
            raise ActionDefinitionError(
                "io.display.metadata(): data is a list of {label, value} dicts"
            )
        return displays.Metadata(
            check_label(label, "display.metadata"),
            {"layout": layout, "data": []},
            items=tuple(data),
        )

    def image(
        self,
        label: str,
        *,
        url: str | None = None,
        bytes: bytes | None = None,
        alt: str | None = None,
        size: str | None = None,
        width: str | None = None,
        height: str | None = None,
    ) -> displays.Image:
        """Show an image from a URL or from bytes (PNG, JPEG, GIF, WebP or SVG).

        ``size`` is ``thumbnail``, ``small``, ``medium`` or ``large``.

        >>> await io.display.image("Chart", bytes=png_bytes, alt="Refunds per day")  # doctest: +SKIP
        """
        src = _media_source("display.image", url, bytes, size, displays.image_data_url)
        return displays.Image(
            check_label(label, "display.image"),
            drop_none(
                url=src,
                alt=alt if alt is not None else label,
                size=size,
                width=width,
                height=height,
            ),
        )


class IO:
    """The namespace passed to every action as ``io``."""

    def __init__(self) -> None:
        self.input = Input()
        self.select = Select()
        self.display = Display()

    def group(self, *components: Component, **named: Component) -> Prompt:
        """Show several components at once.

        Positional components give a list, keyword components a dict.

        >>> name, email = await io.group(io.input.text("Name"), io.input.email("Email"))  # doctest: +SKIP
        """
        return Prompt.group(*components, **named)

    def search(
        self,
        label: str,
        *,
        on_search: Callable[[str], Any],
        render_result: Callable[[Any], Any] | None = None,
        initial_results: Sequence[Any] | None = None,
        placeholder: str | None = None,
        help_text: str | None = None,
        timeout: float = 10.0,
    ) -> search.Search:
        """Search as the person types; ``on_search(query)`` (sync or async) returns results.

        ``render_result(result)`` returns a label or ``{label, description, image}``. The
        action gets the picked result (a list with ``.multiple()``).

        >>> user = await io.search("Find a user", on_search=find_users,
        ...                        render_result=lambda u: {"label": u.name, "description": u.email})  # doctest: +SKIP
        """
        return search.make_search(
            label, on_search, render_result, initial_results, placeholder, help_text, timeout
        )

    def confirm(self, label: str, *, help_text: str | None = None) -> displays.Confirm:
        """Ask a yes/no question with two buttons; returns ``True`` or ``False``.

        >>> if not await io.confirm(f"Refund {n} charges?"): return  # doctest: +SKIP
        """
        return displays.Confirm(check_label(label, "confirm"), drop_none(help_text=help_text))


io = IO()
"""A ready ``IO`` for helper functions outside the action signature (works only inside a run)."""
