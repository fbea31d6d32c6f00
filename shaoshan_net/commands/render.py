"""`shaoshan-net render`: write every switch's configuration, lint-clean, atomically.

Lint runs first over the rendered set (with the core, so cross-device rules see both ends of
every trunk); if any chosen config fails, nothing is written and the exit code is 1. Changed
files print a unified diff against the previous render; unchanged files print nothing.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from shaoshan_net.errors import InputError
from shaoshan_net.files import atomic_write_many
from shaoshan_net.lint import lint_texts
from shaoshan_net.loader import load_network
from shaoshan_net.render import TEMPLATES, render_core, render_unit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", help="render only this unit (code; `core` for the core)")
    parser.add_argument("--group", help="render only the units of this group")
    parser.add_argument("--out", type=Path, help="output folder (default: ROOT/configs)")
    parser.add_argument("--quiet", action="store_true", help="no diffs, only the summary")
    parser.add_argument("--templates", type=Path, default=TEMPLATES,
                        help="template folder (default: the shipped templates/)")
    parser.epilog = (
        "writes OUT/HOSTNAME.cfg; exit 0 written, 1 lint violations (nothing written), "
        "2 bad input"
    )


def run(args: argparse.Namespace) -> int:
    network = load_network(args.root)
    with_core = (args.unit in (None, "core") and args.group is None) or args.group == "datacenter"
    units = () if args.unit == "core" else network.select(unit=args.unit, group=args.group)
    if args.unit not in (None, "core") and not units:
        raise InputError(network.sources.hosts, args.unit, "--unit", "no such unit")
    if args.group is not None and args.group != "datacenter" and not units:
        raise InputError(network.sources.groups, None, "--group", f"no unit in {args.group!r}")
    out_dir: Path = args.out if args.out is not None else args.root / "configs"

    core_text = render_core(network, args.templates)
    chosen = {network.plans[u.code].hostname: render_unit(network, u, args.templates)
              for u in units}
    if with_core:
        chosen[network.core.hostname] = core_text
    texts = {f"{h}.cfg": t for h, t in chosen.items()}
    texts.setdefault(f"{network.core.hostname}.cfg", core_text)  # cross-device checks
    violations = [v for v in lint_texts(texts, network) if v.file[:-4] in chosen]
    if violations:
        for v in violations:
            print(v)
        print(f"render: {len(violations)} lint violations; nothing written", file=sys.stderr)
        return 1

    changed: list[tuple[Path, str]] = []
    for hostname, text in sorted(chosen.items()):
        path = out_dir / f"{hostname}.cfg"
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old == text:
            continue
        changed.append((path, text))
        if not args.quiet:
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(keepends=True), text.splitlines(keepends=True),
                fromfile=f"a/{path.name}" if old else "/dev/null", tofile=f"b/{path.name}",
            ))
    atomic_write_many(changed)
    print(f"render: {len(chosen)} configs, {len(changed)} changed, in {out_dir}",
          file=sys.stderr)
    return 0
