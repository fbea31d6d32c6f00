"""Benchmark: the audit's asyncio poller vs a sequential net-snmp loop vs Nornir engine-per-host.

As root (with ip, snmpd, lldpd): on the namespace lab, the whole county (core + every unit, real
snmpd + lldpd, SNMPv3 authPriv), brought up by this script from a project copy with its own
namespace prefix (`ssnb-`) and management block (10.196.0.0/23), so it never meets a lab
someone else runs; torn down at the end, also on failure. Once with every unit up, once with
5 units dead (their snmpd stopped). Otherwise the same on snmpsim (127.0.0.1, context = unit).
Then a generated county of N snmpsim agents (clones of one unit), spread over several snmpsim
processes (one single-threaded simulator cannot answer 1,000 agents' burst quickly), polled by
this poller only.

Wall time; CPU ms per device = CPU of this process + its reaped children (the snmpget
processes of the sequential loop) divided by the devices polled; the agents' CPU (snmpd,
snmpsim) is not counted. Ratios are wall time against this poller.

    .venv/bin/python bench/audit.py [--timeout 1] [--retries 1] [--county 1000] [--sims 4]
                                    [--county-timeout 10] [--no-lab]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shaoshan_net.audit.runner import core_spec, run_audit, unit_spec  # noqa: E402
from shaoshan_net.credentials import SnmpCredentials  # noqa: E402
from shaoshan_net.lab.snmpsim_data import (  # noqa: E402
    SnmpSim,
    clone_unit,
    free_udp_port,
    write_data,
)
from shaoshan_net.loader import load_network  # noqa: E402
from shaoshan_net.model import Network  # noqa: E402
from shaoshan_net.snmp import oids  # noqa: E402
from shaoshan_net.snmp.poller import (  # noqa: E402
    Poller,
    PollSettings,
    Target,
    poll_all,
)

USER, AUTH, PRIV = "bench-auditor", "bench-auth-key-01", "bench-priv-key-01"


def cpu_now() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(fn: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = cpu_now(), time.monotonic()
    fn()
    return time.monotonic() - wall, cpu_now() - cpu


def targets_for(network: Network, port: int, dead: set[str], dead_port: int) -> dict[str, Target]:
    names = ["core", *network.plans]
    return {n: Target(n, "127.0.0.1", dead_port if n in dead else port, n) for n in names}


def ours(network: Network, creds: SnmpCredentials, settings: PollSettings,
         targets: dict[str, Target]) -> None:
    run_audit(network, list(network.plans), creds, settings, {}, targets)


def sequential_netsnmp(network: Network, creds: SnmpCredentials, settings: PollSettings,
                       targets: dict[str, Target]) -> None:
    """The same reads with net-snmp's tools, one device after another (a shell-script audit)."""
    env = {**os.environ, "MIBS": ""}

    def cmd(tool: str, target: Target, *args: str) -> subprocess.CompletedProcess[str]:
        context = ["-n", target.context] if target.context else []
        return subprocess.run(
            [tool, "-v3", "-l", "authPriv", "-u", creds.user, "-a", "SHA", "-A", creds.auth_key,
             "-x", "AES", "-X", creds.priv_key, *context, "-On", "-t", str(settings.timeout),
             "-r", str(settings.retries), f"{target.host}:{target.port}", *args],
            capture_output=True, text=True, check=False, env=env,
        )

    for name, target in targets.items():
        if name != "core" and name not in network.plans:
            continue
        if cmd("snmpget", target, oids.SYS_UPTIME, oids.SYS_NAME).returncode != 0:
            continue  # dead: skip its walks, as the poller does
        walked = cmd("snmpbulkwalk", target, "-Cr32", oids.IF_NAME).stdout
        cmd("snmpbulkwalk", target, "-Cr8", oids.LLDP_REM_SYS_NAME)
        cmd("snmpbulkwalk", target, "-Cr8", oids.LLDP_REM_PORT_ID)
        if name != "core":
            cmd("snmpbulkwalk", target, "-Cr10", oids.DOT1Q_VLAN_STATIC_NAME)
        ports = ([network.plans[name].uplink_port] if name != "core"
                 else [p.core_port for p in network.plans.values()])
        indexes = [line.split(" = ")[0].rsplit(".", 1)[1] for line in walked.splitlines()
                   if any(f'"{p}"' in line for p in ports)]
        instance = [f"{c}.{i}" for i in indexes for c in
                    (oids.IF_OPER_STATUS, oids.IF_ADMIN_STATUS, oids.IF_HIGH_SPEED,
                     *oids.ERROR_COUNTERS.values())]
        for start in range(0, len(instance), 40):
            cmd("snmpget", target, *instance[start : start + 40])


