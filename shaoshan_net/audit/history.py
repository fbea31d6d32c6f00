"""Audit history in SQLite: every run, every check, and the counters the next run compares.

Why SQLite: one file next to the inventory, safe against a crash mid-write (one transaction per
run), and queried for "what changed since the previous run", "which units failed last time"
(`--retry-failed`) and per-unit availability over a window.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shaoshan_net.audit.checks import CheckResult, Counters

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    duration REAL NOT NULL,
    selection TEXT NOT NULL,
    exit_code INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS checks (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    unit TEXT NOT NULL,
    check_id TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS checks_run ON checks(run_id);
CREATE INDEX IF NOT EXISTS checks_unit ON checks(unit, check_id);
CREATE TABLE IF NOT EXISTS counters (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    unit TEXT NOT NULL,
    device TEXT NOT NULL,
    port TEXT NOT NULL,
    counter TEXT NOT NULL,
    value INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS counters_key ON counters(unit, device, port, counter, run_id);
"""


@dataclass(frozen=True, slots=True)
class Change:
    unit: str
    check: str
    before: str
    after: str
    reason: str


class History:
    """One SQLite file; open, use, close (or `with History(path) as h:`)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(
        self,
        started: datetime,
        duration: float,
        selection: str,
        exit_code: int,
        results: Iterable[CheckResult],
        counters: Counters,
    ) -> int:
        """Store one run in one transaction; return its id."""
        with self.db:
            cur = self.db.execute(
                "INSERT INTO runs(started, duration, selection, exit_code) VALUES (?,?,?,?)",
                (started.astimezone(UTC).isoformat(timespec="seconds"), duration, selection,
                 exit_code),
            )
            run_id = int(cur.lastrowid or 0)
            self.db.executemany(
                "INSERT INTO checks VALUES (?,?,?,?,?,?)",
                [(run_id, r.unit, r.check, r.status, r.severity, r.reason) for r in results],
            )
            self.db.executemany(
                "INSERT INTO counters VALUES (?,?,?,?,?,?)",
                [(run_id, *key, value) for key, value in counters.items()],
            )
        return run_id

    def previous_counters(self) -> Counters:
        """The latest stored value of every counter (from whichever run last read it)."""
        rows = self.db.execute(
            "SELECT c.unit, c.device, c.port, c.counter, c.value FROM counters c "
            "JOIN (SELECT unit, device, port, counter, MAX(run_id) AS run_id FROM counters "
            "GROUP BY unit, device, port, counter) latest USING (unit, device, port, counter, "
            "run_id)"
        )
        return {(u, d, p, c): int(v) for u, d, p, c, v in rows}

    def run_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM runs ORDER BY id")]

    def last_failed(self) -> set[str]:
        """Units with a failed check in their most recent audit (what `--retry-failed` polls)."""
        rows = self.db.execute(
            "SELECT c.unit, c.status FROM checks c JOIN (SELECT unit, MAX(run_id) AS run_id "
            "FROM checks GROUP BY unit) latest USING (unit, run_id)"
        )
        return {unit for unit, status in rows if status == "fail"}

    def changes(self, unit: str | None = None) -> list[Change]:
        """Checks whose status differs between the last run and the run before it."""
        ids = self.run_ids()
        if len(ids) < 2:
            return []
        last, before = ids[-1], ids[-2]

        def load(run_id: int) -> dict[tuple[str, str], tuple[str, str]]:
            rows = self.db.execute(
                "SELECT unit, check_id, status, reason FROM checks WHERE run_id = ?", (run_id,)
            )
            return {(u, k): (s, r) for u, k, s, r in rows if unit in (None, u)}

        new, old = load(last), load(before)
        out = []
        for key in sorted(new.keys() & old.keys()):
            if new[key][0] != old[key][0]:
                out.append(Change(key[0], key[1], old[key][0], new[key][0], new[key][1]))
        return out

    def availability(self, days: int, unit: str | None = None,
                     now: datetime | None = None) -> dict[str, tuple[int, int]]:
        """unit -> (runs in which it answered, runs that polled it) over the last `days`."""
        since = ((now or datetime.now(UTC)) - timedelta(days=days)).isoformat(timespec="seconds")
        rows = self.db.execute(
            "SELECT c.unit, SUM(c.status = 'ok'), COUNT(*) FROM checks c JOIN runs r "
            "ON r.id = c.run_id WHERE c.check_id = 'reachable' AND r.started >= ? "
            "GROUP BY c.unit ORDER BY c.unit",
            (since,),
        )
        return {u: (int(ok), int(n)) for u, ok, n in rows if unit in (None, u)}
