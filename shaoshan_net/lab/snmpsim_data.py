"""snmpsim data generated from the model: one `.snmprec` per switch, with faults on demand.

snmpsim answers SNMPv2c community `X` and SNMPv3 context `X` from `DATA_DIR/X.snmprec`, so one
snmpsim process serves the whole county on one UDP port (unit code = community = context). The
data presents what a healthy switch shows the audit: sysName = planned hostname, the uplink by
its vendor name, up at the grade's speed, LLDP neighbour = the planned peer and port, the unit's
VLANs in Q-BRIDGE-MIB. Faults make the states the namespace lab cannot:

- `down`: the unit's uplink and its core port are oper down; no LLDP neighbour on either side.
- `stale_lldp` (with `down`): the unit still lists the core as LLDP neighbour on its dead
  uplink, as lldpd does for a while after the link drops.
- `speed100`: the unit's uplink (and the core port) negotiated 100 Mb/s.
- `wrong_sysname`: the unit reports another system name.
- `no_lldp` / `no_qbridge` / `no_ifmib`: the agent does not serve that MIB.
- `swapped`: pairs of units whose fibers are swapped at the core.
- error counters are written zero-padded to a fixed width, so `grow_errors` can change them in
  place (snmpsim picks up same-length edits on the next request, no restart or re-index).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shaoshan_net.files import atomic_write
from shaoshan_net.model import Network
from shaoshan_net.snmp import oids

FAULTS = ("down", "stale_lldp", "speed100", "wrong_sysname", "no_lldp", "no_qbridge", "no_ifmib")
COUNTER_WIDTH = 10  # digits: Counter32 fits, and in-place edits keep the file's length


@dataclass(frozen=True)
class SimFaults:
    """Which units misbehave, and how. `swapped` pairs: unit A's fiber lands on B's core port."""

    units: Mapping[str, frozenset[str]] = field(default_factory=dict)
    swapped: tuple[tuple[str, str], ...] = ()

    def has(self, code: str, fault: str) -> bool:
        return fault in self.units.get(code, frozenset())


def _oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(p) for p in oid.split("."))


def _octets(text: str) -> str:
    """OctetString value; hex form for anything snmpsim's plain form would mangle."""
    if text.isascii() and "|" not in text and text.isprintable():
        return f"4|{text}"
    return f"4x|{text.encode('utf-8').hex()}"


def _counter(value: int) -> str:
    return f"65|{value:0{COUNTER_WIDTH}d}"


@dataclass
class _Agent:
    records: dict[str, str] = field(default_factory=dict)
    next_if: int = 1

    def put(self, oid: str, value: str) -> None:
        self.records[oid] = value

    def render(self) -> str:
        lines = [f"{oid}|{self.records[oid]}" for oid in sorted(self.records, key=_oid_key)]
        return "\n".join(lines) + "\n"


def _system(agent: _Agent, name: str, descr: str) -> None:
    agent.put(oids.SYS_DESCR, _octets(descr))
    agent.put(oids.SYS_OBJECT_ID, "6|1.3.6.1.4.1.2011.2.23.1")
    agent.put(oids.SYS_UPTIME, "67|123456")
    agent.put(oids.SYS_CONTACT, _octets("network operations"))
    agent.put(oids.SYS_NAME, _octets(name))
    agent.put(oids.SYS_LOCATION, _octets("Shaoshan"))


def _interface(
    agent: _Agent, name: str, *, up: bool = True, speed: int = 1000, ifmib: bool = True
) -> int:
    index = agent.next_if
    agent.next_if += 1
    if not ifmib:
        return index
    i = str(index)
    agent.put(f"{oids.IF_DESCR}.{i}", _octets(name))
    agent.put(f"{oids.IF_ADMIN_STATUS}.{i}", "2|1")
    agent.put(f"{oids.IF_OPER_STATUS}.{i}", f"2|{1 if up else 2}")
    for column in oids.ERROR_COUNTERS.values():
        agent.put(f"{column}.{i}", _counter(0))
    agent.put(f"{oids.IF_NAME}.{i}", _octets(name))
    agent.put(f"{oids.IF_HIGH_SPEED}.{i}", f"66|{speed}")
    return index


def _lldp_local(agent: _Agent, index: int, name: str) -> None:
    agent.put(f"{oids.LLDP_LOC_PORT_ID}.{index}", _octets(name))
    agent.put(f"{oids.LLDP_LOC_PORT_DESC}.{index}", _octets(name))