def nornir_engine_per_host(network: Network, creds: SnmpCredentials, settings: PollSettings,
                           targets: dict[str, Target]) -> None:
    """A naive Nornir runbook: 20 threads, each host does `asyncio.run` with its own engine."""
    from nornir import InitNornir

    nr = InitNornir(config_file=str(ROOT / "config.yaml"))

    def task(task: object) -> None:
        host = task.host  # type: ignore[attr-defined]
        spec = (core_spec(network, list(network.plans)) if host.name == "core"
                else unit_spec(network, host.name))

        async def one() -> None:
            poller = Poller(creds, settings)
            try:
                await poller.poll(targets[host.name], spec)
            finally:
                poller.close()

        asyncio.run(one())

    nr.run(task=task)


def proc_cpu(pid: int) -> float:
    """utime + stime of a running process (s), for the simulators we do not reap yet."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def county(base: Path, size: int, sims: int, settings: PollSettings,
           network: Network) -> list[str]:
    """A generated county of `size` agents (clones of one unit) over `sims` snmpsim processes.

    Agent i lives in simulator i % sims (own data dir, own UDP port), so a burst of requests is
    answered by several processes instead of queueing behind one single-threaded simulator.
    The simulators' own CPU is shown too: on a small machine it, not the poller, sets the pace.
    """
    names = [f"u{i:05d}" for i in range(size)]
    servers: list[SnmpSim] = []
    rows = []
    try:
        started = time.monotonic()
        for k in range(sims):
            data = base / f"county{size}-{k}"
            write_data(network, data)
            clone_unit(data, "zfb", names[k::sims])
            servers.append(SnmpSim(data, base / f"work{size}-{k}", USER, AUTH, PRIV))
        for sim in servers:
            sim.start(wait=600)
        startup = time.monotonic() - started
        creds = SnmpCredentials("v3", USER, AUTH, PRIV)
        spec = unit_spec(network, "zfb")
        for n in sorted({100, size // 4, size // 2, size}):
            jobs = [(Target(x, "127.0.0.1", servers[i % sims].port, x), spec)
                    for i, x in enumerate(names[:n])]
            result: list[object] = []
            before = sum(proc_cpu(sim.process.pid) for sim in servers)  # type: ignore[attr-defined]
            wall, cpu = measure(
                lambda jobs=jobs, out=result: out.extend(poll_all(creds, settings, jobs)))
            sim_cpu = sum(proc_cpu(sim.process.pid) for sim in servers) - before  # type: ignore[attr-defined]
            ok = sum(1 for d in result if getattr(d, "status", "") == "ok")
            rows.append(f"| {n:>5} | {wall:7.2f} | {1000 * cpu / n:8.1f} | {sim_cpu:6.1f} | "
                        f"{ok:>5} |")
    finally:
        for sim in servers:
            sim.stop()
    return [f"generated county: {size} agents over {sims} snmpsim processes "
            f"(start-up {startup:.1f} s), timeout {settings.timeout} s x "
            f"{settings.retries + 1} tries, {os.cpu_count()} CPUs shared with the simulators:",
            "| agents | wall s | poller CPU ms/device | simulators CPU s | answered |",
            "|---:|---:|---:|---:|---:|", *rows]


def compare(label: str, network: Network, creds: SnmpCredentials, settings: PollSettings,
            targets: dict[str, Target], dead: int) -> list[str]:
    """One scenario, the three methods side by side."""
    devices = len(targets)
    ours_wall, ours_cpu = measure(lambda: ours(network, creds, settings, targets))
    seq_wall, seq_cpu = measure(lambda: sequential_netsnmp(network, creds, settings, targets))
    nor_wall, nor_cpu = measure(lambda: nornir_engine_per_host(network, creds, settings, targets))
    rows = []
    for name, wall, cpu in (("asyncio poller, one engine", ours_wall, ours_cpu),
                            ("sequential snmpget/snmpbulkwalk", seq_wall, seq_cpu),
                            ("Nornir 20 threads, engine per host", nor_wall, nor_cpu)):
        rows.append(f"| {label} | {name} | {wall:6.2f} | {1000 * cpu / devices:6.1f}"
                    f" | {wall / ours_wall:5.1f}x |")
    if dead:
        bound = settings.cycle + 1.0
        rows.append(f"| {label} | bound: one cycle + 1 s = {bound:.1f} s | "
                    f"{'met' if ours_wall <= bound else 'MISSED'} | | |")
    return rows


# ---------------------------------------------------------------- the namespace lab

LAB_PREFIX, LAB_NET = "ssnb-", "10.196."
LAB_SCRIPT = """
import sys
from pathlib import Path
from shaoshan_net.lab.lab import Lab
from shaoshan_net.loader import load_network
root, action = Path(sys.argv[1]), sys.argv[2]
lab = Lab(root / ".lab", prefix=sys.argv[3])
if action == "down":
    lab.down()
else:
    network = load_network(root)
    lab.up(network, [u.code for u in network.units], ssh=False, timeout=120)
    print(lab.state["ready_seconds"])
