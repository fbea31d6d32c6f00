"""Atomic writes: a reader sees the old file or the new one, never a half-written one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shaoshan_net.files import atomic_write, atomic_write_many


def test_atomic_write_creates_folder_and_file(tmp_path: Path) -> None:
    atomic_write(tmp_path / "sub" / "a.cfg", "hostname x\n")
    assert (tmp_path / "sub" / "a.cfg").read_text() == "hostname x\n"


def test_atomic_write_keeps_the_old_mode(tmp_path: Path) -> None:
    path = tmp_path / "secret.env"
    path.write_text("old")
    path.chmod(0o600)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o600


def test_atomic_write_leaves_no_temp_file(tmp_path: Path) -> None:
    atomic_write(tmp_path / "a.cfg", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["a.cfg"]


def test_atomic_write_many_writes_every_file(tmp_path: Path) -> None:
    atomic_write_many((tmp_path / f"{i}.cfg", f"n{i}\n") for i in range(5))
    assert sorted(p.read_text() for p in tmp_path.iterdir()) == [f"n{i}\n" for i in range(5)]


def test_atomic_write_many_failure_keeps_old_files_and_no_temps(tmp_path: Path) -> None:
    old = tmp_path / "a.cfg"
    old.write_text("old")

    def items() -> Iterator[tuple[Path, str]]:  # fails before any rename
        yield old, "new"
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        atomic_write_many(items())
    assert old.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.cfg"]
