"""The lab's life cycle: up, down, status, break and heal of the simulated county network.

Why a state file: `down` must work after a crash and must never touch what the lab did not
make. Every object is written to `RUN_DIR/state.json` *before* it is created (namespaces, host
link, files) or right after (processes, with their start time), so a later `down` in a fresh
process knows exactly what to remove.

Layout: namespaces `ssn-core`, `ssn-u<unit_id>` and `ssn-mgmt` (bridge `br0`, the management
LAN); each switch has `mgmt0` on that bridge at its model-derived management address; each unit's
`uplink` is a veth to `p<unit_id>` in `ssn-core`; the root namespace holds `ssn-nms` on the
bridge with the NMS address, so the toolkit reaches every switch from here and nothing for the
management block leaves the machine. Each city uplink of the core is a veth `city<i>` from
`ssn-core` to `to-core` in `ssn-city<i>` (the upper-level platform: only an lldpd announcing the
planned peer name), addressed with the uplink's /30. VLANs are not emulated (no 802.1Q in this
kernel; the uplink is one untagged link).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib.util
import ipaddress
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from shaoshan_net.credentials import _read_env_file
from shaoshan_net.files import atomic_write
from shaoshan_net.lab import namespaces as ns
from shaoshan_net.lab.agents import (
    QBRIDGE_PASS_SCRIPT,
    SOCKET_PATH_MAX,
    AgentSpec,
    Port,
    ProcRecord,
    check_socket_paths,
    city_lldpd_command,
    city_lldpd_config,
    group_members,
    is_alive,
    kill_pids,
    lldpd_command,
    lldpd_config,
    pss_kib,
    rss_kib,
    snmpd_command,
    snmpd_config,
    spawn,
    terminate,
)
from shaoshan_net.lab.namespaces import LabError
from shaoshan_net.model import Network
from shaoshan_net.platforms import PLATFORMS

RUN_DIR_NAME = ".lab"
PUBLIC_ROOT = Path("/run/ssn")  # sockets + lldpd.conf, reachable by lldpd's user _lldpd
PREFIX = "ssn-"  # namespaces ssn-core, ssn-mgmt, ssn-u<unit_id>; host link ssn-nms
BRIDGE = "br0"
STATE_VERSION = 1
SETTLE_TIMEOUT = 20.0  # seconds `up` waits for links and LLDP after every agent answers
CITY_IF = "to-core"  # the city namespace's end of a core city uplink
IF_OPER_STATUS = "1.3.6.1.2.1.2.2.1.8"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
CREDENTIAL_KEYS = (
    "SHAOSHAN_SSH_USER",
    "SHAOSHAN_SSH_PASSWORD",
    "SHAOSHAN_SNMP_USER",
    "SHAOSHAN_SNMP_AUTH_KEY",
    "SHAOSHAN_SNMP_PRIV_KEY",
)
Log = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def needs_root() -> None:
    if os.geteuid() != 0:
        raise LabError("the namespace lab needs root")


CORE_PORT_INDEX = 1000  # ifindex of the core's port for unit N: 1000 + N
CITY_PORT_INDEX = 100  # ifindex of the core's city uplink i: 100 + i


def core_ifname(unit_id: int) -> str:
    return f"p{unit_id}"


def city_ifname(index: int) -> str:
    """The core's end of its `index`-th city uplink (vendor name via snmpd/lldpd)."""
    return f"city{index}"


# --------------------------------------------------------------------------- credentials


@dataclass(frozen=True)
class LabCredentials:
    """What the agents and emulators accept. Secrets never reach state.json, logs or stdout."""

    ssh_user: str
    ssh_password: str = field(repr=False)
    snmp_user: str
    auth_key: str = field(repr=False)
    priv_key: str = field(repr=False)
    community: str = field(default="", repr=False)


def _given_environment(own_file: Path) -> dict[str, str]:
    """SHAOSHAN_* from the environment over SHAOSHAN_ENV_FILE, ignoring a stale lab file."""
    values: dict[str, str] = {}
    file = os.environ.get("SHAOSHAN_ENV_FILE")
    if file:
        path = Path(file)
        stale = path.resolve() == own_file.resolve() and not path.exists()
        if not stale:
            values.update(_read_env_file(path))
    values.update({k: v for k, v in os.environ.items() if k.startswith("SHAOSHAN_")})
    return values


def resolve_credentials(
    run_dir: Path, admin_user: str, generate: bool = True
) -> tuple[LabCredentials, dict[str, str]]:
    """Credentials from the environment; missing ones generated (returned to be written)."""
    env = _given_environment(run_dir / "credentials.env")
    own = run_dir / "credentials.env"
    if not all(env.get(k) for k in CREDENTIAL_KEYS) and own.exists():
        env = {**_read_env_file(own), **env}
    generated: dict[str, str] = {}
    defaults = {
        "SHAOSHAN_SSH_USER": admin_user,
        "SHAOSHAN_SSH_PASSWORD": secrets.token_urlsafe(15),
        "SHAOSHAN_SNMP_USER": "shaoshan-nms",
        "SHAOSHAN_SNMP_AUTH_KEY": secrets.token_urlsafe(18),
        "SHAOSHAN_SNMP_PRIV_KEY": secrets.token_urlsafe(18),
    }
    for key in CREDENTIAL_KEYS:
        if not env.get(key):
            if not generate:
                raise LabError(f"{key} is not set and the lab has no credentials file")
            generated[key] = env[key] = defaults[key]
    community = env.get("SHAOSHAN_SNMP_COMMUNITY", "")
    if env.get("SHAOSHAN_SNMP_VERSION", "v3") != "v2c":
        community = ""
    creds = LabCredentials(
        ssh_user=env["SHAOSHAN_SSH_USER"],
        ssh_password=env["SHAOSHAN_SSH_PASSWORD"],
        snmp_user=env["SHAOSHAN_SNMP_USER"],
        auth_key=env["SHAOSHAN_SNMP_AUTH_KEY"],
        priv_key=env["SHAOSHAN_SNMP_PRIV_KEY"],
        community=community,
    )
    return creds, generated


