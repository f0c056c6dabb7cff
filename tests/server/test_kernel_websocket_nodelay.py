"""A page's kernel WebSocket has Nagle's algorithm off, so widget updates are not held back."""

from __future__ import annotations

import json
import socket
from typing import Any

from jupyter_server.services.kernels.connection.channels import (
    ZMQChannelsWebsocketConnection,
)

from interval_nb.server.nodelay import nodelay_connection_class


def _server_side_sockets() -> list[socket.socket]:
    handlers = ZMQChannelsWebsocketConnection._open_sessions.values()
    return [h.ws_connection.stream.socket for h in handlers if h.ws_connection is not None]


async def test_kernel_websocket_sets_tcp_nodelay(
    jp_fetch: Any, jp_ws_fetch: Any, jp_serverapp: Any
) -> None:
    reply = await jp_fetch("api", "kernels", method="POST", body=json.dumps({"name": "python3"}))
    kernel_id = json.loads(reply.body)["id"]
    try:
        ws = await jp_ws_fetch(
            "api", "kernels", kernel_id, "channels", params={"session_id": "nodelay-test"}
        )
        try:
            sockets = _server_side_sockets()
            assert sockets, "the server holds no page connection to the kernel"
            for sock in sockets:
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        finally:
            ws.close()
    finally:
        await jp_serverapp.kernel_manager.shutdown_kernel(kernel_id, now=True)


def test_wrapping_keeps_the_configured_class_and_is_idempotent() -> None:
    wrapped = nodelay_connection_class(ZMQChannelsWebsocketConnection)
    assert issubclass(wrapped, ZMQChannelsWebsocketConnection)
    assert nodelay_connection_class(wrapped) is wrapped
