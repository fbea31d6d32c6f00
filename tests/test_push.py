"""push over real SSH to the emulator on 127.0.0.1: whole configs, no-op re-push, deltas only."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest

from shaoshan_net.commands.push import intended_configs, push
from shaoshan_net.loader import load_network
from shaoshan_net.nornir_tasks.push import DeviceSession, Limits
from shaoshan_net.platforms import PLATFORMS
from shaoshan_net.render import render_core
from tests.fixtures.model import copy_project
from tests.push_support import (
    CREDENTIALS,
    emulator_available,
    first_unit_of,
    free_ports,
    lab_nornir,
    running_emulator,
    switch_table,
)

pytestmark = pytest.mark.skipif(not emulator_available(), reason="SSH emulator not built yet")
PLATFORM_NAMES = ("huawei_vrp", "h3c_comware", "cisco_ios")
LIMITS = Limits(conn_timeout=5, read_timeout=5, host_timeout=120)


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHAOSHAN_ENV_FILE", raising=False)
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "root")


def emulate(tmp_path: Path, root: Path, names: list[str]) -> Any:
    table = switch_table(root, names)
    ports = free_ports(len(names))
    return running_emulator(
        tmp_path, {n: (*table[n], ports[i]) for i, n in enumerate(names)}
    )


def config_lines_since(emu: Any, name: str, mark: int) -> list[str]:
    """Configuration commands the switch received after line `mark` of its command log."""
    spec = PLATFORMS[emu.switches[name][0]]
    lines = emu.command_log(name)[mark:]
    if spec.config_enter not in lines:
        return []
    return lines[lines.index(spec.config_enter):]


def read_running(emu: Any, name: str) -> str:
    platform, _, port = emu.switches[name]
    session = DeviceSession(name, "127.0.0.1", port, PLATFORMS[platform], LIMITS)
    session.open()
    try:
        return session.read_running()
    finally:
        session.close()


@pytest.mark.parametrize("platform", PLATFORM_NAMES)
def test_fresh_switch_gets_its_config_and_a_second_push_sends_nothing(
    tmp_path: Path, root: Path, platform: str
) -> None:
    name = first_unit_of(root, platform)
    with emulate(tmp_path, root, [name]) as emu:
        nr = lab_nornir(root, emu)
        intended = intended_configs(nr, [name])
        first = push(nr, intended, root, commit=True, limits=LIMITS)[0]
        assert first.status == "changed", str(first)
        assert first.changes is not None and len(first.changes) > 100
        mark = len(emu.command_log(name))
        second = push(nr, intended, root, commit=True, limits=LIMITS)[0]
        assert second.status == "unchanged", str(second)
        assert config_lines_since(emu, name, mark) == []


def test_dry_run_changes_nothing_on_the_device(tmp_path: Path, root: Path) -> None:
    name = first_unit_of(root, "huawei_vrp")
    with emulate(tmp_path, root, [name]) as emu:
        nr = lab_nornir(root, emu)
        before = read_running(emu, name)
        out = push(nr, intended_configs(nr, [name]), root, commit=False, limits=LIMITS)[0]
        assert out.status == "planned" and out.changes
        assert config_lines_since(emu, name, 0) == []
        assert read_running(emu, name) == before


REMOVE_ONE = {
    "huawei_vrp": "undo port trunk allow-pass vlan {vlan}",
    "h3c_comware": "undo port trunk permit vlan {vlan}",
    "cisco_ios": "switchport trunk allowed vlan remove {vlan}",
}
ADD_ONE = {
    "huawei_vrp": "port trunk allow-pass vlan {vlan}",
    "h3c_comware": "port trunk permit vlan {vlan}",
    "cisco_ios": "switchport trunk allowed vlan add {vlan}",
}


@pytest.mark.parametrize("platform", PLATFORM_NAMES)
def test_trunk_vlan_change_sends_only_the_delta(
    tmp_path: Path, root: Path, platform: str
) -> None:
    name = first_unit_of(root, platform)
    plan = load_network(root).plans[name]
    vlan = max(z.vlan for z in plan.zones)
    with emulate(tmp_path, root, [name]) as emu:
        nr = lab_nornir(root, emu)
        intended = intended_configs(nr, [name])
        assert push(nr, intended, root, commit=True, limits=LIMITS)[0].status == "changed"
        # someone removed one VLAN from the uplink trunk by hand
        port = emu.switches[name][2]
        session = DeviceSession(name, "127.0.0.1", port, PLATFORMS[platform], LIMITS)
        session.open()
        session.send_config([f"interface {plan.uplink_port}",
                             REMOVE_ONE[platform].format(vlan=vlan)], [])
        session.close()
        mark = len(emu.command_log(name))
        out = push(nr, intended, root, commit=True, limits=LIMITS)[0]
        assert out.status == "changed", str(out)
        sent = config_lines_since(emu, name, mark)
        spec = PLATFORMS[platform]
        assert sent[0] == spec.config_enter
        assert sent[1:4] == [f"interface {plan.uplink_port}",
                             ADD_ONE[platform].format(vlan=vlan),
                             "exit" if platform == "cisco_ios" else "quit"]


def test_adding_a_unit_changes_only_the_core_and_the_new_unit(tmp_path: Path, root: Path) -> None:
    network = load_network(root)
    new = first_unit_of(root, "cisco_ios")
    others = [first_unit_of(root, "huawei_vrp"), first_unit_of(root, "cisco_ios", skip=(new,))]
    without = dataclasses.replace(
        network,
        units=tuple(u for u in network.units if u.code != new),
        plans={c: p for c, p in network.plans.items() if c != new},
        core=dataclasses.replace(
            network.core, units=tuple(p for p in network.core.units if p.code != new)
        ),
    )
    names = ["core", *others, new]
    with emulate(tmp_path, root, names) as emu:
        nr = lab_nornir(root, emu, workers=4)
        full = intended_configs(nr, names)
        before = {**full, "core": render_core(without)}
        before.pop(new)
        outs = push(nr, before, root, commit=True, limits=LIMITS)
        assert [o.status for o in outs] == ["changed"] * 3, [str(o) for o in outs]
        after = {o.host: o for o in push(nr, full, root, commit=True, limits=LIMITS)}
        assert {h: o.status for h, o in after.items()} == {
            "core": "changed", others[0]: "unchanged", others[1]: "unchanged", new: "changed",
        }
        plan = network.plans[new]
        mine = {plan.core_port, *(str(z.vlan) for z in plan.zones)}
        core_changes = after["core"].changes
        assert core_changes is not None
        for change in core_changes.changes:
            text = " ".join((*change.path, change.command))
            assert any(word in text for word in mine), text


def test_no_credential_in_backups_outputs_or_device_logs(
    tmp_path: Path, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from shaoshan_net.commands.push import Report

    names = [first_unit_of(root, p) for p in ("huawei_vrp", "cisco_ios")]
    with emulate(tmp_path, root, names) as emu:
        nr = lab_nornir(root, emu)
        report = Report(len(names))
        outs = push(nr, intended_configs(nr, names), root, commit=True, limits=LIMITS,
                    on_done=report.done)
        report.final(outs, commit=True)
    printed = capsys.readouterr()
    secrets = [v for k, v in CREDENTIALS.items() if k.endswith(("PASSWORD", "KEY"))]
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "emulator.json"]
    assert any(p.suffix == ".cfg" and "backups" in p.parts for p in files)
    assert any(p.name.endswith(".commands.log") for p in files)
    for secret in secrets:
        assert secret not in printed.out + printed.err
        for path in files:
            assert secret.encode() not in path.read_bytes(), path


def test_lock_refuses_a_second_push(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from shaoshan_net.cli import main
    from shaoshan_net.lock import run_lock

    with run_lock(root, "push --commit"):
        code = main(["--root", str(root), "push", "--commit"])
    assert code == 3
    err = capsys.readouterr().err
    assert f"pid {os.getpid()}" in err and "push --commit" in err


def test_lab_only_refuses_real_management_addresses_before_any_connection(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shaoshan_net.commands.push import workers
    from shaoshan_net.errors import ShaoshanError
    from shaoshan_net.inventory import init_nornir
    from shaoshan_net.safety import route_device

    monkeypatch.setenv("SHAOSHAN_LAB_ONLY", "1")
    nr = init_nornir(root, **workers(2))
    # TEST-NET-1 stands for a real management address: no lab ever routes it (a session lab
    # may be routing the shipped 10.165.0.0/23 through ssn-nms while this runs).
    nr.inventory.hosts["core"].hostname = "192.0.2.1"
    assert not (route_device("192.0.2.1") or "").startswith("ssn")
    intended = intended_configs(nr, ["core"])
    with pytest.raises(ShaoshanError, match="is not a lab address"):
        push(nr, intended, root, commit=False, limits=LIMITS)
    assert not (root / "backups").exists()


@pytest.mark.parametrize("platform", PLATFORM_NAMES)
def test_a_committed_push_is_saved_to_the_startup_config(
    tmp_path: Path, root: Path, platform: str
) -> None:
    name = first_unit_of(root, platform)
    with emulate(tmp_path, root, [name]) as emu:
        startup = emu.state_dir / f"{name}.startup.cfg"
        nr = lab_nornir(root, emu)
        intended = intended_configs(nr, [name])
        outcome = push(nr, intended, root, commit=True, limits=LIMITS)[0]
        assert outcome.status == "changed", str(outcome)
        hostname = switch_table(root, [name])[name][1]
        assert startup.exists() and hostname in startup.read_text(encoding="utf-8")
        saves = PLATFORMS[platform].save_commands
        assert all(cmd in emu.command_log(name) for cmd in saves)


def test_no_unit_change_is_applied_before_the_core_push_ends(tmp_path: Path, root: Path) -> None:
    name = first_unit_of(root, "huawei_vrp")
    enter = PLATFORMS["huawei_vrp"].config_enter
    seen_at_core_end: list[list[str]] = []
    with emulate(tmp_path, root, ["core", name]) as emu:
        nr = lab_nornir(root, emu)
        intended = intended_configs(nr, ["core", name])

        def done(outcome: Any) -> None:
            if outcome.host == "core":
                seen_at_core_end.append(emu.command_log(name))

        outcomes = push(nr, intended, root, commit=True, limits=LIMITS, on_done=done)
    assert [o.status for o in outcomes] == ["changed", "changed"], [str(o) for o in outcomes]
    unit_log = seen_at_core_end[0]
    assert "display current-configuration" in unit_log  # the unit was read meanwhile
    assert enter not in unit_log  # but nothing was applied to it before the core ended
