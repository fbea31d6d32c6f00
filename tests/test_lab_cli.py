"""`shaoshan-net lab ...` as a user runs it (a real subprocess)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.lab import ROOT, LabHandle

pytestmark = pytest.mark.lab


def cli(*args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "shaoshan_net.cli", *args],
        capture_output=True, text=True, env=env, cwd="/", check=False, timeout=120,
    )  # fmt: skip


def test_non_root_gets_a_one_line_error_and_exit_2(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to drop to an unprivileged user")
    nobody = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
    result = cli("--root", str(tmp_path), "lab", "up", prefix=nobody)
    assert (result.returncode, result.stderr) == (
        2,
        "shaoshan-net lab: the namespace lab needs root\n",
    )


def test_status_prints_figures_and_every_switch(small_lab: LabHandle) -> None:
    result = cli("--root", str(small_lab.root), "lab", "status")
    assert result.returncode == 0, result.stderr
    n, cities = len(small_lab.switches), small_lab.lab.state["city"]
    assert f"namespaces {n + 1 + len(cities)}," in result.stdout
    assert "RSS sum" in result.stdout and "PSS sum" in result.stdout
    assert f"reachable: SNMP {n}/{n}" in result.stdout
    for s in small_lab.switches:
        assert s["mgmt_ip"] in result.stdout
    for c in cities:
        assert f"city uplink {c['name']}: core {c['port']} -> {c['peer']}, link up" in (
            result.stdout
        )


def test_break_then_heal_report_the_snmp_view(small_lab: LabHandle) -> None:
    code = small_lab.codes[2]
    broken = cli("--root", str(small_lab.root), "lab", "break", code)
    healed = cli("--root", str(small_lab.root), "lab", "heal", code)
    assert broken.returncode == 0, broken.stderr
    assert f"{code}: uplink down; SNMP shows it" in broken.stdout
    assert healed.returncode == 0, healed.stderr
    assert f"{code}: uplink up; SNMP shows it" in healed.stdout


def test_break_of_an_unknown_unit_is_a_one_line_error(small_lab: LabHandle) -> None:
    result = cli("--root", str(small_lab.root), "lab", "break", "nosuchunit")
    assert result.returncode == 2
    assert result.stderr == "shaoshan-net lab: unit nosuchunit: not in the running lab\n"


def test_second_up_with_other_units_refuses_cleanly(small_lab: LabHandle) -> None:
    result = cli("--root", str(small_lab.root), "lab", "up", "--units", "1")
    assert result.returncode == 2
    assert "run `shaoshan-net lab down` first" in result.stderr
    assert len(result.stderr.splitlines()) == 1
