"""The run history: one SQLite journal of every run, written by kernels, read by the server.

Lifecycle: a kernel installs a :class:`JournalWriter` as a journal sink
(:func:`install_journal_sink`; the kernel extension and ``action.start()`` do it). Every
event a run records is buffered and written within one turn of the kernel's event loop, in
one transaction, together with a snapshot of the run (status, current prompt, loading,
result, error) — before the remote channel tells the server anything, so what the server
reads is never behind what it was told. The server opens the same file with :class:`Store`
to list runs, read a run's events, mark runs of dead kernels ``interrupted`` and prune old
history. Several kernels and the server write concurrently: WAL mode and a busy timeout.

Values of components marked ``sensitive`` are stored as :data:`~interval_nb.protocol.REDACTED`.
The file lives in the Jupyter data directory unless ``INTERVAL_NB_STORE`` (or
``KERNEL_INTERVAL_NB_STORE``, which passes through kernel gateways) names another path;
``INTERVAL_NB_STORE=off`` turns the journal off in that kernel.
"""

from __future__ import annotations

import asyncio
import atexit
import dataclasses
import json
import logging
import os
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._util import jsonable
from .errors import IntervalNBError
from .protocol import REDACTED, TERMINAL_STATUSES, PromptSpec

if TYPE_CHECKING:
    from .runtime.run import Run

log = logging.getLogger("interval_nb")

ENV_STORE = "INTERVAL_NB_STORE"
ENV_STORE_GATEWAY = "KERNEL_INTERVAL_NB_STORE"
"""Kernel gateways pass only ``KERNEL_*`` variables to the kernels they start."""

OFF = frozenset({"off", "none", "0", "false"})

MAX_JSON = 1_000_000
"""A value larger than this (as JSON) is stored as a short placeholder instead."""

BUSY_TIMEOUT = 10.0
"""Seconds a writer waits for another writer's lock before giving up."""

SOURCES = ("notebook", "voila", "api")


class StoreError(IntervalNBError):
    """The history store cannot be opened or is newer than this interval_nb."""


@dataclasses.dataclass(frozen=True)
class QueuedRun:
    """A run waiting for someone to start it (:meth:`Store.enqueue`).

    ``user`` queued it; ``assignee`` (user names and ``group:NAME``) may start it, or, when
    ``None``, whoever queued it.
    """

    id: str
    action: str
    title: str
    user: str
    params: Mapping[str, Any]
    access: Sequence[str] | None
    assignee: Sequence[str] | None
    created: float
    source: str = "api"


# -- schema ----------------------------------------------------------------------------------


def _v1(db: sqlite3.Connection) -> None:
    for statement in (
        """CREATE TABLE runs (
            id        TEXT PRIMARY KEY,
            action    TEXT NOT NULL,
            title     TEXT NOT NULL,
            status    TEXT NOT NULL,
            user      TEXT NOT NULL,
            params    TEXT NOT NULL,
            created   REAL NOT NULL,
            updated   REAL NOT NULL,
            prompt    TEXT,
            loading   TEXT,
            result    TEXT,
            error     TEXT,
            source    TEXT NOT NULL,
            access    TEXT,
            kernel_id TEXT,
            host      TEXT,
            pid       INTEGER
        )""",
        "CREATE INDEX runs_by_created ON runs (created DESC)",
        "CREATE INDEX runs_by_action ON runs (action, created DESC)",
        "CREATE INDEX runs_by_user ON runs (user, created DESC)",
        "CREATE INDEX runs_by_status ON runs (status)",
        """CREATE TABLE events (
            run_id TEXT NOT NULL,
            seq    INTEGER NOT NULL,
            time   REAL NOT NULL,
            event  TEXT NOT NULL,
            data   TEXT NOT NULL,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID""",
    ):
        db.execute(statement)


def _v2(db: sqlite3.Connection) -> None:
    """Hibernated runs: waiting, held by no kernel, woken by replaying their journal."""
    db.execute("ALTER TABLE runs ADD COLUMN hibernated INTEGER NOT NULL DEFAULT 0")


def _v3(db: sqlite3.Connection) -> None:
    """Queued runs (who they wait for) and the last fire time of each scheduled action."""
    db.execute("ALTER TABLE runs ADD COLUMN assignee TEXT")
    db.execute(
        """CREATE TABLE schedules (
            action    TEXT PRIMARY KEY,
            spec      TEXT NOT NULL,
            last_fire REAL NOT NULL
        )"""
    )


