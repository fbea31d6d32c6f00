"""One audit run: which devices to poll, what to read from each, and the checks over the answers.

The core and every selected unit are polled concurrently on one engine (`poll_all`), so the run
takes one round of the slowest live device, or one timeout x tries cycle if any are dead.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from shaoshan_net.audit.checks import (
    CORE,
    CheckResult,
    Counters,
    core_checks,
    exit_code,
    instance_oids,
    interface_index,
    unit_checks,
    unit_state,
)
from shaoshan_net.credentials import SnmpCredentials
from shaoshan_net.errors import InputError
from shaoshan_net.model import Network
from shaoshan_net.safety import check_targets
from shaoshan_net.snmp import oids
from shaoshan_net.snmp.poller import (
    DeviceData,
    PollSettings,
    PollSpec,
    Target,
    Walks,
    poll_all,
)

# lldpLocSysName rides in the probe's PDU: an agent whose LLDP ports are all down (lldpd drops
# their rows) still serves it, so "no neighbour" is not mistaken for "LLDP-MIB not served".
PROBE = (oids.SYS_UPTIME, oids.SYS_NAME, oids.LLDP_LOC_SYS_NAME, oids.IF_NUMBER)
MAX_REPETITIONS = 100
LLDP_REMOTE = (oids.LLDP_REM_SYS_NAME, oids.LLDP_REM_PORT_ID)


def _lldp_local_nums(data: DeviceData) -> set[str]:
    """Local port numbers the LLDP remote table refers to (timeMark.localPortNum.remIndex)."""
    out = set()
    for suffix in data.walks.get(oids.LLDP_REM_SYS_NAME, {}):
        parts = suffix.split(".")
        if len(parts) >= 3:
            out.add(parts[-2])
    return out


def _spec(ports: tuple[str, ...], walks: Walks) -> PollSpec:
    """Probe, walks, ifDescr only if ifName lacks a port, then the ports' status/counters and
    the LLDP local port names the remote table points at.

    The ifName walk (first of `walks`) asks for ifNumber + 1 rows when the probe read ifNumber,
    so it ends in one request without fetching rows past the table; else its default size.
    """

    def sized(data: DeviceData) -> Walks:
        rows = data.scalars.get(oids.IF_NUMBER)
        if not isinstance(rows, int) or rows < 1:
            return walks
        (columns, _), *rest = walks
        return ((columns, min(rows + 1, MAX_REPETITIONS)), *rest)

    def more(data: DeviceData) -> tuple[str, ...]:
        names = set(data.walks.get(oids.IF_NAME, {}).values())
        return () if all(p in names for p in ports) else (oids.IF_DESCR,)

    def second(data: DeviceData) -> list[str]:
        out: list[str] = []
        for port in ports:
            index = interface_index(data, port)
            if index:
                out += instance_oids(index)
        out += [f"{oids.LLDP_LOC_PORT_ID}.{n}" for n in sorted(_lldp_local_nums(data))]
        return out

    return PollSpec(probe=PROBE, walks=sized, more_walks=more, second_stage=second)


def unit_spec(network: Network, code: str) -> PollSpec:
    """A unit switch: system, interface names, LLDP, VLANs, then its uplink's status/counters.

    Repetitions fit a 28-port access switch: ~30 interfaces, 1-2 LLDP neighbours, <10 VLANs.
    """
    walks = (((oids.IF_NAME,), 32), (LLDP_REMOTE, 4), ((oids.DOT1Q_VLAN_STATIC_NAME,), 10))
    return _spec((network.plans[code].uplink_port,), walks)


def core_spec(network: Network, codes: Collection[str]) -> PollSpec:
    """The core: system, interface names, LLDP, then the city uplinks' and units' ports."""
    ports = tuple(u.port for u in network.core.city_uplinks) + tuple(
        network.plans[c].core_port for c in codes
    )
    neighbours = len(network.core.city_uplinks) + len(codes)  # planned LLDP rows
    walks = (((oids.IF_NAME,), 50), (LLDP_REMOTE, min(neighbours + 1, 40)))
    return _spec(ports, walks)


def default_targets(network: Network, port: int = 161) -> dict[str, Target]:
    """Every switch at its management address (what a real or namespace-lab network answers)."""
    targets = {CORE: Target(CORE, network.core.mgmt_ip, port)}
    for code, plan in network.plans.items():
        targets[code] = Target(code, plan.mgmt_ip, port)
    return targets


def load_targets(path: Path) -> dict[str, Target]:
    """A JSON map {name: {"host", "port", "context", "community"}} overriding addresses.

    For agents reached some other way than their management address (snmpsim on 127.0.0.1,
    a port forward). Unknown keys or wrong types are an InputError naming the entry.
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), None, None, "targets file not found") from None
    except ValueError as exc:
        raise InputError(str(path), None, None, f"not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise InputError(str(path), None, None, "must be a JSON object {name: {host, port}}")
    out = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("host"), str):
            raise InputError(str(path), name, "host", "missing or not a string")
        extra = set(entry) - {"host", "port", "context", "community"}
        if extra:
            raise InputError(str(path), name, sorted(extra)[0], "unknown key")
        port = entry.get("port", 161)
        if not isinstance(port, int) or not 0 < port < 65536:
            raise InputError(str(path), name, "port", f"{port!r} is not a UDP port")
        out[name] = Target(name, entry["host"], port, str(entry.get("context", "")),
                           entry.get("community"))
    return out


@dataclass
class AuditRun:
    started: datetime
    duration: float
    selection: str
    results: list[CheckResult]
    states: dict[str, str]
    counters: Counters
    exit_code: int
    devices: dict[str, DeviceData] = field(default_factory=dict)

    def by_unit(self) -> dict[str, list[CheckResult]]:
        out: dict[str, list[CheckResult]] = {}
        for r in self.results:
            out.setdefault(r.unit, []).append(r)
        return out


def evaluate(
    network: Network,
    codes: Collection[str],
    devices: Mapping[str, DeviceData],
    previous: Counters,
    include_core: bool,
) -> tuple[list[CheckResult], dict[str, str], Counters]:
    """The checks over polled data (pure: no I/O)."""
    counters: Counters = {}
    results: list[CheckResult] = []
    states: dict[str, str] = {}
    core = devices.get(CORE)
    if include_core and core is not None:
        checks = core_checks(network, core, counters)
        results += checks
        states[CORE] = unit_state(checks)
    for code in codes:
        checks = unit_checks(network, code, devices[code], core, previous, counters)
        results += checks
        states[code] = unit_state(checks)
    return results, states, counters


def run_audit(
    network: Network,
    codes: Collection[str],
    credentials: SnmpCredentials,
    settings: PollSettings,
    previous: Counters,
    targets: Mapping[str, Target] | None = None,
    include_core: bool = True,
    selection: str = "all",
) -> AuditRun:
    """Poll the core and `codes` on one engine, then run every check."""
    started = datetime.now(UTC)
    clock = time.monotonic()
    where = dict(default_targets(network))
    if targets:
        where.update(targets)
    codes = [c for c in network.plans if c in set(codes)]  # model order
    jobs = [(where[CORE], core_spec(network, codes))]
    jobs += [(where[c], unit_spec(network, c)) for c in codes]
    check_targets(target.host for target, _ in jobs)
    polled = poll_all(credentials, settings, jobs)
    devices = {d.target.name: d for d in polled}
    results, states, counters = evaluate(network, codes, devices, previous, include_core)
    return AuditRun(
        started=started,
        duration=time.monotonic() - clock,
        selection=selection,
        results=results,
        states=states,
        counters=counters,
        exit_code=exit_code(states),
        devices=devices,
    )
