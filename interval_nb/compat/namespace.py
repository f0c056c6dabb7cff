"""interval-sdk's ``io`` object: every io method with its keyword names and return shapes.

``io.input``, ``io.select`` and ``io.display`` live in :mod:`~interval_nb.compat.inputs`,
:mod:`~interval_nb.compat.selects` and :mod:`~interval_nb.compat.displays` (and are reachable as
``IO.Input`` … as in interval-sdk). Each method checks its arguments with interval_nb's own io
namespace (so bounds, options and labels are validated the same way), wraps the component in a
promise of :mod:`~interval_nb.compat.promises` and says how the answer becomes interval-sdk's
value. ``disabled=True`` shows the value read-only and returns it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..io import search
from ..io.components import Component
from ..io.namespace import IO as CoreIO
from .displays import Display, Experimental
from .errors import unsupported
from .inputs import Input
from .promises import (
    DisplayIOPromise,
    ExclusiveIOPromise,
    InputIOPromise,
    IOCall,
    IOGroupPromise,
    IOPromise,
    MultipleableIOPromise,
)
from .selects import Select

if TYPE_CHECKING:
    from .context import Transaction

__all__ = ["IO", "SearchWithDefaults"]


class IO:
    """interval-sdk's ``io``: ``io.input``, ``io.select``, ``io.display``, ``io.experimental``,
    ``io.group``, ``io.search``, ``io.confirm`` and ``io.confirm_identity``."""

    Input = Input
    Select = Select
    Display = Display
    Experimental = Experimental

    def __init__(self, transaction: Transaction | None = None) -> None:
        self._transaction = transaction
        self._core = CoreIO()
        self.input = IO.Input(self)
        self.select = IO.Select(self)
        self.display = IO.Display(self)
        self.experimental = IO.Experimental(self)

    # -- building promises -----------------------------------------------------------------
    def _call(
        self,
        component: Component | None,
        get_value: Callable[[Any], Any] | None = None,
        *,
        label: str = "",
        disabled: bool | None = None,
        value: Any = None,
        shown: Any = None,
        build: Any = None,
        set_defaults: Callable[[list[Any]], None] | None = None,
    ) -> IOCall:
        read_only = None
        if disabled:  # shown read-only, as a disabled Interval field: the action gets its value
            read_only = (self._core.display.object(label, data=shown), value)
        return IOCall(
            self, component, get_value, build=build, disabled=read_only, set_defaults=set_defaults
        )

    def _input(
        self,
        component: Component,
        get_value: Callable[[Any], Any] | None = None,
        *,
        disabled: bool | None = None,
        default: Any = None,
    ) -> InputIOPromise[Any]:
        value = get_value(default) if get_value is not None and default is not None else default
        call = self._call(
            component,
            get_value,
            label=component.label,
            disabled=disabled,
            value=value,
            shown=default,
        )
        return InputIOPromise(call)

    def _display(self, component: Component) -> DisplayIOPromise:
        return DisplayIOPromise(self._call(component))

    # -- io.* ----------------------------------------------------------------------------------
    def confirm(self, label: str, help_text: str | None = None) -> ExclusiveIOPromise[bool]:
        """Ask a yes/no question with two buttons; returns ``True`` or ``False``."""
        return ExclusiveIOPromise(self._call(self._core.confirm(label, help_text=help_text)))

    def confirm_identity(self, label: str, grace_period: float | None = None) -> Any:
        """interval-sdk asks the person to log in again; there is no such step in Jupyter."""
        raise unsupported(
            "io.confirm_identity()",
            "Jupyter has no re-authentication step; check ctx.user, or protect the action "
            "with the server extension's access control",
        )

    def group(
        self, *io_promises: IOPromise[Any], **kw_io_promises: IOPromise[Any]
    ) -> IOGroupPromise:
        """Show several io calls at once: a list, or a ``KeyedIONamespace`` for keywords.

        >>> name, email = await io.group(io.input.text("Name"), io.input.email("Email"))  # doctest: +SKIP
        """
        return IOGroupPromise(self, io_promises, kw_io_promises)

    def search(
        self,
        label: str,
        *,
        on_search: Callable[[str], Any],
        render_result: Callable[[Any], Any],
        help_text: str | None = None,
        initial_results: Iterable[Any] | None = None,
        default_value: Any = None,
        disabled: bool | None = None,
        placeholder: str | None = None,
    ) -> MultipleableIOPromise[Any]:
        """Search as the person types; ``on_search(query)`` returns results, the action gets one."""
        core = self._core.search(
            label,
            on_search=on_search,
            render_result=render_result,
            initial_results=list(initial_results or []),
            placeholder=placeholder,
            help_text=help_text,
        )
        fields = {f.name: getattr(core, f.name) for f in dataclasses.fields(core) if f.init}
        component = SearchWithDefaults(**fields)
        if default_value is not None:
            component = dataclasses.replace(component, defaults=(default_value,))
        call = self._call(
            component,
            label=label,
            disabled=disabled,
            value=default_value,
            shown=render_result(default_value) if default_value is not None else None,
        )

        def set_defaults(values: list[Any]) -> None:
            call.component = dataclasses.replace(component, defaults=tuple(values))

        call.set_defaults = set_defaults
        return MultipleableIOPromise(call)


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class SearchWithDefaults(search.Search):
    """``io.search`` with interval-sdk's ``default_value``: shown among the first results, picked."""

    defaults: tuple[Any, ...] = ()

    async def prepare(self) -> search.Search:
        if not self.defaults:
            return await super().prepare()
        both = dataclasses.replace(
            self, initial_results=(*self.initial_results, *self.defaults), defaults=()
        )
        ready = await search.Search.prepare(both)
        keys = [r["key"] for r in ready.props["initial"][len(self.initial_results) :]]
        return dataclasses.replace(ready, props={**ready.props, "default_keys": keys})

    def initial_value(self) -> Any:
        keys = list(self.props.get("default_keys") or [])
        if self.props.get("multiple"):
            return keys
        return keys[0] if keys else None
