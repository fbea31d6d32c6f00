"""The audit's checks over real SNMP answers from snmpsim (faults set in tests/fixtures/snmpsim)."""

from __future__ import annotations

import pytest

from shaoshan_net.audit.checks import exit_code
from shaoshan_net.audit.runner import AuditRun, run_audit
from shaoshan_net.lab.snmpsim_data import grow_errors
from shaoshan_net.snmp.poller import PollSettings
from tests.fixtures.snmpsim import ROOT, SimCounty

SETTINGS = PollSettings(timeout=2.0, retries=1)  # 2 cores shared with snmpsim


@pytest.fixture(scope="module")
def county_run(sim_county: SimCounty) -> AuditRun:
    network = sim_county.network
    return run_audit(network, list(network.plans), sim_county.credentials(), SETTINGS, {},
                     sim_county.target_map())


def _check(run: AuditRun, unit: str, check: str) -> tuple[str, str]:
    found = [r for r in run.results if r.unit == unit and r.check == check]
    assert len(found) == 1, (unit, check)
    return found[0].status, found[0].reason


def test_healthy_unit_passes_every_check_it_can_make(county_run: AuditRun) -> None:
    checks = [r for r in county_run.results if r.unit == "zfb"]
    assert {r.check: r.status for r in checks if r.status != "ok"} == {
        "uplink.errors": "unknown", "core.port.errors": "unknown"  # first audit: no history
    }


def test_first_audit_error_counters_are_unknown_not_ok(county_run: AuditRun) -> None:
    status, reason = _check(county_run, "zfb", "uplink.errors")
    assert status == "unknown"
    assert "no earlier counters" in reason


def test_100_mbps_uplink_fails_speed_on_both_ends(county_run: AuditRun) -> None:
    assert _check(county_run, "qingxi", "uplink.speed")[0] == "fail"
    assert "100 Mb/s" in _check(county_run, "qingxi", "uplink.speed")[1]
    assert _check(county_run, "qingxi", "core.port.speed")[0] == "fail"


def test_swapped_fibers_fail_lldp_on_both_units_and_core(county_run: AuditRun) -> None:
    for unit in ("swb", "rdb"):
        assert _check(county_run, unit, "lldp.unit")[0] == "fail"
        assert _check(county_run, unit, "lldp.core")[0] == "fail"
    assert "SS-RDB-SW01" in _check(county_run, "swb", "lldp.core")[1]


def test_wrong_sysname_fails_sysname(county_run: AuditRun) -> None:
    status, reason = _check(county_run, "yintian", "sysname")
    assert status == "fail"
    assert "SS-YINTIAN-SW01" in reason


def test_missing_lldp_mib_is_unknown(county_run: AuditRun) -> None:
    assert _check(county_run, "yanglin", "lldp.unit") == ("unknown", "unit serves no LLDP-MIB")


def test_missing_qbridge_mib_is_unknown(county_run: AuditRun) -> None:
    assert _check(county_run, "shaoshanxiang", "vlans") == ("unknown", "Q-BRIDGE-MIB not served")


def test_stale_lldp_entry_on_a_down_uplink_is_not_a_neighbour(county_run: AuditRun) -> None:
    status, reason = _check(county_run, "lyj", "lldp.unit")
    assert status == "fail"
    assert "port oper down (a listed entry is stale)" in reason


def test_down_link_fails_oper_on_unit_and_core_port(county_run: AuditRun) -> None:
    assert _check(county_run, "wsj", "uplink.oper")[0] == "fail"
    assert _check(county_run, "wsj", "core.port.oper")[0] == "fail"
    assert county_run.states["wsj"] == "fail"


def test_dead_unit_is_unreachable_and_exit_code_two(county_run: AuditRun) -> None:
    assert county_run.states["jcj"] == "unreachable"
    assert _check(county_run, "jcj", "reachable")[0] == "fail"
    assert _check(county_run, "jcj", "uplink.oper")[0] == "unknown"
    assert county_run.exit_code == 2


def test_dead_unit_keeps_core_side_checks(county_run: AuditRun) -> None:
    assert _check(county_run, "jcj", "core.port.oper")[0] == "ok"


def test_city_uplink_checked_on_core(county_run: AuditRun) -> None:
    assert _check(county_run, "core", "core.city_uplink")[0] == "ok"


def test_growing_error_counters_fail_errors(sim_county: SimCounty) -> None:
    network = sim_county.network
    first = run_audit(network, ["jyj"], sim_county.credentials(), SETTINGS, {},
                      sim_county.target_map(), include_core=False)
    grow_errors(sim_county.data_dir / "jyj.snmprec", network.plans["jyj"].uplink_port, by=7)
    second = run_audit(network, ["jyj"], sim_county.credentials(), SETTINGS, first.counters,
                       sim_county.target_map(), include_core=False)
    status, reason = _check(second, "jyj", "uplink.errors")
    assert status == "fail"
    assert "ifInErrors +7" in reason
    assert _check(second, "jyj", "core.port.errors")[0] == "ok"


def test_wrong_key_is_authentication_failure_exit_one(sim_county: SimCounty) -> None:
    network = sim_county.network
    run = run_audit(network, ["zfb"], sim_county.credentials("wrong-auth-key-0001"), SETTINGS,
                    {}, sim_county.target_map(), include_core=False)
    assert run.states["zfb"] == "auth"
    assert _check(run, "zfb", "reachable")[0] == "ok"
    assert _check(run, "zfb", "auth")[0] == "fail"
    assert run.exit_code == 1


def test_exit_code_prefers_unreachable_over_findings() -> None:
    assert exit_code({"a": "ok", "b": "fail", "c": "unreachable"}) == 2
    assert exit_code({"a": "ok", "b": "fail"}) == 1
    assert exit_code({"a": "ok", "b": "unknown"}) == 0


def test_nornir_task_runs_checks_on_one_shared_engine(sim_county: SimCounty) -> None:
    from nornir import InitNornir

    from shaoshan_net.nornir_tasks.audit import snmp_audit, snmp_poll
    from shaoshan_net.snmp.poller import PollerThread

    nr = InitNornir(config_file=str(ROOT / "config.yaml"))
    targets = sim_county.target_map()
    with PollerThread(sim_county.credentials(), SETTINGS) as poller:
        core_nr = nr.filter(name="core")
        core = core_nr.run(task=snmp_poll, poller=poller, targets=targets)["core"].result
        units = nr.filter(filter_func=lambda h: h.name in ("qingxi", "zfb"))
        results = units.run(task=snmp_audit, poller=poller, core=core, targets=targets)
    qingxi = {c.check: c.status for c in results["qingxi"][0].result}
    assert qingxi["uplink.speed"] == "fail"
    assert results["qingxi"][0].failed
    assert {c.check: c.status for c in results["zfb"][0].result}["lldp.core"] == "ok"
