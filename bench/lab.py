"""Benchmark: the whole shipped county lab up and down, against the issue's targets.

Run as root:  .venv/bin/python bench/lab.py [--runs 3] [--no-ssh] [--prefix ssnc-]
                                             [--block 10.195.0.0/23]
`--prefix`/`--block` run the benchmark beside another lab (tests, an operator's `ssn-` lab)
with its own namespaces and management addresses.
Prints one row per figure: median and worst of the runs, the target, and median / target.
Memory is measured three ways: the sum of RSS (counts shared libraries once per process, so it
over-states), the sum of PSS (shared pages split between processes) and the drop of the host's
MemAvailable (what the machine actually lost).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shaoshan_net.lab import namespaces as ns  # noqa: E402
from shaoshan_net.lab.lab import PREFIX, Lab, relocate_management  # noqa: E402
from shaoshan_net.loader import load_network  # noqa: E402
from shaoshan_net.tables import format_table  # noqa: E402


def mem_available_mib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no MemAvailable in /proc/meminfo")


def one_run(ssh: bool, prefix: str, block: str | None) -> dict[str, float]:
    network = load_network(ROOT)
    if block:
        network = relocate_management(network, block)
    codes = [u.code for u in network.units]
    with tempfile.TemporaryDirectory() as tmp:
        lab = Lab(Path(tmp) / ".lab", prefix=prefix)
        before = mem_available_mib()
        t0 = time.monotonic()
        lab.up(network, codes, ssh=ssh)
        up_s = time.monotonic() - t0
        settle_s = float(lab.state.get("settle_seconds", 0.0))
        time.sleep(2)  # let LLDP settle before measuring memory
        status = lab.status()
        assert status is not None
        lost = before - mem_available_mib()
        reachable = sum(r["snmp"] for r in status["switches"])
        ssh_ok = sum(r["ssh"] for r in status["switches"])
        t1 = time.monotonic()
        lab.down()
        down_s = time.monotonic() - t1
    return {
        "switches": len(status["switches"]),
        "up_s": up_s,
        "settle_s": settle_s,
        "down_s": down_s,
        "rss_mib": status["rss_mib"],
        "pss_mib": status["pss_mib"],
        "memavail_mib": lost,
        "processes": status["processes"],
        "snmp_ok": reachable,
        "ssh_ok": ssh_ok,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-ssh", action="store_true")
    parser.add_argument("--prefix", default=PREFIX, help=f"lab prefix (default {PREFIX})")
    parser.add_argument("--block", help="move the management block here, e.g. 10.195.0.0/23")
    args = parser.parse_args()
    if ns.list_netns(args.prefix):
        print(f"a {args.prefix} lab is up: run its `lab down` first", file=sys.stderr)
        return 2
    runs = [one_run(not args.no_ssh, args.prefix, args.block) for _ in range(args.runs)]
    targets = {
        "up_s": ("lab up, whole county (s)", 60.0),
        "settle_s": ("  of which links settling (s)", 20.0),
        "down_s": ("lab down (s)", 15.0),
        "pss_mib": ("memory, PSS sum (MiB)", 1536.0),
        "memavail_mib": ("memory, MemAvailable drop (MiB)", 1536.0),
        "rss_mib": ("memory, RSS sum (MiB, over-counts)", 1536.0),
    }
    rows = []
    for key, (label, target) in targets.items():
        values = [r[key] for r in runs]
        median = statistics.median(values)
        rows.append([label, f"{median:.2f}", f"{max(values):.2f}", f"{target:.0f}",
                     f"{median / target:.3f}"])  # fmt: skip
    last = runs[-1]
    print(
        f"county lab: {last['switches']:.0f} switches, {last['processes']:.0f} processes, "
        f"SNMP {last['snmp_ok']:.0f}/{last['switches']:.0f}, SSH {last['ssh_ok']:.0f}/"
        f"{last['switches']:.0f}; {args.runs} runs, {len(os.sched_getaffinity(0))} cores"
    )
    print(format_table(["figure", "median", "worst", "target", "median/target"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
