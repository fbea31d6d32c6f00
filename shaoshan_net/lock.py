"""One run lock for push and audit, so an audit never reads a half-pushed network.

The lock is an flock on `ROOT/run/shaoshan.lock`; the file records the holder's pid, command and
start time for the message another run prints. The kernel drops the flock when the holder dies,
so a crash never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from shaoshan_net.errors import LockHeld


def lock_path(root: Path) -> Path:
    return root / "run" / "shaoshan.lock"


@contextmanager
def run_lock(root: Path, command: str, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the run lock for the block; wait up to `wait_seconds`, then raise `LockHeld`."""
    path = lock_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockHeld(_holder_message(path)) from None
                time.sleep(0.2)
        holder = {
            "pid": os.getpid(),
            "command": command,
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _holder_message(path: Path) -> str:
    try:
        holder = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        holder = {}
    return (
        f"{path}: another run holds the lock: {holder.get('command', '?')} "
        f"pid {holder.get('pid', '?')} started {holder.get('started', '?')}"
    )
