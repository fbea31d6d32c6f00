"""`shaoshan-net lint`: check configuration files of all three platforms against county rules.

One line per violation, `file:line: ID message`; exit 0 clean, 1 violations, 2 usage or input
error. Rules need the network (plans, grade profile, services), loaded from ROOT.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from shaoshan_net.errors import InputError
from shaoshan_net.lint import lint_texts
from shaoshan_net.lint_rules import RULES
from shaoshan_net.loader import load_network


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="configuration files (default: every ROOT/configs/*.cfg)")
    parser.add_argument("--rules", action="store_true", help="list the rules and exit")
    parser.epilog = "exit 0 clean, 1 violations, 2 usage or input error"


def _shown(path: Path) -> str:
    """The path as the user would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def run(args: argparse.Namespace) -> int:
    if args.rules:
        for rule, text in RULES.items():
            print(f"{rule} {text}")
        return 0
    files: list[Path] = list(args.files) or sorted((args.root / "configs").glob("*.cfg"))
    if not files:
        raise InputError(str(args.root / "configs"), None, None,
                         "no configuration files (run `shaoshan-net render` first)")
    texts: dict[str, str] = {}
    for path in files:
        try:
            texts[_shown(path)] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(str(path), None, None, f"cannot read: {exc}") from None
    network = load_network(args.root)
    violations = lint_texts(texts, network)
    for v in violations:
        print(v)
    print(f"lint: {len(texts)} files, {len(violations)} violations", file=sys.stderr)
    return 1 if violations else 0
