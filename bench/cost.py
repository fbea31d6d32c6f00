"""How long `shaoshan-net cost` takes, next to bare Python and next to loading the Nornir stack.

The cost command promises to answer in well under a second because it never imports netmiko or
napalm. Each case runs in a fresh interpreter (what a user pays); the table shows the median of
N runs and the ratio to the baseline (`python -c pass`).

    .venv/bin/python bench/cost.py [N]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(code: str, runs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code], check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL
        )
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def cli(*args: str) -> str:
    return f"from shaoshan_net.cli import main; main(['--root', {str(ROOT)!r}, 'cost', *{args!r}])"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    out = Path(tempfile.mkdtemp()) / "w.xlsx"
    cases = [
        ("baseline: python -c pass", "pass"),
        ("cost --year 2012 (plain table)", cli("--year", "2012")),
        ("cost --format json (whole contract)", cli("--format", "json")),
        (
            "cost --format xlsx --per-year-sheets",
            cli("--format", "xlsx", "--out", str(out), "--per-year-sheets"),
        ),
        ("for comparison: import nornir, netmiko, napalm", "import nornir, netmiko, napalm"),
    ]
    results = [(name, timed(code, runs)) for name, code in cases]
    base = results[0][1]
    width = max(len(n) for n, _ in results)
    print(f"{'case':<{width}}  {'median s':>8}  {'x baseline':>10}   (N={runs}, fresh process)")
    for name, seconds in results:
        print(f"{name:<{width}}  {seconds:8.3f}  {seconds / base:10.1f}")


if __name__ == "__main__":
    main()
