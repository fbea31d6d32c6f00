"""backup: scrubbed, reproducible, atomically written backups that can be listed and diffed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from shaoshan_net.backup import (
    SecretLeak,
    diff_backups,
    find_backup,
    list_backups,
    scrub,
    write_backup,
)

VRP_RUNNING = """\
!Software Version V200R019C10SPC500
!Last configuration was updated at 2024-03-01 10:00:00+08:00
#
 sysname SS-A-SW01
#
aaa
 local-user netadmin password irreversible-cipher $1a$Secret$
#
return
"""

T1 = datetime(2024, 3, 1, 10, 0, 0, tzinfo=UTC)
T2 = datetime(2024, 3, 1, 11, 0, 0, tzinfo=UTC)


def test_backup_lands_in_backups_host_timestamp(tmp_path: Path) -> None:
    path = write_backup(tmp_path, "qingxi", VRP_RUNNING, "huawei_vrp", when=T1)
    assert path == tmp_path / "backups" / "qingxi" / "20240301T100000Z.cfg"


def test_backup_has_no_secret_value(tmp_path: Path) -> None:
    text = write_backup(tmp_path, "qingxi", VRP_RUNNING, "huawei_vrp", when=T1).read_text()
    assert "$1a$Secret$" not in text
    assert "local-user netadmin password <secret>" in text


def test_backup_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = write_backup(tmp_path, "qingxi", VRP_RUNNING, "huawei_vrp", when=T1)
    assert path.stat().st_mode & 0o777 == 0o600


def test_volatile_lines_are_dropped_so_unchanged_devices_back_up_identically(
    tmp_path: Path,
) -> None:
    later = VRP_RUNNING.replace("2024-03-01 10:00:00", "2024-03-02 09:13:44")
    a = write_backup(tmp_path, "qingxi", VRP_RUNNING, "huawei_vrp", when=T1)
    b = write_backup(tmp_path, "qingxi", later.replace("\n", "\r\n"), "huawei_vrp", when=T2)
    assert a.read_bytes() == b.read_bytes()


def test_ios_clock_lines_are_volatile() -> None:
    text = "Building configuration...\n! Last configuration change at 10:01:02 CST\nhostname a\n"
    assert scrub(text, "cisco_ios") == "hostname a\n"


def test_same_second_backups_do_not_overwrite(tmp_path: Path) -> None:
    a = write_backup(tmp_path, "qingxi", VRP_RUNNING, "huawei_vrp", when=T1)
    b = write_backup(tmp_path, "qingxi", VRP_RUNNING, "huawei_vrp", when=T1)
    assert a != b and a.exists() and b.exists()
    assert [x.path for x in list_backups(tmp_path, "qingxi")] == [a, b]


def test_backup_refuses_to_write_a_secret_that_survived_scrubbing(tmp_path: Path) -> None:
    running = VRP_RUNNING + " snmp-agent target-host note hunter2pw\n"
    with pytest.raises(SecretLeak):
        write_backup(tmp_path, "qingxi", running, "huawei_vrp", secrets=["hunter2pw"], when=T1)
    assert not (tmp_path / "backups" / "qingxi").exists() or not list(
        (tmp_path / "backups" / "qingxi").iterdir()
    )


def test_list_backups_is_ordered_per_host(tmp_path: Path) -> None:
    write_backup(tmp_path, "b", VRP_RUNNING, "huawei_vrp", when=T2)
    write_backup(tmp_path, "a", VRP_RUNNING, "huawei_vrp", when=T2)
    write_backup(tmp_path, "a", VRP_RUNNING, "huawei_vrp", when=T1)
    assert [(b.host, b.stamp) for b in list_backups(tmp_path)] == [
        ("a", "20240301T100000Z"),
        ("a", "20240301T110000Z"),
        ("b", "20240301T110000Z"),
    ]


def test_diff_of_identical_backups_is_empty(tmp_path: Path) -> None:
    write_backup(tmp_path, "a", VRP_RUNNING, "huawei_vrp", when=T1)
    write_backup(tmp_path, "a", VRP_RUNNING, "huawei_vrp", when=T2)
    old, new = find_backup(tmp_path, "a", "previous"), find_backup(tmp_path, "a")
    assert diff_backups(old, new) == []


def test_diff_shows_the_changed_line(tmp_path: Path) -> None:
    write_backup(tmp_path, "a", VRP_RUNNING, "huawei_vrp", when=T1)
    write_backup(tmp_path, "a", VRP_RUNNING.replace("SS-A-SW01", "SS-B-SW01"), "huawei_vrp",
                 when=T2)
    lines = diff_backups(find_backup(tmp_path, "a", "20240301T10"), find_backup(tmp_path, "a"))
    assert "- sysname SS-A-SW01" in lines and "+ sysname SS-B-SW01" in lines


def test_find_backup_without_backups_names_the_host(tmp_path: Path) -> None:
    with pytest.raises(LookupError, match="qingxi"):
        find_backup(tmp_path, "qingxi")