# --------------------------------------------------------------------------- selection


def select_units(
    network: Network,
    units: int | None = None,
    group: str | None = None,
    codes: Sequence[str] | None = None,
) -> list[str]:
    """Unit codes for the lab: all, the first N by unit id, a group, or named codes."""
    if codes:
        known = {u.code for u in network.units}
        for code in codes:
            if code not in known:
                raise LabError(f"{network.sources.hosts}: unit {code}: no such unit")
        return [u.code for u in network.units if u.code in set(codes)]
    chosen = list(network.select(group=group)) if group else list(network.units)
    if group and not chosen:
        raise LabError(f"{network.sources.groups}: group {group}: no unit in it")
    if units is not None:
        if units < 0:
            raise LabError("--units must be 0 or more")
        chosen = chosen[:units]
    return [u.code for u in chosen]


def relocate_management(network: Network, block: str) -> Network:
    """The same county with every management address moved into `block` (same offsets).

    Why: a second lab (tests, benchmarks) beside the operator's must not share addresses; the
    city /30s need no move, they live only inside the lab's own namespaces.
    """
    old = ipaddress.ip_network(network.topology.mgmt_block)
    new = ipaddress.ip_network(block)
    if new.prefixlen != old.prefixlen:
        raise LabError(f"{block} must have the management block's size /{old.prefixlen}")

    def move(address: str) -> str:
        offset = int(ipaddress.ip_address(address)) - int(old.network_address)
        return str(ipaddress.ip_address(int(new.network_address) + offset))

    plans = {code: replace(p, mgmt_ip=move(p.mgmt_ip)) for code, p in network.plans.items()}
    services = replace(
        network.topology.services, nms=tuple(move(a) for a in network.topology.services.nms)
    )
    topology = replace(network.topology, mgmt_block=block, services=services)
    core = replace(network.core, mgmt_ip=move(network.core.mgmt_ip))
    return replace(network, plans=plans, topology=topology, core=core)


# --------------------------------------------------------------------------- the lab


