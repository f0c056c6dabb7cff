"""The kernel-free app page at ``{base_url}interval/``: a single-page app for people who never
see code.

The handler serves one small HTML document; everything else is static (``app.js``,
``app.css``, the launcher's and the renderer's files under ``{base_url}static/interval_nb/``)
and talks to the interval API with the person's own Jupyter login, like the Lab sidebar does.
Opening the page starts no kernel: runs go to the server's actions kernel(s).

Jupyter's login applies (``@web.authenticated`` redirects to the login page, or to the hub's
behind JupyterHub) and the ``interval`` resource is checked for ``read`` like every API GET.
The page config is JSON inside a ``<script type="application/json">`` with ``<``, ``>`` and
``&`` escaped, so no value can close the script element.
"""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import urlparse

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from jupyter_server.utils import url_path_join
from tornado import web

from .handlers import AUTH_RESOURCE

PATH = r"/interval/?"
"""The page's route (relative to ``base_url``); ``?action=`` and ``#run=`` are read by the page."""

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{title}</title>
<link rel="stylesheet" href="{static}app.css">
<link rel="stylesheet" href="{static}launcher.css">
<link rel="modulepreload" href="{static}app.js">
<script id="inb-app-config" type="application/json">{config}</script>
</head>
<body>
<noscript>This page needs JavaScript.</noscript>
<div id="inb-app"></div>
<script type="module" src="{static}app.js"></script>
</body>
</html>
"""


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def app_url(public_url: str, base_url: str) -> str:
    """The page's URL for the server whose ``public_url`` (with its token) is given."""
    parts = urlparse(public_url)
    return parts._replace(path=url_path_join(base_url, "interval/")).geturl()


class AppPageHandler(ExtensionHandlerMixin, JupyterHandler):
    """``GET {base_url}interval/``: the app page (login required; starts no kernel)."""

    auth_resource = AUTH_RESOURCE

    @web.authenticated
    @authorized
    def get(self) -> None:
        """Serve the page's HTML with its config (base URL, XSRF token, title)."""
        title = str(self.extensionapp.app_title)  # type: ignore[attr-defined]
        config = {
            "baseUrl": self.base_url,
            "xsrfToken": self.xsrf_token.decode("ascii"),
            "title": title,
        }
        static = url_path_join(self.base_url, "static/interval_nb/")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(
            _PAGE.format(
                title=html.escape(title),
                static=html.escape(static, quote=True),
                config=script_json(config),
            )
        )