def _lldp_remote(agent: _Agent, index: int, sys_name: str, port: str) -> None:
    suffix = f"0.{index}.1"  # timeMark.localPortNum.remIndex
    agent.put(f"{oids.LLDP_REM_PORT_ID}.{suffix}", _octets(port))
    agent.put(f"{oids.LLDP_REM_PORT_DESC}.{suffix}", _octets(port))
    agent.put(f"{oids.LLDP_REM_SYS_NAME}.{suffix}", _octets(sys_name))


def build_records(network: Network, faults: SimFaults | None = None) -> dict[str, str]:
    """{data file stem: .snmprec text} for the core and every unit."""
    faults = faults or SimFaults()
    speed = network.topology.grade.unit_uplink_speed_mbps
    # the unit whose fiber really lands on each unit's planned core port
    lands_on = {code: code for code in network.plans}
    for a, b in faults.swapped:
        lands_on[a], lands_on[b] = b, a  # unit a's fiber is on b's core port and vice versa
    out: dict[str, str] = {}

    core = _Agent()
    core_name = network.core.hostname
    _system(core, core_name, f"{network.core.switch_model} Huawei Versatile Routing Platform")
    core.put(oids.LLDP_LOC_SYS_NAME, _octets(core_name))
    for up in network.core.city_uplinks:
        i = _interface(core, up.port, speed=network.topology.grade.city_uplink_speed_mbps)
        _lldp_local(core, i, up.port)
        _lldp_remote(core, i, up.peer, "GigabitEthernet0/0/1")
    by_core_port = {plan.core_port: code for code, plan in network.plans.items()}
    for port in sorted(by_core_port, key=lambda p: [int(x) for x in re.findall(r"\d+", p)]):
        planned = by_core_port[port]
        actual = lands_on[planned]  # the unit whose fiber is plugged here
        down = faults.has(actual, "down")
        link_speed = 100 if faults.has(actual, "speed100") else speed
        i = _interface(core, port, up=not down, speed=link_speed)
        _lldp_local(core, i, port)
        if not down:
            peer = network.plans[actual]
            _lldp_remote(core, i, peer.hostname, peer.uplink_port)
    for vlan in network.core.vlans:
        core.put(f"{oids.DOT1Q_VLAN_STATIC_NAME}.{vlan}", _octets(f"VLAN{vlan:04d}"))
    out["core"] = core.render()

    core_port_of = {code: network.plans[code].core_port for code in network.plans}
    landed_port = {lands_on[code]: core_port_of[code] for code in network.plans}
    for code, plan in network.plans.items():
        agent = _Agent()
        unit = network.unit(code)
        name = "SWITCH-UNCONFIGURED" if faults.has(code, "wrong_sysname") else plan.hostname
        _system(agent, name, f"{plan.switch_model} {unit.platform}")
        ifmib = not faults.has(code, "no_ifmib")
        for port in plan.access_ports[:4]:  # a few access ports: the uplink is not ifIndex 1
            _interface(agent, port, up=False, ifmib=ifmib)
        down = faults.has(code, "down")
        link_speed = 100 if faults.has(code, "speed100") else speed
        i = _interface(agent, plan.uplink_port, up=not down, speed=link_speed, ifmib=ifmib)
        _interface(agent, f"Vlanif{plan.mgmt_vlan}", ifmib=ifmib)
        if not faults.has(code, "no_lldp"):
            agent.put(oids.LLDP_LOC_SYS_NAME, _octets(name))
            _lldp_local(agent, i, plan.uplink_port)
            if not down or faults.has(code, "stale_lldp"):
                _lldp_remote(agent, i, core_name, landed_port[code])
        if not faults.has(code, "no_qbridge"):
            agent.put(f"{oids.DOT1Q_VLAN_STATIC_NAME}.1", _octets("default"))
            for zone in plan.zones:
                agent.put(f"{oids.DOT1Q_VLAN_STATIC_NAME}.{zone.vlan}", _octets(zone.vlan_name))
            agent.put(f"{oids.DOT1Q_VLAN_STATIC_NAME}.{plan.mgmt_vlan}", _octets("MGMT"))
        out[code] = agent.render()
    return out


def write_data(
    network: Network, data_dir: Path, faults: SimFaults | None = None
) -> dict[str, Path]:
    """Write every `.snmprec` (atomically) under `data_dir`; return {name: path}."""
    paths: dict[str, Path] = {}
    for name, text in build_records(network, faults).items():
        path = data_dir / f"{name}.snmprec"
        atomic_write(path, text)
        paths[name] = path
    return paths


def clone_unit(data_dir: Path, source: str, names: Iterable[str]) -> None:
    """Copy one unit's data under more names (a generated county of 1,000+ agents)."""
    text = (data_dir / f"{source}.snmprec").read_text()
    for name in names:
        atomic_write(data_dir / f"{name}.snmprec", text)