class Lab:
    """One lab, identified by its run directory (normally ROOT/.lab)."""

    def __init__(self, run_dir: Path, prefix: str = PREFIX) -> None:
        if not prefix.startswith(ns.PREFIX) or len(prefix) > 6:
            raise LabError(f"lab prefix {prefix!r} must start with {ns.PREFIX!r} (<= 6 chars)")
        self.prefix = prefix
        self.mgmt_ns = f"{prefix}mgmt"
        self.core_ns = f"{prefix}core"
        self.host_link = f"{prefix}nms"
        self.run_dir = Path(run_dir)
        digest = hashlib.sha1(str(self.run_dir.resolve()).encode()).hexdigest()[:8]
        self.public_dir = PUBLIC_ROOT / f"{prefix.rstrip('-')}-{digest}"
        self.state_path = self.run_dir / "state.json"
        self.state: dict[str, Any] = {}

    def unit_netns(self, unit_id: int) -> str:
        return f"{self.prefix}u{unit_id}"

    def city_netns(self, index: int) -> str:
        return f"{self.prefix}city{index}"

    def lldpd_socket(self, name: str) -> Path:
        """lldpd's control socket of switch `name` (or `city-<uplink>`), as started."""
        return Path(self.state["public_dir"]) / name / "lldpd.sock"

    # ----------------------------------------------------------------- state

    def load(self) -> dict[str, Any] | None:
        try:
            self.state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except json.JSONDecodeError as exc:
            raise LabError(f"{self.state_path}: not valid JSON ({exc.msg})") from None
        return self.state

    def save(self) -> None:
        atomic_write(self.state_path, json.dumps(self.state, indent=1, ensure_ascii=False), 0o600)

    def _file(self, rel: str) -> Path:
        """A path in the run dir, recorded before it is written so `down` removes it."""
        top = rel.split("/", 1)[0]
        if top not in self.state["files"]:
            self.state["files"].append(top)
            self.save()
        return self.run_dir / rel

    def processes(self) -> list[ProcRecord]:
        return [ProcRecord(**p) for p in self.state.get("processes", [])]

    # ----------------------------------------------------------------- up

    def up(
        self,
        network: Network,
        codes: Sequence[str],
        log: Log = _quiet,
        ssh: bool = True,
        timeout: float = 60.0,
        settle: float = SETTLE_TIMEOUT,
    ) -> dict[str, Any]:
        """Bring the lab up for the core and `codes`; idempotent for the same selection.

        Returns once every agent answers SNMP *and* every link is settled (`wait_settled`), so
        an audit run right after sees a healthy county; `settle` bounds that second wait.
        """
        needs_root()
        t0 = time.monotonic()
        existing = self.load()
        if existing:
            if existing.get("phase") == "up" and existing.get("units") == list(codes):
                dead = [p for p in self.processes() if not is_alive(p)]
                if not dead and all(ns.netns_exists(n) for n in existing["namespaces"]):
                    log(f"lab already up ({len(codes)} units); nothing to do")
                    return self.state
            raise LabError(
                f"a lab is already recorded in {self.run_dir} (phase {existing.get('phase')}, "
                f"{len(existing.get('units', []))} units): run `shaoshan-net lab down` first"
            )
        self._preflight(network, codes)
        created_dir = not self.run_dir.exists()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.run_dir, 0o700)
        self.state = {
            "version": STATE_VERSION,
            "phase": "starting",
            "created_run_dir": created_dir,
            "started": time.time(),
            "units": list(codes),
            "namespaces": [],
            "host_links": [],
            "files": ["state.json"],
            "processes": [],
            "switches": [],
            "ssh": False,
            "credentials_file": None,
            "public_dir": str(self.public_dir),
        }
        self.save()
        try:
            self._up(network, codes, log, ssh, timeout, settle, t0)
        except BaseException:
            log("lab up failed: removing what was created")
            with contextlib.suppress(Exception):
                self.save()  # processes started since the last save must be stopped too
            with contextlib.suppress(Exception):
                self.down()
            raise
        return self.state

    def _preflight(self, network: Network, codes: Sequence[str]) -> None:
        """Refuse before creating anything if our names or addresses are already in use."""
        wanted = [
            self.mgmt_ns,
            self.core_ns,
            *(self.unit_netns(network.unit(c).unit_id) for c in codes),
            *(self.city_netns(i) for i in range(len(network.core.city_uplinks))),
        ]
        taken = [n for n in wanted if ns.netns_exists(n)]
        if taken:
            raise LabError(
                f"namespace {taken[0]} already exists but is not in {self.state_path}: "
                "another lab is up (stop it with its own `lab down`)"
            )
        if ns.link_exists(self.host_link):
            raise LabError(f"host interface {self.host_link} already exists: another lab is up")
        nms = network.topology.services.nms[0]
        holder = ns.host_has_address(nms)
        if holder:
            raise LabError(f"the NMS address {nms} is already on host interface {holder}")
        block = str(ipaddress.ip_interface(f"{nms}/{network.core.mgmt_prefixlen}").network)
        if ns.routes_to(block):
            raise LabError(f"the host already has a route for the management block {block}")

    def _up(
        self,
        network: Network,
        codes: Sequence[str],
        log: Log,
        ssh: bool,
        timeout: float,
        settle: float,
        t0: float,
    ) -> None:
        creds, generated = resolve_credentials(self.run_dir, network.topology.admin_user)
        if generated:
            path = self._file("credentials.env")
            atomic_write(path, "".join(f"{k}={v}\n" for k, v in generated.items()), 0o600)
            self.state["credentials_file"] = str(path)
            self.save()
        switches = self._plan_switches(network, codes)
        self._build_network(network, switches, log)
        t_net = time.monotonic()
        specs = self._write_agent_configs(network, switches, creds)
        self._start_agents(specs, log, timeout)
        if ssh:
            self._start_emulator(switches, creds, log, timeout)
        self.state["phase"] = "up"
        # the uplinks' ifOperStatus rides along with readiness: no second SNMP round after it
        answers = self._wait_snmp(creds, timeout, log, self._oper_queries(self._settle_items()))
        self.state["settle_seconds"] = self.wait_settled(
            creds, min(settle, timeout), log, answers=answers
        )
        self.state["ready_seconds"] = round(time.monotonic() - t0, 2)
        self.state["network_seconds"] = round(t_net - t0, 2)
        self.save()
        log(
            f"lab up: core + {len(codes)} units in {self.state['ready_seconds']:.1f} s "
            f"(namespaces and links {self.state['network_seconds']:.1f} s, "
            f"links settled {self.state['settle_seconds']:.1f} s after SNMP)"
        )
        if generated:
            log("credentials generated (not shown); to use them:")
            log(f"  export SHAOSHAN_ENV_FILE={self.state['credentials_file']}")

    def _plan_switches(self, network: Network, codes: Sequence[str]) -> list[dict[str, Any]]:
        core = network.core
        services = network.topology.services
        switches = [
            {
                "name": "core",
                "hostname": core.hostname,
                "platform": core.platform,
                "model": core.switch_model,
                "netns": self.core_ns,
                "mgmt_ip": core.mgmt_ip,
                "prefixlen": core.mgmt_prefixlen,
                "mgmt_vlan": core.mgmt_vlan,
                "location": services.location,
                "mgmt_peer": "mcore",
            }
        ]
        for code in codes:
            unit, plan = network.unit(code), network.plans[code]
            switches.append(
                {
                    "name": code,
                    "unit_id": unit.unit_id,
                    "hostname": plan.hostname,
                    "platform": unit.platform,
                    "model": plan.switch_model,
                    "netns": self.unit_netns(unit.unit_id),
                    "mgmt_ip": plan.mgmt_ip,
                    "prefixlen": plan.mgmt_prefixlen,
                    "mgmt_vlan": plan.mgmt_vlan,
                    "location": unit.survey.address or services.location,
                    "mgmt_peer": f"m{unit.unit_id}",
                    "uplink_port": plan.uplink_port,
                    "core_port": plan.core_port,
                    "core_if": core_ifname(unit.unit_id),
                }
            )
        self.state["switches"] = switches
        self.state["city"] = [
            {
                "name": up.name,
                "peer": up.peer,
                "port": up.port,
                "circuit": up.circuit,
                "netns": self.city_netns(i),
                "core_if": city_ifname(i),
                "local_ip": up.local_ip,
                "peer_ip": up.peer_ip,
                "prefixlen": up.prefixlen,
                "speed_mbps": network.topology.grade.city_uplink_speed_mbps,
            }
            for i, up in enumerate(core.city_uplinks)
        ]
        self.state["nms_ip"] = services.nms[0]
        self.state["contact"] = services.contact
        self.save()
        return switches

    def _build_network(self, network: Network, switches: list[dict[str, Any]], log: Log) -> None:
        cities = self.state["city"]
        names = [self.mgmt_ns, *(s["netns"] for s in switches), *(c["netns"] for c in cities)]
        self.state["namespaces"] = names
        self.state["host_links"] = [self.host_link]
        self.save()  # recorded before creation: a crash from here on is cleaned by `down`
        prefix = switches[0]["prefixlen"]
        root = [f"netns add {n}" for n in names]
        root += ns.veth_commands(self.host_link, None, "nms", self.mgmt_ns)
        for s in switches:
            root += ns.veth_commands("mgmt0", s["netns"], s["mgmt_peer"], self.mgmt_ns)
            if s["name"] != "core":
                root += ns.veth_commands(
                    s["core_if"], self.core_ns, "uplink", s["netns"],
                    index=CORE_PORT_INDEX + s["unit_id"],
                )  # fmt: skip
        for i, c in enumerate(cities):
            root += ns.veth_commands(
                c["core_if"], self.core_ns, CITY_IF, c["netns"], index=CITY_PORT_INDEX + i
            )
        root += [
            f"addr add {self.state['nms_ip']}/{prefix} dev {self.host_link}",
            f"link set {self.host_link} up",
        ]
        ns.ip_batch(root)
        bridge = [f"link add name {BRIDGE} type bridge stp_state 0", f"link set {BRIDGE} up"]
        bridge += [
            f"link set {p} master {BRIDGE} up" for p in ["nms"] + [s["mgmt_peer"] for s in switches]
        ]
        ns.ip_batch(bridge, self.mgmt_ns)
        for s in switches:
            lines = [
                "link set lo up",
                f"addr add {s['mgmt_ip']}/{s['prefixlen']} dev mgmt0",
                "link set mgmt0 up",
            ]
            if s["name"] == "core":
                lines += [f"link set {o['core_if']} up" for o in switches[1:]]
                for c in cities:
                    lines += [
                        f"addr add {c['local_ip']}/{c['prefixlen']} dev {c['core_if']}",
                        f"link set {c['core_if']} up",
                    ]
            else:
                lines.append("link set uplink up")
            ns.ip_batch(lines, s["netns"])
        for c in cities:
            lines = [
                "link set lo up",
                f"addr add {c['peer_ip']}/{c['prefixlen']} dev {CITY_IF}",
                f"link set {CITY_IF} up",
            ]
            ns.ip_batch(lines, c["netns"])
        for s in switches:
            s["ifindex"] = ns.ifindexes(s["netns"])
        self.save()
        self._wait_oper_up(switches, cities)
        dev = ns.route_device(switches[0]["mgmt_ip"])
        if dev != self.host_link:
            raise LabError(f"management address {switches[0]['mgmt_ip']} routes via {dev}")
        log(
            f"namespaces: {len(names)}, management LAN on {self.host_link} ({self.state['nms_ip']})"
            f", city uplinks: {len(cities)}"
        )

    def _wait_oper_up(
        self, switches: list[dict[str, Any]], cities: list[dict[str, Any]], timeout: float = 5.0
    ) -> None:
        """Wait until the kernel has every uplink oper up, before any agent starts.

        Why: the kernel applies carrier changes through linkwatch, up to a second late, and an
        snmpd started before that serves the link as down from its ifTable cache for seconds.
        """
        pending: dict[str, set[str]] = {
            self.core_ns: {o["core_if"] for o in switches[1:]} | {c["core_if"] for c in cities}
        }
        pending.update({s["netns"]: {"uplink"} for s in switches[1:]})
        pending.update({c["netns"]: {CITY_IF} for c in cities})
        deadline = time.monotonic() + timeout
        while True:
            for name in list(pending):
                up = {link["ifname"] for link in ns.links(name) if link.get("operstate") == "UP"}
                pending[name] -= up
                if not pending[name]:
                    del pending[name]
            if not pending:
                return
            if time.monotonic() > deadline:
                name, ifnames = next(iter(pending.items()))
                raise LabError(f"{name}: {', '.join(sorted(ifnames))} not oper up after "
                               f"{timeout:.0f} s (kernel)")
            time.sleep(0.05)

    def _write_agent_configs(
        self, network: Network, switches: list[dict[str, Any]], creds: LabCredentials
    ) -> list[AgentSpec]:
        self._file("sw")
        # the emulator (if it runs) keeps NAME.vlans in its state dir; snmpd reads it per request
        script = self._file("qbridge_pass.sh")
        atomic_write(script, QBRIDGE_PASS_SCRIPT, 0o600)
        emulator_state = self.run_dir / "emulator"
        specs = []
        for s in switches:
            idx = s["ifindex"]
            svi = PLATFORMS[s["platform"]].svi(s["mgmt_vlan"])
            ports = [Port("mgmt0", svi, idx["mgmt0"], speed_mbps=None, lldp=False)]
            if s["name"] == "core":
                ports += [
                    Port(o["core_if"], o["core_port"], idx[o["core_if"]]) for o in switches[1:]
                ]
                ports += [
                    Port(c["core_if"], c["port"], idx[c["core_if"]], speed_mbps=c["speed_mbps"])
                    for c in self.state["city"]
                ]
            else:
                ports.append(Port("uplink", s["uplink_port"], idx["uplink"]))
            spec = AgentSpec(
                name=s["name"],
                hostname=s["hostname"],
                platform=s["platform"],
                model=s["model"],
                netns=s["netns"],
                mgmt_ip=s["mgmt_ip"],
                location=s["location"],
                contact=self.state["contact"],
                directory=self.run_dir / "sw" / s["name"],
                public_dir=self.public_dir / s["name"],
                ports=tuple(ports),
                snmp_user=creds.snmp_user,
                community=creds.community,
                qbridge_script=script,
                vlans_file=emulator_state / f"{s['name']}.vlans",
            )
            check_socket_paths(spec)
            spec.persistent_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write(
                spec.directory / "snmpd.conf",
                snmpd_config(spec, creds.auth_key, creds.priv_key),
                0o600,
            )
            spec.public_dir.mkdir(parents=True, exist_ok=True)
            atomic_write(spec.lldpd_conf, lldpd_config(spec), 0o644)
            specs.append(spec)
        return specs

    def _record(self, record: ProcRecord) -> None:
        self.state["processes"].append(record.as_dict())

    def _start_agents(self, specs: list[AgentSpec], log: Log, timeout: float) -> None:
        for spec in specs:
            env = {"SNMP_PERSISTENT_DIR": str(spec.persistent_dir), "MIBS": "", "MIBDIRS": ""}
            rec = spawn("snmpd", spec.name, snmpd_command(spec), spec.directory / "snmpd.out", env)
            self._record(rec)
        self.save()
        self._wait_files([s.agentx_socket for s in specs], "snmpd", timeout)
        sockets = [s.lldpd_socket for s in specs]
        for spec in specs:
            rec = spawn("lldpd", spec.name, lldpd_command(spec), spec.directory / "lldpd.log")
            self._record(rec)
        for c in self.state["city"]:
            sockets.append(self._start_city_lldpd(c))
        self.save()
        self._wait_files(sockets, "lldpd", timeout)
        log(f"agents: {len(specs)} snmpd + {len(sockets)} lldpd ({len(self.state['city'])} city)")

    def _start_city_lldpd(self, city: dict[str, Any]) -> Path:
        """lldpd at the city end of an uplink, announcing the planned peer; its socket path."""
        name = f"city-{city['name']}"
        public = self.public_dir / name
        public.mkdir(parents=True, exist_ok=True)
        conf, sock = public / "lldpd.conf", self.lldpd_socket(name)
        if len(str(sock)) > SOCKET_PATH_MAX:
            raise LabError(f"socket path {sock} is longer than {SOCKET_PATH_MAX} characters")
        atomic_write(conf, city_lldpd_config(city["peer"], city["peer_ip"]), 0o644)
        argv = city_lldpd_command(city["netns"], CITY_IF, sock, conf)
        self._record(spawn("lldpd", name, argv, self.run_dir / "sw" / name / "lldpd.log"))
        return sock

    def _wait_files(self, paths: list[Path], what: str, timeout: float) -> None:
        """Wait until every path exists; fail early, naming the switch, if its daemon died."""
        deadline = time.monotonic() + timeout
        pending = list(paths)
        while pending:
            pending = [p for p in pending if not p.exists()]
            if not pending:
                return
            for rec in self.processes():
                if rec.role == what and not is_alive(rec):
                    raise LabError(f"{what} for {rec.switch} exited at start: {_tail(rec.log)}")
            if time.monotonic() > deadline:
                raise LabError(f"{what} not ready after {timeout:.0f} s: {pending[0]}")
            time.sleep(0.05)

    def _start_emulator(
        self, switches: list[dict[str, Any]], creds: LabCredentials, log: Log, timeout: float
    ) -> None:
        if importlib.util.find_spec("shaoshan_net.lab.emulator.__main__") is None:
            log("SSH emulator not available (shaoshan_net.lab.emulator): SNMP and LLDP only")
            return
        key = self._file("host_key")
        self._file("host_key.pub")
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "shaoshan-lab", "-f", str(key)],
            check=True,
            capture_output=True,
        )
        state_dir = self._file("emulator")
        state_dir.mkdir(mode=0o700, exist_ok=True)
        spec = {
            "state_dir": str(state_dir),
            "host_key": str(key),
            "switches": [
                {
                    "name": s["name"],
                    "hostname": s["hostname"],
                    "platform": s["platform"],
                    "address": s["mgmt_ip"],
                    "port": 22,
                    "netns": s["netns"],
                    "username": creds.ssh_user,
                    "password": creds.ssh_password,
                }
                for s in switches
            ],
        }
        spec_path = self._file("emulator.json")
        atomic_write(spec_path, json.dumps(spec, indent=1, ensure_ascii=False), 0o600)
        argv = [sys.executable, "-m", "shaoshan_net.lab.emulator", str(spec_path)]
        # the emulator must run the same shaoshan_net as this process, wherever it is installed
        package_root = str(Path(__file__).resolve().parents[2])
        env = {
            "PYTHONPATH": os.pathsep.join(
                filter(None, [package_root, os.environ.get("PYTHONPATH")])
            )
        }
        rec = spawn("emulator", "*", argv, self._file("emulator.log"), env)
        self._record(rec)
        self.save()
        ready = state_dir / "ready"
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if not is_alive(rec):
                raise LabError(f"SSH emulator exited at start: {_tail(rec.log)}")
            if time.monotonic() > deadline:
                raise LabError(f"SSH emulator not ready after {timeout:.0f} s")
            time.sleep(0.05)
        self.state["ssh"] = True
        log(f"SSH emulator: {len(switches)} switches on port 22")

    def _wait_snmp(
        self,
        creds: LabCredentials,
        timeout: float,
        log: Log,
        extra: dict[str, list[str]] | None = None,
    ) -> dict[str, dict[str, str]]:
        """Ready means answering: every agent returns its sysName over SNMPv3 authPriv.

        `extra` OIDs per address are read in the same GET; every answer is returned.
        """
        deadline = time.monotonic() + timeout
        pending = {s["mgmt_ip"]: s for s in self.state["switches"]}
        got: dict[str, dict[str, str]] = {}
        while pending:
            queries = {ip: [SYS_NAME, *(extra or {}).get(ip, [])] for ip in pending}
            answers = snmp_get(creds, queries)
            got.update({ip: a for ip, a in answers.items() if a is not None})
            pending = {ip: s for ip, s in pending.items() if answers.get(ip) is None}
            if pending and time.monotonic() > deadline:
                names = ", ".join(s["name"] for s in pending.values())
                raise LabError(f"no SNMP answer after {timeout:.0f} s from: {names}")
        log(f"SNMP: all {len(self.state['switches'])} switches answer")
        return got

    def wait_settled(
        self,
        creds: LabCredentials,
        timeout: float = SETTLE_TIMEOUT,
        log: Log = _quiet,
        codes: Sequence[str] | None = None,
        answers: dict[str, dict[str, str]] | None = None,
    ) -> float:
        """Wait until the links look to SNMP and LLDP as the plan says; the seconds it took.

        Why: `ip link set up` is applied by the kernel's linkwatch up to a second later, snmpd
        caches its ifTable for a few seconds, and LLDP is learned one tx interval after lldpd
        starts. Settled = every unit's uplink and its core port (and every city uplink) oper up
        in SNMP, the core's lldpd lists every planned neighbour on its port, and every unit's
        lldpd lists the core on its uplink: exactly what an audit checks. `codes` limits it to
        those units (`heal`); items once settled are not polled again. `answers`: a fresh
        SNMP reading (address -> OID -> value) to judge the first round's oper items by.
        """
        t0 = time.monotonic()
        pending = self._settle_items(codes)
        units = {key[1] for key in pending if key[0] == "lldp" and ":" not in key[1]}
        cities = {key[1] for key in pending if key[1].startswith("city:")}
        while True:
            problems = self._unsettled(creds, pending, answers)
            answers = None
            pending = {k: v for k, v in pending.items() if k in problems}
            if not pending:
                seconds = round(time.monotonic() - t0, 2)
                log(f"links: {len(units)} unit uplinks and {len(cities)} city uplinks up, "
                    f"LLDP learned on both ends ({seconds:.1f} s)")
                return seconds
            if time.monotonic() - t0 > timeout:
                shown = "; ".join(list(problems.values())[:4])
                more = f" (and {len(problems) - 4} more)" if len(problems) > 4 else ""
                raise LabError(f"links not settled after {timeout:.0f} s: {shown}{more}")
            time.sleep(0.25)

    def _settle_items(
        self, codes: Sequence[str] | None = None
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """What must hold, keyed (kind, name): oper status per end, LLDP per end."""
        core = self.state["switches"][0]
        units = [s for s in self.state["switches"][1:] if codes is None or s["name"] in codes]
        cities = self.state.get("city", []) if codes is None else []
        items: dict[tuple[str, str], dict[str, Any]] = {}
        for s in units:
            items[("oper", s["name"])] = {
                "ip": s["mgmt_ip"], "index": s["ifindex"]["uplink"],
                "what": f"{s['name']}: {s['uplink_port']} not oper up on the unit",
            }  # fmt: skip
            items[("oper", f"core:{s['name']}")] = {
                "ip": core["mgmt_ip"], "index": core["ifindex"][s["core_if"]],
                "what": f"{s['name']}: {s['core_port']} not oper up on the core",
            }  # fmt: skip
            items[("lldp", f"core:{s['name']}")] = {
                "switch": "core", "ifname": s["core_if"],
                "want": (s["hostname"], s["uplink_port"]),
                "what": f"{s['name']}: core {s['core_port']} has no LLDP neighbour "
                        f"{s['hostname']} {s['uplink_port']}",
            }  # fmt: skip
            items[("lldp", s["name"])] = {
                "switch": s["name"], "ifname": "uplink",
                "want": (core["hostname"], s["core_port"]),
                "what": f"{s['name']}: {s['uplink_port']} has no LLDP neighbour "
                        f"{core['hostname']} {s['core_port']}",
            }  # fmt: skip
        for c in cities:
            items[("oper", f"city:{c['name']}")] = {
                "ip": core["mgmt_ip"], "index": core["ifindex"][c["core_if"]],
                "what": f"city uplink {c['name']}: {c['port']} not oper up on the core",
            }  # fmt: skip
            items[("lldp", f"city:{c['name']}")] = {
                "switch": "core", "ifname": c["core_if"], "want": (c["peer"], None),
                "what": f"city uplink {c['name']}: core {c['port']} has no LLDP neighbour "
                        f"{c['peer']}",
            }  # fmt: skip
        return items

    @staticmethod
    def _oper_queries(items: dict[tuple[str, str], dict[str, Any]]) -> dict[str, list[str]]:
        """The ifOperStatus OIDs to GET per address for the `oper` items."""
        queries: dict[str, list[str]] = {}
        for key, item in items.items():
            if key[0] == "oper":
                queries.setdefault(item["ip"], []).append(f"{IF_OPER_STATUS}.{item['index']}")
        return queries

    def _unsettled(
        self,
        creds: LabCredentials,
        items: dict[tuple[str, str], dict[str, Any]],
        answers: dict[str, dict[str, str]] | None = None,
    ) -> dict[tuple[str, str], str]:
        """The items of `items` that do not hold yet, with what is wrong."""
        problems: dict[tuple[str, str], str] = {}
        queries = self._oper_queries(items)
        if answers is None or any(ip not in answers for ip in queries):
            answers = snmp_get(creds, queries) if queries else {}
        for key, item in items.items():
            if key[0] != "oper":
                continue
            answer = answers.get(item["ip"])
            value = (answer or {}).get(f"{IF_OPER_STATUS}.{item['index']}")
            if answer is None:
                problems[key] = f"no SNMP answer from {item['ip']}"
            elif value != "1":
                problems[key] = item["what"]
        switches = sorted({item["switch"] for key, item in items.items() if key[0] == "lldp"})
        with ThreadPoolExecutor(max_workers=8) as pool:
            tables = dict(zip(switches, pool.map(self._lldp_of, switches), strict=True))
        for key, item in items.items():
            if key[0] != "lldp":
                continue
            seen = tables[item["switch"]].get(item["ifname"], [])
            name, port = item["want"]
            if not any(n == name and (port is None or p == port) for n, p in seen):
                problems[key] = item["what"]
        return problems

    def _lldp_of(self, switch: str) -> dict[str, list[tuple[str, str]]]:
        return lldp_table(self.lldpd_socket(switch))

    # ----------------------------------------------------------------- down

    def down(self, log: Log = _quiet) -> dict[str, Any]:
        """Remove every process, namespace, host link and file the state records; nothing else."""
        needs_root()
        t0 = time.monotonic()
        if self.load() is None:
            strays = ns.list_netns()
            if strays:
                log(f"no lab state in {self.run_dir}; not touching {', '.join(strays)}")
            else:
                log("no lab is up")
            return {"removed": False, "seconds": 0.0}
        procs = self.processes()
        signalled = terminate(procs)
        # Anything else still running inside our namespaces would keep them alive.
        others = [p for n in self.state["namespaces"] for p in ns.netns_pids(n)]
        if others:
            log(f"stopping {len(others)} other processes found in the lab's namespaces")
            kill_pids(others)
        for link in self.state.get("host_links", []):
            ns.delete_link(link)
        for name in self.state.get("namespaces", []):
            ns.delete_netns(name)
        for rel in self.state.get("files", []):
            if rel == "state.json":
                continue
            path = self.run_dir / rel
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        public = self.state.get("public_dir")
        if public and Path(public).parent == PUBLIC_ROOT:
            shutil.rmtree(public, ignore_errors=True)
            with contextlib.suppress(OSError):
                PUBLIC_ROOT.rmdir()
        self.state_path.unlink(missing_ok=True)
        if self.state.get("created_run_dir"):
            with contextlib.suppress(OSError):
                self.run_dir.rmdir()
        seconds = round(time.monotonic() - t0, 2)
        log(
            f"lab down in {seconds:.1f} s: {len(signalled)} processes, "
            f"{len(self.state.get('namespaces', []))} namespaces removed"
        )
        return {"removed": True, "seconds": seconds, "processes": len(signalled)}

    # ----------------------------------------------------------------- break / heal

    def switch(self, code: str) -> dict[str, Any]:
        if not self.load():
            raise LabError("no lab is up (run `shaoshan-net lab up`)")
        for s in self.state["switches"]:
            if s["name"] == code and code != "core":
                return s
        raise LabError(f"unit {code}: not in the running lab")

    def set_uplink(self, code: str, up: bool, timeout: float = 15.0) -> float:
        """Take a unit's fiber down (or up) on the core side; wait until SNMP reports it.

        net-snmp caches the ifTable for a few seconds, so returning only once both ends show
        the new ifOperStatus makes "the next SNMP read sees it" true for the caller. A heal also
        waits for LLDP to be learned again on both ends, as `up` does, so an audit right after
        finds the unit whole.
        """
        needs_root()
        s = self.switch(code)
        core = self.state["switches"][0]
        t0 = time.monotonic()
        ns.set_link(s["core_if"], up, self.state["switches"][0]["netns"])
        want = 1 if up else 2
        creds = self.credentials()
        queries = {
            core["mgmt_ip"]: [f"{IF_OPER_STATUS}.{core['ifindex'][s['core_if']]}"],
            s["mgmt_ip"]: [f"{IF_OPER_STATUS}.{s['ifindex']['uplink']}"],
        }
        while True:
            answers = snmp_get(creds, queries)
            if all(a and all(int(v) == want for v in a.values()) for a in answers.values()):
                if up:
                    left = max(timeout - (time.monotonic() - t0), 1.0)
                    self.wait_settled(creds, left, codes=[code])
                return round(time.monotonic() - t0, 2)
            if time.monotonic() - t0 > timeout:
                raise LabError(
                    f"unit {code}: SNMP does not show the uplink change after {timeout} s"
                )
            time.sleep(0.2)

    def credentials(self) -> LabCredentials:
        """The credentials the running lab was started with (environment or its own file)."""
        creds, _ = resolve_credentials(self.run_dir, "unused", generate=False)
        return creds

    # ----------------------------------------------------------------- status

    def status(self, probe: bool = True) -> dict[str, Any] | None:
        """Figures of the running lab: uptime, processes, memory, reachability per switch."""
        if self.load() is None:
            return None
        procs = self.processes()
        alive = [p for p in procs if is_alive(p)]
        pids = sorted({m for p in procs for m in group_members(p)})
        core_links = {}
        core_ns = self.state["switches"][0]["netns"]
        if ns.netns_exists(core_ns):
            core_links = {link["ifname"]: link for link in ns.links(core_ns)}
        rows = []
        snmp: dict[str, dict[str, str] | None] = {}
        ssh: dict[str, bool] = {}
        if probe and self.state.get("phase") == "up":
            creds = self.credentials()
            snmp = snmp_get(creds, {s["mgmt_ip"]: [SYS_NAME] for s in self.state["switches"]})
            if self.state.get("ssh"):
                ssh = ssh_banners([s["mgmt_ip"] for s in self.state["switches"]])
        for s in self.state["switches"]:
            answer = snmp.get(s["mgmt_ip"])
            uplink = "-"
            if s["name"] != "core":
                link = core_links.get(s["core_if"])
                uplink = "?" if link is None else ("down" if "UP" not in link["flags"] else "up")
            rows.append(
                {
                    "name": s["name"],
                    "hostname": s["hostname"],
                    "platform": s["platform"],
                    "mgmt_ip": s["mgmt_ip"],
                    "snmp": bool(answer) and answer.get(SYS_NAME) == s["hostname"],
                    "ssh": ssh.get(s["mgmt_ip"], False),
                    "uplink": uplink,
                }
            )
        city = []
        for c in self.state.get("city", []):
            link = core_links.get(c["core_if"])
            city.append({
                "name": c["name"], "port": c["port"], "peer": c["peer"],
                "link": "?" if link is None else ("down" if "UP" not in link["flags"] else "up"),
            })  # fmt: skip
        return {
            "run_dir": str(self.run_dir),
            "phase": self.state.get("phase"),
            "uptime_seconds": round(time.time() - self.state["started"], 1),
            "ready_seconds": self.state.get("ready_seconds"),
            "settle_seconds": self.state.get("settle_seconds"),
            "namespaces": sum(ns.netns_exists(n) for n in self.state["namespaces"]),
            "processes": len(pids),
            "started_processes": len(procs),
            "alive_started_processes": len(alive),
            "rss_mib": round(rss_kib(pids) / 1024, 1),
            "pss_mib": round(pss_kib(pids) / 1024, 1),
            "ssh": bool(self.state.get("ssh")),
            "switches": rows,
            "city_uplinks": city,
        }


def _tail(path: str, lines: int = 2) -> str:
    try:
        text = Path(path).read_text(errors="replace").strip().splitlines()
    except FileNotFoundError:
        return "(no log)"
    return " | ".join(text[-lines:]) or "(empty log)"


# --------------------------------------------------------------------------- probes


def lldp_table(socket_path: Path) -> dict[str, list[tuple[str, str]]]:
    """Local interface -> [(neighbour system name, port id)] from lldpd's control socket.

    `-f json0` keeps one shape whatever the count (plain `json` turns one-element lists into
    objects). An lldpd that does not answer yet reads as an empty table, never an error.
    """
    proc = subprocess.run(
        ["lldpcli", "-u", str(socket_path), "show", "neighbors", "-f", "json0"],
        capture_output=True, text=True, check=False, timeout=5,
    )  # fmt: skip
    if proc.returncode != 0 or not proc.stdout.strip():
        return {}
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {}
    table: dict[str, list[tuple[str, str]]] = {}
    for block in doc.get("lldp", []):
        for iface in block.get("interface", []):
            chassis = iface.get("chassis", [])
            names = [n.get("value", "") for c in chassis for n in c.get("name", [])]
            ports = [i.get("value", "") for p in iface.get("port", []) for i in p.get("id", [])]
            table.setdefault(iface.get("name", ""), []).append(
                (names[0] if names else "", ports[0] if ports else "")
            )
    return table


def snmp_get(
    creds: LabCredentials,
    queries: dict[str, list[str]],
    timeout: float = 1.0,
    retries: int = 1,
) -> dict[str, dict[str, str] | None]:
    """GET the OIDs from every address at once (SNMPv3 authPriv) on the audit's own poller;
    values as text, None for an agent that did not answer."""
    from shaoshan_net.credentials import SnmpCredentials
    from shaoshan_net.snmp.poller import Poller, PollError, PollSettings, Target

    credentials = SnmpCredentials(
        version="v3", user=creds.snmp_user, auth_key=creds.auth_key, priv_key=creds.priv_key
    )

    async def run() -> dict[str, dict[str, str] | None]:
        poller = Poller(credentials, PollSettings(timeout=timeout, retries=retries))

        async def one(address: str, oids: list[str]) -> tuple[str, dict[str, str] | None]:
            try:
                values = await poller.get(Target(address, address), oids)
            except PollError:
                return address, None
            return address, {oid: str(value) for oid, value in values.items()}

        try:
            return dict(await asyncio.gather(*(one(a, o) for a, o in queries.items())))
        finally:
            poller.close()

    return asyncio.run(run())


def ssh_banners(addresses: Sequence[str], port: int = 22, timeout: float = 2.0) -> dict[str, bool]:
    """True for each address whose port 22 greets with an SSH banner."""

    def one(address: str) -> bool:
        try:
            with socket.create_connection((address, port), timeout=timeout) as conn:
                conn.settimeout(timeout)
                return conn.recv(64).startswith(b"SSH-")
        except OSError:
            return False

    with ThreadPoolExecutor(max_workers=16) as pool:
        return dict(zip(addresses, pool.map(one, addresses), strict=True))


def run_dir_for(root: Path) -> Path:
    return root / RUN_DIR_NAME
