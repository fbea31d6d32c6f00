"""`shaoshan-net audit` end to end against snmpsim: exit codes, formats, history, lock."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shaoshan_net.lock import run_lock
from tests.fixtures.snmpsim import SimCounty

FAST = ["--timeout", "2", "--retries", "0"]


def _audit(root: Path, county: SimCounty, *args: str, dead: tuple[str, ...] = ("jcj", "czj"),
           auth: str | None = None) -> subprocess.CompletedProcess[str]:
    targets = county.targets_file(root / f"targets-{len(dead)}.json", dead)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAOSHAN_")}
    env.update(county.env(auth) if auth else county.env())
    return subprocess.run(
        [sys.executable, "-m", "shaoshan_net.cli", "--root", str(root), "audit",
         "--targets", str(targets), *FAST, *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


def test_healthy_unit_text_is_one_summary_line_and_exit_zero(
    project_copy: Path, sim_county: SimCounty
) -> None:
    result = _audit(project_copy, sim_county, "--unit", "zfb")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert "0 failed" in lines[0]


def test_findings_listed_and_exit_one(project_copy: Path, sim_county: SimCounty) -> None:
    result = _audit(project_copy, sim_county, "--unit", "qingxi")
    assert result.returncode == 1
    assert "uplink.speed" in result.stdout


def test_unreachable_unit_exit_two_within_bound(project_copy: Path, sim_county: SimCounty) -> None:
    started = time.monotonic()
    result = _audit(project_copy, sim_county)
    assert result.returncode == 2
    assert "jcj" in result.stdout and "reachable" in result.stdout
    # one timeout x tries cycle (2 s) + poll of the live units + interpreter start
    assert time.monotonic() - started < 2 + 8


def test_wrong_key_reports_authentication_failure(project_copy: Path,
                                                  sim_county: SimCounty) -> None:
    result = _audit(project_copy, sim_county, "--unit", "zfb", auth="wrong-auth-key-0001")
    assert result.returncode == 1
    assert "authentication failure" in result.stdout
    assert "wrong-auth-key-0001" not in result.stdout + result.stderr


def test_prom_file_written_atomically_with_metrics(project_copy: Path,
                                                  sim_county: SimCounty) -> None:
    out = project_copy / "textfile" / "shaoshan_audit.prom"
    result = _audit(project_copy, sim_county, "--unit", "qingxi", "--format", "prom",
                    "--out", str(out))
    assert result.returncode == 1
    text = out.read_text()
    assert 'shaoshan_audit_check{unit="qingxi",check="uplink.speed",severity="major"} 1' in text
    assert "shaoshan_audit_exit_code 1" in text
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_json_lists_every_check_of_every_unit(project_copy: Path,
                                              sim_county: SimCounty) -> None:
    import json

    result = _audit(project_copy, sim_county, "--group", "township", "--format", "json")
    doc = json.loads(result.stdout)
    townships = {u.code for u in sim_county.network.select(group="township")}
    assert {u["unit"] for u in doc["units"]} == townships
    assert all(len(u["checks"]) == 14 for u in doc["units"])


def test_retry_failed_polls_only_last_failures(project_copy: Path,
                                               sim_county: SimCounty) -> None:
    import json

    _audit(project_copy, sim_county, "--group", "township")
    result = _audit(project_copy, sim_county, "--group", "township",
                    "--retry-failed", "--format", "json")
    units = {u["unit"] for u in json.loads(result.stdout)["units"]}
    assert units == {"qingxi", "yintian"}  # speed and sysName; yanglin's LLDP is only unknown


def test_history_shows_change_and_availability(project_copy: Path,
                                               sim_county: SimCounty) -> None:
    _audit(project_copy, sim_county, "--unit", "zfb", dead=())
    _audit(project_copy, sim_county, "--unit", "zfb", dead=("zfb",))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAOSHAN_")}
    result = subprocess.run(
        [sys.executable, "-m", "shaoshan_net.cli", "--root", str(project_copy), "audit",
         "history", "--unit", "zfb", "--days", "1"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "zfb            reachable         ok -> fail" in result.stdout
    assert "50.0%  1/2" in result.stdout


def test_usage_error_exits_three(project_copy: Path, sim_county: SimCounty) -> None:
    assert _audit(project_copy, sim_county, "--format", "xml").returncode == 3


def test_unknown_unit_exits_three_naming_it(project_copy: Path, sim_county: SimCounty) -> None:
    result = _audit(project_copy, sim_county, "--unit", "nosuch")
    assert result.returncode == 3
    assert "nosuch" in result.stderr


def test_missing_credentials_exit_three(project_copy: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAOSHAN_")}
    result = subprocess.run(
        [sys.executable, "-m", "shaoshan_net.cli", "--root", str(project_copy), "audit"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )
    assert result.returncode == 3
    assert "SHAOSHAN_SNMP_USER" in result.stderr


@pytest.mark.timeout(60)
def test_lock_held_by_push_reports_holder_and_exits_three(project_copy: Path,
                                                          sim_county: SimCounty) -> None:
    with run_lock(project_copy, "push"):
        result = _audit(project_copy, sim_county, "--unit", "zfb", "--lock-wait", "0.5")
    assert result.returncode == 3
    assert "push" in result.stderr
