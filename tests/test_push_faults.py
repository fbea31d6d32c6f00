"""push under device faults (emulator over real SSH): refused login, hang, dropped session,
rejected line. Each faulty host ends failed or rolled back with its running configuration equal
to its state before the push; a healthy host in the same run finishes; the exit code is 1.

A small hand-written change set on top of the switch's own fresh configuration keeps these
tests about the push engine, not about template coverage of the emulator's grammar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shaoshan_net.backup import find_backup, scrub
from shaoshan_net.changeset import plan
from shaoshan_net.commands.push import exit_code, push
from shaoshan_net.config_tree import parse
from shaoshan_net.nornir_tasks.push import DeviceSession, Limits
from shaoshan_net.platforms import PLATFORMS
from tests.fixtures.model import copy_project
from tests.push_support import (
    CREDENTIALS,
    emulator_available,
    free_ports,
    lab_nornir,
    running_emulator,
    switch_table,
)

pytestmark = pytest.mark.skipif(not emulator_available(), reason="SSH emulator not built yet")

EXTRA = {
    "huawei_vrp": (
        "#\n vlan batch 10 20 30\n#\ninterface GigabitEthernet0/0/25\n description UPLINK\n"
        " port link-type trunk\n port trunk allow-pass vlan 10 20 30\n#\n"
        "interface GigabitEthernet0/0/1\n description USER\n#\n"
        " ip route-static 0.0.0.0 0.0.0.0 10.165.0.1\n"
    ),
    "h3c_comware": (
        "#\nvlan 10\n#\nvlan 20\n#\nvlan 30\n#\ninterface GigabitEthernet1/0/25\n"
        " description UPLINK\n port link-type trunk\n port trunk permit vlan 10 20 30\n#\n"
        "interface GigabitEthernet1/0/1\n description USER\n#\n"
        " ip route-static 0.0.0.0 0 10.165.0.1\n"
    ),
    "cisco_ios": (
        "vlan 10\n!\nvlan 20\n!\nvlan 30\n!\ninterface GigabitEthernet1/0/25\n"
        " description UPLINK\n switchport trunk allowed vlan 10,20,30\n"
        " switchport mode trunk\n!\ninterface GigabitEthernet1/0/1\n description USER\n!\n"
        "ip route 0.0.0.0 0.0.0.0 10.165.0.1\n"
    ),
}
FAULTY = ("refused", "hangs", "drops", "rejects")
LIMITS = Limits(conn_timeout=3, read_timeout=2, host_timeout=60)


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHAOSHAN_ENV_FILE", raising=False)
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)


def read_running(emu: Any, name: str) -> str:
    platform, _, port = emu.switches[name]
    session = DeviceSession(name, "127.0.0.1", port, PLATFORMS[platform], LIMITS)
    session.open()
    try:
        return session.read_running()
    finally:
        session.close()


def session_preamble(emu: Any, name: str) -> int:
    """Lines one session sends before configuration: login preparation + one read."""
    before = len(emu.command_log(name))
    read_running(emu, name)
    return len(emu.command_log(name)) - before - 1  # minus the logout line


@pytest.mark.parametrize("platform", ["huawei_vrp", "h3c_comware", "cisco_ios"])
def test_faulty_hosts_end_failed_or_rolled_back_and_others_finish(
    tmp_path: Path, platform: str
) -> None:
    root = copy_project(tmp_path / "root")
    codes = [u for u, (p, _) in switch_table(root, list(_units(root))).items() if p == platform]
    names = dict(zip(("healthy", *FAULTY), codes, strict=False))
    assert len(names) == 5, "the shipped inventory has five units of each platform"
    table = switch_table(root, list(names.values()))
    ports = free_ports(5)
    with running_emulator(
        tmp_path, {c: (*table[c], ports[i]) for i, c in enumerate(names.values())}
    ) as emu:
        nr = lab_nornir(root, emu)
        fresh = {c: read_running(emu, c) for c in names.values()}
        intended = {c: fresh[c].rstrip() + "\n" + EXTRA[platform] for c in names.values()}
        k = session_preamble(emu, names["healthy"])
        emu.set_faults(names["refused"], refuse_login=True)
        emu.set_faults(names["hangs"], hang_after=k + 4)
        emu.set_faults(names["drops"], drop_after=k + 4)
        emu.set_faults(names["rejects"], reject=["^ip route"])
        outs = {o.host: o for o in push(nr, intended, root, commit=True, limits=LIMITS)}

        assert outs[names["healthy"]].status == "changed", str(outs[names["healthy"]])
        assert outs[names["refused"]].status == "failed"
        assert "login" in outs[names["refused"]].error
        for kind in ("hangs", "drops", "rejects"):
            assert outs[names[kind]].status == "rolled_back", str(outs[names[kind]])
        assert exit_code(list(outs.values()), commit=True) == 1

        emu.clear_faults(names["refused"])
        for kind in FAULTY:  # equal as configurations: no change left between them
            code = names[kind]
            now = parse(read_running(emu, code), platform)
            assert not plan(parse(fresh[code], platform), now), kind
            if kind != "refused":
                backup = find_backup(root, code).path.read_text()
                assert backup == scrub(fresh[code], platform), kind
                assert not plan(parse(backup, platform), now), kind


def _units(root: Path) -> list[str]:
    from shaoshan_net.loader import load_network

    return [u.code for u in load_network(root).units]
