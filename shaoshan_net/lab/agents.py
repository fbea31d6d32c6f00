"""The per-switch agents of the lab: net-snmp `snmpd` and `lldpd`, their configs and processes.

Why real daemons: the audit must meet what a switch really answers (SNMPv3 USM, IF-MIB rows of
real links whose state follows `ip link set down`, LLDP-MIB learned from real frames). Linux
cannot name an interface `GigabitEthernet0/0/25`, so snmpd's `override` presents the vendor's
ifName/ifDescr/speed on the row of the real veth, and lldpd announces the vendor port id.
Processes are tracked by (pid, start time) so a later `lab down` never signals a stranger that
reused a pid.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from shaoshan_net.lab.namespaces import LabError

IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_SPEED = "1.3.6.1.2.1.2.2.1.5"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_HIGH_SPEED = "1.3.6.1.2.1.31.1.1.1.15"
DOT1Q_VLAN_STATIC_NAME = ".1.3.6.1.2.1.17.7.1.4.3.1.1"
SOCKET_PATH_MAX = 100  # sun_path is 108 bytes; keep a margin

# net-snmp `pass` helper: dot1qVlanStaticName from the emulator's `NAME.vlans` (`<id> <name>`
# lines in id order). Called as `sh SCRIPT FILE -g|-n|-s OID`; prints OID, type, value or
# nothing. A short-lived sh+awk per request: no resident process for 20-odd switches.
QBRIDGE_PASS_SCRIPT = r"""#!/bin/sh
# written by shaoshan-net lab: Q-BRIDGE-MIB dot1qVlanStaticName from the emulated switch
base=""" + DOT1Q_VLAN_STATIC_NAME + r"""
file=$1 op=$2 oid=$3
case $op in
  -s) echo not-writable; exit 0 ;;
  -g|-n) ;;
  *) exit 0 ;;
esac
[ -r "$file" ] || exit 0
exec awk -v base="$base" -v op="$op" -v oid="$oid" '
BEGIN {
  want = -1; exact = 0
  if (substr(oid, 1, length(base) + 1) == base ".") {
    rest = substr(oid, length(base) + 2); split(rest, part, ".")
    want = part[1] + 0; exact = (rest == part[1])
  }
}
$1 ~ /^[0-9]+$/ {
  vid = $1 + 0; name = $0; sub(/^[0-9]+[ 	]*/, "", name)
  if ((op == "-g" && exact && vid == want) || (op == "-n" && vid > want)) {
    print base "." vid; print "string"; print name; exit
  }
}' "$file"
"""

# What each platform's agent says about itself (sysDescr, sysObjectID), as the real OS would.
SYS_DESCR: dict[str, str] = {
    "huawei_vrp": "Huawei Versatile Routing Platform Software VRP (R) software, Version 5.170 "
    "({model} V200R019C10SPC500) Copyright (C) 2000-2020 HUAWEI TECH CO., LTD",
    "h3c_comware": "H3C Comware Platform Software, Software Version 7.1.070, Release 6126P20 "
    "H3C {model} Copyright (c) 2004-2021 New H3C Technologies Co., Ltd.",
    "cisco_ios": "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E3, "
    "RELEASE SOFTWARE (fc3) {model}",
}
SYS_OBJECT_ID: dict[str, str] = {
    "huawei_vrp": ".1.3.6.1.4.1.2011.2.23",
    "h3c_comware": ".1.3.6.1.4.1.25506.1",
    "cisco_ios": ".1.3.6.1.4.1.9.1.1208",
}


@dataclass(frozen=True)
class Port:
    """A real Linux interface presented under the vendor's name."""

    ifname: str  # Linux name (uplink, p7, mgmt0)
    vendor_name: str  # GigabitEthernet0/0/25, Vlanif99
    ifindex: int
    speed_mbps: int | None = 1000  # None: leave the kernel's speed (SVIs)
    lldp: bool = True  # announce LLDP on it


@dataclass(frozen=True)
class AgentSpec:
    """Everything one switch's agents need; `directory` holds its configs, sockets and logs."""

    name: str  # "core" or the unit code
    hostname: str
    platform: str
    model: str
    netns: str
    mgmt_ip: str
    location: str
    contact: str
    directory: Path  # private (0600 configs, logs, persistent dir)
    public_dir: Path  # sockets and lldpd.conf: lldpd's unprivileged side must reach them
    ports: tuple[Port, ...]
    snmp_user: str = ""
    community: str = ""  # only when the lab runs SNMP v2c
    qbridge_script: Path | None = None  # QBRIDGE_PASS_SCRIPT, written by the lab
    vlans_file: Path | None = None  # the emulator's NAME.vlans (absent: no Q-BRIDGE rows)

    @property
    def engine_id(self) -> str:
        return f"ssn-{self.name}"

    @property
    def agentx_socket(self) -> Path:
        return self.public_dir / "agentx.sock"

    @property
    def lldpd_socket(self) -> Path:
        return self.public_dir / "lldpd.sock"

    @property
    def lldpd_conf(self) -> Path:
        return self.public_dir / "lldpd.conf"

    @property
    def persistent_dir(self) -> Path:
        return self.directory / "persist"


