"""``actions.inbox()``: the widget knows whether its server can answer the page's API calls.

The page side (listing, opening and answering runs) is driven in Chromium by
``tests/browser/test_voila_inbox.py``; here the kernel side of the widget.
"""

from __future__ import annotations

import os

import pytest

import interval_nb as inb
from interval_nb.channels.inbox import InboxWidget
from interval_nb.channels.renderer import SERVED_ENV


def test_outside_a_server_with_the_extension_the_widget_says_it_cannot_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SERVED_ENV, raising=False)
    widget = inb.Actions().inbox()
    assert isinstance(widget, InboxWidget)
    assert (widget.served, widget.title) == (False, "Waiting for me")


def test_a_kernel_of_a_server_with_the_extension_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SERVED_ENV, str(os.getppid()))
    widget = inb.Actions().inbox(title="For my approval")
    assert (widget.served, widget.title) == (True, "For my approval")
    assert "export" in widget._esm and "inb-inbox-widget" in widget._css
