#!/usr/bin/env python3
"""Runbook: the townships' derived plans, the Nornir way.

Copy this file to start a runbook of your own. Run it from the project folder:

    .venv/bin/python tasks/show_plans.py                 # the four townships
    .venv/bin/python tasks/show_plans.py --group outside
"""

from __future__ import annotations

import argparse

from nornir import InitNornir
from nornir.core.filter import F
from nornir.core.task import Result, Task


def describe_plan(task: Task) -> Result:
    """One line per switch from the host data the ShaoshanInventory plugin derived."""
    plan = task.host["plan"]
    zones = ", ".join(f"{z['zone']} VLAN {z['vlan']} {z['subnet']}" for z in plan["zones"])
    return Result(
        host=task.host,
        result=f"{plan['hostname']:<22} mgmt {task.host.hostname:<13} "
        f"uplink {plan['uplink_port']} -> core {plan['core_port']}; {zones}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", default="township")
    args = parser.parse_args()
    nr = InitNornir(config_file="config.yaml")
    units = nr.filter(F(groups__contains=args.group))
    results = units.run(task=describe_plan)
    for name in sorted(results, key=lambda n: units.inventory.hosts[n]["unit_id"]):
        print(f"{name:<14} {results[name].result}")


if __name__ == "__main__":
    main()
