#!/usr/bin/env python3
"""Runbook: audit a group's horizontal links by SNMP from Nornir, on one shared engine.

Needs SNMPv3 credentials in the environment (or SHAOSHAN_ENV_FILE); against the lab:

    export SHAOSHAN_ENV_FILE=$PWD/.lab/credentials.env
    .venv/bin/python tasks/audit_group.py --group township
"""

from __future__ import annotations

import argparse

from nornir import InitNornir
from nornir.core.filter import F

from shaoshan_net.credentials import snmp_credentials
from shaoshan_net.nornir_tasks.audit import snmp_audit, snmp_poll
from shaoshan_net.snmp.poller import PollerThread, PollSettings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", default="township")
    args = parser.parse_args()

    nr = InitNornir(config_file="config.yaml")
    with PollerThread(snmp_credentials(), PollSettings()) as poller:
        core = nr.filter(name="core").run(task=snmp_poll, poller=poller)["core"].result
        results = nr.filter(F(groups__contains=args.group)).run(
            task=snmp_audit, poller=poller, core=core
        )
    bad = 0
    for name in sorted(results):
        result = results[name][0]
        state = result.audit["state"] if hasattr(result, "audit") else "error"
        failing = [c for c in (result.result or []) if c.status == "fail"]
        bad += state in ("fail", "unreachable", "auth")  # "unknown": a check could not be made
        reasons = "; ".join(f"{c.check}: {c.reason}" for c in failing)
        print(f"{name:<14} {state:<11} {reasons}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
