"""The SSH switch emulator driven by netmiko's own drivers over real SSH on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import (
    ConfigInvalidException,
    NetmikoAuthenticationException,
    ReadException,
    ReadTimeout,
)

from shaoshan_net.lab.emulator import (
    NETMIKO_DEVICE_TYPES,
    EmulatorProcess,
    EmulatorSpec,
    SwitchSpec,
)

USER, PASSWORD = "labadmin", "lab-Pass-123"
ERROR_PATTERN = {
    "huawei_vrp": r"^Error:",
    "h3c_comware": r"^% (Unrecognized|Wrong|Incomplete|Too many|Ambiguous)",
    "cisco_ios": r"^% (Invalid|Incomplete|Ambiguous)",
}
SHOW_RUN = {
    "huawei_vrp": "display current-configuration",
    "h3c_comware": "display current-configuration",
    "cisco_ios": "show running-config",
}


def free_ports(n: int) -> list[int]:
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def make_spec(tmp: Path, switches: list[tuple[str, str]], **extra: Any) -> EmulatorSpec:
    ports = free_ports(len(switches))
    return EmulatorSpec(
        tmp / "state",
        tmp / "host_key",
        tuple(
            SwitchSpec(name, f"SS-{name.upper()}-SW01", platform, "127.0.0.1", port, USER,
                       PASSWORD, **extra.get(name, {}))
            for (name, platform), port in zip(switches, ports, strict=True)
        ),
    )


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    tmp = tmp_path_factory.mktemp("emulator")
    spec = make_spec(
        tmp,
        [("vrp", "huawei_vrp"), ("cw", "h3c_comware"), ("ios", "cisco_ios"),
         ("iosuser", "cisco_ios"), ("faulty", "h3c_comware"), ("log", "h3c_comware"),
         ("vl", "huawei_vrp")],
        iosuser={"enable_secret": "en-Secret-9"},
    )
    with EmulatorProcess(spec) as proc:
        yield proc


def connect(emu: EmulatorProcess, name: str, **kw: Any) -> Any:
    sw = next(s for s in emu.spec.switches if s.name == name)
    params: dict[str, Any] = {
        "device_type": NETMIKO_DEVICE_TYPES[sw.platform], "host": sw.address, "port": sw.port,
        "username": USER, "password": PASSWORD, "conn_timeout": 10, "auth_timeout": 10,
    }
    params.update(kw)
    return ConnectHandler(**params)


@pytest.mark.parametrize(
    ("name", "prompt", "config_prompt"),
    [("vrp", "<SS-VRP-SW01>", "[SS-VRP-SW01]"), ("cw", "<SS-CW-SW01>", "[SS-CW-SW01]"),
     ("ios", "SS-IOS-SW01#", "SS-IOS-SW01(config)#")],
)
def test_netmiko_finds_prompt_and_enters_config_mode(
    emu: EmulatorProcess, name: str, prompt: str, config_prompt: str
) -> None:
    conn = connect(emu, name)
    try:
        assert conn.find_prompt() == prompt
        conn.config_mode()
        assert conn.find_prompt() == config_prompt
        conn.exit_config_mode()
        assert conn.find_prompt() == prompt
    finally:
        conn.disconnect()


def test_ios_user_exec_needs_enable_secret(emu: EmulatorProcess) -> None:
    conn = connect(emu, "iosuser", secret="en-Secret-9")
    try:
        assert conn.find_prompt() == "SS-IOSUSER-SW01>"
        conn.enable()
        assert conn.find_prompt() == "SS-IOSUSER-SW01#"
    finally:
        conn.disconnect()


def test_vrp_config_set_is_read_back(emu: EmulatorProcess) -> None:
    conn = connect(emu, "vrp")
    try:
        conn.send_config_set(
            ["vlan batch 99 1012", "interface GigabitEthernet0/0/25", "port link-type trunk",
             "port trunk allow-pass vlan 99 1012", "undo port trunk allow-pass vlan 1",
             "interface Vlanif99", "ip address 10.165.0.61 255.255.254.0"],
            error_pattern=ERROR_PATTERN["huawei_vrp"],
        )
        out = conn.send_command("display current-configuration")
    finally:
        conn.disconnect()
    assert "vlan batch 99 1012" in out
    assert ("interface GigabitEthernet0/0/25\n port link-type trunk\n"
            " undo port trunk allow-pass vlan 1\n port trunk allow-pass vlan 99 1012\n") in out
    assert "interface Vlanif99\n ip address 10.165.0.61 255.255.254.0\n" in out


def test_comware_config_set_and_undo_are_read_back(emu: EmulatorProcess) -> None:
    conn = connect(emu, "cw")
    try:
        conn.send_config_set(
            ["vlan 10 to 12", "interface GigabitEthernet1/0/25", "port link-type trunk",
             "port trunk permit vlan 10 to 12", "undo port trunk permit vlan 11",
             "description UPLINK", "undo description"],
            error_pattern=ERROR_PATTERN["h3c_comware"],
        )
        out = conn.send_command("display current-configuration")
        vlans = conn.send_command("display vlan")
    finally:
        conn.disconnect()
    trunk = "interface GigabitEthernet1/0/25\n port link-type trunk\n port trunk permit vlan 10 12"
    assert trunk in out
    assert "UPLINK" not in out
    assert all(f"\n{v} " in vlans for v in (10, 11, 12))


def test_vlans_file_follows_the_running_vlans(emu: EmulatorProcess) -> None:
    path = emu.spec.state_dir / "vl.vlans"
    assert path.read_text(encoding="utf-8") == "1 VLAN 0001\n"  # factory: VLAN 1 only
    conn = connect(emu, "vl")
    try:
        conn.send_config_set(["vlan batch 10 99", "vlan 10", "description office LAN"],
                             error_pattern=ERROR_PATTERN["huawei_vrp"])
        assert path.read_text(encoding="utf-8") == "1 VLAN 0001\n10 office LAN\n99 VLAN 0099\n"
        conn.send_config_set(["undo vlan 99"], error_pattern=ERROR_PATTERN["huawei_vrp"])
    finally:
        conn.disconnect()
    assert path.read_text(encoding="utf-8") == "1 VLAN 0001\n10 office LAN\n"


def test_ios_config_set_is_read_back(emu: EmulatorProcess) -> None:
    conn = connect(emu, "ios")
    try:
        conn.send_config_set(
            ["vlan 20", "name USERS", "interface GigabitEthernet1/0/25", "switchport mode trunk",
             "switchport trunk allowed vlan 20,99", "switchport trunk native vlan 998",
             "line vty 0 15", "transport input ssh", "exec-timeout 10 0"],
            error_pattern=ERROR_PATTERN["cisco_ios"],
        )
        out = conn.send_command("show running-config")
        brief = conn.send_command("show vlan brief")
    finally:
        conn.disconnect()
    assert " switchport trunk allowed vlan 20,99\n" in out
    assert "line vty 0 15\n transport input ssh\n exec-timeout 10 0\n" in out
    assert "20   USERS" in brief


@pytest.mark.parametrize(
    ("name", "bad"),
    [("cw", "port link-type trunk"), ("cw", "vlan 4095"), ("ios", "switchport mode trunk"),
     ("ios", "hostnam"), ("cw", "snmp-agent sys-info versoin v3")],
)
def test_netmiko_error_pattern_raises_on_refused_line(
    emu: EmulatorProcess, name: str, bad: str
) -> None:
    conn = connect(emu, name)
    platform = next(s.platform for s in emu.spec.switches if s.name == name)
    try:
        with pytest.raises(ConfigInvalidException):
            conn.send_config_set([bad], error_pattern=ERROR_PATTERN[platform])
    finally:
        conn.disconnect()


def test_refused_line_prints_vendor_error_over_ssh(emu: EmulatorProcess) -> None:
    conn = connect(emu, "cw")
    try:
        out = conn.send_config_set(["sysname"], cmd_verify=True)
    finally:
        conn.disconnect()
    assert "% Incomplete command found at '^' position." in out


def test_refuse_login_fault(emu: EmulatorProcess) -> None:
    emu.set_faults("faulty", {"refuse_login": True})
    try:
        with pytest.raises(NetmikoAuthenticationException):
            connect(emu, "faulty")
    finally:
        emu.set_faults("faulty", None)


def test_hang_after_fault_stops_answering(emu: EmulatorProcess) -> None:
    conn = connect(emu, "faulty")
    try:
        emu.set_faults("faulty", {"hang_after": 1})  # session preparation was command 1
        with pytest.raises(ReadTimeout):
            conn.send_command("display version", read_timeout=2)
    finally:
        emu.set_faults("faulty", None)
        conn.disconnect()


def test_drop_after_fault_closes_session(emu: EmulatorProcess) -> None:
    emu.set_faults("faulty", {"drop_after": 2})
    conn = connect(emu, "faulty")
    try:
        assert "Comware" in conn.send_command("display version")
        with pytest.raises((OSError, EOFError, ReadException, ReadTimeout)):
            conn.send_command("display version", read_timeout=5)
    finally:
        emu.set_faults("faulty", None)
        conn.disconnect()


def test_reject_fault_refuses_matching_command(emu: EmulatorProcess) -> None:
    emu.set_faults("faulty", {"reject": [r"^sysname"]})
    conn = connect(emu, "faulty")
    try:
        with pytest.raises(ConfigInvalidException):
            conn.send_config_set(["sysname OTHER"], error_pattern=ERROR_PATTERN["h3c_comware"])
    finally:
        emu.set_faults("faulty", None)
        conn.disconnect()


def test_command_log_holds_the_exact_stream(emu: EmulatorProcess) -> None:
    emu.clear_commands("log")
    conn = connect(emu, "log")
    try:
        conn.send_config_set(["vlan 30", "name PRINTERS"])
    finally:
        conn.disconnect()
    # netmiko's closing `quit` races its TCP close: the stream it sent before is exact
    assert emu.commands("log")[:5] == [
        "screen-length disable", "system-view", "vlan 30", "name PRINTERS", "return",
    ]


def test_command_log_masks_passwords(emu: EmulatorProcess) -> None:
    emu.clear_commands("log")
    conn = connect(emu, "log")
    try:
        conn.send_config_set(["local-user ops class manage", "password simple Not-In-Log-77"])
    finally:
        conn.disconnect()
    log = emu.commands("log")
    assert "password simple ******" in log
    assert not any("Not-In-Log-77" in line for line in log)


@pytest.mark.parametrize("platform", sorted(NETMIKO_DEVICE_TYPES))
def test_save_writes_startup_apart_from_running_and_survives_restart(
    platform: str, tmp_path: Path
) -> None:
    spec = make_spec(tmp_path, [("sw", platform)])
    vlan_cmd = "vlan batch 77" if platform == "huawei_vrp" else "vlan 77"
    saved_cmd = {"huawei_vrp": "display saved-configuration",
                 "h3c_comware": "display saved-configuration",
                 "cisco_ios": "show startup-config"}[platform]
    with EmulatorProcess(spec) as emu:
        conn = connect(emu, "sw")
        try:
            conn.send_config_set([vlan_cmd], error_pattern=ERROR_PATTERN[platform])
            assert "77" not in conn.send_command(saved_cmd)
            conn.save_config()
            conn.send_config_set(["vlan 88"], error_pattern=ERROR_PATTERN[platform])
            saved = conn.send_command(saved_cmd)
        finally:
            conn.disconnect()
        assert "77" in saved
        assert "88" not in saved
    with EmulatorProcess(spec) as emu:
        conn = connect(emu, "sw")
        try:
            out = conn.send_command(SHOW_RUN[platform])
        finally:
            conn.disconnect()
    assert "77" in out
    assert "88" not in out


def test_one_process_serves_66_switches(tmp_path: Path) -> None:
    names = [(f"u{i:02d}", ("huawei_vrp", "h3c_comware", "cisco_ios")[i % 3]) for i in range(66)]
    spec = make_spec(tmp_path, names)
    with EmulatorProcess(spec) as emu:
        for name in ("u00", "u34", "u65"):
            conn = connect(emu, name)
            try:
                assert f"SS-{name.upper()}-SW01" in conn.find_prompt()
            finally:
                conn.disconnect()


def test_bad_spec_exits_with_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "spec.json"
    bad.write_text('{"state_dir": "/tmp/x", "host_key": "/tmp/k", "switches": [{"name": "a"}]}')
    r = subprocess.run(
        [sys.executable, "-m", "shaoshan_net.lab.emulator", str(bad)],
        capture_output=True, text=True, check=False,
    )
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0
    assert "unit a: field hostname" in r.stderr


def _run(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True)


@pytest.mark.lab
@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("ip") is None, reason="needs root and ip")
def test_listener_lives_inside_the_network_namespace(tmp_path: Path) -> None:
    ns, host_if, ns_if = f"ssnemu{os.getpid() % 100000}", f"emh{os.getpid() % 100000}", "emn0"
    inside, outside = "10.254.77.2", "10.254.77.1"
    try:
        _run("ip", "netns", "add", ns)
        _run("ip", "link", "add", host_if, "type", "veth", "peer", "name", ns_if, "netns", ns)
        _run("ip", "addr", "add", f"{outside}/30", "dev", host_if)
        _run("ip", "link", "set", host_if, "up")
        _run("ip", "-n", ns, "addr", "add", f"{inside}/30", "dev", ns_if)
        _run("ip", "-n", ns, "link", "set", ns_if, "up")
        _run("ip", "-n", ns, "link", "set", "lo", "up")
        spec = EmulatorSpec(tmp_path / "state", tmp_path / "key", (
            SwitchSpec("nsw", "SS-NS-SW01", "cisco_ios", inside, 22, USER, PASSWORD, netns=ns),
        ))
        with EmulatorProcess(spec) as emu:
            listeners = subprocess.run(["ip", "netns", "exec", ns, "ss", "-Hltn"],
                                       capture_output=True, text=True, check=True).stdout
            assert f"{inside}:22" in listeners
            conn = ConnectHandler(device_type="cisco_ios", host=inside, port=22, username=USER,
                                  password=PASSWORD, conn_timeout=10)
            try:
                assert conn.find_prompt() == "SS-NS-SW01#"
            finally:
                conn.disconnect()
            emu.stop()
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        subprocess.run(["ip", "link", "del", host_if], capture_output=True)
