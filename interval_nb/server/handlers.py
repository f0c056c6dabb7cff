"""The REST and WebSocket handlers under ``{base_url}interval/api/``: thin, logic in the service.

Every handler is authenticated (``@web.authenticated``; the WebSocket uses
``@ws_authenticated``, the same check without a login redirect) and authorised against the
``interval`` resource (``@authorized``: GET is ``read``, POST is ``write``); per-action access
is the service's job. Errors are JSON: ``{"error": {"code", "message", ...}}``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from jupyter_server.auth.decorator import authorized, ws_authenticated
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from .access import Identity, identify, is_builtin_login
from .body import decode_body
from .errors import CODES, ApiError
from .history import STATUSES
from .runs import LiveRun
from .service import RunService

AUTH_RESOURCE = "interval"
PREFIX = r"/interval/api"
RUN = r"(?P<run_id>[A-Za-z0-9_\-]{1,64})"
SLUG = r"(?P<slug>[^/]{1,100})"
MAX_WAIT = 60.0


class _Base(ExtensionHandlerMixin):
    """What every handler shares: the service, the caller's identity, JSON errors."""

    auth_resource = AUTH_RESOURCE

    @property
    def service(self) -> RunService:
        service: RunService = self.extensionapp.service  # type: ignore[attr-defined]
        return service

    def identity(self) -> Identity:
        app = self.extensionapp
        owner = app.username_from == "owner" or (  # type: ignore[attr-defined]
            app.username_from == "auto" and is_builtin_login(self.identity_provider)  # type: ignore[attr-defined]
        )
        return identify(self.current_user, owner=owner, groups=app.groups)  # type: ignore[attr-defined]

    def wait_time(self) -> float:
        """``?wait=`` seconds to wait for the run's next prompt or end (default from config)."""
        raw = self.get_argument("wait", None)  # type: ignore[attr-defined]
        if raw is None:
            return float(self.extensionapp.wait_timeout)  # type: ignore[attr-defined]
        try:
            wait = float(raw)
        except ValueError:
            raise ApiError(400, "bad_request", "wait must be a number of seconds") from None
        if not math.isfinite(wait) or not 0 <= wait <= MAX_WAIT:
            raise ApiError(400, "bad_request", f"wait must be between 0 and {MAX_WAIT:g} seconds")
        return wait


class ApiHandler(_Base, APIHandler):
    """A JSON endpoint of the interval API."""

    async def prepare(self) -> None:  # type: ignore[override]
        self.service.start_watchdog()  # servers embedded without start_ioloop (tests)
        limit = int(self.extensionapp.max_body_size)  # type: ignore[attr-defined]
        if len(self.request.body or b"") > limit:
            raise ApiError(413, "too_large", f"the request body is larger than {limit} bytes")
        await super().prepare()

    def body(self) -> dict[str, Any]:
        """The JSON object in the request body (400 if it is not one; see :mod:`.body`)."""
        return decode_body(self.request.body)

    def reply(self, data: Any, status: int = 200) -> None:
        """Finish with ``data`` as JSON."""
        self.set_status(status)
        self.finish(json.dumps(data))

    def created(self, run: dict[str, Any]) -> None:
        """Finish with 201, the new ``run`` and its ``Location``."""
        self.set_header("Location", self.base_url.rstrip("/") + f"{PREFIX}/runs/{run['id']}")
        self.reply({"run": run}, 201)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error as ``{"error": {"code", "message", ...}}``."""
        write_json_error(self, status_code, kwargs.get("exc_info"))


def write_json_error(handler: JupyterHandler, status_code: int, exc_info: Any) -> None:
    """Finish ``handler`` with the API's error shape."""
    exc = (exc_info or (None, None, None))[1]
    if isinstance(exc, ApiError):
        error = {"code": exc.code, "message": exc.message, **exc.details}
    elif isinstance(exc, web.HTTPError):
        message = exc.log_message % exc.args if exc.log_message and exc.args else exc.log_message
        error = {
            "code": CODES.get(status_code, "error"),
            "message": message or exc.reason or handler._reason,
        }
    else:
        error = {"code": "internal", "message": "unexpected server error; see the server log"}
    handler.set_header("Content-Type", "application/json")
    handler.finish(json.dumps({"error": error}))


