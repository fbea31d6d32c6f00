"""`shaoshan-net audit`: the nightly SNMP audit of every horizontal link, fit for cron.

Exit codes: 0 all ok (unknown checks allowed), 1 findings (degraded, miswired, refused
credentials), 2 a switch (unit or core) unreachable, 3 usage, configuration or internal error,
or the run lock still held by a push after `--lock-wait` seconds.

Settings from the environment (or `SHAOSHAN_ENV_FILE`): SNMPv3 credentials
(`SHAOSHAN_SNMP_USER`, `SHAOSHAN_SNMP_AUTH_KEY`, `SHAOSHAN_SNMP_PRIV_KEY`), optional
`SHAOSHAN_SNMP_TIMEOUT` (s, default 1), `SHAOSHAN_SNMP_RETRIES` (default 1),
`SHAOSHAN_AUDIT_HISTORY` (default ROOT/audit-history.sqlite).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from shaoshan_net.errors import InputError, ShaoshanError

INPUT_ERROR_EXIT = 3
FORMATS = ("text", "json", "html", "prom")


def _usage_error(parser: argparse.ArgumentParser) -> None:
    def error(message: str) -> NoReturn:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {message}", file=sys.stderr)
        sys.exit(INPUT_ERROR_EXIT)

    parser.error = error  # type: ignore[method-assign]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    _usage_error(parser)
    parser.add_argument("action", nargs="?", choices=("run", "history"), default="run",
                        help="run an audit (default) or show the history")
    parser.add_argument("--group", help="only units of this inventory group")
    parser.add_argument("--unit", action="append", metavar="CODE",
                        help="only this unit (code); repeatable")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--out", type=Path, help="write the report here (atomically)")
    parser.add_argument("--retry-failed", action="store_true",
                        help="poll only the units that failed in the last audit")
    parser.add_argument("--history", type=Path, help="SQLite history file")
    parser.add_argument("--timeout", type=float, help="seconds per SNMP request try")
    parser.add_argument("--retries", type=int, help="extra tries per SNMP request")
    parser.add_argument("--concurrency", type=int, default=32,
                        help="switches walked at once (probes are not limited)")
    parser.add_argument("--lock-wait", type=float, default=300.0,
                        help="seconds to wait for a push holding the run lock (then exit 3)")
    parser.add_argument("--targets", type=Path,
                        help="JSON {name: {host, port, context}} overriding management "
                             "addresses (e.g. a simulator)")
    parser.add_argument("--days", type=int, default=30, help="history: availability window")


def _settings(args: argparse.Namespace, env: dict[str, str]) -> object:
    from shaoshan_net.snmp.poller import PollSettings

    def number(key: str, value: float | None, default: float, kind: type) -> float:
        if value is not None:
            return value
        raw = env.get(key)
        if raw is None or raw == "":
            return default
        try:
            return kind(raw)
        except ValueError:
            raise InputError("environment", None, key, f"{raw!r} is not a number") from None

    timeout = number("SHAOSHAN_SNMP_TIMEOUT", args.timeout, 1.0, float)
    retries = int(number("SHAOSHAN_SNMP_RETRIES", args.retries, 1, int))
    if timeout <= 0 or retries < 0 or args.concurrency < 1:
        raise InputError("command line", None, "timeout/retries/concurrency", "out of range")
    return PollSettings(timeout=timeout, retries=retries, concurrency=args.concurrency)


def history_path(args: argparse.Namespace, env: dict[str, str]) -> Path:
    if args.history:
        return args.history
    if env.get("SHAOSHAN_AUDIT_HISTORY"):
        return Path(env["SHAOSHAN_AUDIT_HISTORY"])
    return args.root / "audit-history.sqlite"


def _show_history(args: argparse.Namespace, path: Path) -> int:
    from shaoshan_net.audit.history import History

    if not path.exists():
        raise InputError(str(path), None, None, "no audit history yet")
    with History(path) as history:
        wanted = set(args.unit or ())
        changes = [c for c in history.changes() if not wanted or c.unit in wanted]
        avail = {u: n for u, n in history.availability(args.days).items()
                 if not wanted or u in wanted}
    print(f"changes since the previous audit ({len(changes)}):")
    for c in changes:
        print(f"  {c.unit:<14} {c.check:<17} {c.before} -> {c.after}: {c.reason}")
    print(f"availability over {args.days} days (runs answered / runs):")
    for unit, (ok, total) in avail.items():
        print(f"  {unit:<14} {100 * ok / total:6.1f}%  {ok}/{total}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from shaoshan_net.audit.history import History
    from shaoshan_net.audit.report import render
    from shaoshan_net.audit.runner import load_targets, run_audit
    from shaoshan_net.credentials import environment, snmp_credentials
    from shaoshan_net.files import atomic_write
    from shaoshan_net.loader import load_network
    from shaoshan_net.lock import run_lock

    env = environment()
    path = history_path(args, env)
    if args.action == "history":
        return _show_history(args, path)
    settings = _settings(args, env)
    credentials = snmp_credentials()
    if credentials.version == "v2c":
        print("warning: SNMP v2c configured (community in clear text); the grade profile "
              "asks for SNMPv3 authPriv", file=sys.stderr)
    network = load_network(args.root)
    for code in args.unit or ():
        if not network.select(unit=code):
            raise InputError(network.sources.hosts, code, None, "no such unit")
    wanted = set(args.unit or ())
    units = [u for u in network.select(group=args.group) if not wanted or u.code in wanted]
    codes = [u.code for u in units]
    include_core = not (args.unit or args.group)
    targets = load_targets(args.targets) if args.targets else None
    selection = ("unit=" + ",".join(args.unit) if args.unit
                 else f"group={args.group}" if args.group else "all")
    with run_lock(args.root, "audit", wait_seconds=args.lock_wait), History(path) as history:
        if args.retry_failed:
            failed = history.last_failed()
            codes = [c for c in codes if c in failed]
            include_core = include_core and "core" in failed
            selection += " retry-failed"
            if not codes and not include_core:
                print("audit --retry-failed: nothing failed in the last audit")
                return 0
        run = run_audit(network, codes, credentials, settings, history.previous_counters(),
                        targets, include_core=include_core, selection=selection)
        history.record(run.started, run.duration, selection, run.exit_code, run.results,
                       run.counters)
    report = render(run, network, args.format)
    if args.out:
        atomic_write(args.out, report)
        if args.format == "text" and run.exit_code:
            sys.stdout.write(report)  # cron still mails the findings
    else:
        sys.stdout.write(report)
    return run.exit_code


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except ShaoshanError:
        raise  # the CLI prints it on one line and exits INPUT_ERROR_EXIT
    except Exception as exc:  # never exit 1/2 (findings) on our own bug
        print(f"shaoshan-net audit: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return INPUT_ERROR_EXIT
