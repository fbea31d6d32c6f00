"""Benchmark: the audit's asyncio poller vs a sequential net-snmp loop vs Nornir engine-per-host.

Runs against snmpsim on 127.0.0.1 (SNMPv3 authPriv, context = unit), the shipped county (core
+ every unit), once with every unit up and once with 5 dead (their targets point at a UDP port
nobody listens on), then a generated county of N snmpsim agents (clones of one unit) polled by
this poller only. Wall time, CPU ms per device (this process + its children; snmpsim's own CPU
is not counted) and ratios against this poller.

    .venv/bin/python bench/audit.py [--timeout 1] [--retries 1] [--county 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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


def sequential_netsnmp(network: Network, settings: PollSettings,
                       targets: dict[str, Target]) -> None:
    """The same reads with net-snmp's tools, one device after another (a shell-script audit)."""
    def cmd(tool: str, target: Target, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [tool, "-v3", "-l", "authPriv", "-u", USER, "-a", "SHA", "-A", AUTH, "-x", "AES",
             "-X", PRIV, "-n", target.context, "-On", "-t", str(settings.timeout), "-r",
             str(settings.retries), f"{target.host}:{target.port}", *args],
            capture_output=True, text=True, check=False,
        )

    for name, target in targets.items():
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


def county(base: Path, size: int, settings: PollSettings, network: Network) -> list[str]:
    """A generated county of `size` agents (clones of one unit) in one snmpsim."""
    data = base / f"county{size}"
    write_data(network, data)
    names = [f"u{i:05d}" for i in range(size)]
    clone_unit(data, "zfb", names)
    sim = SnmpSim(data, base / f"work{size}", USER, AUTH, PRIV)
    rows = []
    try:
        started = time.monotonic()
        sim.start(wait=600)
        startup = time.monotonic() - started
        creds = SnmpCredentials("v3", USER, AUTH, PRIV)
        spec = unit_spec(network, "zfb")
        for n in sorted({100, size // 4, size // 2, size}):
            jobs = [(Target(x, "127.0.0.1", sim.port, x), spec) for x in names[:n]]
            result: list[object] = []
            wall, cpu = measure(
                lambda jobs=jobs, out=result: out.extend(poll_all(creds, settings, jobs)))
            ok = sum(1 for d in result if getattr(d, "status", "") == "ok")
            rows.append(f"| {n:>5} | {wall:7.2f} | {1000 * cpu / n:8.1f} | {ok:>5} |")
    finally:
        sim.stop()
    return [f"generated county (snmpsim start-up {startup:.1f} s for {size + 65} agents):",
            "| agents | wall s | CPU ms/device | answered |", "|---:|---:|---:|---:|", *rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=1.0)
    parser.add_argument("--retries", type=int, default=1)
    parser.add_argument("--county", type=int, default=1000, help="generated agents (0: skip)")
    args = parser.parse_args()
    settings = PollSettings(timeout=args.timeout, retries=args.retries)
    network = load_network(ROOT)
    creds = SnmpCredentials("v3", USER, AUTH, PRIV)
    devices = 1 + len(network.plans)
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        base = Path(tmp)
        write_data(network, base / "data")
        sim = SnmpSim(base / "data", base / "work", USER, AUTH, PRIV)
        sim.start()
        print(f"snmpsim on 127.0.0.1:{sim.port} (pid {sim.process.pid}; not the namespace lab), "  # type: ignore[attr-defined]
              f"{devices} devices, SNMPv3 authPriv, timeout {args.timeout} s x "
              f"{args.retries + 1} tries; {os.cpu_count()} CPUs")
        dead_port = free_udp_port()
        rows = []
        try:
            for label, dead in (("all up", set()),
                                ("5 dead", set(list(network.plans)[3:8]))):
                t = targets_for(network, sim.port, dead, dead_port)
                ours_wall, ours_cpu = measure(lambda t=t: ours(network, creds, settings, t))
                seq_wall, seq_cpu = measure(lambda t=t: sequential_netsnmp(network, settings, t))
                nor_wall, nor_cpu = measure(
                    lambda t=t: nornir_engine_per_host(network, creds, settings, t))
                for name, wall, cpu in (("asyncio poller, one engine", ours_wall, ours_cpu),
                                        ("sequential snmpget/snmpbulkwalk", seq_wall, seq_cpu),
                                        ("Nornir 20 threads, engine per host", nor_wall,
                                         nor_cpu)):
                    rows.append(f"| {label} | {name} | {wall:6.2f} | {1000 * cpu / devices:6.1f}"
                                f" | {wall / ours_wall:5.1f}x |")
                bound = settings.cycle + 1.0
                if dead:
                    rows.append(f"| {label} | bound: one cycle + 1 s = {bound:.1f} s | "
                                f"{'met' if ours_wall <= bound else 'MISSED'} | | |")
        finally:
            sim.stop()
        print("| scenario | method | wall s | CPU ms/device | wall vs poller |")
        print("|---|---|---:|---:|---:|")
        print("\n".join(rows))
        if args.county:
            print()
            print("\n".join(county(base, args.county, settings, network)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
