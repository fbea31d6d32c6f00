"""The running namespace lab: real SNMP, LLDP and SSH at each switch's management address."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from shaoshan_net.lab import namespaces as ns
from shaoshan_net.lab.lab import CITY_IF, IF_OPER_STATUS, SYS_NAME, LabCredentials
from shaoshan_net.lab.namespaces import LabError
from tests.fixtures.lab import LabHandle

pytestmark = pytest.mark.lab

IF_ADMIN_STATUS = "1.3.6.1.2.1.2.2.1.7"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_HIGH_SPEED = "1.3.6.1.2.1.31.1.1.1.15"
LLDP_REM_PORT_ID = "1.0.8802.1.1.2.1.4.1.1.7"
LLDP_REM_SYS_NAME = "1.0.8802.1.1.2.1.4.1.1.9"


# --------------------------------------------------------------------------- SNMP clients


def _engine_and_user(creds: LabCredentials) -> tuple[Any, Any]:
    """Plain pysnmp, independent of shaoshan_net's poller: a new engine and the v3 user."""
    from pysnmp.hlapi.v3arch.asyncio import (
        USM_AUTH_HMAC96_SHA,
        USM_PRIV_CFB128_AES,
        SnmpEngine,
        UsmUserData,
    )

    user = UsmUserData(
        creds.snmp_user,
        authKey=creds.auth_key,
        privKey=creds.priv_key,
        authProtocol=USM_AUTH_HMAC96_SHA,
        privProtocol=USM_PRIV_CFB128_AES,
    )
    return SnmpEngine(), user


async def _pysnmp_get(
    creds: LabCredentials, targets: dict[str, list[str]]
) -> dict[str, dict[str, str] | None]:
    from pysnmp.hlapi.v3arch.asyncio import (
        ContextData,
        ObjectIdentity,
        ObjectType,
        UdpTransportTarget,
        get_cmd,
    )

    engine, user = _engine_and_user(creds)

    async def one(ip: str, oids: list[str]) -> tuple[str, dict[str, str] | None]:
        target = await UdpTransportTarget.create((ip, 161), timeout=1, retries=1)
        err, status, _, binds = await get_cmd(
            engine, user, target, ContextData(),
            *(ObjectType(ObjectIdentity(o)) for o in oids), lookupMib=False,
        )  # fmt: skip
        if err or status:
            return ip, None
        return ip, {str(n): v.prettyPrint() for n, v in binds}

    try:
        return dict(await asyncio.gather(*(one(ip, o) for ip, o in targets.items())))
    finally:
        engine.close_dispatcher()


def pysnmp_get(creds: LabCredentials, targets: dict[str, list[str]]) -> dict:
    return asyncio.run(_pysnmp_get(creds, targets))


async def _pysnmp_walk(creds: LabCredentials, ip: str, oid: str) -> dict[str, str]:
    from pysnmp.hlapi.v3arch.asyncio import (
        ContextData,
        ObjectIdentity,
        ObjectType,
        UdpTransportTarget,
        bulk_walk_cmd,
    )

    engine, user = _engine_and_user(creds)
    target = await UdpTransportTarget.create((ip, 161), timeout=1, retries=1)
    rows: dict[str, str] = {}
    try:
        async for err, status, _, binds in bulk_walk_cmd(
            engine, user, target, ContextData(), 0, 25, ObjectType(ObjectIdentity(oid)),
            lexicographicMode=False, lookupMib=False,
        ):  # fmt: skip
            assert not err and not status, f"walk {oid} at {ip}: {err or status}"
            rows.update({str(n): v.prettyPrint() for n, v in binds})
    finally:
        engine.close_dispatcher()
    return rows


def pysnmp_walk(creds: LabCredentials, ip: str, oid: str) -> dict[str, str]:
    return asyncio.run(_pysnmp_walk(creds, ip, oid))