def _find_interface(text: str, port: str) -> str:
    hex_port = port.encode().hex()
    for line in text.splitlines():
        oid, _tag, value = line.split("|", 2)
        if oid.startswith(oids.IF_DESCR + ".") and value in (port, hex_port):
            return oid.rsplit(".", 1)[1]
    raise KeyError(port)


def grow_errors(path: Path, port: str, by: int = 5, counter: str = "ifInErrors") -> None:
    """Add `by` to one error counter of `port`, in place and same length (snmpsim sees it live)."""
    column = oids.ERROR_COUNTERS[counter]
    text = path.read_text()
    index = _find_interface(text, port)
    prefix = f"{column}.{index}|65|"
    pattern = re.compile(rf"^{re.escape(prefix)}(\d{{{COUNTER_WIDTH}}})$", re.M)
    match = pattern.search(text)
    if match is None:
        raise KeyError(f"{path.name}: {counter} of {port}")
    new = f"{int(match.group(1)) + by:0{COUNTER_WIDTH}d}"
    with path.open("r+b") as handle:
        handle.seek(len(text[: match.start(1)].encode()))
        handle.write(new.encode())


def set_oper_status(path: Path, port: str, up: bool) -> None:
    """Flip `port`'s ifOperStatus in place (same length)."""
    text = path.read_text()
    index = _find_interface(text, port)
    prefix = f"{oids.IF_OPER_STATUS}.{index}|2|"
    offset = text.index("\n" + prefix) + 1 + len(prefix)
    with path.open("r+b") as handle:
        handle.seek(len(text[:offset].encode()))
        handle.write(b"1" if up else b"2")


def free_udp_port(host: str = "127.0.0.1") -> int:
    """A UDP port nothing listens on right now (also a port for a 'dead' agent)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class SnmpSim:
    """One snmpsim process serving every `.snmprec` in `data_dir` on 127.0.0.1:`port`.

    SNMPv3 (user/keys given, SHA + AES; context = data file) and v2c (community = data file)
    are both answered. Stopped by its pid, never by name.
    """

    data_dir: Path
    work_dir: Path
    v3_user: str
    v3_auth_key: str
    v3_priv_key: str
    host: str = "127.0.0.1"
    port: int = 0
    process: object | None = None

    def start(self, ready_name: str = "core", wait: float = 60.0) -> None:
        import os
        import subprocess
        import sys
        import time

        if not self.port:
            self.port = free_udp_port(self.host)
        exe = Path(sys.executable).with_name("snmpsim-command-responder")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        argv = [
            str(exe),
            f"--data-dir={self.data_dir}",
            f"--cache-dir={self.work_dir / 'cache'}",
            f"--agent-udpv4-endpoint={self.host}:{self.port}",
            f"--v3-user={self.v3_user}",
            f"--v3-auth-key={self.v3_auth_key}",
            "--v3-auth-proto=SHA",
            f"--v3-priv-key={self.v3_priv_key}",
            "--v3-priv-proto=AES",
            "--logging-method=null",
        ]
        if os.geteuid() == 0:  # lab-notes: otherwise a misleading "no dbm clone found"
            argv += ["--process-user=root", "--process-group=root"]
        log = (self.work_dir / "snmpsim.log").open("wb")
        self.process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:  # type: ignore[attr-defined]
                tail = (self.work_dir / "snmpsim.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"snmpsim exited: {tail}")
            if self._answers(ready_name):
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"snmpsim did not answer within {wait} s")

    def _answers(self, name: str) -> bool:
        import subprocess

        result = subprocess.run(
            [
                "snmpget",
                "-v2c",
                "-c",
                name,
                "-t",
                "0.5",
                "-r",
                "0",
                "-On",
                "-Oqv",
                f"{self.host}:{self.port}",
                oids.SYS_NAME,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        return result.returncode == 0 and bool(result.stdout.strip())

    def stop(self) -> None:
        import subprocess

        proc = self.process
        if isinstance(proc, subprocess.Popen) and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        self.process = None


def targets(
    names: Iterable[str],
    host: str,
    port: int,
    dead: Iterable[str] = (),
    dead_port: int | None = None,
) -> dict[str, dict[str, object]]:
    """The `audit --targets` map for a snmpsim instance: context = data file name. `dead`
    units point at a port nothing listens on, so they time out like a switch that is off."""
    gone = set(dead)
    silent = dead_port or free_udp_port(host)
    return {
        name: {"host": host, "port": silent if name in gone else port, "context": name}
        for name in names
    }
