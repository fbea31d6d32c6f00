"""snmpd/lldpd configuration and process tracking of the lab (no root needed)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from shaoshan_net.lab.agents import (
    DOT1Q_VLAN_STATIC_NAME,
    QBRIDGE_PASS_SCRIPT,
    AgentSpec,
    Port,
    ProcRecord,
    city_lldpd_command,
    city_lldpd_config,
    group_members,
    is_alive,
    lldpd_config,
    snmpd_config,
    spawn,
    start_time,
    terminate,
)
from shaoshan_net.lab.namespaces import LabError


def make_spec(tmp_path: Path, **overrides: object) -> AgentSpec:
    values: dict[str, object] = {
        "name": "qingxi",
        "hostname": "SS-QINGXI-SW01",
        "platform": "huawei_vrp",
        "model": "S5720-28P-LI-AC",
        "netns": "ssn-u35",
        "mgmt_ip": "10.165.0.45",
        "location": "韶山市清溪镇",
        "contact": "韶山市信息中心 网络管理岗",
        "directory": tmp_path / "qingxi",
        "public_dir": tmp_path / "public" / "qingxi",
        "ports": (
            Port("mgmt0", "Vlanif99", 3, speed_mbps=None, lldp=False),
            Port("uplink", "GigabitEthernet0/0/25", 2),
        ),
        "snmp_user": "nms",
    }
    values.update(overrides)
    return AgentSpec(**values)  # type: ignore[arg-type]


def test_snmpd_config_passes_dot1q_vlan_static_name_to_the_script(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, qbridge_script=tmp_path / "qb.sh", vlans_file=tmp_path / "q.vlans")
    text = snmpd_config(spec, "authkey123", "privkey123")
    assert f"pass {DOT1Q_VLAN_STATIC_NAME} /bin/sh {tmp_path}/qb.sh {tmp_path}/q.vlans\n" in text


def test_snmpd_config_refuses_a_pass_path_with_a_space(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, qbridge_script=tmp_path / "q b.sh", vlans_file=tmp_path / "q")
    with pytest.raises(LabError, match="unquoted"):
        snmpd_config(spec, "authkey123", "privkey123")


def qbridge(tmp_path: Path, *args: str, vlans: str | None = "1 VLAN 0001\n10 office LAN\n"
            ) -> list[str]:
    """Run the pass script as snmpd would and return its output lines."""
    script, table = tmp_path / "qb.sh", tmp_path / "q.vlans"
    script.write_text(QBRIDGE_PASS_SCRIPT, encoding="utf-8")
    if vlans is not None:
        table.write_text(vlans, encoding="utf-8")
    out = subprocess.run(["/bin/sh", str(script), str(table), *args], capture_output=True,
                         text=True, check=True, timeout=10).stdout
    return out.splitlines()


def test_qbridge_get_answers_a_present_vlan_and_nothing_for_an_absent_one(tmp_path: Path) -> None:
    b = DOT1Q_VLAN_STATIC_NAME
    assert qbridge(tmp_path, "-g", f"{b}.10") == [f"{b}.10", "string", "office LAN"]
    assert qbridge(tmp_path, "-g", f"{b}.11") == []


def test_qbridge_getnext_walks_the_vlans_in_id_order_then_ends(tmp_path: Path) -> None:
    b = DOT1Q_VLAN_STATIC_NAME
    assert qbridge(tmp_path, "-n", b) == [f"{b}.1", "string", "VLAN 0001"]
    assert qbridge(tmp_path, "-n", f"{b}.1") == [f"{b}.10", "string", "office LAN"]
    assert qbridge(tmp_path, "-n", f"{b}.10") == []


def test_qbridge_serves_nothing_without_the_emulators_file(tmp_path: Path) -> None:
    assert qbridge(tmp_path, "-n", DOT1Q_VLAN_STATIC_NAME, vlans=None) == []


def test_snmpd_config_presents_vendor_port_name_and_gigabit_speed(tmp_path: Path) -> None:
    text = snmpd_config(make_spec(tmp_path), "authkey123", "privkey123")
    assert 'override .1.3.6.1.2.1.31.1.1.1.1.2 octet_str "GigabitEthernet0/0/25"' in text
    assert 'override .1.3.6.1.2.1.2.2.1.2.2 octet_str "GigabitEthernet0/0/25"' in text
    assert "override .1.3.6.1.2.1.31.1.1.1.15.2 uinteger 1000" in text
    assert "override .1.3.6.1.2.1.2.2.1.5.2 uinteger 1000000000" in text


def test_snmpd_config_leaves_svi_speed_alone(tmp_path: Path) -> None:
    text = snmpd_config(make_spec(tmp_path), "authkey123", "privkey123")
    assert 'override .1.3.6.1.2.1.31.1.1.1.1.3 octet_str "Vlanif99"' in text
    assert ".1.3.6.1.2.1.31.1.1.1.15.3 " not in text


def test_snmpd_config_has_authpriv_user_only_on_the_management_address(tmp_path: Path) -> None:
    spec = make_spec(tmp_path)
    text = snmpd_config(spec, "authkey123", "privkey123")
    assert 'createUser nms SHA "authkey123" AES "privkey123"' in text
    assert "rouser nms priv" in text
    assert "agentAddress udp:10.165.0.45:161" in text
    assert f"agentXSocket {spec.agentx_socket}" in text
    assert "community" not in text


def test_snmpd_config_engine_id_differs_per_switch(tmp_path: Path) -> None:
    a = snmpd_config(make_spec(tmp_path), "authkey123", "privkey123")
    b = snmpd_config(make_spec(tmp_path, name="core"), "authkey123", "privkey123")
    engine = [line for line in a.splitlines() if line.startswith("engineID")]
    assert engine and engine[0] not in b


def test_snmpd_config_refuses_a_quote_in_a_key(tmp_path: Path) -> None:
    with pytest.raises(LabError, match="quote"):
        snmpd_config(make_spec(tmp_path), 'auth"key123', "privkey123")


def test_snmpd_config_refuses_keys_shorter_than_eight(tmp_path: Path) -> None:
    with pytest.raises(LabError, match="at least 8"):
        snmpd_config(make_spec(tmp_path), "short", "privkey123")


def test_lldpd_config_sets_hostname_port_id_and_fast_interval(tmp_path: Path) -> None:
    text = lldpd_config(make_spec(tmp_path))
    assert 'configure system hostname "SS-QINGXI-SW01"' in text
    assert "configure lldp tx-interval 1" in text
    assert "configure ports uplink lldp portidsubtype local GigabitEthernet0/0/25" in text
    assert "mgmt0" not in text


def test_city_lldpd_announces_the_planned_peer_name() -> None:
    text = city_lldpd_config("XT-EGOV-AGG01", "10.166.0.2")
    assert 'configure system hostname "XT-EGOV-AGG01"' in text
    assert "configure system ip management pattern 10.166.0.2" in text
    assert "configure lldp tx-interval 1" in text


def test_city_lldpd_config_refuses_a_quote_in_the_peer_name() -> None:
    with pytest.raises(LabError, match="city peer name"):
        city_lldpd_config('XT"AGG', "10.166.0.2")


def test_city_lldpd_runs_on_its_one_port_without_agentx(tmp_path: Path) -> None:
    argv = city_lldpd_command("ssn-city0", "to-core", tmp_path / "s.sock", tmp_path / "c.conf")
    assert argv[:4] == ["ip", "netns", "exec", "ssn-city0"]
    assert argv[argv.index("-I") + 1] == "to-core"
    assert "-x" not in argv and "-X" not in argv  # no snmpd in the city namespace


def test_is_alive_rejects_a_reused_pid() -> None:
    me = os.getpid()
    started = start_time(me)
    assert started is not None
    assert is_alive(ProcRecord("x", "y", me, started))
    assert not is_alive(ProcRecord("x", "y", me, started + 1))


def test_group_members_empty_when_leader_pid_was_reused() -> None:
    me = os.getpid()
    record = ProcRecord("x", "y", me, (start_time(me) or 0) + 1)
    assert group_members(record) == []


def test_terminate_stops_the_whole_process_group(tmp_path: Path) -> None:
    record = spawn("test", "t", ["sh", "-c", "sleep 30 & sleep 30"], tmp_path / "log")
    deadline = time.monotonic() + 5
    while len(group_members(record)) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(group_members(record)) == 3  # sh and its two sleeps
    terminate([record])
    assert group_members(record) == []
    assert not is_alive(record)


def test_spawn_does_not_pass_shaoshan_secrets_to_agents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHAOSHAN_SNMP_AUTH_KEY", "do-not-leak-123")
    log = tmp_path / "env.log"
    spawn("test", "t", ["env"], log)
    deadline = time.monotonic() + 5
    while "PATH=" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "PATH=" in log.read_text()
    assert "do-not-leak-123" not in log.read_text()
