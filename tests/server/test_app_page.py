"""``GET {base_url}interval/``: the app page's HTML, its login, its config, and no kernel.

The page's behaviour in a browser is tested in ``tests/browser/test_app_page.py``; here the
server side: who gets the page, what config it carries (and that no configured value can break
out of its script element), that its static files are served, and that opening it starts no
kernel.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError, HTTPResponse

from interval_nb.server.app_page import app_url, script_json

CONFIG = re.compile(r'<script id="inb-app-config" type="application/json">(.*?)</script>', re.S)


async def fetch_page(jp_fetch: Any, token: str, path: str = "interval/") -> HTTPResponse:
    """The page as ``token``'s person; never raises."""
    headers = {"Authorization": f"token {token}"}
    try:
        response: HTTPResponse = await jp_fetch(
            *path.split("/"), headers=headers, follow_redirects=False, raise_error=True
        )
    except HTTPClientError as exc:
        assert exc.response is not None
        response = exc.response
    return response


def page_config(response: HTTPResponse) -> dict[str, Any]:
    """The JSON config the page carries."""
    match = CONFIG.search(response.body.decode())
    assert match, response.body[:500]
    config: dict[str, Any] = json.loads(match.group(1))
    return config


async def test_the_page_carries_its_config_and_starts_no_kernel(
    jp_fetch: Any, jp_base_url: str, kernel_ids: Callable[[], list[str]]
) -> None:
    response = await fetch_page(jp_fetch, "bob-token")
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Cache-Control"] == "no-store"
    config = page_config(response)
    assert config["baseUrl"] == jp_base_url
    assert config["title"] == "Internal tools"
    assert config["xsrfToken"]
    body = response.body.decode()
    assert f'src="{jp_base_url}static/interval_nb/app.js"' in body
    assert kernel_ids() == []


async def test_without_a_login_the_page_redirects_to_it(
    http_server_client: Any, jp_base_url: str
) -> None:
    # no token and no cookie (jp_fetch would add the server's token)
    response = await http_server_client.fetch(
        f"{jp_base_url}interval/?action=greet", follow_redirects=False, raise_error=False
    )
    assert response.code == 302
    assert "/login?next=" in response.headers["Location"]
    assert b"inb-app-config" not in (response.body or b"")


async def test_the_page_needs_the_interval_permission(jp_fetch: Any) -> None:
    response = await fetch_page(jp_fetch, "mallory-token")
    assert response.code == 403
    assert b"inb-app-config" not in response.body


async def test_the_page_answers_without_its_trailing_slash(jp_fetch: Any) -> None:
    response = await fetch_page(jp_fetch, "bob-token", "interval")
    assert response.code == 200 and page_config(response)["baseUrl"]


HOSTILE = '</script><script>alert("x")</script><!-- & "quoted"'


@pytest.mark.parametrize("interval_config", [{"app_title": HOSTILE}])
async def test_a_configured_title_cannot_break_out_of_the_page(jp_fetch: Any) -> None:
    response = await fetch_page(jp_fetch, "bob-token")
    body = response.body.decode()
    assert "<script>alert" not in body
    assert f"<title>{html.escape(HOSTILE)}</title>" in body
    assert page_config(response)["title"] == HOSTILE


async def test_the_page_scripts_and_styles_are_served(jp_fetch: Any) -> None:
    for name in ("app.js", "app.css", "launcher.css", "runview.js"):
        response = await jp_fetch("static", "interval_nb", name, method="GET")
        assert response.code == 200 and len(response.body) > 1000, name


def test_script_json_keeps_every_value() -> None:
    value = {"a": "</script>", "b": "<!--", "c": "&amp;", "d": "\u2028", "e": "\ud800"}
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value


@pytest.mark.parametrize(
    ("public", "base", "want"),
    [
        ("http://127.0.0.1:8888/lab?token=abc", "/", "http://127.0.0.1:8888/interval/?token=abc"),
        ("https://h:1/user/ana/tree", "/user/ana/", "https://h:1/user/ana/interval/"),
    ],
)
def test_the_logged_url_is_the_pages(public: str, base: str, want: str) -> None:
    assert app_url(public, base) == want
