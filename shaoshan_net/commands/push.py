"""`shaoshan-net push`: dry run by default; `--commit` applies, verifies, saves or rolls back.

The core is pushed first (units hang off its VLANs and gateways), then the units. One run at a
time (`shaoshan_net.lock`), one failing device never stops the others; exit 0 only when every
device ended as intended (dry run: when every device could be read and planned).
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shaoshan_net.errors import InputError
from shaoshan_net.lock import run_lock

STATUS_ORDER = ("changed", "unchanged", "planned", "rolled_back", "failed")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--core", action="store_true", help="the county core switch")
    parser.add_argument("--unit", action="append", default=[], metavar="CODE",
                        help="a unit switch (repeatable)")
    parser.add_argument("--group", action="append", default=[], metavar="GROUP",
                        help="every unit of a group (repeatable)")
    parser.add_argument("--commit", action="store_true",
                        help="apply the changes (default: dry run, change nothing)")
    parser.add_argument("--no-save", action="store_true",
                        help="with --commit: verify but do not save to the startup config")
    parser.add_argument("--workers", type=int, default=None,
                        help="parallel devices (default: config.yaml runner num_workers)")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="wall-clock limit per device in seconds (default 300)")
    parser.add_argument("--read-timeout", type=float, default=30.0,
                        help="limit for one command's answer in seconds (default 30)")
    parser.add_argument("--quiet", action="store_true", help="summary only, no change sets")
    parser.epilog = (
        "no scope = core and every unit. Exit 0: every device as intended; 1: some device "
        "failed or was rolled back; 2: bad input; 3: another run holds the lock."
    )


def workers(n: int | None) -> dict[str, Any]:
    """`init_nornir` overrides for `n` parallel devices (none: config.yaml's num_workers)."""
    return {} if n is None else {"runner": {"plugin": "threaded", "options": {"num_workers": n}}}


def intended_configs(nr: Any, names: list[str]) -> dict[str, str]:
    """Render the chosen hosts' configurations from the typed model the inventory carries."""
    from shaoshan_net.render import render_core, render_unit

    network = next(iter(nr.inventory.hosts.values()))["network"]
    out: dict[str, str] = {}
    for name in names:
        out[name] = render_core(network) if name == "core" else render_unit(network, name)
    return out


def select(nr: Any, core: bool, units: list[str], groups: list[str]) -> list[str]:
    """Host names in push order: the core first, then units by unit id."""
    hosts = nr.inventory.hosts
    network = next(iter(hosts.values()))["network"]
    for code in units:
        if code not in hosts:
            raise InputError(network.sources.hosts, code, "--unit", "no such host")
    for group in groups:
        if not network.select(group=group) and group != "datacenter":
            raise InputError(network.sources.groups, None, "--group", f"no unit in {group!r}")
    everything = not (core or units or groups)
    chosen: list[str] = []
    if (core or everything or "datacenter" in groups) and "core" in hosts:
        chosen.append("core")
    for unit in network.units:
        if unit.code in hosts and (
            everything or unit.code in units or any(g in unit.groups for g in groups)
        ):
            chosen.append(unit.code)
    return chosen


def push(
    nr: Any,
    intended: dict[str, str],
    root: Path,
    commit: bool,
    save: bool = True,
    limits: Any = None,
    on_done: Callable[[Any], None] | None = None,
) -> list[Any]:
    """Push `intended` (host -> rendered text) to those hosts, core first; the outcomes in order.

    Core first means: no unit's change is applied before the core's push has ended (applied,
    verified and saved, or rolled back). Reading and planning the units does not wait: they
    start at once, alongside the core, so a run with nothing to change on the units does not
    pay for the core's (long) read first. The core runs in a thread of its own, so units
    waiting for it can never hold every worker while it waits for one.

    Usable from a runbook or a test that built its own Nornir (e.g. pointing at emulators).
    With SHAOSHAN_LAB_ONLY=1 a target outside the lab raises `ShaoshanError` before any
    connection (`shaoshan_net.safety`).
    """
    from nornir.core.exceptions import NornirSubTaskError

    from shaoshan_net.nornir_tasks.push import Limits, Outcome, push_config
    from shaoshan_net.safety import check_targets

    hosts = nr.inventory.hosts
    check_targets(str(hosts[n].hostname) for n in intended if n in hosts)  # before any SSH
    limits = limits or Limits()
    outcomes: dict[str, Any] = {}
    lock = threading.Lock()
    core_done = threading.Event()

    def task(t: Any) -> Any:
        is_core = t.host.name == "core"
        try:
            result = t.run(push_config, intended=intended[t.host.name], root=root,
                           dry_run=not commit, save=save, limits=limits,
                           before_apply=None if is_core else core_done.wait)
        except NornirSubTaskError as exc:  # a failed host: its Outcome says why
            result = exc.result
        outcome = result[0].result
        with lock:
            outcomes[t.host.name] = outcome
            if on_done is not None:
                on_done(outcome)
        return outcome

    def run_wave(names: list[str]) -> None:
        chosen = set(names)
        nr.filter(filter_func=lambda h: h.name in chosen).run(
            task=task, name="push", on_failed=True, raise_on_error=False
        )

    def run_core() -> None:
        try:
            run_wave(["core"])
        finally:
            core_done.set()  # also when the core's task crashed: the units must not hang

    core = None
    if "core" in intended:
        core = threading.Thread(target=run_core, name="push-core", daemon=True)
        core.start()
    else:
        core_done.set()
    units = [n for n in intended if n != "core"]
    try:
        if units:
            run_wave(units)
    finally:
        if core is not None:
            core.join()
    for name in intended:  # a host whose task crashed before returning still gets an outcome
        outcomes.setdefault(name, Outcome(name, "failed", error="push task did not finish"))
    return [outcomes[name] for name in intended]


def run(args: argparse.Namespace) -> int:
    from shaoshan_net.credentials import ssh_credentials
    from shaoshan_net.errors import LockHeld
    from shaoshan_net.inventory import init_nornir
    from shaoshan_net.nornir_tasks.push import Limits

    ssh_credentials()  # fail early, with the variable's name, before any device is contacted
    try:
        with run_lock(args.root, "push --commit" if args.commit else "push (dry run)"):
            nr = init_nornir(args.root, **workers(args.workers))
            names = select(nr, args.core, args.unit, args.group)
            intended = intended_configs(nr, names)
            limits = Limits(read_timeout=args.read_timeout, host_timeout=args.timeout)
            report = Report(len(names), quiet=args.quiet)
            with report:
                outcomes = push(nr, intended, args.root, commit=args.commit,
                                save=not args.no_save, limits=limits, on_done=report.done)
    except LockHeld as exc:
        print(f"shaoshan-net push: {exc}", file=sys.stderr)
        return 3
    report.final(outcomes, commit=args.commit)
    return exit_code(outcomes, args.commit)


def exit_code(outcomes: list[Any], commit: bool) -> int:
    """0 when every device ended as intended (dry run: every device read and planned)."""
    if commit:
        return 0 if all(o.status in ("changed", "unchanged") for o in outcomes) else 1
    return 0 if all(o.status != "failed" for o in outcomes) else 1


class Report:
    """Progress while devices finish (rich bar on a terminal, one plain line each otherwise),
    then each device's change set and a summary."""

    def __init__(self, total: int, quiet: bool = False) -> None:
        self.total, self.quiet = total, quiet
        self.tty = sys.stdout.isatty()
        self.progress: Any = None
        self.bar: Any = None

    def __enter__(self) -> Report:
        if self.tty and self.total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.progress = Progress(TextColumn("push"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.description}"), transient=True)
            self.progress.start()
            self.bar = self.progress.add_task("", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def done(self, outcome: Any) -> None:
        if self.progress is not None:
            self.progress.update(self.bar, advance=1, description=str(outcome.host))
        else:
            print(f"{outcome} [{outcome.seconds:.1f} s]", flush=True)

    def final(self, outcomes: list[Any], commit: bool) -> None:
        if not self.quiet:
            for o in outcomes:
                if o.changes:
                    head = "applied" if commit else "would apply"
                    print(f"\n== {o.host}: {head} {len(o.changes)} changes "
                          f"(+{o.changes.added} -{o.changes.undone})")
                    print("\n".join(o.changes.display()))
        problems = [o for o in outcomes if o.status in ("failed", "rolled_back")]
        if problems:
            print()
            for o in problems:
                print(str(o))
        counts = Counter(o.status for o in outcomes)
        mode = "commit" if commit else "dry run"
        parts = [f"{counts[s]} {s.replace('_', ' ')}" for s in STATUS_ORDER if counts[s]]
        print(f"\npush ({mode}): {len(outcomes)} devices: {', '.join(parts) or 'none'}")
