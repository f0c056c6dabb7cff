"""Kernel WebSockets without Nagle's algorithm, so a widget update reaches the page at once.

jupyter_server writes each kernel message to the page's WebSocket as soon as the kernel
publishes it. With Nagle's algorithm on (the socket default), a small frame that follows
another one still unacknowledged waits for the browser's delayed ACK, about 40 ms: the run
view's "answer → next prompt" (several small IOPub messages in a row) measured 50 ms in a
notebook against 17 ms with ``TCP_NODELAY``. Interval's own WebSocket and Tornado's HTTP
replies already write whole messages at once; only the kernel channel needs this.

The server's configured connection class is kept: this only subclasses it.
"""

from __future__ import annotations

from typing import Any


def nodelay_connection_class(base: type[Any]) -> type[Any]:
    """A subclass of the kernel WebSocket connection ``base`` that sets ``TCP_NODELAY``."""
    if getattr(base, "interval_nb_nodelay", False):
        return base

    class NoDelayKernelWebsocketConnection(base):  # type: ignore[misc]
        """``base``, with Nagle's algorithm off on the page's socket before it connects."""

        interval_nb_nodelay = True

        def connect(self) -> Any:
            """Turn Nagle off on this page's socket, then connect as ``base`` does."""
            self.websocket_handler.set_nodelay(True)
            return super().connect()

    NoDelayKernelWebsocketConnection.__qualname__ = f"NoDelay{base.__qualname__}"
    return NoDelayKernelWebsocketConnection
