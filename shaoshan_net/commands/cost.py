"""`shaoshan-net cost`: what the finance bureau withholds from each unit, per fiscal year.

Nornir-free on purpose: reads the YAML through the loader, computes with `costs`, renders with
`cost_report`; never imports netmiko or napalm, so it answers in a fraction of a second. Every
output is built in memory first and written atomically, so an error leaves no file behind.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from shaoshan_net.errors import InputError, ShaoshanError

FORMATS: tuple[str, ...] = ("table", "csv", "json", "xlsx")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--year",
        type=int,
        metavar="Y",
        help="one fiscal (calendar) year; default: the whole contract period",
    )
    parser.add_argument("--unit", metavar="X", help="only this unit (code)")
    parser.add_argument(
        "--group",
        metavar="G",
        help="only units in this group (in_building, outside, township, ...)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="output format (default: table; xlsx needs --out)",
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help="write to FILE (atomically) instead of standard output",
    )
    parser.add_argument(
        "--per-year-sheets", action="store_true", help="xlsx: add one sheet per fiscal year"
    )


def run(args: argparse.Namespace) -> int:
    from shaoshan_net import cost_report
    from shaoshan_net.costs import build_report, reconcile
    from shaoshan_net.loader import load_network

    if args.format == "xlsx" and args.out is None:
        raise ShaoshanError("--format xlsx needs --out FILE (a workbook is not terminal text)")
    if args.per_year_sheets and args.format != "xlsx":
        raise ShaoshanError("--per-year-sheets only applies to --format xlsx")
    network = load_network(args.root)
    units = network.select(unit=args.unit, group=args.group)
    if not units:
        if args.unit is not None and not network.select(unit=args.unit):
            raise InputError(network.sources.hosts, args.unit, None, "no such unit")
        raise InputError(
            network.sources.hosts, args.unit, "groups", f"no unit in group {args.group!r}"
        )
    report = build_report(
        units,
        network.costs,
        years=[args.year] if args.year is not None else None,
        rates_file=network.sources.costs,
        units_file=network.sources.hosts,
    )
    scope = " ".join(f"{k} {v}" for k, v in (("unit", args.unit), ("group", args.group)) if v)
    report = dataclasses.replace(report, scope=scope)
    problems = reconcile(report)
    if problems:  # a bug, not bad input: refuse to hand out figures that do not add up
        raise ShaoshanError("totals do not reconcile: " + "; ".join(problems))

    with_summary = args.year is None
    data: str | bytes
    if args.format == "xlsx":
        data = cost_report.to_xlsx(report, per_year_sheets=args.per_year_sheets)
    elif args.format == "json":
        data = cost_report.to_json(report)
    elif args.format == "csv":
        data = cost_report.to_csv(report)
    elif args.out is None and sys.stdout.isatty():
        cost_report.print_rich(report, with_summary)
        return 0
    else:
        data = cost_report.to_text(report, with_summary)

    if args.out is None:
        sys.stdout.write(data if isinstance(data, str) else data.decode())
        return 0
    from shaoshan_net.files import atomic_write

    atomic_write(args.out, data)
    print(
        f"wrote {args.out}: {len(report.summary)} units, fiscal years "
        f"{', '.join(map(str, report.years))}, total {cost_report.money(report.total)} "
        f"{report.currency}",
        file=sys.stderr,
    )
    return 0