def net_snmp(tool: str, creds: LabCredentials, ip: str, *oids: str, tmp: Path) -> dict[str, str]:
    """net-snmp's own command-line tool (`snmpget`/`snmpwalk`), numeric output."""
    env = {**os.environ, "MIBS": "", "SNMP_PERSISTENT_DIR": str(tmp)}
    cmd = [
        tool, "-v3", "-l", "authPriv", "-u", creds.snmp_user, "-a", "SHA", "-A", creds.auth_key,
        "-x", "AES", "-X", creds.priv_key, "-On", "-Oq", "-t", "1", "-r", "1", ip, *oids,
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, f"{tool} {ip}: {proc.stderr.strip()}"
    rows = {}
    for line in proc.stdout.splitlines():
        oid, _, value = line.partition(" ")
        rows[oid.lstrip(".")] = value.strip().strip('"')
    return rows


def lldp_neighbours(creds: LabCredentials, ip: str) -> dict[int, tuple[str, str]]:
    """Local port number -> (remote system name, remote port id) from LLDP-MIB."""
    names = pysnmp_walk(creds, ip, LLDP_REM_SYS_NAME)
    ports = pysnmp_walk(creds, ip, LLDP_REM_PORT_ID)
    result = {}
    for oid, name in names.items():
        index = oid[len(LLDP_REM_SYS_NAME) + 1 :]
        local_port = int(index.split(".")[1])  # lldpRemTimeMark.lldpRemLocalPortNum.lldpRemIndex
        result[local_port] = (name, ports[f"{LLDP_REM_PORT_ID}.{index}"])
    return result


def wait_for(check, timeout: float = 8.0):  # type: ignore[no-untyped-def]
    """Poll `check()` until it returns something truthy (LLDP needs one tx interval)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


# --------------------------------------------------------------------------- tests


def test_small_lab_covers_every_platform_and_a_township(small_lab: LabHandle) -> None:
    units = [small_lab.network.unit(c) for c in small_lab.codes]
    assert len(units) == 6
    assert {u.platform for u in units} == {"huawei_vrp", "h3c_comware", "cisco_ios"}
    assert any(u.is_township for u in units)


def test_management_block_is_routed_through_the_lab_link(small_lab: LabHandle) -> None:
    small_lab.assert_routed()


def test_every_switch_answers_pysnmp_v3_authpriv_with_its_hostname(small_lab: LabHandle) -> None:
    answers = pysnmp_get(
        small_lab.credentials, {s["mgmt_ip"]: [SYS_NAME] for s in small_lab.switches}
    )
    assert {s["mgmt_ip"]: s["hostname"] for s in small_lab.switches} == {
        ip: (a or {}).get(SYS_NAME) for ip, a in answers.items()
    }


def test_every_switch_answers_net_snmp_snmpget(small_lab: LabHandle, tmp_path: Path) -> None:
    for s in small_lab.switches:
        rows = net_snmp("snmpget", small_lab.credentials, s["mgmt_ip"], SYS_NAME, tmp=tmp_path)
        assert rows[SYS_NAME] == s["hostname"]


def test_wrong_snmp_priv_key_gets_no_answer(small_lab: LabHandle) -> None:
    wrong = LabCredentials(
        small_lab.credentials.ssh_user, "x", small_lab.credentials.snmp_user,
        small_lab.credentials.auth_key, "wrong-priv-key-123",
    )  # fmt: skip
    answers = pysnmp_get(wrong, {small_lab.core["mgmt_ip"]: [SYS_NAME]})
    assert answers[small_lab.core["mgmt_ip"]] is None


def test_unit_uplink_ifname_is_the_vendor_port_name(small_lab: LabHandle) -> None:
    for code in small_lab.codes:
        s = small_lab.switch(code)
        oid = f"{IF_NAME}.{s['ifindex']['uplink']}"
        answer = pysnmp_get(small_lab.credentials, {s["mgmt_ip"]: [oid]})[s["mgmt_ip"]]
        assert answer == {oid: small_lab.network.plans[code].uplink_port}


def test_core_ifnames_are_the_planned_core_ports(small_lab: LabHandle) -> None:
    core = small_lab.core
    names = pysnmp_walk(small_lab.credentials, core["mgmt_ip"], IF_NAME)
    for code in small_lab.codes:
        s = small_lab.switch(code)
        oid = f"{IF_NAME}.{core['ifindex'][s['core_if']]}"
        assert names[oid] == small_lab.network.plans[code].core_port


def test_uplink_speed_is_gigabit(small_lab: LabHandle, tmp_path: Path) -> None:
    s = small_lab.switch(small_lab.codes[0])
    oid = f"{IF_HIGH_SPEED}.{s['ifindex']['uplink']}"
    assert net_snmp("snmpget", small_lab.credentials, s["mgmt_ip"], oid, tmp=tmp_path)[oid] == (
        "1000"
    )


def test_unit_sees_the_core_as_lldp_neighbour(small_lab: LabHandle) -> None:
    creds, core = small_lab.credentials, small_lab.core
    for code in small_lab.codes:
        s = small_lab.switch(code)
        expected = {s["ifindex"]["uplink"]: (core["hostname"], s["core_port"])}
        wait_for(lambda s=s, e=expected: lldp_neighbours(creds, s["mgmt_ip"]) == e)
        assert lldp_neighbours(creds, s["mgmt_ip"]) == expected, code


def city_ports(handle: LabHandle) -> dict[int, dict[str, str]]:
    """The core's ifIndex of each city uplink -> its lab record (port, peer, addresses)."""
    core = handle.core
    return {core["ifindex"][c["core_if"]]: c for c in handle.lab.state["city"]}


def test_core_sees_every_unit_as_lldp_neighbour_on_its_port(small_lab: LabHandle) -> None:
    core = small_lab.core
    expected = {
        core["ifindex"][s["core_if"]]: (s["hostname"], s["uplink_port"])
        for s in small_lab.switches[1:]
    }
    skip = city_ports(small_lab)

    def units_seen() -> dict[int, tuple[str, str]]:
        seen = lldp_neighbours(small_lab.credentials, core["mgmt_ip"])
        return {port: n for port, n in seen.items() if port not in skip}

    got = wait_for(lambda: (n := units_seen()) == expected and n)
    assert got == expected


def test_lab_has_every_planned_city_uplink(small_lab: LabHandle) -> None:
    planned = [(u.name, u.port, u.peer) for u in small_lab.network.core.city_uplinks]
    assert planned  # the shipped county has one; without it the tests below prove nothing
    assert [(c["name"], c["port"], c["peer"]) for c in small_lab.lab.state["city"]] == planned


def test_core_city_uplink_is_the_vendor_port_oper_up_at_the_grade_speed(
    small_lab: LabHandle,
) -> None:
    core = small_lab.core
    speed = small_lab.network.topology.grade.city_uplink_speed_mbps
    for index, c in city_ports(small_lab).items():
        oids = [f"{IF_NAME}.{index}", f"{IF_HIGH_SPEED}.{index}", f"{IF_OPER_STATUS}.{index}"]
        answer = pysnmp_get(small_lab.credentials, {core["mgmt_ip"]: oids})[core["mgmt_ip"]]
        assert answer == {oids[0]: c["port"], oids[1]: str(speed), oids[2]: "1"}


def test_city_uplink_carries_the_planned_p2p_addresses(small_lab: LabHandle) -> None:
    def held(netns: str, ifname: str) -> set[str]:
        return {
            f"{a['local']}/{a['prefixlen']}"
            for link in ns.addresses(netns) if link["ifname"] == ifname
            for a in link.get("addr_info", []) if a.get("family") == "inet"
        }  # fmt: skip

    for up, c in zip(small_lab.network.core.city_uplinks, small_lab.lab.state["city"],
                     strict=True):  # fmt: skip
        assert held(small_lab.core["netns"], c["core_if"]) == {f"{up.local_ip}/{up.prefixlen}"}
        assert held(c["netns"], CITY_IF) == {f"{up.peer_ip}/{up.prefixlen}"}


def test_core_sees_the_city_peer_as_lldp_neighbour_on_its_city_port(small_lab: LabHandle) -> None:
    expected = {index: c["peer"] for index, c in city_ports(small_lab).items()}

    def seen() -> dict[int, str]:
        table = lldp_neighbours(small_lab.credentials, small_lab.core["mgmt_ip"])
        return {port: n[0] for port, n in table.items() if port in expected}

    got = wait_for(lambda: (n := seen()) == expected and n)
    assert got == expected


def oper_status(handle: LabHandle, code: str) -> tuple[str | None, str | None]:
    """(core port, unit uplink) ifOperStatus as pysnmp reads it."""
    s, core = handle.switch(code), handle.core
    core_oid = f"{IF_OPER_STATUS}.{core['ifindex'][s['core_if']]}"
    unit_oid = f"{IF_OPER_STATUS}.{s['ifindex']['uplink']}"
    answers = pysnmp_get(
        handle.credentials, {core["mgmt_ip"]: [core_oid], s["mgmt_ip"]: [unit_oid]}
    )
    return (answers[core["mgmt_ip"]] or {}).get(core_oid), (answers[s["mgmt_ip"]] or {}).get(
        unit_oid
    )


def test_break_shows_down_in_the_next_snmp_read(small_lab: LabHandle, tmp_path: Path) -> None:
    code = small_lab.codes[-1]
    s = small_lab.switch(code)
    try:
        small_lab.lab.set_uplink(code, up=False)
        assert oper_status(small_lab, code) == ("2", "2")
        oid = f"{IF_OPER_STATUS}.{s['ifindex']['uplink']}"
        rows = net_snmp("snmpget", small_lab.credentials, s["mgmt_ip"], oid, tmp=tmp_path)
        assert rows[oid] == "2"
    finally:
        small_lab.lab.set_uplink(code, up=True)


def test_unit_with_broken_uplink_still_answers_on_management(small_lab: LabHandle) -> None:
    code = small_lab.codes[0]
    s = small_lab.switch(code)
    try:
        small_lab.lab.set_uplink(code, up=False)
        answer = pysnmp_get(small_lab.credentials, {s["mgmt_ip"]: [SYS_NAME]})[s["mgmt_ip"]]
        assert answer == {SYS_NAME: s["hostname"]}
    finally:
        small_lab.lab.set_uplink(code, up=True)


def test_heal_shows_up_in_the_next_snmp_read(small_lab: LabHandle, tmp_path: Path) -> None:
    code = small_lab.codes[1]
    small_lab.lab.set_uplink(code, up=False)
    small_lab.lab.set_uplink(code, up=True)
    assert oper_status(small_lab, code) == ("1", "1")
    core, s = small_lab.core, small_lab.switch(code)
    oid = f"{IF_ADMIN_STATUS}.{core['ifindex'][s['core_if']]}"
    assert net_snmp("snmpget", small_lab.credentials, core["mgmt_ip"], oid, tmp=tmp_path)[oid] == (
        "1"
    )


def test_break_of_a_unit_not_in_the_lab_is_refused(small_lab: LabHandle) -> None:
    missing = next(u.code for u in small_lab.network.units if u.code not in small_lab.codes)
    with pytest.raises(LabError, match=f"unit {missing}: not in the running lab"):
        small_lab.lab.set_uplink(missing, up=False)


def test_second_up_with_the_same_units_changes_nothing(small_lab: LabHandle) -> None:
    before = [p["pid"] for p in small_lab.lab.state["processes"]]
    small_lab.lab.up(small_lab.network, small_lab.codes)
    assert [p["pid"] for p in small_lab.lab.state["processes"]] == before


def test_second_up_with_other_units_is_refused(small_lab: LabHandle) -> None:
    with pytest.raises(LabError, match="lab down"):
        small_lab.lab.up(small_lab.network, small_lab.codes[:2])
    status = small_lab.lab.status(probe=False)
    assert status is not None
    assert status["namespaces"] == len(small_lab.codes) + 2 + len(small_lab.lab.state["city"])


def test_status_reports_every_switch_reachable_and_memory(small_lab: LabHandle) -> None:
    status = small_lab.lab.status()
    assert status is not None
    assert all(row["snmp"] for row in status["switches"])
    assert status["namespaces"] == len(small_lab.codes) + 2 + len(small_lab.lab.state["city"])
    assert [c["link"] for c in status["city_uplinks"]] == ["up"] * len(small_lab.lab.state["city"])
    assert status["alive_started_processes"] == status["started_processes"]
    assert 0 < status["pss_mib"] <= status["rss_mib"]


def test_credentials_file_is_private(small_lab: LabHandle) -> None:
    path = small_lab.lab.state.get("credentials_file")
    if not path:
        pytest.skip("credentials came from the environment")
    assert os.stat(path).st_mode & 0o077 == 0


def test_state_file_holds_no_secret(small_lab: LabHandle) -> None:
    text = small_lab.lab.state_path.read_text()
    creds = small_lab.credentials
    for secret in (creds.ssh_password, creds.auth_key, creds.priv_key):
        assert secret not in text


def test_netmiko_logs_in_to_every_switch(small_lab: LabHandle) -> None:
    if not small_lab.ssh:
        pytest.skip("the SSH emulator (shaoshan_net.lab.emulator) is not available")
    from netmiko import ConnectHandler

    from shaoshan_net.platforms import PLATFORMS

    for s in small_lab.switches:
        conn = ConnectHandler(
            device_type=PLATFORMS[s["platform"]].netmiko_device_type,
            host=s["mgmt_ip"],
            username=small_lab.credentials.ssh_user,
            password=small_lab.credentials.ssh_password,
            timeout=10,
        )
        try:
            assert s["hostname"] in conn.find_prompt()
        finally:
            conn.disconnect()