class ActionsHandler(ApiHandler):
    """``GET actions``: the actions the caller may use (and registries that failed)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply(await self.service.actions(self.identity()))


class MeHandler(ApiHandler):
    """``GET me``: who the API takes the caller for (``{"username", "display_name", "groups"}``).

    It also sets Jupyter's ``_xsrf`` cookie if the browser has none: a page that never rendered
    a Jupyter template (a Voilà dashboard's inbox widget) asks ``me`` first, then sends the
    cookie's value as ``X-XSRFToken`` with its writes, as Lab does.
    """

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.xsrf_token  # noqa: B018 (reading it sets the cookie when missing)
        self.reply(identity_json(self.identity()))


def identity_json(who: Identity) -> dict[str, Any]:
    """``who`` as ``GET me`` answers it (groups sorted)."""
    return {
        "username": who.username,
        "display_name": who.display_name,
        "groups": sorted(who.groups),
    }


def _params(body: dict[str, Any]) -> dict[str, Any]:
    """The ``params`` of a start or queue request (a JSON object; absent or null: none)."""
    params = body.get("params", {})
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ApiError(400, "bad_request", "params must be a JSON object")
    return params


class StartHandler(ApiHandler):
    """``POST actions/{slug}/runs`` with ``{"params": {...}}``: 201 with the new run."""

    @web.authenticated
    @authorized
    async def post(self, slug: str) -> None:
        body = self.body()
        run = await self.service.start(self.identity(), slug, _params(body), self.wait_time())
        self.created(run)


class QueueHandler(ApiHandler):
    """``POST actions/{slug}/queue`` with ``{"params", "assignee"}``: 201 with the queued run."""

    @web.authenticated
    @authorized
    async def post(self, slug: str) -> None:
        body = self.body()
        run = await self.service.queue(self.identity(), slug, _params(body), body.get("assignee"))
        self.created(run)


class StartQueuedHandler(ApiHandler):
    """``POST runs/{id}/start``: start a queued run as the caller (once it asks or ends)."""

    @web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        self.body()  # an empty body is fine; a malformed one is not
        run = await self.service.start_queued(self.identity(), run_id, self.wait_time())
        self.reply({"run": run})


class RunsHandler(ApiHandler):
    """``GET runs?action=&status=&user=&limit=&offset=&waiting_for=me``: history, newest
    first, with total; ``waiting_for=me`` is the inbox (runs whose prompt is yours to answer)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        status = self.get_argument("status", None)
        if status is not None and status not in STATUSES:
            raise ApiError(400, "bad_request", f"status must be one of {', '.join(STATUSES)}")
        limit = _int_argument(self, "limit", 50, 1, 500)
        offset = _int_argument(self, "offset", 0, 0, 10**9)
        waiting_for = self.get_argument("waiting_for", None)
        if waiting_for not in (None, "me"):
            raise ApiError(400, "bad_request", "waiting_for takes one value: me")
        self.reply(
            await self.service.history.runs(
                self.identity(),
                action=self.get_argument("action", None),
                status=status,
                user=self.get_argument("user", None),
                limit=limit,
                offset=offset,
                waiting_for_me=waiting_for == "me",
            )
        )


def _int_argument(handler: ApiHandler, name: str, default: int, lo: int, hi: int) -> int:
    """The integer query argument ``name`` (``default`` if absent; 400 unless in lo..hi)."""
    raw = handler.get_argument(name, None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "bad_request", f"{name} must be an integer") from None
    if not lo <= value <= hi:
        raise ApiError(400, "bad_request", f"{name} must be between {lo} and {hi}")
    return value


class RunHandler(ApiHandler):
    """``GET runs/{id}``: the run now (current prompt, loading, result, error)."""

    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        self.reply({"run": await self.service.get(self.identity(), run_id)})


class AnswerHandler(ApiHandler):
    """``POST runs/{id}/answer`` with ``{"prompt_id", "values", "choice"}``."""

    @web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        run = await self.service.answer(self.identity(), run_id, self.body(), self.wait_time())
        self.reply({"run": run})


class PageRequestHandler(ApiHandler):
    """``POST runs/{id}/query`` and ``…/search``: a table page or search results for the page.

    The body is the page's message without ``type`` (``{"prompt_id", "component",
    "request_id", ...}``); the reply is ``{"reply": <the message a notebook view gets>}``.
    """

    kind = "query"

    @web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        reply = await self.service.page_request(self.identity(), run_id, self.kind, self.body())
        self.reply({"reply": reply})


class QueryHandler(PageRequestHandler):
    """``POST runs/{id}/query`` with ``{"prompt_id", "component", "request_id", "offset", ...}``."""

    kind = "query"


class SearchHandler(PageRequestHandler):
    """``POST runs/{id}/search`` with ``{"prompt_id", "component", "request_id", "query"}``."""

    kind = "search"


class DraftHandler(ApiHandler):
    """``POST runs/{id}/draft`` with ``{"prompt_id", "draft"}``: what the page did, unsubmitted."""

    @web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        self.reply(await self.service.draft(self.identity(), run_id, self.body()))


class CancelHandler(ApiHandler):
    """``POST runs/{id}/cancel``."""

    @web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        self.body()  # an empty body is fine; a malformed one is not
        run = await self.service.cancel(self.identity(), run_id, self.wait_time())
        self.reply({"run": run})


class NotificationsHandler(ApiHandler):
    """``GET notifications?since=&limit=``: messages runs sent the caller (``ctx.notify(to=)``),
    to them or a group of theirs, newest first; ``since`` (ISO time, exclusive) for news."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        limit = _int_argument(self, "limit", 50, 1, 200)
        raw = self.get_argument("since", None)
        since = 0.0
        if raw is not None:
            try:
                when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                raise ApiError(400, "bad_request", "since must be an ISO 8601 time") from None
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
            since = when.timestamp()
        notes = await self.service.history.notifications(self.identity(), limit=limit, since=since)
        self.reply(notes)


class EventsHandler(ApiHandler):
    """``GET runs/{id}/events``: the audit journal of the run."""

    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        self.reply(await self.service.history.events(self.identity(), run_id))


class StreamHandler(_Base, WebSocketMixin, WebSocketHandler, JupyterHandler):
    """WebSocket ``runs/{id}/stream``: the run now, then its changes as they happen.

    Messages: ``{"type": "state", "run": {...}}`` first, then ``{"type": "update", "run_id",
    "status", ...changed fields}`` (``logs``/``transcript``/``notifications``: new entries
    only). The server closes the socket after the run ends.
    """

    _live: LiveRun | None = None

    def set_default_headers(self) -> None:
        """WebSocket responses carry no API headers."""

    @ws_authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        # Resolve (404 / 403) before the upgrade, so refusals are plain HTTP errors.
        self._state, self._live = await self.service.stream(self.identity(), run_id)
        await WebSocketHandler.get(self, run_id)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Refusals before the upgrade are JSON, as everywhere in the API."""
        write_json_error(self, status_code, kwargs.get("exc_info"))

    def open(self, run_id: str) -> None:
        super().open()
        self.write_message(json.dumps({"type": "state", "run": self._state}))
        if self._live is None:
            self.close(1000, "the run has ended")
            return
        self._live.listeners.add(self._send)

    def _send(self, update: dict[str, Any]) -> None:
        try:
            self.write_message(json.dumps({"type": "update", **update}))
        except WebSocketClosedError:
            self._detach()
            return
        if update.get("status") in ("completed", "failed", "cancelled", "interrupted"):
            self._detach()
            self.close(1000, "the run has ended")

    def on_message(self, message: str | bytes) -> None:
        """The stream is one-way; answers go through ``POST runs/{id}/answer``."""

    def on_close(self) -> None:
        self._detach()

    def _detach(self) -> None:
        if self._live is not None:
            self._live.listeners.discard(self._send)
            self._live = None


class NotFoundHandler(ApiHandler):
    """Any other path under the API (a malformed run id, an action name over 100 characters…).

    A JSON 404 like every other API error, instead of the server's HTML page; registered last.
    """

    @web.authenticated
    @authorized
    def get(self, path: str | None = None) -> None:
        """Every method: 404 ``not_found`` (after the same authentication as everywhere)."""
        shown = (path or "/")[:100]
        raise ApiError(404, "not_found", f"no such route in the interval API: {shown!r}")

    post = put = patch = delete = get


def routes() -> list[tuple[str, type]]:
    """URL patterns (relative to ``base_url``) and their handlers; the fallback comes last."""
    return [
        (rf"{PREFIX}/me", MeHandler),
        (rf"{PREFIX}/actions", ActionsHandler),
        (rf"{PREFIX}/actions/{SLUG}/runs", StartHandler),
        (rf"{PREFIX}/actions/{SLUG}/queue", QueueHandler),
        (rf"{PREFIX}/runs", RunsHandler),
        (rf"{PREFIX}/notifications", NotificationsHandler),
        (rf"{PREFIX}/runs/{RUN}", RunHandler),
        (rf"{PREFIX}/runs/{RUN}/answer", AnswerHandler),
        (rf"{PREFIX}/runs/{RUN}/cancel", CancelHandler),
        (rf"{PREFIX}/runs/{RUN}/start", StartQueuedHandler),
        (rf"{PREFIX}/runs/{RUN}/query", QueryHandler),
        (rf"{PREFIX}/runs/{RUN}/search", SearchHandler),
        (rf"{PREFIX}/runs/{RUN}/draft", DraftHandler),
        (rf"{PREFIX}/runs/{RUN}/events", EventsHandler),
        (rf"{PREFIX}/runs/{RUN}/stream", StreamHandler),
        (rf"{PREFIX}(?P<path>/.*)?", NotFoundHandler),
    ]
