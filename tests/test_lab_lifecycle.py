"""Lab up/down life cycle: nothing left behind, crash recovery, refusal, rollback.

Each test makes its own throw-away lab (prefix ssnx-, management block 10.199.0.0/23) so it can
run while the session's `small_lab` is up.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from shaoshan_net.lab import namespaces as ns
from shaoshan_net.lab.agents import ProcRecord, group_members
from shaoshan_net.lab.lab import IF_OPER_STATUS, Lab
from shaoshan_net.lab.namespaces import LabError
from shaoshan_net.model import Network
from tests.fixtures.lab import PRIVATE_PREFIX, LabHandle
from tests.test_lab import lldp_neighbours, pysnmp_get

pytestmark = pytest.mark.lab
Factory = Callable[..., LabHandle]


def footprint(lab: Lab) -> dict[str, object]:
    """What a lab occupies on the machine right now."""
    procs = [ProcRecord(**p) for p in lab.state["processes"]]
    return {
        "namespaces": [n for n in lab.state["namespaces"] if ns.netns_exists(n)],
        "host_link": ns.link_exists(lab.host_link),
        "pids": sorted(pid for p in procs for pid in group_members(p)),
        "run_dir": lab.run_dir.exists(),
        "public_dir": lab.public_dir.exists(),
    }


EMPTY = {"namespaces": [], "host_link": False, "pids": [], "run_dir": False, "public_dir": False}


def test_down_leaves_no_namespace_process_or_file(private_lab_factory: Factory) -> None:
    handle = private_lab_factory()
    before = footprint(handle.lab)
    assert before["namespaces"] and before["pids"] and before["host_link"]
    handle.lab.down()
    assert footprint(handle.lab) == EMPTY
    assert not [n for n in ns.list_netns(PRIVATE_PREFIX)]


def test_down_removes_the_city_namespace_and_its_lldpd(private_lab_factory: Factory) -> None:
    handle = private_lab_factory()
    city = handle.lab.state["city"]
    lldpd = [ProcRecord(**p) for p in handle.lab.state["processes"]
             if p["switch"].startswith("city-")]  # fmt: skip
    assert city and len(lldpd) == len(city)
    assert all(group_members(p) for p in lldpd) and all(ns.netns_exists(c["netns"]) for c in city)
    handle.lab.down()
    assert not any(group_members(p) for p in lldpd)
    assert not any(ns.netns_exists(c["netns"]) for c in city)


def test_up_returns_with_every_uplink_oper_up_and_lldp_learned(
    private_lab_factory: Factory, lab_network: Network
) -> None:
    handle = private_lab_factory(codes=[u.code for u in lab_network.units[:3]])
    core, creds = handle.core, handle.credentials
    queries: dict[str, list[str]] = {core["mgmt_ip"]: []}
    for s in handle.switches[1:]:  # read at once: no waiting here, `up` promised it settled
        queries[core["mgmt_ip"]].append(f"{IF_OPER_STATUS}.{core['ifindex'][s['core_if']]}")
        queries[s["mgmt_ip"]] = [f"{IF_OPER_STATUS}.{s['ifindex']['uplink']}"]
    for c in handle.lab.state["city"]:
        queries[core["mgmt_ip"]].append(f"{IF_OPER_STATUS}.{core['ifindex'][c['core_if']]}")
    answers = pysnmp_get(creds, queries)
    assert {ip: set((a or {}).values()) for ip, a in answers.items()} == {
        ip: {"1"} for ip in queries
    }
    seen = lldp_neighbours(creds, core["mgmt_ip"])
    assert {seen.get(core["ifindex"][s["core_if"]]) for s in handle.switches[1:]} == {
        (s["hostname"], s["uplink_port"]) for s in handle.switches[1:]
    }
    for s in handle.switches[1:]:
        assert lldp_neighbours(creds, s["mgmt_ip"]) == {
            s["ifindex"]["uplink"]: (core["hostname"], s["core_port"])
        }


def test_up_that_cannot_settle_names_the_link_and_removes_everything(
    private_lab_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = private_lab_factory(up=False)
    cut = handle.network.plans[handle.codes[0]]
    real = Lab._wait_oper_up

    def fiber_cut(self: Lab, switches: list[dict], cities: list[dict], timeout: float = 5) -> None:
        real(self, switches, cities, timeout)
        ns.set_link(switches[1]["core_if"], False, self.core_ns)  # the fault, before any agent

    monkeypatch.setattr(Lab, "_wait_oper_up", fiber_cut)
    with pytest.raises(LabError, match=rf"^links not settled after 2 s: {handle.codes[0]}: "
                       rf"{cut.uplink_port} not oper up on the unit"):  # fmt: skip
        handle.lab.up(handle.network, handle.codes, ssh=False, settle=2)
    assert ns.list_netns(PRIVATE_PREFIX) == []
    assert not handle.lab.run_dir.exists()


def test_down_after_a_crash_still_cleans_up(private_lab_factory: Factory) -> None:
    handle = private_lab_factory()
    state = dict(handle.lab.state)
    for p in handle.lab.state["processes"]:  # the crash: every agent killed, state kept
        os.killpg(p["pid"], signal.SIGKILL)
    fresh = Lab(handle.lab.run_dir, prefix=PRIVATE_PREFIX)  # as a new CLI process would
    fresh.down()
    fresh.state = state
    assert footprint(fresh) == EMPTY


def test_down_after_a_crash_during_up_cleans_up(
    private_lab_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_: object) -> None:
        raise KeyboardInterrupt

    handle = private_lab_factory(up=False)
    with monkeypatch.context() as m:
        m.setattr(Lab, "_start_agents", crash)
        m.setattr(Lab, "down", lambda self, log=None: None)  # the process dies: no rollback
        with pytest.raises(KeyboardInterrupt):
            handle.lab.up(handle.network, handle.codes, ssh=False)
    assert ns.netns_exists(f"{PRIVATE_PREFIX}core")
    state = dict(handle.lab.state)
    fresh = Lab(handle.lab.run_dir, prefix=PRIVATE_PREFIX)
    fresh.down()
    fresh.state = state
    assert footprint(fresh) == EMPTY


def test_failed_up_removes_what_it_created(
    private_lab_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHAOSHAN_SNMP_AUTH_KEY", "short")  # snmpd would refuse it
    handle = private_lab_factory(up=False)
    with pytest.raises(LabError, match="at least 8"):
        handle.lab.up(handle.network, handle.codes, ssh=False)
    assert ns.list_netns(PRIVATE_PREFIX) == []
    assert not ns.link_exists(handle.lab.host_link)
    assert not handle.lab.run_dir.exists()


def test_up_refuses_a_namespace_it_did_not_create(private_lab_factory: Factory) -> None:
    ns.ensure_netns(f"{PRIVATE_PREFIX}core")
    try:
        handle = private_lab_factory(up=False)
        with pytest.raises(LabError, match=f"namespace {PRIVATE_PREFIX}core already exists"):
            handle.lab.up(handle.network, handle.codes, ssh=False)
        assert ns.netns_exists(f"{PRIVATE_PREFIX}core")
    finally:
        ns.delete_netns(f"{PRIVATE_PREFIX}core")


def test_down_does_not_touch_a_namespace_it_did_not_create(private_lab_factory: Factory) -> None:
    other = f"{PRIVATE_PREFIX}other"
    ns.ensure_netns(other)
    try:
        handle = private_lab_factory()
        handle.lab.down()
        assert ns.netns_exists(other)
    finally:
        ns.delete_netns(other)


def test_down_without_state_does_nothing(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("the namespace lab needs root")
    assert Lab(tmp_path / ".lab", prefix=PRIVATE_PREFIX).down()["removed"] is False


def test_up_prints_the_env_file_hint_and_never_a_secret(
    private_lab_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key.startswith("SHAOSHAN_"):
            monkeypatch.delenv(key)
    handle = private_lab_factory(up=False)
    lines: list[str] = []
    handle.lab.up(handle.network, handle.codes, ssh=False, log=lines.append)
    creds = handle.lab.credentials()
    output = "\n".join(lines)
    assert f"export SHAOSHAN_ENV_FILE={handle.lab.run_dir / 'credentials.env'}" in output
    for secret in (creds.ssh_password, creds.auth_key, creds.priv_key):
        assert secret not in output
