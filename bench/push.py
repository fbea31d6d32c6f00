"""Benchmark: push the whole county to the SSH emulator with 1, 10 and 50 workers.

Runs on 127.0.0.1 high ports (one emulator process, every switch of the inventory), never on
the 10.165.x management addresses. For each worker count the emulator starts fresh (empty
switches), so every run pushes every whole configuration. Then, with 50 workers:
the no-change re-run of the whole county vs one read of every running configuration
(connect + `display current-configuration` + logout, same workers).

Goals: no-change re-run <= 1.5x one read of everything; 50 workers >= 10x one worker.
Each row also shows the CPU seconds spent by this process (push) and by the emulator: when
push + emulator CPU is close to wall time x cores, the run is CPU-bound on this machine and
more workers cannot help (a real switch answers in tens of ms per command: latency-bound).
Caches (`scrub_secrets`) are cleared before each measurement, as in a fresh CLI run.
Usage: .venv/bin/python bench/push.py [--units N] [--workers 1,10,50] [--skip-platform P]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shaoshan_net.commands.push import intended_configs, push
from shaoshan_net.config_tree import scrub_secrets
from shaoshan_net.nornir_tasks.push import Limits, close_session, session
from tests.fixtures.model import copy_project
from tests.push_support import (
    CREDENTIALS,
    free_ports,
    lab_nornir,
    running_emulator,
    switch_table,
)

LIMITS = Limits(conn_timeout=10, read_timeout=30, host_timeout=600)


def cpu_seconds(pid: int | None = None) -> float:
    """CPU (user + system) seconds of this process, or of `pid` (from /proc)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Measure:
    """Wall time and the CPU seconds of both processes over a `with` block."""

    def __init__(self, emulator_pid: int) -> None:
        self.pid = emulator_pid
        self.wall = self.push_cpu = self.emu_cpu = 0.0

    def __enter__(self) -> Measure:
        scrub_secrets.cache_clear()
        self._c, self._e = cpu_seconds(), cpu_seconds(self.pid)
        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._t
        self.push_cpu = cpu_seconds() - self._c
        self.emu_cpu = cpu_seconds(self.pid) - self._e

    def cpu(self) -> str:
        return f"{self.push_cpu:>8.1f} {self.emu_cpu:>8.1f}"


def read_all(nr: object) -> None:
    """One read of every running configuration (the floor of any no-change push): log in,
    `display current-configuration` / `show running-config`, log out; same sessions as push."""

    def read(task: object) -> str:
        try:
            return session(task, LIMITS).read_running()  # type: ignore[arg-type]
        finally:
            close_session(task)  # type: ignore[arg-type]

    result = nr.run(task=read, on_failed=True)  # type: ignore[attr-defined]
    failed = [h for h, r in result.items() if r.failed]
    if failed:
        raise SystemExit(f"read failed on {failed}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=0, help="only the first N units (0: all)")
    parser.add_argument("--workers", default="1,10,50")
    parser.add_argument("--repeat", type=int, default=5,
                        help="read / no-change pairs to run (the median is shown)")
    parser.add_argument("--skip-platform", action="append", default=[],
                        help="leave out units of this platform (e.g. while its templates and "
                             "the emulator disagree)")
    args = parser.parse_args()
    os.environ.pop("SHAOSHAN_ENV_FILE", None)
    os.environ.update(CREDENTIALS)
    work = Path(tempfile.mkdtemp(prefix="bench-push-"))
    root = copy_project(work / "root")
    from shaoshan_net.loader import load_network

    network = load_network(root)
    codes = [u.code for u in network.units if u.platform not in args.skip_platform]
    codes = codes[: args.units or None]
    names = ["core", *codes]
    table = switch_table(root, names)
    rows: list[tuple[str, Measure, str]] = []
    per_workers: dict[int, float] = {}
    reread = read_once = 0.0
    worker_counts = [int(w) for w in args.workers.split(",")]
    for workers in worker_counts:
        run_dir = work / f"w{workers}"
        ports = free_ports(len(names))
        switches = {n: (*table[n], ports[i]) for i, n in enumerate(names)}
        with running_emulator(run_dir, switches) as emu:
            assert emu.proc is not None
            nr = lab_nornir(root, emu, workers=workers)
            intended = intended_configs(nr, names)
            with Measure(emu.proc.pid) as m:
                outs = push(nr, intended, root, commit=True, limits=LIMITS)
            per_workers[workers] = m.wall
            statuses: dict[str, int] = {}
            for o in outs:
                statuses[o.status] = statuses.get(o.status, 0) + 1
            lines = sum(o.lines_sent for o in outs)
            rows.append((f"full push, {workers} workers", m,
                         f"{len(names) / m.wall:.2f} devices/s, {lines} lines; {statuses}"))
            if workers == max(worker_counts):
                # alternate the two, `--repeat` times, and keep the median run of each: single
                # sub-second runs on a shared 2-CPU machine vary by +-40 %
                reads: list[Measure] = []
                reruns: list[tuple[Measure, list[Any]]] = []
                for _ in range(args.repeat):
                    with Measure(emu.proc.pid) as m:
                        read_all(nr)
                    reads.append(m)
                    with Measure(emu.proc.pid) as m:
                        again = push(nr, intended, root, commit=True, limits=LIMITS)
                    reruns.append((m, again))
                m = sorted(reads, key=lambda x: x.wall)[len(reads) // 2]
                read_once = m.wall
                lo_r, hi_r = min(x.wall for x in reads), max(x.wall for x in reads)
                spread = f"min {lo_r:.2f} max {hi_r:.2f}"
                rows.append((f"one read of every running config, {workers} workers", m,
                             f"median of {args.repeat} ({spread}); "
                             f"{len(names) / m.wall:.2f} devices/s"))
                m, again = sorted(reruns, key=lambda x: x[0].wall)[len(reruns) // 2]
                reread = m.wall
                walls = [x.wall for x, _ in reruns]
                unchanged = sum(o.status == "unchanged" for o in again)
                sent = sum(o.lines_sent for o in again)
                rows.append((f"no-change re-run, {workers} workers", m,
                             f"median of {args.repeat} (min {min(walls):.2f} max "
                             f"{max(walls):.2f}); {unchanged}/{len(names)} unchanged, "
                             f"{sent} lines sent"))
    print(f"\nbench/push.py: {len(names)} devices (core + {len(codes)} units), emulator on "
          f"127.0.0.1 high ports (lab namespaces not used), {os.cpu_count()} CPUs\n")
    print(f"{'measurement':<50} {'wall s':>7} {'push CPU':>8} {'emu CPU':>8}  note")
    for label, m, note in rows:
        print(f"{label:<50} {m.wall:>7.2f} {m.cpu()}  {note}")
    lo, hi = min(per_workers), max(per_workers)
    if lo != hi:
        ratio = per_workers[lo] / per_workers[hi]
        print(f"\nspeed-up {hi} vs {lo} workers: {ratio:.1f}x (goal >= 10x)")
    if read_once:
        print(f"no-change re-run / one read: {reread / read_once:.2f}x (goal <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
