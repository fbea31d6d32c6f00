"""The audit's checks: pure functions from what the devices answered to ok / fail / unknown.

Each check has a stable id (history, prom labels and cron mail filters depend on it), a severity
and a one-line reason. A check that cannot be made (device silent, MIB not served, no earlier
counters) is "unknown", never "ok". The core side of each horizontal link is reported under the
unit it serves (`core.port.*`, `lldp.core`), so one broken fiber shows up as one red unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from shaoshan_net.model import Network
from shaoshan_net.snmp import oids
from shaoshan_net.snmp.poller import DeviceData

CheckStatus = Literal["ok", "fail", "unknown"]
Severity = Literal["critical", "major", "minor"]
CORE = "core"

# id -> (severity, what it checks). The order is the report's column order.
CHECKS: dict[str, tuple[Severity, str]] = {
    "reachable": ("critical", "the switch answers SNMP (sysUpTime)"),
    "auth": ("critical", "the switch accepts our SNMPv3 credentials"),
    "sysname": ("minor", "sysName is the planned hostname"),
    "uplink.oper": ("critical", "the uplink is operationally up"),
    "uplink.admin": ("critical", "the uplink is administratively up"),
    "uplink.speed": ("major", "the uplink runs at the grade's speed"),
    "uplink.errors": ("major", "uplink error/discard counters did not grow since the last audit"),
    "lldp.unit": ("major", "LLDP on the unit uplink sees the core and its planned port"),
    "vlans": ("major", "the unit's VLANs exist on the switch (Q-BRIDGE-MIB)"),
    "core.port.oper": ("critical", "the unit's core port is operationally up"),
    "core.port.admin": ("critical", "the unit's core port is administratively up"),
    "core.port.speed": ("major", "the unit's core port runs at the grade's speed"),
    "core.port.errors": ("major", "core port error/discard counters did not grow"),
    "lldp.core": ("major", "LLDP on the core port sees the unit and its uplink port"),
    "core.city_uplink": ("critical", "the core's city uplink(s) per the grade profile"),
}

# (unit, device, port, counter) -> value
Counters = dict[tuple[str, str, str, str], int]


@dataclass(frozen=True, slots=True)
class CheckResult:
    unit: str
    check: str
    status: CheckStatus
    severity: Severity
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def result(unit: str, check: str, status: CheckStatus, reason: str) -> CheckResult:
    return CheckResult(unit, check, status, CHECKS[check][0], reason)


# ---- reading the answers -----------------------------------------------------------------


def interface_index(data: DeviceData, port: str) -> str | Literal[False] | None:
    """ifIndex of `port` by ifName, else ifDescr; None if IF-MIB is not served, False if absent."""
    names = data.walks.get(oids.IF_NAME, {})
    descrs = data.walks.get(oids.IF_DESCR, {})
    if not names and not descrs:
        return None
    for table in (names, descrs):
        for index, value in table.items():
            if value == port:
                return index
    return False


def instance_oids(index: str) -> list[str]:
    """What the second stage GETs for one interface."""
    columns = [oids.IF_OPER_STATUS, oids.IF_ADMIN_STATUS, oids.IF_HIGH_SPEED]
    return [f"{c}.{index}" for c in [*columns, *oids.ERROR_COUNTERS.values()]]


def lldp_neighbours(data: DeviceData, port: str) -> list[tuple[str, str]] | None:
    """[(remote sysName, remote port id)] seen on local `port`; None if LLDP-MIB is not served."""
    local = {k[len(oids.LLDP_LOC_PORT_ID) + 1 :]: v for k, v in data.scalars.items()
             if k.startswith(oids.LLDP_LOC_PORT_ID + ".") and v is not None}
    local.update(data.walks.get(oids.LLDP_LOC_PORT_ID, {}))
    names = data.walks.get(oids.LLDP_REM_SYS_NAME, {})
    ports = data.walks.get(oids.LLDP_REM_PORT_ID, {})
    if not local and not names and data.scalars.get(oids.LLDP_LOC_SYS_NAME) is None:
        return None
    if_names = data.walks.get(oids.IF_NAME, {})
    if_descrs = data.walks.get(oids.IF_DESCR, {})
    found = []
    for suffix, sys_name in names.items():
        parts = suffix.split(".")  # timeMark.localPortNum.remIndex
        if len(parts) < 3:
            continue
        num = parts[-2]
        local_names = {local.get(num), if_names.get(num), if_descrs.get(num)}
        if port in local_names:
            found.append((str(sys_name), str(ports.get(suffix, ""))))
    return found


def counters_of(data: DeviceData, index: str) -> dict[str, int]:
    out = {}
    for name, column in oids.ERROR_COUNTERS.items():
        value = data.column(column, index)
        if isinstance(value, int):
            out[name] = value
    return out


# ---- the checks -------------------------------------------------------------------------


def _device_checks(unit: str, data: DeviceData, hostname: str) -> list[CheckResult]:
    """reachable, auth, sysname for one device."""
    if data.status == "unreachable":
        return [
            result(unit, "reachable", "fail",
                   f"no SNMP answer from {data.target.host} ({data.error})"),
            result(unit, "auth", "unknown", "switch did not answer"),
            result(unit, "sysname", "unknown", "switch did not answer"),
        ]
    if data.status == "auth":
        return [
            result(unit, "reachable", "ok", "answers, but refuses our credentials"),
            result(unit, "auth", "fail", f"{data.error}: check SHAOSHAN_SNMP_* against the switch"),
            result(unit, "sysname", "unknown", "not authenticated"),
        ]
    if data.status == "error":
        return [
            result(unit, "reachable", "fail", f"unusable SNMP answer: {data.error}"),
            result(unit, "auth", "unknown", "no usable answer"),
            result(unit, "sysname", "unknown", "no usable answer"),
        ]
    uptime = data.scalars.get(oids.SYS_UPTIME)
    out = [
        result(unit, "reachable", "ok", f"up {int(uptime) // 100} s")
        if isinstance(uptime, int)
        else result(unit, "reachable", "unknown", "answers, but serves no sysUpTime"),
        result(unit, "auth", "ok", "authenticated"),
    ]
    name = data.scalars.get(oids.SYS_NAME)
    if name is None:
        out.append(result(unit, "sysname", "unknown", "sysName not served"))
    elif name == hostname:
        out.append(result(unit, "sysname", "ok", f"sysName {name}"))
    else:
        out.append(result(unit, "sysname", "fail", f"sysName is {name!r}, planned {hostname!r}"))
    return out


def _port_checks(
    unit: str,
    prefix: str,
    data: DeviceData | None,
    port: str,
    speed: int,
    previous: Counters,
    counters: Counters,
    device: str,
) -> list[CheckResult]:
    """oper, admin, speed, errors of one port; `prefix` is "uplink" or "core.port"."""
    ids = [f"{prefix}.oper", f"{prefix}.admin", f"{prefix}.speed", f"{prefix}.errors"]
    if data is None or data.status != "ok":
        why = f"{device} not polled" if data is None else f"{device} {data.status}"
        return [result(unit, i, "unknown", why) for i in ids]
    index = interface_index(data, port)
    if index is None:
        return [result(unit, i, "unknown", f"{device} serves no IF-MIB") for i in ids]
    if index is False:
        missing = f"no interface named {port} on {device}"
        return [result(unit, ids[0], "fail", missing)] + [
            result(unit, i, "unknown", missing) for i in ids[1:]
        ]
    out = []
    for check, column, label in ((ids[0], oids.IF_OPER_STATUS, "oper"),
                                 (ids[1], oids.IF_ADMIN_STATUS, "admin")):
        value = data.column(column, index)
        if not isinstance(value, int):
            out.append(result(unit, check, "unknown", f"{port} if{label.title()}Status not served"))
        elif value == 1:
            out.append(result(unit, check, "ok", f"{port} {label} up"))
        else:
            state = oids.IF_STATUS.get(value, str(value))
            out.append(result(unit, check, "fail", f"{port} {label} {state} on {device}"))
    got = data.column(oids.IF_HIGH_SPEED, index)
    if not isinstance(got, int):
        out.append(result(unit, ids[2], "unknown", f"{port} ifHighSpeed not served"))
    elif got == speed:
        out.append(result(unit, ids[2], "ok", f"{port} {got} Mb/s"))
    else:
        out.append(result(unit, ids[2], "fail", f"{port} at {got} Mb/s on {device}, want {speed}"))
    now = counters_of(data, index)
    for name, value in now.items():
        counters[(unit, device, port, name)] = value
    if not now:
        out.append(result(unit, ids[3], "unknown", f"{port} error counters not served"))
        return out
    grown, reset, compared = [], False, 0
    for name, value in sorted(now.items()):
        before = previous.get((unit, device, port, name))
        if before is None:
            continue
        compared += 1
        if value < before:
            reset = True
        elif value > before:
            grown.append(f"{name} +{value - before}")
    if grown:
        out.append(result(unit, ids[3], "fail",
                          f"{port} on {device}: {', '.join(grown)} since last audit"))
    elif compared == 0:
        out.append(result(unit, ids[3], "unknown", f"{port}: no earlier counters to compare"))
    elif reset:
        out.append(result(unit, ids[3], "unknown", f"{port}: counters went back (reboot?)"))
    else:
        out.append(result(unit, ids[3], "ok", f"{port}: no new errors or discards"))
    return out


def _lldp_check(
    unit: str, check: str, data: DeviceData | None, port: str, want_name: str, want_port: str,
    device: str, port_down: bool = False,
) -> CheckResult:
    """`port_down`: the local port is not oper up, so no neighbour can be live on it; an entry
    still listed is stale (802.1AB deletes them on port down, but agents age them out late)."""
    if data is None or data.status != "ok":
        return result(unit, check, "unknown", f"{device} not polled" if data is None
                      else f"{device} {data.status}")
    seen = lldp_neighbours(data, port)
    if seen is None:
        return result(unit, check, "unknown", f"{device} serves no LLDP-MIB")
    if port_down:
        stale = " (a listed entry is stale)" if seen else ""
        return result(unit, check, "fail",
                      f"no LLDP neighbour on {device} {port}: port oper down{stale}")
    if not seen:
        return result(unit, check, "fail", f"no LLDP neighbour on {device} {port}")
    if (want_name, want_port) in seen:
        return result(unit, check, "ok", f"{port} -> {want_name} {want_port}")
    got = "; ".join(f"{n} {p}" for n, p in seen)
    return result(unit, check, "fail",
                  f"{device} {port} sees {got}, planned {want_name} {want_port} (miswired?)")


def _vlan_check(unit: str, data: DeviceData, want: tuple[int, ...]) -> CheckResult:
    if data.status != "ok":
        return result(unit, "vlans", "unknown", f"switch {data.status}")
    table = data.walks.get(oids.DOT1Q_VLAN_STATIC_NAME, {})
    if not table:
        return result(unit, "vlans", "unknown", "Q-BRIDGE-MIB not served")
    present = {int(k) for k in table if k.isdigit()}
    missing = [v for v in want if v not in present]
    if missing:
        return result(unit, "vlans", "fail", f"VLANs missing: {', '.join(map(str, missing))}")
    return result(unit, "vlans", "ok", f"VLANs {', '.join(map(str, want))} present")


def unit_checks(
    network: Network,
    code: str,
    unit_data: DeviceData,
    core_data: DeviceData | None,
    previous: Counters,
    counters: Counters,
) -> list[CheckResult]:
    """Every check of one unit: its own switch, then the core side of its horizontal link."""
    plan = network.plans[code]
    speed = network.topology.grade.unit_uplink_speed_mbps
    core_name = network.core.hostname
    out = _device_checks(code, unit_data, plan.hostname)
    out += _port_checks(code, "uplink", unit_data, plan.uplink_port, speed, previous, counters,
                        "unit")
    out.append(_lldp_check(code, "lldp.unit", unit_data, plan.uplink_port, core_name,
                           plan.core_port, "unit", _oper_down(unit_data, plan.uplink_port)))
    out.append(_vlan_check(code, unit_data, plan.vlans))
    out += _port_checks(code, "core.port", core_data, plan.core_port, speed, previous, counters,
                        "core")
    out.append(_lldp_check(code, "lldp.core", core_data, plan.core_port, plan.hostname,
                           plan.uplink_port, "core", _oper_down(core_data, plan.core_port)))
    return out


def _oper_down(data: DeviceData | None, port: str) -> bool:
    """The device answered an ifOperStatus other than up for `port` (not: missing or unread)."""
    if data is None or data.status != "ok":
        return False
    index = interface_index(data, port)
    value = data.column(oids.IF_OPER_STATUS, index) if index else None
    return isinstance(value, int) and value != 1


def core_checks(network: Network, data: DeviceData, counters: Counters) -> list[CheckResult]:
    """The core's own checks: reachable, auth, sysname, and its city uplink(s)."""
    out = _device_checks(CORE, data, network.core.hostname)
    grade = network.topology.grade
    uplinks = network.core.city_uplinks
    if len(uplinks) < grade.city_uplinks:
        out.append(result(CORE, "core.city_uplink", "fail",
                          f"{len(uplinks)} city uplink(s) planned, grade {grade.name} wants "
                          f"{grade.city_uplinks}"))
        return out
    if data.status != "ok":
        out.append(result(CORE, "core.city_uplink", "unknown", f"core {data.status}"))
        return out
    problems: list[str] = []
    unknown: list[str] = []
    for up in uplinks:
        checks = _port_checks(CORE, "uplink", data, up.port, grade.city_uplink_speed_mbps, {},
                              counters, "core")
        for c in checks[:3]:
            if c.status == "fail":
                problems.append(f"{up.name}: {c.reason}")
            elif c.status == "unknown":
                unknown.append(f"{up.name}: {c.reason}")
    if problems:
        out.append(result(CORE, "core.city_uplink", "fail", "; ".join(problems)))
    elif unknown:
        out.append(result(CORE, "core.city_uplink", "unknown", "; ".join(unknown)))
    else:
        names = ", ".join(f"{u.name} {u.port}" for u in uplinks)
        out.append(result(CORE, "core.city_uplink", "ok",
                          f"{names} up at {grade.city_uplink_speed_mbps} Mb/s"))
    return out


def unit_state(checks: list[CheckResult]) -> str:
    """One word per unit for reports: unreachable, auth, fail, unknown or ok."""
    by_id = {c.check: c for c in checks}
    if by_id.get("reachable") and by_id["reachable"].status == "fail":
        return "unreachable"
    if by_id.get("auth") and by_id["auth"].status == "fail":
        return "auth"
    if any(c.status == "fail" for c in checks):
        return "fail"
    if any(c.status == "unknown" for c in checks):
        return "unknown"
    return "ok"


def exit_code(states: Mapping[str, str]) -> int:
    """0 all ok (unknowns allowed), 1 findings, 2 any unit (or the core) unreachable."""
    values = set(states.values())
    if "unreachable" in values:
        return 2
    if values & {"fail", "auth"}:
        return 1
    return 0
