"""`shaoshan-net lab up|down|status|break|heal`: the simulated county network on this machine.

Examples:
  shaoshan-net lab up                      # core + every unit
  shaoshan-net lab up --units 6            # core + the first 6 units by unit id
  shaoshan-net lab up --group township     # core + the townships
  shaoshan-net lab up --settle 30          # wait up to 30 s for uplinks up + LLDP learned
  shaoshan-net lab status
  shaoshan-net lab break qingxi            # qingxi's fiber down on the core side
  shaoshan-net lab heal qingxi
  shaoshan-net lab down
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from shaoshan_net.lab.namespaces import LabError
from shaoshan_net.tables import format_table

if TYPE_CHECKING:
    from shaoshan_net.lab.lab import Lab

INPUT_ERROR_EXIT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = __doc__.split("\n", 2)[2]
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    up = sub.add_parser("up", help="bring the lab up (core + units)")
    pick = up.add_mutually_exclusive_group()
    pick.add_argument("--units", type=int, metavar="N", help="only the first N units by unit id")
    pick.add_argument("--group", metavar="G", help="only the units of inventory group G")
    pick.add_argument("--unit", action="append", metavar="CODE", help="only this unit (repeatable)")
    up.add_argument("--no-ssh", action="store_true", help="do not start the SSH emulators")
    up.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for readiness")
    up.add_argument("--settle", type=float, default=20.0, metavar="SECONDS",
                    help="then wait at most this long for uplinks up and LLDP learned (20)")
    sub.add_parser("down", help="remove every namespace, process and file the lab created")
    st = sub.add_parser("status", help="figures and per-switch reachability")
    st.add_argument("--format", choices=("text", "json"), default="text")
    for name, text in (("break", "take a unit's uplink down"), ("heal", "bring it back up")):
        p = sub.add_parser(name, help=text)
        p.add_argument("unit", help="unit code, e.g. qingxi")


def _say(text: str) -> None:
    print(text, flush=True)


def run(args: argparse.Namespace) -> int:
    from shaoshan_net.lab.lab import Lab, needs_root, run_dir_for

    try:
        needs_root()
    except LabError as exc:
        print(f"shaoshan-net lab: {exc}", file=sys.stderr)
        return 2
    lab = Lab(run_dir_for(args.root))
    if args.action == "up":
        return _up(lab, args)
    if args.action == "down":
        lab.down(log=_say)
        return 0
    if args.action == "status":
        return _status(lab, args.format)
    up = args.action == "heal"
    seconds = lab.set_uplink(args.unit, up)
    state = "up" if up else "down"
    _say(f"{args.unit}: uplink {state}; SNMP shows it on both ends after {seconds:.1f} s")
    return 0


def _up(lab: Lab, args: argparse.Namespace) -> int:
    from shaoshan_net.lab.lab import select_units
    from shaoshan_net.loader import load_network

    network = load_network(args.root)
    codes = select_units(network, units=args.units, group=args.group, codes=args.unit)
    lab.up(network, codes, log=_say, ssh=not args.no_ssh, timeout=args.timeout,
           settle=args.settle)
    return 0


def _status(lab: Lab, fmt: str) -> int:
    status = lab.status()
    if status is None:
        print("no lab is up", file=sys.stderr)
        return 1
    if fmt == "json":
        print(json.dumps(status, indent=1, ensure_ascii=False))
    else:
        rows = status["switches"]
        yes = {True: "yes", False: "no"}
        started = datetime.fromtimestamp(lab.state["started"]).strftime("%Y-%m-%d %H:%M:%S")
        print(
            f"lab {status['phase']} since {started} ({_duration(status['uptime_seconds'])}), "
            f"ready in {status['ready_seconds']} s (links settled in "
            f"{status['settle_seconds']} s); run dir {status['run_dir']}\n"
            f"namespaces {status['namespaces']}, processes {status['processes']} "
            f"({status['alive_started_processes']}/{status['started_processes']} started ones "
            f"alive), memory: RSS sum {status['rss_mib']} MiB, PSS sum {status['pss_mib']} MiB\n"
            f"reachable: SNMP {sum(r['snmp'] for r in rows)}/{len(rows)}, "
            f"SSH {sum(r['ssh'] for r in rows)}/{len(rows)}"
            + ("" if status["ssh"] else " (emulator not running)")
        )
        for c in status.get("city_uplinks", []):
            print(f"city uplink {c['name']}: core {c['port']} -> {c['peer']}, link {c['link']}")
        print(
            format_table(
                ["SWITCH", "HOSTNAME", "PLATFORM", "MGMT IP", "SNMP", "SSH", "UPLINK"],
                [
                    [r["name"], r["hostname"], r["platform"], r["mgmt_ip"], yes[r["snmp"]],
                     yes[r["ssh"]], r["uplink"]]
                    for r in rows
                ],
            )
        )  # fmt: skip
    healthy = all(r["snmp"] and (r["ssh"] or not status["ssh"]) for r in status["switches"])
    return 0 if healthy else 1


def _duration(seconds: float) -> str:
    minutes, sec = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {sec:02d}s" if hours else f"{minutes}m {sec:02d}s"
