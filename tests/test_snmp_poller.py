"""The SNMP poller against snmpsim on 127.0.0.1 (SNMPv3 authPriv, context = data file)."""

from __future__ import annotations

import threading
import time

from shaoshan_net.snmp import oids
from shaoshan_net.snmp.poller import PollerThread, PollSettings, PollSpec, Target, poll_all
from tests.fixtures.snmpsim import SimCounty

SETTINGS = PollSettings(timeout=0.5, retries=1)


def _one(county: SimCounty, spec: PollSpec, target: Target, auth: str | None = None):
    creds = county.credentials(auth) if auth else county.credentials()
    return poll_all(creds, SETTINGS, [(target, spec)])[0]


def test_poller_reads_sysname_over_snmpv3(sim_county: SimCounty) -> None:
    data = _one(sim_county, PollSpec(probe=(oids.SYS_NAME,)),
                sim_county.target_map()["qingxi"])
    assert data.status == "ok"
    assert data.scalars[oids.SYS_NAME] == "SS-QINGXI-SW01"


def test_walk_returns_every_row_beyond_one_bulk_response(sim_county: SimCounty) -> None:
    spec = PollSpec(probe=(oids.SYS_UPTIME,), walks=(((oids.IF_NAME, oids.IF_HIGH_SPEED), 7),))
    data = _one(sim_county, spec, sim_county.target_map()["core"])
    names = data.walks[oids.IF_NAME]
    want = 1 + len(sim_county.network.plans)  # city uplink + one port per unit
    assert len(names) == want
    assert len(data.walks[oids.IF_HIGH_SPEED]) == want


def test_column_not_served_walks_empty(sim_county: SimCounty) -> None:
    spec = PollSpec(probe=(oids.SYS_UPTIME,), walks=(((oids.DOT1Q_VLAN_STATIC_NAME,), 10),))
    data = _one(sim_county, spec, sim_county.target_map()["shaoshanxiang"])
    assert data.status == "ok"
    assert data.walks[oids.DOT1Q_VLAN_STATIC_NAME] == {}


def test_missing_instance_reads_as_none(sim_county: SimCounty) -> None:
    data = _one(sim_county, PollSpec(probe=(oids.SYS_NAME, f"{oids.IF_OPER_STATUS}.999")),
                sim_county.target_map()["qingxi"])
    assert data.status == "ok"
    assert data.scalars[f"{oids.IF_OPER_STATUS}.999"] is None


def test_dead_target_is_unreachable_within_one_cycle(sim_county: SimCounty) -> None:
    started = time.monotonic()
    data = _one(sim_county, PollSpec(probe=(oids.SYS_NAME,)), sim_county.target_map()["jcj"])
    elapsed = time.monotonic() - started
    assert data.status == "unreachable"
    assert elapsed < SETTINGS.cycle + 1.0


def test_wrong_auth_key_is_authentication_failure_not_dead(sim_county: SimCounty) -> None:
    data = _one(sim_county, PollSpec(probe=(oids.SYS_NAME,)),
                sim_county.target_map()["qingxi"], auth="wrong-auth-key-0001")
    assert data.status == "auth"
    assert "authentication failure" in data.error


def test_many_dead_targets_cost_one_cycle_together(sim_county: SimCounty) -> None:
    dead = tuple(list(sim_county.network.plans)[:20])
    targets = sim_county.target_map(dead=dead)
    started = time.monotonic()
    result = poll_all(sim_county.credentials(), SETTINGS,
                      [(targets[c], PollSpec(probe=(oids.SYS_NAME,))) for c in dead])
    assert {d.status for d in result} == {"unreachable"}
    assert time.monotonic() - started < SETTINGS.cycle + 1.0


def test_poller_thread_serves_many_threads_with_one_engine(sim_county: SimCounty) -> None:
    targets = sim_county.target_map()
    codes = ["qingxi", "yintian", "swb", "rdb", "core"]
    names: dict[str, str] = {}
    with PollerThread(sim_county.credentials(), SETTINGS) as poller:
        engine = poller.poller.engine

        def work(code: str) -> None:
            data = poller.poll(targets[code], PollSpec(probe=(oids.SYS_NAME,)))
            names[code] = data.scalars.get(oids.SYS_NAME, data.error)
            assert poller.poller.engine is engine

        threads = [threading.Thread(target=work, args=(c,)) for c in codes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert names["qingxi"] == "SS-QINGXI-SW01"
    assert names["core"] == sim_county.network.core.hostname
    assert len(names) == len(codes)