def _v4(db: sqlite3.Connection) -> None:
    """Notifications addressed to people (``ctx.notify(to=...)``): one row per recipient."""
    db.execute(
        """CREATE TABLE notices (
            recipient TEXT NOT NULL,
            time      REAL NOT NULL,
            run_id    TEXT NOT NULL,
            seq       INTEGER NOT NULL,
            PRIMARY KEY (recipient, time, run_id, seq)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX notices_by_run ON notices (run_id)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4]
"""``MIGRATIONS[i]`` takes the schema from version ``i`` to ``i + 1`` (``PRAGMA user_version``).

Append a function to change the schema; never edit a released one. Migrations run inside one
``BEGIN IMMEDIATE`` transaction: use ``execute`` (``executescript`` would commit it).
"""


def schema_version() -> int:
    """The schema version this interval_nb writes."""
    return len(MIGRATIONS)


def default_path() -> Path:
    """``<jupyter data dir>/interval_nb/runs.sqlite``."""
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "interval_nb" / "runs.sqlite"


def configured_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """The store this process journals to: from the environment, else the default; ``None`` if off."""
    env = os.environ if environ is None else environ
    value = env.get(ENV_STORE) or env.get(ENV_STORE_GATEWAY)
    if value is None or value == "":
        return default_path()
    if value.strip().lower() in OFF:
        return None
    return Path(value).expanduser()


def _dumps(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"), default=repr)
    if len(text) > MAX_JSON:
        return json.dumps({"truncated": True, "size": len(text)})
    return text


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _notices(events: Sequence[Mapping[str, Any]]) -> list[tuple[str, float, str, int]]:
    """One ``notices`` row per recipient of each addressed ``notified`` event."""
    rows = []
    for event in events:
        if event["event"] != "notified":
            continue
        to = json.loads(event["data"]).get("to")
        if isinstance(to, list):
            rows += [(str(r), event["time"], event["run_id"], event["seq"]) for r in to]
    return rows


def _notice(row: Sequence[Any]) -> dict[str, Any]:
    run_id, seq, when, data, action, title, user = row
    event = json.loads(data)
    return {
        "run_id": run_id,
        "seq": seq,
        "time": when,
        "message": event.get("message"),
        "title": event.get("title"),
        "to": event.get("to"),
        "action": action,
        "run_title": title,
        "user": user,
    }


def redact_prompt(spec: PromptSpec | None) -> PromptSpec | None:
    """The prompt with the values (and defaults) of sensitive components replaced."""
    if spec is None or not any(c["props"].get("sensitive") for c in spec["components"]):
        return spec
    components = []
    for c in spec["components"]:
        if c["props"].get("sensitive"):
            props = dict(c["props"])
            if props.get("default_value") is not None:
                props["default_value"] = REDACTED
            c = {**c, "props": props, "value": None if c["value"] is None else REDACTED}
        components.append(c)
    return {**spec, "components": components}


def _redact_event(entry: Mapping[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in entry.items() if k not in ("event", "time")}
    if isinstance(data.get("prompt"), dict):
        data["prompt"] = redact_prompt(data["prompt"])
    return data


def stored_event(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A journal entry as the store gives it back (:meth:`Store.events`, without ``seq``):
    prompts redacted, values JSON, an event over :data:`MAX_JSON` cut to a placeholder."""
    data = json.loads(_dumps(_redact_event(entry)))
    return {"event": entry["event"], "time": entry["time"], **data}


# -- the store -------------------------------------------------------------------------------


class Store:
    """One SQLite history file: open (creating or migrating it), read, and small writes.

    A ``Store`` may be used from several threads (one connection, a lock); every write is one
    short transaction.
    """

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the run history {self.path}: {exc}") from exc
        self._lock = threading.RLock()
        self._db.row_factory = sqlite3.Row
        try:
            self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            self._db.close()
            raise StoreError(f"cannot use the run history {self.path}: {exc}") from exc

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version == len(MIGRATIONS):
            return
        with self._lock, self._transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"the run history {self.path} has schema version {version}, newer than this "
                    f"interval_nb understands ({len(MIGRATIONS)}): upgrade interval_nb"
                )
            for migrate in MIGRATIONS[version:]:
                migrate(self._db)
            self._db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            log.info("run history %s migrated to schema %d", self.path, len(MIGRATIONS))

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    @property
    def version(self) -> int:
        """The schema version of the file."""
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # -- writes ------------------------------------------------------------------------
    def write(self, rows: Sequence[Mapping[str, Any]], events: Sequence[Mapping[str, Any]]) -> None:
        """Upsert run rows and insert events (an event already stored is kept as it is).

        An existing run's row takes the writer's kernel, host and pid: a run resumed in another
        kernel belongs to that kernel now (the orphan sweep looks at its pid).
        """
        with self._lock, self._transaction():
            for row in rows:
                self._db.execute(
                    """INSERT INTO runs (id, action, title, status, user, params, created,
                           updated, prompt, loading, result, error, source, access, kernel_id,
                           host, pid)
                       VALUES (:id, :action, :title, :status, :user, :params, :created,
                           :updated, :prompt, :loading, :result, :error, :source, :access,
                           :kernel_id, :host, :pid)
                       ON CONFLICT (id) DO UPDATE SET status = excluded.status,
                           updated = excluded.updated, prompt = excluded.prompt,
                           loading = excluded.loading, result = excluded.result,
                           error = excluded.error, kernel_id = excluded.kernel_id,
                           host = excluded.host, pid = excluded.pid""",
                    row,
                )
            self._db.executemany(
                "INSERT OR IGNORE INTO events (run_id, seq, time, event, data) "
                "VALUES (:run_id, :seq, :time, :event, :data)",
                events,
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO notices (recipient, time, run_id, seq) VALUES (?, ?, ?, ?)",
                _notices(events),
            )

    def _append(self, run_id: str, event: str, when: float, data: Mapping[str, Any]) -> None:
        self._db.execute(
            "INSERT INTO events (run_id, seq, time, event, data) VALUES "
            "(?, (SELECT COALESCE(MAX(seq), -1) + 1 FROM events WHERE run_id = ?), ?, ?, ?)",
            (run_id, run_id, when, event, _dumps(dict(data))),
        )

    def mark_interrupted(self, run_ids: Iterable[str], reason: str) -> list[str]:
        """Mark runs that have not finished ``interrupted``; returns the ids changed."""
        changed: list[str] = []
        now = time.time()
        error = {"type": "Interrupted", "message": reason, "traceback": ""}
        with self._lock, self._transaction():
            for run_id in run_ids:
                cursor = self._db.execute(
                    "UPDATE runs SET status = 'interrupted', updated = ?, prompt = NULL, "
                    "hibernated = 0, error = ? WHERE id = ? AND status NOT IN "
                    "('completed', 'failed', 'cancelled', 'interrupted')",
                    (now, _dumps(error), run_id),
                )
                if cursor.rowcount:
                    self._append(run_id, "interrupted", now, {"reason": reason, "error": error})
                    changed.append(run_id)
        return changed

    def orphaned_runs(self, host: str, is_alive: Callable[[int], bool]) -> list[dict[str, Any]]:
        """Unfinished, awake runs of kernels on ``host`` whose process is gone (id, status,
        source)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, pid, status, source FROM runs WHERE host = ? AND pid IS NOT NULL "
                "AND hibernated = 0 AND status NOT IN "
                "('completed', 'failed', 'cancelled', 'interrupted')",
                (host,),
            ).fetchall()
        return [
            {"id": row["id"], "status": row["status"], "source": row["source"]}
            for row in rows
            if not is_alive(int(row["pid"]))
        ]

    def hibernate(self, run_ids: Iterable[str], reason: str) -> list[str]:
        """Mark waiting runs hibernated (no kernel holds them); returns the ids changed.

        Only a run ``awaiting_input`` hibernates; its row keeps the pending prompt.
        """
        changed: list[str] = []
        now = time.time()
        with self._lock, self._transaction():
            for run_id in run_ids:
                cursor = self._db.execute(
                    "UPDATE runs SET hibernated = 1, kernel_id = NULL, pid = NULL "
                    "WHERE id = ? AND status = 'awaiting_input' AND hibernated = 0",
                    (run_id,),
                )
                if cursor.rowcount:
                    self._append(run_id, "hibernated", now, {"reason": reason})
                    changed.append(run_id)
        return changed

    def claim_hibernated(self, run_id: str) -> bool:
        """Take a hibernated run to wake it: true for exactly one caller (the lease)."""
        with self._lock, self._transaction():
            cursor = self._db.execute(
                "UPDATE runs SET hibernated = 0 WHERE id = ? AND hibernated = 1 "
                "AND status = 'awaiting_input'",
                (run_id,),
            )
            return bool(cursor.rowcount)

    def hibernated_runs(self) -> list[str]:
        """Ids of every hibernated run."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM runs WHERE hibernated = 1").fetchall()
        return [row["id"] for row in rows]

    # -- queued runs and schedules ------------------------------------------------------
    def enqueue(self, run: QueuedRun) -> None:
        """Insert a run in status ``queued``: no kernel holds it, its journal is empty."""
        with self._lock, self._transaction():
            self._db.execute(
                """INSERT INTO runs (id, action, title, status, user, params, created, updated,
                       source, access, assignee)
                   VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)""",
                (
                    run.id,
                    run.action,
                    run.title,
                    run.user,
                    _dumps(dict(run.params)),
                    run.created,
                    run.created,
                    run.source,
                    None if run.access is None else _dumps(list(run.access)),
                    None if run.assignee is None else _dumps(list(run.assignee)),
                ),
            )

    def claim_queued(self, run_id: str, user: str) -> bool:
        """Take a queued run to start it as ``user``: true for exactly one caller."""
        with self._lock, self._transaction():
            cursor = self._db.execute(
                "UPDATE runs SET status = 'running', user = ?, updated = ? "
                "WHERE id = ? AND status = 'queued'",
                (user, time.time(), run_id),
            )
            return bool(cursor.rowcount)

    def cancel_queued(self, run_id: str, reason: str) -> bool:
        """Cancel a run that is still queued (journaled ``cancelled``); false if it was not."""
        now = time.time()
        with self._lock, self._transaction():
            cursor = self._db.execute(
                "UPDATE runs SET status = 'cancelled', updated = ? "
                "WHERE id = ? AND status = 'queued'",
                (now, run_id),
            )
            if cursor.rowcount:
                self._append(run_id, "cancelled", now, {"reason": reason})
            return bool(cursor.rowcount)

    def schedule_state(self, action: str) -> tuple[str, float] | None:
        """The schedule ``action`` was last fired under and when (its cron time), if seen."""
        with self._lock:
            row = self._db.execute(
                "SELECT spec, last_fire FROM schedules WHERE action = ?", (action,)
            ).fetchone()
        return None if row is None else (str(row["spec"]), float(row["last_fire"]))

    def set_schedule(
        self, action: str, spec: str, last_fire: float, expected: tuple[str, float] | None
    ) -> bool:
        """Compare-and-set the schedule state of ``action``: true for exactly one writer.

        ``expected`` is the state read before (``None``: not seen yet); a state changed since
        by another writer (a second server, an earlier pass) leaves it as it is.
        """
        with self._lock, self._transaction():
            if expected is None:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO schedules (action, spec, last_fire) VALUES (?, ?, ?)",
                    (action, spec, last_fire),
                )
            else:
                cursor = self._db.execute(
                    "UPDATE schedules SET spec = ?, last_fire = ? "
                    "WHERE action = ? AND spec = ? AND last_fire = ?",
                    (spec, last_fire, action, *expected),
                )
            return bool(cursor.rowcount)

    def prune(self, finished_before: float) -> int:
        """Delete finished runs last updated before ``finished_before`` (a Unix time)."""
        with self._lock, self._transaction():
            ids = [
                row[0]
                for row in self._db.execute(
                    "SELECT id FROM runs WHERE updated < ? AND status IN "
                    "('completed', 'failed', 'cancelled', 'interrupted')",
                    (finished_before,),
                )
            ]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                self._db.execute(f"DELETE FROM events WHERE run_id IN ({marks})", chunk)
                self._db.execute(f"DELETE FROM notices WHERE run_id IN ({marks})", chunk)
                self._db.execute(f"DELETE FROM runs WHERE id IN ({marks})", chunk)
        return len(ids)

    # -- reads -------------------------------------------------------------------------
    def notices_for(
        self, principals: Iterable[str], *, limit: int = 50, since: float = 0.0
    ) -> list[dict[str, Any]]:
        """Notifications addressed to any of ``principals`` after ``since``, newest first.

        ``since`` is exclusive to the microsecond (the API's times are ISO with microseconds).

        Each: ``{"run_id", "seq", "time", "message", "title", "to", "action", "run_title",
        "user"}`` (the run's fields are ``None`` if the run is gone from the history).
        """
        who = list(dict.fromkeys(principals))
        if not who:
            return []
        marks = ",".join("?" * len(who))
        with self._lock:
            rows = self._db.execute(
                f"""SELECT DISTINCT n.run_id, n.seq, n.time, e.data, r.action, r.title, r.user
                    FROM notices n JOIN events e ON e.run_id = n.run_id AND e.seq = n.seq
                    LEFT JOIN runs r ON r.id = n.run_id
                    WHERE n.recipient IN ({marks}) AND n.time > ? + 0.0000005
                    ORDER BY n.time DESC, n.run_id, n.seq LIMIT ?""",
                (*who, since, limit),
            ).fetchall()
        return [_notice(row) for row in rows]

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        """One run as a dict (JSON columns decoded), or ``None``."""
        with self._lock:
            row = self._db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return None if row is None else _run(row)

    def list_runs(
        self,
        *,
        action: str | None = None,
        status: str | None = None,
        user: str | None = None,
        principals: Iterable[str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """Runs newest first, filtered, and how many match in all.

        ``principals`` (a username and ``group:<name>`` entries) keeps only runs whose action
        has no access list or lists one of them; ``None`` applies no access filter.
        """
        where: list[str] = []
        args: list[Any] = []
        for column, value in (("action", action), ("status", status), ("user", user)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if principals is not None:
            names = sorted(set(principals))
            marks = ",".join("?" * len(names)) or "NULL"
            where.append(
                "(access IS NULL OR EXISTS (SELECT 1 FROM json_each(runs.access) "
                f"WHERE json_each.value IN ({marks}) OR json_each.value = '*'))"
            )
            args.extend(names)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._lock:
            total = self._db.execute(f"SELECT COUNT(*) FROM runs {clause}", args).fetchone()[0]
            rows = self._db.execute(
                f"SELECT * FROM runs {clause} ORDER BY created DESC, id LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        return [_run(row) for row in rows], int(total)

    def events(self, run_id: str) -> list[dict[str, Any]]:
        """The journal of one run, oldest first: ``{"seq", "time", "event", ...data}``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, time, event, data FROM events WHERE run_id = ? ORDER BY seq",
                (run_id,),
            ).fetchall()
        return [
            {"seq": row["seq"], "time": row["time"], "event": row["event"], **_loads(row["data"])}
            for row in rows
        ]

    def view_events(self, run_id: str, log_tail: int) -> list[dict[str, Any]]:
        """The events a run's view is rebuilt from, oldest first, like :meth:`events`.

        ``displayed`` and ``notified`` events, the last ``log_tail`` ``log`` events, and the
        ``prompt_shown`` events without their data (only their place counts).
        """
        with self._lock:
            rows = self._db.execute(
                """SELECT seq, time, event,
                          CASE WHEN event = 'prompt_shown' THEN '{}' ELSE data END AS data
                   FROM events
                   WHERE run_id = ? AND event IN ('displayed', 'prompt_shown', 'notified')
                   UNION ALL
                   SELECT * FROM (
                       SELECT seq, time, event, data FROM events
                       WHERE run_id = ? AND event = 'log' ORDER BY seq DESC LIMIT ?)
                   ORDER BY seq""",
                (run_id, run_id, log_tail),
            ).fetchall()
        return [
            {"seq": row["seq"], "time": row["time"], "event": row["event"], **_loads(row["data"])}
            for row in rows
        ]


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on error)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _run(row: sqlite3.Row) -> dict[str, Any]:
    run = dict(row)
    run["hibernated"] = bool(run.get("hibernated"))
    for column in ("params", "prompt", "loading", "result", "error", "access", "assignee"):
        run[column] = _loads(run[column])
    return run


# -- the kernel side: a journal sink --------------------------------------------------------


def _kernel_app() -> Any:
    """The running ipykernel application, if this process is a kernel."""
    # Only look where a kernel is running: importing ipykernel's kernel app elsewhere would
    # replace the comm manager of the whole process.
    kernelapp = sys.modules.get("ipykernel.kernelapp")
    app = getattr(kernelapp, "IPKernelApp", None)
    return app.instance() if app is not None and app.initialized() else None


def _kernel_id() -> str | None:
    app = _kernel_app()
    if app is None:
        return None
    name = Path(app.connection_file or "").stem
    return name[len("kernel-") :] if name.startswith("kernel-") else name or None


def _default_source() -> str:
    # Voilà tells its kernels who serves them through CGI-style variables.
    return "voila" if os.environ.get("SERVER_SOFTWARE", "").startswith("voila") else "notebook"


class JournalWriter:
    """A journal sink that writes every run event of this process to a :class:`Store`.

    Events are buffered and written within one loop turn in one transaction (a busy action
    logging thousands of lines costs one commit per turn, not one per line); :meth:`flush`
    writes at once. The store is opened on the first event.
    """

    def __init__(self, path: str | os.PathLike[str], *, source: str | None = None) -> None:
        self.path = Path(path)
        self.source = source or _default_source()
        self._store: Store | None = None
        self._failed = False
        self._buffer: list[tuple[Run, int, dict[str, Any]]] = []
        self._scheduled: asyncio.Handle | None = None
        self._sources: dict[str, str] = {}
        self._host = socket.gethostname()
        self._kernel_id = _kernel_id()

    def tag(self, run_id: str, *, source: str) -> None:
        """Record where ``run_id`` was started from (``"api"`` for the remote channel)."""
        self._sources[run_id] = source

    def forget(self, run_id: str) -> None:
        """This process let ``run_id`` go unfinished (it hibernated): drop what it kept of it."""
        self._sources.pop(run_id, None)

    def __call__(self, run: Run, entry: dict[str, Any]) -> None:
        self._buffer.append((run, len(run.journal) - 1, entry))
        if self._scheduled is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._scheduled = loop.call_soon(self.flush)

    def flush(self) -> None:
        """Write everything buffered now."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        if not self._buffer:
            return
        batch, self._buffer = self._buffer, []
        store = self._open()
        if store is None:
            return
        rows: dict[str, dict[str, Any]] = {}
        events = []
        for run, seq, entry in batch:
            events.append(
                {
                    "run_id": run.id,
                    "seq": seq,
                    "time": entry["time"],
                    "event": entry["event"],
                    "data": _dumps(_redact_event(entry)),
                }
            )
            rows[run.id] = self._row(run, entry)
        try:
            store.write(list(rows.values()), events)
        except sqlite3.Error:
            log.exception("could not write %d run events to %s", len(events), self.path)
        for run, _seq, _entry in batch:
            if run.done:
                self._sources.pop(run.id, None)

    def _open(self) -> Store | None:
        if self._store is None and not self._failed:
            try:
                self._store = Store(self.path)
            except StoreError:
                self._failed = True
                log.exception("run history disabled in this kernel")
        return self._store

    def _row(self, run: Run, entry: Mapping[str, Any]) -> dict[str, Any]:
        status = run.status
        if entry["event"] in TERMINAL_STATUSES:
            status = entry["event"]
        elif status == "pending":
            status = "running"
        access = run.action.access if run.action is not None else None
        return {
            "id": run.id,
            "action": run.slug,
            "title": run.title,
            "status": status,
            "user": run.user.username,
            "params": _dumps(dict(run.params)),
            "created": run.created,
            "updated": entry["time"],
            "prompt": None if run.prompt is None else _dumps(redact_prompt(run.prompt)),
            "loading": None if run.loading.state is None else _dumps(run.loading.state),
            "result": _dumps(jsonable(run.result_value)) if status == "completed" else None,
            "error": None if run.error is None else _dumps(run.error),
            "source": self._sources.get(run.id, self.source),
            "access": None if access is None else _dumps(list(access)),
            "kernel_id": self._kernel_id,
            "host": self._host,
            "pid": os.getpid(),
        }

    def close(self) -> None:
        """Flush and close the store."""
        self.flush()
        if self._store is not None:
            self._store.close()
            self._store = None


_writer: JournalWriter | None = None
_remove_sink: Callable[[], None] | None = None


def journal_writer() -> JournalWriter | None:
    """The writer installed in this process, if any."""
    return _writer


def install_journal_sink(path: str | os.PathLike[str] | None = None) -> JournalWriter | None:
    """Journal every run of this process to the store (idempotent); returns the writer.

    ``path`` defaults to :func:`configured_path`; returns ``None`` when the journal is off.
    """
    global _writer, _remove_sink
    if _writer is not None:
        return _writer
    target = Path(path) if path is not None else configured_path()
    if target is None:
        return None
    from .runtime.run import add_journal_sink

    _writer = JournalWriter(target)
    _remove_sink = add_journal_sink(_writer)
    atexit.register(_writer.flush)
    return _writer


def journal_in_kernel() -> JournalWriter | None:
    """In a kernel, journal its runs to the history (one history for notebook, Voilà and API).

    Outside a kernel (scripts, in-process tests) this does nothing.
    """
    if _writer is not None or _kernel_app() is None:
        return _writer
    return install_journal_sink()


def uninstall_journal_sink() -> None:
    """Stop journaling to the store (tests, ``%unload_ext``)."""
    global _writer, _remove_sink
    if _remove_sink is not None:
        _remove_sink()
    if _writer is not None:
        atexit.unregister(_writer.flush)
        _writer.close()
    _writer = _remove_sink = None
