"""Configuration backups: `backups/HOST/TIMESTAMP.cfg`, scrubbed, written atomically.

Why scrubbed: a backup folder gets copied, mailed and committed by mistake; it must never hold
a secret. Why volatile lines go too: two backups of an unchanged device must be byte-identical,
so that `backups diff` shows only real changes (not the clock or the config byte count).
HOST is the Nornir host name (unit code, or `core`), so backups follow the inventory.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from shaoshan_net.config_tree import scrub_secrets
from shaoshan_net.files import atomic_write
from shaoshan_net.platforms import PLATFORMS

SUFFIX = ".cfg"
STAMP = "%Y%m%dT%H%M%SZ"
_STAMP_RE = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")

# Lines that change without a configuration change (clock, byte counts, counters).
VOLATILE: dict[str, tuple[str, ...]] = {
    "huawei_vrp": (r"^!Time:", r"^!.*\d{4}-\d{2}-\d{2}", r"^!Last configuration"),
    "h3c_comware": (r"^\s*;.*\d{2}:\d{2}:\d{2}",),
    "cisco_ios": (
        r"^! Last configuration change at",
        r"^! NVRAM config last updated at",
        r"^! No configuration change since last restart",
        r"^ntp clock-period",
    ),
}


class SecretLeak(RuntimeError):
    """A secret value in force survived scrubbing: the backup is refused, not written."""


def backup_dir(root: Path, host: str) -> Path:
    return root / "backups" / host


def scrub(text: str, dialect: str) -> str:
    """The configuration without secrets and volatile lines, LF line ends, no trailing blanks.

    >>> scrub("! Last configuration change at 10:01\\nhostname a\\nenable secret 9 $9$x\\n",
    ...       "cisco_ios")
    'hostname a\\nenable secret <secret>\\n'
    """
    volatile = _volatile(dialect)
    out: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if volatile.search(line):
            continue
        out.append(scrub_secrets(line, dialect))
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return "\n".join(out) + "\n"


@functools.cache
def _volatile(dialect: str) -> re.Pattern[str]:
    """One regex for the dialect's volatile and preamble lines (compiled once per process)."""
    patterns = (*VOLATILE[dialect], *PLATFORMS[dialect].preamble_patterns)
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def check_no_secret(text: str, secrets: list[str], what: str) -> None:
    """Raise `SecretLeak` when any secret value (longer than 3 characters) occurs in `text`."""
    for value in secrets:
        if len(value) > 3 and value in text:
            raise SecretLeak(f"{what}: a secret value survived scrubbing; not written")


def write_backup(
    root: Path,
    host: str,
    running: str,
    dialect: str,
    secrets: list[str] | None = None,
    when: datetime | None = None,
) -> Path:
    """Scrub `running` and write it as the host's newest backup; returns the file's path."""
    text = scrub(running, dialect)
    check_no_secret(text, secrets or [], f"backup of {host}")
    folder = backup_dir(root, host)
    stamp = (when or datetime.now(UTC)).strftime(STAMP)
    path = folder / f"{stamp}{SUFFIX}"
    n = 1
    while path.exists():
        path = folder / f"{stamp}-{n}{SUFFIX}"
        n += 1
    atomic_write(path, text, mode=0o600)
    return path


@dataclass(frozen=True, slots=True)
class Backup:
    host: str
    stamp: str
    path: Path

    @property
    def when(self) -> datetime:
        return datetime.strptime(self.stamp.split("-")[0], STAMP).replace(tzinfo=UTC)


def list_backups(root: Path, host: str | None = None) -> list[Backup]:
    """Backups, oldest first per host, hosts sorted by name."""
    base = root / "backups"
    if not base.is_dir():
        return []
    hosts = [host] if host else sorted(p.name for p in base.iterdir() if p.is_dir())
    out: list[Backup] = []
    for name in hosts:
        folder = base / name
        if not folder.is_dir():
            continue
        files = [p for p in folder.glob(f"*{SUFFIX}") if _STAMP_RE.match(p.stem)]
        files.sort(key=lambda p: (p.stem.split("-")[0], int(p.stem.partition("-")[2] or 0)))
        out += [Backup(name, p.stem, p) for p in files]
    return out


def find_backup(root: Path, host: str, which: str = "latest") -> Backup:
    """`latest`, `previous`, or a stamp (prefix allowed: `20240301T10`). LookupError if none."""
    items = list_backups(root, host)
    if not items:
        raise LookupError(f"no backups for {host} in {backup_dir(root, host)}")
    if which == "latest":
        return items[-1]
    if which == "previous":
        if len(items) < 2:
            raise LookupError(f"{host} has only one backup")
        return items[-2]
    matches = [b for b in items if b.stamp.startswith(which)]
    if len(matches) != 1:
        found = "no" if not matches else f"{len(matches)}"
        raise LookupError(f"{found} backups of {host} match {which!r}")
    return matches[0]


def diff_backups(old: Backup, new: Backup) -> list[str]:
    """Unified diff lines (empty when the two backups are identical)."""
    a = old.path.read_text(encoding="utf-8").splitlines()
    b = new.path.read_text(encoding="utf-8").splitlines()
    names = (f"{old.host}/{old.stamp}", f"{new.host}/{new.stamp}")
    return list(difflib.unified_diff(a, b, *names, lineterm=""))
