"""Benchmark: rendering configurations, ours vs Nornir + nornir_jinja2 `template_file(path=...)`.

Both sides render the same templates with the same per-device variables
(`shaoshan_net.render.unit_context` / `core_context`); the baseline is what a runbook gets from
`nr.run(task=template_file, template=..., path="templates")`, which builds a new Jinja
Environment (and recompiles the templates) for every host. Ours: one cached Environment.

    .venv/bin/python bench/render.py [--units 10000] [--baseline-sample 300]

The 10,000-unit county is generated (tests/render_support.huge_county): VLAN ids wrap, so it is
a rendering load, not a deployable network. The baseline renders a sample of it (a full run
would take minutes); configs/s are compared, not totals. The last row runs the whole thing
(imports, model, render, atomic writes) as a fresh process and reports its wall time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nornir.core import Nornir  # noqa: E402
from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory  # noqa: E402
from nornir.core.task import Task  # noqa: E402
from nornir.plugins.runners import ThreadedRunner  # noqa: E402
from nornir_jinja2.plugins.tasks import template_file  # noqa: E402

from shaoshan_net.loader import load_network  # noqa: E402
from shaoshan_net.model import Network  # noqa: E402
from shaoshan_net.render import (  # noqa: E402
    TEMPLATES,
    core_context,
    render_core,
    render_unit,
    unit_context,
)
from tests.render_support import huge_county  # noqa: E402

WHOLE_PROCESS = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from shaoshan_net.files import atomic_write_many
from shaoshan_net.loader import load_network
from shaoshan_net.render import render_network
from tests.render_support import huge_county
net = huge_county(load_network(Path({root!r})), {units})
out = Path({out!r})
atomic_write_many((out / f"{{host}}.cfg", text) for host, text in render_network(net).items())
print(len(list(out.glob("*.cfg"))))
"""


def baseline_task(task: Task, network: Network) -> None:
    """nornir_jinja2 the documented way: path= (a new Environment per host)."""
    if task.host.name == "core":
        ctx, template = core_context(network), f"{network.core.platform}/core.j2"
    else:
        unit = network.unit(task.host.name)
        ctx, template = unit_context(network, unit), f"{unit.platform}/unit.j2"
    task.run(task=template_file, template=template, path=str(TEMPLATES), **ctx)


def nornir_for(network: Network, codes: list[str], workers: int) -> Nornir:
    hosts = Hosts({c: Host(name=c) for c in codes})
    inventory = Inventory(hosts=hosts, groups=Groups(), defaults=Defaults())
    return Nornir(inventory=inventory, runner=ThreadedRunner(num_workers=workers))


def time_baseline(network: Network, codes: list[str], workers: int) -> float:
    nr = nornir_for(network, codes, workers)
    start = time.perf_counter()
    result = nr.run(task=baseline_task, network=network)
    elapsed = time.perf_counter() - start
    if result.failed:
        raise SystemExit(f"baseline failed: {next(iter(result.failed_hosts.values()))}")
    return elapsed


def time_ours(network: Network, codes: list[str]) -> float:
    start = time.perf_counter()
    for code in codes:
        if code == "core":
            render_core(network)
        else:
            render_unit(network, code)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--baseline-sample", type=int, default=300)
    parser.add_argument("--workers", type=int, default=20, help="Nornir threads (config.yaml)")
    args = parser.parse_args()

    shipped = load_network(ROOT)
    huge = huge_county(shipped, args.units)
    render_unit(shipped, shipped.units[0].code)  # warm: both sides start with modules imported

    rows: list[tuple[str, int, float, int, float]] = []
    codes = [u.code for u in shipped.units] + ["core"]
    base = time_baseline(shipped, codes, args.workers)
    ours = time_ours(shipped, codes)
    rows.append(("shipped county (all devices)", len(codes), base, len(codes), ours))

    sample = [u.code for u in huge.units[: args.baseline_sample]]
    base = time_baseline(huge, sample, args.workers)
    all_codes = [u.code for u in huge.units] + ["core"]
    ours = time_ours(huge, all_codes)
    rows.append((f"generated county, {args.units} units + core", len(sample), base,
                 len(all_codes), ours))

    print(f"{'workload':44} {'baseline cfg/s':>15} {'ours cfg/s':>11} {'ours total s':>13} "
          f"{'ratio':>7}")
    for name, n_base, t_base, n_ours, t_ours in rows:
        b, o = n_base / t_base, n_ours / t_ours
        print(f"{name:44} {b:15.0f} {o:11.0f} {t_ours:13.3f} {o / b:6.1f}x")
    print(f"(baseline: Nornir ThreadedRunner {args.workers} workers + nornir_jinja2 "
          f"template_file(path=...); on the generated county it renders the first "
          f"{len(sample)} units)")

    with tempfile.TemporaryDirectory(prefix="bench-render-") as out:
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c",
             WHOLE_PROCESS.format(root=str(ROOT), units=args.units, out=out)],
            capture_output=True, text=True, check=False,
        )
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return 1
    print(f"whole process, {args.units} units + core: import, model, render, atomic writes of "
          f"{proc.stdout.strip()} files: {wall:.2f} s (goal < 15 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
