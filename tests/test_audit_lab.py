"""`shaoshan-net audit` against the namespace lab: real snmpd + lldpd, run as cron would run it.

Every audit here is the CLI in a subprocess with `--root <lab project copy>` and
`SHAOSHAN_ENV_FILE` pointing at the lab's credentials file. Tests that break the shared
`small_lab` heal it in `finally`; the test that kills an agent uses a throw-away lab of its own
(prefix `ssna-`, management block 10.198.0.0/23) that is removed even on failure.

Each lab snmpd serves Q-BRIDGE-MIB dot1qVlanStaticName from its switch's emulated running
configuration: the small lab is never pushed (factory config, VLAN 1 only), so `vlans` fails on
every unit, naming the planned VLANs, until the last healthy-lab test pushes one unit and sees it
pass. Error counters have no earlier reading on a first audit: "unknown" until the second.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shaoshan_net.lab.agents import ProcRecord, is_alive
from shaoshan_net.lab.lab import Lab
from shaoshan_net.loader import load_network
from tests.fixtures.lab import ROOT, LabHandle, copy_project, require_root

pytestmark = pytest.mark.lab

TIMEOUT, RETRIES = 1.0, 1
CYCLE = TIMEOUT * (RETRIES + 1)
LINK_CHECKS = {"uplink.oper", "core.port.oper", "core.port.admin", "lldp.unit", "lldp.core"}
COUNTER_CHECKS = {"uplink.errors", "core.port.errors"}
PRIVATE_PREFIX, PRIVATE_NET = "ssna-", "10.198."


@dataclass
class Audit:
    """One CLI audit: exit code, output and wall time of the whole process."""

    code: int
    stdout: str
    stderr: str
    wall: float

    @property
    def doc(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    def units(self) -> dict[str, dict[str, Any]]:
        return {u["unit"]: u for u in self.doc["units"]}

    def not_ok(self, unit: str) -> dict[str, str]:
        """check id -> status of every check of `unit` that is not ok."""
        return {c["check"]: c["status"] for c in self.units()[unit]["checks"]
                if c["status"] != "ok"}

    def reason(self, unit: str, check: str) -> str:
        return next(c["reason"] for c in self.units()[unit]["checks"] if c["check"] == check)


def cli_env(lab: Lab, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment cron would give: no SHAOSHAN_* but the env file (and test overrides)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAOSHAN_")}
    env["PYTHONPATH"] = str(ROOT)
    creds_file = lab.state.get("credentials_file")
    if not creds_file:  # the lab took its credentials from the environment: write them 0600
        c = lab.credentials()
        path = tmp_path / "snmp.env"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(f"SHAOSHAN_SNMP_USER={c.snmp_user}\nSHAOSHAN_SNMP_AUTH_KEY={c.auth_key}\n"
                     f"SHAOSHAN_SNMP_PRIV_KEY={c.priv_key}\n")
        creds_file = str(path)
    env["SHAOSHAN_ENV_FILE"] = creds_file
    env.update(extra)
    return env


def audit(root: Path, lab: Lab, codes: list[str], history: Path, *args: str,
          fmt: str = "json", **env: str) -> Audit:
    argv = [sys.executable, "-m", "shaoshan_net.cli", "--root", str(root), "audit",
            "--format", fmt, "--history", str(history), "--timeout", str(TIMEOUT),
            "--retries", str(RETRIES), *(a for c in codes for a in ("--unit", c)), *args]
    started = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, cwd="/", check=False,
                          timeout=60, env=cli_env(lab, history.parent, **env))
    return Audit(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


def lab_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "shaoshan_net.cli", "--root", str(root), "lab",
                           *args], capture_output=True, text=True, cwd="/", env=env,
                          check=False, timeout=60)


def run_small(small_lab: LabHandle, history: Path, *args: str, fmt: str = "json",
              **env: str) -> Audit:
    return audit(small_lab.root, small_lab.lab, small_lab.codes, history, *args, fmt=fmt, **env)


def heal(small_lab: LabHandle, code: str) -> None:
    """Bring `code` back (idempotent); used in `finally` so a failed test leaves the lab whole."""
    result = lab_cli(small_lab.root, "heal", code)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def settled(small_lab: LabHandle, tmp_path_factory: pytest.TempPathFactory) -> LabHandle:
    """The small lab with every link healthy, as the tests below expect.

    `lab up` itself waits until links are up and LLDP is learned (tested in test_lab*.py);
    this bounded wait only protects these tests from a link another test left flapping.
    """
    history = tmp_path_factory.mktemp("settle") / "h.sqlite"
    deadline = time.monotonic() + 20
    while True:
        result = run_small(small_lab, history)
        bad = {code: sorted(c for c, s in result.not_ok(code).items() if c in LINK_CHECKS)
               for code in small_lab.codes}
        if not any(bad.values()):
            return small_lab
        assert time.monotonic() < deadline, f"lab links not healthy after 20 s: {bad}"
        time.sleep(0.5)


# --------------------------------------------------------------------------- healthy lab


def planned_missing(handle: LabHandle, code: str) -> str:
    """The `vlans` reason of a unit still on its factory configuration (VLAN 1 only)."""
    missing = [v for v in handle.network.plans[code].vlans if v != 1]
    return f"VLANs missing: {', '.join(map(str, missing))}"


def test_first_audit_of_an_unpushed_lab_mails_only_the_vlan_findings_exit_1(
    settled: LabHandle, tmp_path: Path
) -> None:
    result = run_small(settled, tmp_path / "h.sqlite", fmt="text")
    assert result.code == 1, result.stdout + result.stderr
    *findings, summary = result.stdout.splitlines()
    assert [line.split()[:2] for line in findings] == [[c, "vlans"] for c in settled.codes]
    assert f"{len(settled.codes)} switches" in summary
    assert f"{len(settled.codes)} failed" in summary


def test_first_audit_error_counters_are_unknown_not_ok(settled: LabHandle,
                                                       tmp_path: Path) -> None:
    result = run_small(settled, tmp_path / "h.sqlite")
    assert result.code == 1, result.stderr
    for code in settled.codes:
        assert result.not_ok(code) == {
            "uplink.errors": "unknown", "core.port.errors": "unknown", "vlans": "fail"
        }, code
        assert "no earlier counters" in result.reason(code, "uplink.errors")


def test_second_audit_of_an_unpushed_lab_passes_every_check_but_vlans(
    settled: LabHandle, tmp_path: Path
) -> None:
    history = tmp_path / "h.sqlite"
    run_small(settled, history)
    result = run_small(settled, history)
    assert result.code == 1, result.stderr
    for code in settled.codes:
        assert result.not_ok(code) == {"vlans": "fail"}, code
        assert result.reason(code, "lldp.core").endswith(
            f"-> {settled.switch(code)['hostname']} {settled.switch(code)['uplink_port']}")


def test_unpushed_lab_fails_vlans_naming_the_planned_ones(settled: LabHandle,
                                                         tmp_path: Path) -> None:
    result = run_small(settled, tmp_path / "h.sqlite")
    for code in settled.codes:
        assert result.not_ok(code)["vlans"] == "fail"
        assert result.reason(code, "vlans") == planned_missing(settled, code)


def test_whole_selection_checks_the_core_city_uplink(settled: LabHandle,
                                                     tmp_path: Path) -> None:
    # Without --unit the audit polls every unit of the inventory (most are not in the small lab),
    # so read only the core's own verdict here.
    argv = [sys.executable, "-m", "shaoshan_net.cli", "--root", str(settled.root), "audit",
            "--format", "json", "--history", str(tmp_path / "h.sqlite"), "--timeout", "0.5",
            "--retries", "0"]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd="/", check=False,
                          timeout=60, env=cli_env(settled.lab, tmp_path))
    core = next(u for u in json.loads(proc.stdout)["units"] if u["unit"] == "core")
    assert {c["check"]: c["status"] for c in core["checks"]}["core.city_uplink"] == "ok"


# --------------------------------------------------------------------------- break / heal


def test_break_fails_exactly_that_unit_with_link_down_reasons_exit_1(settled: LabHandle,
                                                                    tmp_path: Path) -> None:
    code = settled.codes[1]
    history = tmp_path / "h.sqlite"
    run_small(settled, history)  # baseline: counters known
    try:
        broken = lab_cli(settled.root, "break", code)
        assert broken.returncode == 0, broken.stderr
        result = run_small(settled, history)
    finally:
        heal(settled, code)
    assert result.code == 1, result.stdout + result.stderr
    states = {u: d["state"] for u, d in result.units().items()}
    assert states[code] == "fail"
    failed = {c for c, s in result.not_ok(code).items() if s == "fail"}
    # a down veth counts the frames lldpd still tries to send as discards: a true reading
    assert LINK_CHECKS | {"vlans"} <= failed <= LINK_CHECKS | COUNTER_CHECKS | {"vlans"}, failed
    core_port = settled.switch(code)["core_port"]
    assert result.reason(code, "core.port.oper") == f"{core_port} oper down on core"
    assert result.reason(code, "lldp.core").startswith(f"no LLDP neighbour on core {core_port}")
    for other in set(settled.codes) - {code}:
        assert result.not_ok(other) == {"vlans": "fail"}, other


def test_heal_brings_the_unit_back(settled: LabHandle, tmp_path: Path) -> None:
    code = settled.codes[2]
    history = tmp_path / "h.sqlite"
    try:
        assert lab_cli(settled.root, "break", code).returncode == 0
        assert run_small(settled, history).code == 1
    finally:
        heal(settled, code)
    deadline = time.monotonic() + 15  # LLDP is learned again after one tx interval (1 s)
    while True:
        result = run_small(settled, history)
        failed = {c for c, s in result.not_ok(code).items() if s == "fail"}
        if not failed & LINK_CHECKS or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert not failed & LINK_CHECKS, failed
    again = run_small(settled, history)  # counters compared with a reading after the outage
    assert again.not_ok(code) == {"vlans": "fail"}, again.stdout


# --------------------------------------------------------------------------- credentials


def test_wrong_auth_key_is_an_authentication_failure_not_a_dead_unit(settled: LabHandle,
                                                                     tmp_path: Path) -> None:
    wrong = "not-the-lab-auth-key-42"
    result = run_small(settled, tmp_path / "h.sqlite", SHAOSHAN_SNMP_AUTH_KEY=wrong)
    assert result.code == 1, result.stdout + result.stderr
    for code in settled.codes:
        unit = result.units()[code]
        assert unit["state"] == "auth"
        checks = {c["check"]: c["status"] for c in unit["checks"]}
        assert (checks["reachable"], checks["auth"]) == ("ok", "fail")
        assert result.reason(code, "auth").startswith("authentication failure")
    assert wrong not in result.stdout + result.stderr


def test_wrong_auth_key_run_does_not_wait_for_timeouts(settled: LabHandle,
                                                       tmp_path: Path) -> None:
    result = run_small(settled, tmp_path / "h.sqlite", SHAOSHAN_SNMP_AUTH_KEY="wrong-key-1234")
    assert result.doc["duration_seconds"] < TIMEOUT  # the agents answer with a report PDU


# --------------------------------------------------------------------------- after a push


def test_pushed_unit_passes_vlans_and_the_others_still_fail(settled: LabHandle,
                                                            tmp_path: Path) -> None:
    if not settled.ssh:
        pytest.skip("the small lab came up without the SSH emulator")
    code = settled.codes[0]
    argv = [sys.executable, "-m", "shaoshan_net.cli", "--root", str(settled.root), "push",
            "--commit", "--quiet", "--unit", code]
    pushed = subprocess.run(argv, capture_output=True, text=True, cwd="/", check=False,
                            timeout=300,
                            env=cli_env(settled.lab, tmp_path, SHAOSHAN_LAB_ONLY="1"))
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    result = run_small(settled, tmp_path / "h.sqlite")
    assert result.not_ok(code).get("vlans") is None, result.stdout
    planned = ", ".join(map(str, settled.network.plans[code].vlans))
    assert result.reason(code, "vlans") == f"VLANs {planned} present"
    for other in settled.codes[1:]:
        assert result.reason(other, "vlans") == planned_missing(settled, other)


# --------------------------------------------------------------------------- a dead agent


@dataclass
class PrivateLab:
    root: Path
    lab: Lab
    codes: list[str]


@pytest.fixture(scope="module")
def private_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateLab]:
    """Core + 3 units from a project copy whose management block is 10.198.0.0/23, so the CLI
    (`--root`) reaches it; killing its agents never touches the shared `settled`."""
    require_root()
    root = copy_project(tmp_path_factory.mktemp("audit-lab-project"))
    topology = root / "topology.yaml"
    topology.write_text(topology.read_text(encoding="utf-8").replace("10.165.", PRIVATE_NET),
                        encoding="utf-8")
    network = load_network(root)
    assert network.core.mgmt_ip.startswith(PRIVATE_NET)
    lab = Lab(root / ".lab", prefix=PRIVATE_PREFIX)
    codes = [u.code for u in network.units[:3]]
    try:
        lab.up(network, codes, ssh=False, timeout=60)
        yield PrivateLab(root, lab, codes)
    finally:
        lab.down()


def stop_snmpd(lab: Lab, code: str) -> None:
    record = next(ProcRecord(**p) for p in lab.state["processes"]
                  if p["role"] == "snmpd" and p["switch"] == code)
    os.killpg(record.pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while is_alive(record):
        assert time.monotonic() < deadline, f"snmpd of {code} did not stop"
        time.sleep(0.05)


def test_stopped_agent_is_unreachable_exit_2_within_one_cycle(private_lab: PrivateLab,
                                                              tmp_path: Path) -> None:
    dead = private_lab.codes[0]
    stop_snmpd(private_lab.lab, dead)
    result = audit(private_lab.root, private_lab.lab, private_lab.codes, tmp_path / "h.sqlite")
    assert result.code == 2, result.stdout + result.stderr
    states = {u: d["state"] for u, d in result.units().items()}
    assert [u for u, s in states.items() if s == "unreachable"] == [dead]
    assert result.reason(dead, "reachable").startswith("no SNMP answer from")
    assert result.not_ok(dead)["auth"] == "unknown"  # silence is not a credentials problem
    assert result.doc["duration_seconds"] <= CYCLE + 1.0
    assert result.wall <= CYCLE + 3.0  # + interpreter start and imports
