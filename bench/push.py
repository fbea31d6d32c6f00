"""Benchmark: push the whole county to the SSH emulator with 1, 10 and 50 workers.

Runs on 127.0.0.1 high ports (one emulator process, every switch of the inventory), never on
the 10.165.x management addresses. For each worker count the emulator starts fresh (empty
switches), so every run pushes every whole configuration. Then, with 50 workers:
the no-change re-run of the whole county vs one read of every running configuration
(connect + `display current-configuration` + logout, same workers).

Goals: no-change re-run <= 1.5x one read of everything; 50 workers >= 10x one worker.
Usage: .venv/bin/python bench/push.py [--units N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shaoshan_net.commands.push import intended_configs, push
from shaoshan_net.nornir_tasks.push import Limits, close_session, session
from tests.push_support import (
    CREDENTIALS,
    copy_project,
    free_ports,
    lab_nornir,
    running_emulator,
    switch_table,
)

LIMITS = Limits(conn_timeout=10, read_timeout=30, host_timeout=600)


def read_all(nr: object) -> float:
    """One read of every running configuration (the floor of any no-change push)."""

    def read(task: object) -> str:
        try:
            return session(task, LIMITS).read_running()  # type: ignore[arg-type]
        finally:
            close_session(task)  # type: ignore[arg-type]

    start = time.perf_counter()
    result = nr.run(task=read, on_failed=True)  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - start
    failed = [h for h, r in result.items() if r.failed]
    if failed:
        raise SystemExit(f"read failed on {failed}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=0, help="only the first N units (0: all)")
    parser.add_argument("--workers", default="1,10,50")
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
    rows: list[tuple[str, float, str]] = []
    per_workers: dict[int, float] = {}
    reread = read_once = 0.0
    statuses: dict[str, int] = {}
    for workers in [int(w) for w in args.workers.split(",")]:
        run_dir = work / f"w{workers}"
        ports = free_ports(len(names))
        switches = {n: (*table[n], ports[i]) for i, n in enumerate(names)}
        with running_emulator(run_dir, switches) as emu:
            nr = lab_nornir(root, emu, workers=workers)
            intended = intended_configs(nr, names)
            start = time.perf_counter()
            outs = push(nr, intended, root, commit=True, limits=LIMITS)
            elapsed = time.perf_counter() - start
            per_workers[workers] = elapsed
            statuses = {}
            for o in outs:
                statuses[o.status] = statuses.get(o.status, 0) + 1
            rows.append((f"full push, {workers} workers", elapsed,
                         f"{len(names) / elapsed:.2f} devices/s; {statuses}"))
            if workers == max(int(w) for w in args.workers.split(",")):
                read_once = read_all(nr)
                start = time.perf_counter()
                again = push(nr, intended, root, commit=True, limits=LIMITS)
                reread = time.perf_counter() - start
                unchanged = sum(o.status == "unchanged" for o in again)
                rows.append((f"one read of every running config, {workers} workers", read_once,
                             f"{len(names) / read_once:.2f} devices/s"))
                rows.append((f"no-change re-run, {workers} workers", reread,
                             f"{unchanged}/{len(names)} unchanged"))
    print(f"\nbench/push.py: {len(names)} devices (core + {len(codes)} units), emulator on "
          "127.0.0.1 high ports (lab namespaces not used)\n")
    print(f"{'measurement':<52} {'seconds':>8}  note")
    for label, seconds, note in rows:
        print(f"{label:<52} {seconds:>8.2f}  {note}")
    lo, hi = min(per_workers), max(per_workers)
    if lo != hi:
        ratio = per_workers[lo] / per_workers[hi]
        print(f"\nspeed-up {hi} vs {lo} workers: {ratio:.1f}x (goal >= 10x)")
    if read_once:
        print(f"no-change re-run / one read: {reread / read_once:.2f}x (goal <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
