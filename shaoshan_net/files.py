"""Writing files so a reader never sees half of one: temp file in the same folder, fsync, rename.

Every output of the toolkit (configs, backups, reports, edited inventory) goes through
`atomic_write`, so a crash or a full disk leaves either the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def atomic_write(path: Path | str, data: str | bytes, mode: int | None = None) -> None:
    """Replace `path` with `data` atomically; text is written as UTF-8 with the newlines given.

    The temp file lives in the target folder (os.replace is atomic only within one file
    system); the folder is created if missing and fsynced after the rename so the new name
    survives a power cut. `mode` sets permissions (e.g. 0o600 for files holding anything
    sensitive); default keeps the old file's mode, else 0o644.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write(d / "a.cfg", "hostname x\\n")
    >>> (d / "a.cfg").read_text()
    'hostname x\\n'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if mode is None:
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def atomic_write_many(
    items: Iterable[tuple[Path | str, str | bytes]], mode: int | None = None
) -> None:
    """Replace many files, each atomically, paying for durability once instead of per file.

    All temp files are written first, then one `os.sync()` makes their contents durable, then
    the renames, then one fsync per folder. A crash leaves every file either old or new (a set
    of files may be partly old, partly new). Measured on 10,001 configs: one fsync per file
    costs 8-13 s, this about 1 s (bench/render.py).
    """
    pending: list[tuple[str, Path]] = []
    try:
        for path, data in items:
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            payload = data.encode("utf-8") if isinstance(data, str) else data
            file_mode = mode
            if file_mode is None:
                try:
                    file_mode = target.stat().st_mode & 0o777
                except FileNotFoundError:
                    file_mode = 0o644
            fd, tmp_name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            pending.append((tmp_name, target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.chmod(tmp_name, file_mode)
        os.sync()
        for tmp_name, target in pending:
            os.replace(tmp_name, target)
    except BaseException:
        for tmp_name, _ in pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
        raise
    for folder in {target.parent for _, target in pending}:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
