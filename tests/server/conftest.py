"""Fixtures for the server extension: an in-process Jupyter server, users, sample actions.

pytest-jupyter's server fixtures are imported here rather than named in ``pytest_plugins``:
pytest ≥ 8 refuses ``pytest_plugins`` outside the root conftest ("Defining 'pytest_plugins'
in a non-top-level conftest is no longer supported"), and the root conftest belongs to the
whole suite. Importing the fixtures keeps them (and their autouse cleanup) to this directory.
pytest-jupyter runs coroutine tests on its own loop through two hooks; this suite runs them
with pytest-asyncio (``asyncio_mode = auto``) instead, so the hooks are dropped and
``jp_asyncio_loop`` is pytest-asyncio's loop: the server and the test share one loop.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.serverapp import ServerApp
from pytest_jupyter.jupyter_server import *  # noqa: F403
from tornado.httpclient import HTTPClientError, HTTPResponse

from interval_nb import store as store_module

from .helpers import Api

del pytest_pycollect_makeitem, pytest_pyfunc_call  # type: ignore[name-defined]  # noqa: F821

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SAMPLE = "inb_sample_actions"

USERS = {
    "alice-token": "alice",
    "bob-token": "bob",
    "carol-token": "carol",
    "mallory-token": "mallory",
}
"""Tokens of the test identity provider (the server's own token is alice's)."""


class TokenUsers(IdentityProvider):  # type: ignore[misc]
    """One user per token, so tests can speak as alice, bob, carol or mallory."""

    def get_user(self, handler: Any) -> User | None:
        token = self.get_token(handler)
        if token is not None and token == self.token:
            name: str | None = "alice"
        else:
            name = USERS.get(token or "")
        if name is None:
            return None
        handler._token_authenticated = True  # token requests need no XSRF cookie
        return User(username=name, display_name=name.title())


class NoMallory(Authorizer):  # type: ignore[misc]
    """mallory is authenticated but not authorised for the ``interval`` resource."""

    def is_authorized(self, handler: Any, user: User, action: str, resource: str) -> bool:
        return not (user.username == "mallory" and resource == "interval")


@pytest.fixture
async def jp_asyncio_loop() -> asyncio.AbstractEventLoop:
    """The server runs on pytest-asyncio's loop, the one the tests run on."""
    return asyncio.get_running_loop()


@pytest.fixture(autouse=True)
def jp_server_cleanup(jp_asyncio_loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """pytest-jupyter's cleanup (stop extensions, shut kernels down), if a server started."""
    yield
    if not ServerApp.initialized():
        return
    app = ServerApp.instance()
    jp_asyncio_loop.run_until_complete(app._cleanup())
    if hasattr(app, "kernel_manager"):
        app.kernel_manager.context.destroy()
    ServerApp.clear_instance()


@pytest.fixture
def sample_actions(jp_root_dir: Path) -> str:
    """The sample registry, as a module in the server's root_dir (the kernels' cwd)."""
    shutil.copy(HERE / "sample_actions.py", Path(jp_root_dir) / f"{SAMPLE}.py")
    return f"{SAMPLE}:actions"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """The run history of the test server."""
    return tmp_path / "history" / "runs.sqlite"


@pytest.fixture
def interval_config() -> dict[str, Any]:
    """Extra ``IntervalNB`` configuration for one test (override or update it)."""
    return {}


@pytest.fixture
def server_config() -> dict[str, Any]:
    """Extra ``ServerApp`` configuration for one test."""
    return {}


@pytest.fixture
def jp_server_config(
    sample_actions: str,
    store_path: Path,
    interval_config: dict[str, Any],
    server_config: dict[str, Any],
) -> dict[str, Any]:
    """The extension enabled, authentication required, users alice/bob/carol/mallory."""
    return {
        "ServerApp": {
            # jupyter_server_terminals warns about its TermSocket at load (an error here).
            "jpserver_extensions": {"interval_nb": True, "jupyter_server_terminals": False},
            "allow_unauthenticated_access": False,
            "identity_provider_class": TokenUsers,
            "authorizer_class": NoMallory,
            **server_config,
        },
        "IntervalNB": {
            "actions": [sample_actions, "no_such_module:actions"],
            "entry_points": False,
            "store_path": str(store_path),
            "preload_kernel": False,
            "kernel_check_interval": 0.2,
            "sweep_interval": 0.2,
            "groups": {"ops": ["carol"]},
            **interval_config,
        },
    }


@pytest.fixture(autouse=True)
def _no_kernel_side_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In-process runs of these tests journal nowhere unless a test installs a writer."""
    monkeypatch.setenv(store_module.ENV_STORE, "off")
    yield
    store_module.uninstall_journal_sink()


@pytest.fixture
def api(jp_fetch: Any) -> Api:
    """``await api("GET", "runs", ...)`` → ``(status, json)``; never raises on HTTP errors."""

    async def call(
        method: str,
        *path: str,
        body: Any = None,
        token: str | None = None,
        params: dict[str, Any] | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, Any]:
        kwargs: dict[str, Any] = {"method": method, "raise_error": True}
        if method == "POST":
            kwargs["body"] = (
                raw if raw is not None else json.dumps(body if body is not None else {})
            )
        headers = {"Authorization": f"token {token}"} if token is not None else None
        try:
            response: HTTPResponse = await jp_fetch(
                "interval", "api", *path, headers=headers, params=params, **kwargs
            )
        except HTTPClientError as exc:
            assert exc.response is not None
            response = exc.response
        text = response.body.decode() if response.body else ""
        return response.code, json.loads(text) if text else None

    return call


@pytest.fixture
async def kernel_ids(jp_serverapp: Any) -> AsyncIterator[Callable[[], list[str]]]:
    """Ids of the kernels the server runs now (what Lab's Running panel lists)."""
    yield lambda: list(jp_serverapp.kernel_manager.list_kernel_ids())
