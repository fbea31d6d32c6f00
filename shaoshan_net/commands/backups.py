"""`shaoshan-net backups`: list the configuration backups push keeps, show one, diff two.

Backups live in ROOT/backups/HOST/TIMESTAMP.cfg (HOST = unit code or `core`), scrubbed of
secrets and volatile lines, so a diff shows configuration changes only.
"""

from __future__ import annotations

import argparse
import sys

from shaoshan_net.backup import diff_backups, find_backup, list_backups


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="backups per host, oldest first")
    ls.add_argument("host", nargs="?", help="one host (unit code or `core`)")
    show = sub.add_parser("show", help="print one backup")
    show.add_argument("host")
    show.add_argument("which", nargs="?", default="latest",
                      help="latest (default), previous, or a timestamp (prefix)")
    diff = sub.add_parser("diff", help="unified diff of two backups of one host")
    diff.add_argument("host")
    diff.add_argument("old", nargs="?", default="previous",
                      help="previous (default), latest, or a timestamp (prefix)")
    diff.add_argument("new", nargs="?", default="latest", help="latest (default) or timestamp")
    parser.epilog = "exit 0; diff: 0 identical, 1 different; 2 no such backup"


def run(args: argparse.Namespace) -> int:
    try:
        if args.action == "list":
            items = list_backups(args.root, args.host)
            if not items:
                where = f" for {args.host}" if args.host else ""
                print(f"no backups{where} in {args.root / 'backups'}")
                return 0
            for b in items:
                size = len(b.path.read_text(encoding="utf-8").splitlines())
                print(f"{b.host:<12} {b.stamp:<20} {size:>6} lines  {b.path}")
            return 0
        if args.action == "show":
            sys.stdout.write(find_backup(args.root, args.host, args.which).path.read_text("utf-8"))
            return 0
        old = find_backup(args.root, args.host, args.old)
        new = find_backup(args.root, args.host, args.new)
    except LookupError as exc:
        print(f"shaoshan-net backups: {exc.args[0]}", file=sys.stderr)
        return 2
    lines = diff_backups(old, new)
    if not lines:
        print(f"{args.host}: {old.stamp} and {new.stamp} are identical")
        return 0
    print("\n".join(lines))
    return 1