def _clean(value: str, what: str) -> str:
    """One line, no double quote: what snmpd.conf and lldpcli can carry verbatim."""
    if '"' in value or "\n" in value or "\r" in value:
        raise LabError(f"{what} {value!r} contains a quote or a newline")
    return value


def _plain(path: Path) -> str:
    """A path snmpd's `pass` can hand to /bin/sh unquoted."""
    text = str(path)
    if not text or any(c.isspace() or c in "\"'\\$`;&|<>()*?[]#~" for c in text):
        raise LabError(f"path {text!r} cannot go unquoted into an snmpd `pass` line")
    return text


def snmpd_config(spec: AgentSpec, auth_key: str = "", priv_key: str = "") -> str:
    """snmpd.conf for one switch. Holds the USM keys: written 0600 into the 0700 run dir."""
    lines = [
        "# written by shaoshan-net lab; removed by `shaoshan-net lab down`",
        f"agentAddress udp:{spec.mgmt_ip}:161",
        f"engineID {spec.engine_id}",
        f"sysName {_clean(spec.hostname, 'hostname')}",
        f"sysLocation {_clean(spec.location, 'location')}",
        f"sysContact {_clean(spec.contact, 'contact')}",
        f"sysDescr {SYS_DESCR[spec.platform].format(model=spec.model)}",
        f"sysObjectID {SYS_OBJECT_ID[spec.platform]}",
        "sysServices 6",
        "dontLogTCPWrappersConnects yes",
        "master agentx",
        f"agentXSocket {spec.agentx_socket}",
    ]
    if spec.snmp_user:
        user = _clean(spec.snmp_user, "SNMP user")
        auth = _clean(auth_key, "SNMP auth key")
        priv = _clean(priv_key, "SNMP priv key")
        if len(auth) < 8 or len(priv) < 8:
            raise LabError("SNMPv3 auth and priv keys must be at least 8 characters (RFC 3414)")
        lines += [f'createUser {user} SHA "{auth}" AES "{priv}"', f"rouser {user} priv"]
    if spec.community:
        lines.append(f"rocommunity {_clean(spec.community, 'community')}")
    if spec.qbridge_script and spec.vlans_file:
        lines.append(f"pass {DOT1Q_VLAN_STATIC_NAME} /bin/sh {_plain(spec.qbridge_script)} "
                     f"{_plain(spec.vlans_file)}")
    for port in spec.ports:
        name = _clean(port.vendor_name, "port name")
        lines += [
            f'override .{IF_DESCR}.{port.ifindex} octet_str "{name}"',
            f'override .{IF_NAME}.{port.ifindex} octet_str "{name}"',
        ]
        if port.speed_mbps:
            lines += [
                f"override .{IF_HIGH_SPEED}.{port.ifindex} uinteger {port.speed_mbps}",
                f"override .{IF_SPEED}.{port.ifindex} uinteger "
                f"{min(port.speed_mbps * 1_000_000, 4_294_967_295)}",
            ]
    return "\n".join(lines) + "\n"


def lldpd_config(spec: AgentSpec) -> str:
    """lldpcli commands run by lldpd at start: our hostname (UTS is shared), fast tx, port ids."""
    descr = SYS_DESCR[spec.platform].format(model=spec.model)
    lines = [
        f'configure system hostname "{_clean(spec.hostname, "hostname")}"',
        f'configure system description "{descr}"',
        f"configure system ip management pattern {spec.mgmt_ip}",
        "configure lldp tx-interval 1",
    ]
    for port in spec.ports:
        if port.lldp:
            name = _clean(port.vendor_name, "port name")
            lines.append(
                f"configure ports {port.ifname} lldp portidsubtype local {name} "
                f'description "{name}"'
            )
    return "\n".join(lines) + "\n"


CITY_DESCR = "Xiangtan e-government extranet, upper-level platform (shaoshan-net lab)"


def city_lldpd_config(peer: str, peer_ip: str) -> str:
    """lldpcli commands for the city end of a core uplink: it announces the planned peer name.

    The city is no switch of ours (no snmpd, no SSH): LLDP alone lets the core see who is at the
    far end of its uplink, as the real upper-level aggregation switch would announce itself.
    """
    return "\n".join([
        f'configure system hostname "{_clean(peer, "city peer name")}"',
        f'configure system description "{CITY_DESCR}"',
        f"configure system ip management pattern {peer_ip}",
        "configure lldp tx-interval 1",
    ]) + "\n"


def city_lldpd_command(netns: str, ifname: str, ctl_socket: Path, conf: Path) -> list[str]:
    """lldpd in a city namespace: LLDP on its one port, no AgentX (no snmpd runs there)."""
    return [
        "ip", "netns", "exec", netns,
        "lldpd", "-d", "-k", "-u", str(ctl_socket), "-I", ifname, "-O", str(conf),
    ]  # fmt: skip


