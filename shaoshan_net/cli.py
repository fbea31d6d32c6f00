"""The `shaoshan-net` command: a thin dispatcher over one module per subcommand.

Subcommand modules are imported only when chosen, so `cost` or `check` never pay for netmiko or
napalm. Each module defines `add_arguments(parser)` and `run(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from shaoshan_net.errors import ShaoshanError

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("shaoshan_net.commands.check", "validate inventory, topology and costs"),
    "show": ("shaoshan_net.commands.show", "show one unit's derived plan"),
    "units": ("shaoshan_net.commands.units", "list units"),
    "render": ("shaoshan_net.commands.render", "render switch configurations"),
    "lint": ("shaoshan_net.commands.lint", "lint configuration files against the county rules"),
    "lab": ("shaoshan_net.commands.lab", "simulated county network on this machine"),
    "push": ("shaoshan_net.commands.push", "push configurations safely (dry run by default)"),
    "backups": ("shaoshan_net.commands.backups", "list and diff configuration backups"),
    "audit": ("shaoshan_net.commands.audit", "SNMP audit of horizontal connectivity"),
    "cost": ("shaoshan_net.commands.cost", "withholding schedule for the finance bureau"),
    "survey": ("shaoshan_net.commands.survey", "unit survey forms: template and import"),
}


def project_root(value: str | None) -> Path:
    """The folder holding config.yaml: --root, else $SHAOSHAN_ROOT, else the current folder."""
    return Path(value or os.environ.get("SHAOSHAN_ROOT") or ".").resolve()


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shaoshan-net", description=__doc__.splitlines()[0])
    parser.add_argument("--root", help="project folder with config.yaml (default: .)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = next((a for a in argv if a in COMMANDS), None)
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            importlib.import_module(module).add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser(argv).parse_args(argv)
    except SystemExit as exc:  # argparse's usage error: the command's own input-error code
        chosen = next((a for a in argv if a in COMMANDS), None)
        if exc.code == 2 and chosen:
            module = importlib.import_module(COMMANDS[chosen][0])
            return int(getattr(module, "INPUT_ERROR_EXIT", 2))
        raise
    args.root = project_root(args.root)
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return int(module.run(args))
    except ShaoshanError as exc:
        print(f"shaoshan-net {args.command}: {exc}", file=sys.stderr)
        return getattr(module, "INPUT_ERROR_EXIT", 2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `shaoshan-net units | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