"""


def lab_possible() -> bool:
    return os.geteuid() == 0 and all(shutil.which(t) for t in ("ip", "snmpd", "lldpd"))


def _lab(root: Path, action: str) -> str:
    """Up/down in a child process, so the agents are not our children (their CPU is not ours)."""
    proc = subprocess.run([sys.executable, "-c", LAB_SCRIPT, str(root), action, LAB_PREFIX],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if proc.returncode:
        raise RuntimeError(f"lab {action}: {proc.stderr.strip().splitlines()[-1:]}")
    return proc.stdout.strip()


@contextlib.contextmanager
def county_lab(base: Path) -> Iterator[tuple[Path, float]]:
    """The whole county in namespaces, from a project copy moved to its own block."""
    root = base / "lab-project"
    root.mkdir()
    for name in ("config.yaml", "topology.yaml", "costs.yaml", "inventory"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    topology = root / "topology.yaml"
    topology.write_text(topology.read_text(encoding="utf-8").replace("10.165.", LAB_NET),
                        encoding="utf-8")
    try:
        ready = float(_lab(root, "up"))
        yield root, ready
    finally:
        _lab(root, "down")


def stop_agents(root: Path, codes: list[str]) -> None:
    """Stop these units' snmpd (recorded pids; each runs in its own process group)."""
    state = json.loads((root / ".lab" / "state.json").read_text())
    pids = [p["pid"] for p in state["processes"] if p["role"] == "snmpd" and p["switch"] in codes]
    for pid in pids:
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{pid}").exists() for pid in pids):
        if time.monotonic() > deadline:
            raise RuntimeError(f"snmpd {pids} still running")
        time.sleep(0.05)


def lab_credentials(root: Path) -> SnmpCredentials:
    values = dict(line.split("=", 1) for line in
                  (root / ".lab" / "credentials.env").read_text().splitlines() if "=" in line)
    return SnmpCredentials("v3", values["SHAOSHAN_SNMP_USER"], values["SHAOSHAN_SNMP_AUTH_KEY"],
                           values["SHAOSHAN_SNMP_PRIV_KEY"])


def on_lab(base: Path, settings: PollSettings, args: argparse.Namespace) -> list[str]:
    with county_lab(base) as (root, ready):
        network = load_network(root)
        creds = lab_credentials(root)
        targets = {"core": Target("core", network.core.mgmt_ip)}
        targets.update({c: Target(c, p.mgmt_ip) for c, p in network.plans.items()})
        print(f"namespace lab: core + {len(network.plans)} units up in {ready:.1f} s "
              f"(real snmpd + lldpd, prefix {LAB_PREFIX}, block {LAB_NET}0.0/23), SNMPv3 "
              f"authPriv, timeout {args.timeout} s x {args.retries + 1} tries; "
              f"{os.cpu_count()} CPUs shared with the agents")
        time.sleep(2.0)  # LLDP learned, ifTable caches fresh: a settled county
        rows = compare("lab, all up", network, creds, settings, targets, 0)
        dead = list(network.plans)[3:8]
        stop_agents(root, dead)
        rows += compare("lab, 5 dead", network, creds, settings, targets, len(dead))
    return rows


def on_snmpsim(base: Path, settings: PollSettings, args: argparse.Namespace,
               network: Network) -> list[str]:
    creds = SnmpCredentials("v3", USER, AUTH, PRIV)
    write_data(network, base / "data")
    sim = SnmpSim(base / "data", base / "work", USER, AUTH, PRIV)
    sim.start()
    print(f"snmpsim on 127.0.0.1:{sim.port} (not the namespace lab), {1 + len(network.plans)} "
          f"devices, SNMPv3 authPriv, timeout {args.timeout} s x {args.retries + 1} tries; "
          f"{os.cpu_count()} CPUs")
    dead_port = free_udp_port()
    rows = []
    try:
        for label, dead in (("snmpsim, all up", set()),
                            ("snmpsim, 5 dead", set(list(network.plans)[3:8]))):
            t = targets_for(network, sim.port, dead, dead_port)
            rows += compare(label, network, creds, settings, t, len(dead))
    finally:
        sim.stop()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=1.0)
    parser.add_argument("--retries", type=int, default=1)
    parser.add_argument("--county", type=int, default=1000, help="generated agents (0: skip)")
    parser.add_argument("--sims", type=int, default=4, help="snmpsim processes for the county")
    parser.add_argument("--county-timeout", type=float, default=10.0,
                        help="per-request timeout for the county, 1 try: a slow simulator "
                             "answers late instead of being flooded with retries")
    parser.add_argument("--no-lab", action="store_true", help="snmpsim even when root")
    args = parser.parse_args()
    settings = PollSettings(timeout=args.timeout, retries=args.retries)
    network = load_network(ROOT)
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        base = Path(tmp)
        if lab_possible() and not args.no_lab:
            rows = on_lab(base, settings, args)
        else:
            rows = on_snmpsim(base, settings, args, network)
        print("| scenario | method | wall s | CPU ms/device | wall vs poller |")
        print("|---|---|---:|---:|---:|")
        print("\n".join(rows))
        if args.county:
            print()
            slow = PollSettings(timeout=args.county_timeout, retries=0)
            print("\n".join(county(base, args.county, args.sims, slow, network)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