def snmpd_command(spec: AgentSpec) -> list[str]:
    return [
        "ip", "netns", "exec", spec.netns,
        "snmpd", "-f", "-C", "-c", str(spec.directory / "snmpd.conf"),
        "-p", str(spec.directory / "snmpd.pid"), "-Lf", str(spec.directory / "snmpd.log"),
    ]  # fmt: skip


def lldpd_command(spec: AgentSpec) -> list[str]:
    interfaces = ",".join(p.ifname for p in spec.ports if p.lldp) or "none"
    return [
        "ip", "netns", "exec", spec.netns,
        "lldpd", "-d", "-k", "-x", "-X", str(spec.agentx_socket), "-u", str(spec.lldpd_socket),
        "-I", interfaces, "-O", str(spec.lldpd_conf),
    ]  # fmt: skip


def check_socket_paths(spec: AgentSpec) -> None:
    for path in (spec.agentx_socket, spec.lldpd_socket):
        if len(str(path)) > SOCKET_PATH_MAX:
            raise LabError(f"socket path {path} is longer than {SOCKET_PATH_MAX} characters")


# --------------------------------------------------------------------------- processes


@dataclass
class ProcRecord:
    """A process the lab started: (pid, start time) identifies it beyond pid reuse."""

    role: str  # snmpd | lldpd | emulator
    switch: str  # switch name, or "*" for the shared emulator
    pid: int
    start: int  # /proc/PID/stat field 22 (clock ticks since boot)
    log: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # comm may contain spaces and parentheses: split after the last ')'
    return raw[raw.rindex(")") + 2 :].split()


def start_time(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[19]) if fields else None


def is_alive(record: ProcRecord) -> bool:
    """Our process still running: same pid AND same start time, and not a zombie."""
    fields = _stat_fields(record.pid)
    return bool(fields) and fields[0] != "Z" and int(fields[19]) == record.start


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def group_members(record: ProcRecord) -> list[int]:
    """Live processes of the session/group the lab started (lldpd forks a privsep child).

    If the leader is alive with another start time, its pid was reused: nothing is ours. If the
    leader is gone, processes still carrying its pgid are ours: the kernel does not hand out a
    pid that is still some process group's id.
    """
    leader = _stat_fields(record.pid)
    if leader and int(leader[19]) != record.start:
        return []
    members = []
    for pid in _all_pids():
        fields = _stat_fields(pid)
        if fields and fields[0] != "Z" and int(fields[2]) == record.pid:
            members.append(pid)
    return members


def rss_kib(pids: Iterable[int]) -> int:
    """Sum of VmRSS over `pids` (KiB); processes that vanished count zero."""
    total = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, PermissionError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
    return total


def pss_kib(pids: Iterable[int]) -> int:
    """Sum of proportional set size (KiB): shared libraries counted once, unlike an RSS sum."""
    total = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, PermissionError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
    return total


def spawn(
    role: str,
    switch: str,
    argv: list[str],
    log: Path,
    env: Mapping[str, str] | None = None,
) -> ProcRecord:
    """Start a detached process (own session, so it survives the CLI and its group is ours)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SHAOSHAN_")}
    full_env.update(env or {})
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=fd,
            stderr=fd,
            env=full_env,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as exc:
        raise LabError(f"cannot start {role} for {switch}: {exc}") from None
    finally:
        os.close(fd)
    started = start_time(proc.pid)
    # Popen objects are dropped on purpose: the process must outlive the CLI. Reaping is left
    # to init once we exit; while we live, a dead child is still told apart by is_alive().
    return ProcRecord(role, switch, proc.pid, started or 0, str(log))


def terminate(records: Iterable[ProcRecord], grace: float = 3.0) -> list[int]:
    """SIGTERM every group we started, SIGKILL what is left after `grace` s; the pids signalled."""
    signalled: list[int] = []
    for record in records:
        members = group_members(record)
        if not members:
            continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(record.pid, signal.SIGTERM)
        signalled += members
    _wait_or_kill(signalled, grace)
    return signalled


def kill_pids(pids: Iterable[int], grace: float = 2.0) -> None:
    """SIGTERM then SIGKILL plain pids (processes found in a namespace the lab created)."""
    pids = list(pids)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
    _wait_or_kill(pids, grace)


def _wait_or_kill(pids: list[int], grace: float) -> None:
    """Wait up to `grace` s for `pids` to end, SIGKILL the rest, reap those that are ours."""
    deadline = time.monotonic() + grace
    killed = False
    while True:
        _reap(pids)
        pending = [p for p in pids if _running(p)]
        if not pending:
            return
        if time.monotonic() >= deadline:
            if killed:
                raise LabError(f"processes {pending} did not end after SIGKILL")
            for pid in pending:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            killed, deadline = True, time.monotonic() + 2.0
        time.sleep(0.02)


def _running(pid: int) -> bool:
    fields = _stat_fields(pid)
    return bool(fields) and fields[0] != "Z"


def _reap(pids: Iterable[int]) -> None:
    """Collect those of `pids` that are our own dead children (`up` and `down` in one process)."""
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
