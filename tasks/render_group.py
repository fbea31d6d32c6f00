#!/usr/bin/env python3
"""Runbook: render a group's switch configurations with the `render_config` task and lint them.

    .venv/bin/python tasks/render_group.py           # townships, to /tmp/shaoshan-configs
    .venv/bin/python tasks/render_group.py --group in_building --out configs-review
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nornir import InitNornir
from nornir.core.filter import F

from shaoshan_net.files import atomic_write
from shaoshan_net.lint import lint_texts
from shaoshan_net.nornir_tasks.render import render_config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", default="township")
    parser.add_argument("--out", type=Path, default=Path("/tmp/shaoshan-configs"))
    args = parser.parse_args()

    nr = InitNornir(config_file="config.yaml")
    chosen = nr.filter(F(groups__contains=args.group) | F(name="core"))  # the core: cross-checks
    results = chosen.run(task=render_config)
    if results.failed:
        for name, multi in results.failed_hosts.items():
            print(f"{name}: {multi.exception or multi.result}")
        return 1
    texts = {
        chosen.inventory.hosts[name]["plan"]["hostname"] + ".cfg": multi[0].result
        for name, multi in results.items()
    }
    violations = lint_texts(texts, nr.inventory.defaults.data["network"])
    for violation in violations:
        print(violation)
    if violations:
        return 1
    for filename, text in texts.items():
        atomic_write(args.out / filename, text)
    print(f"{len(texts)} configs written to {args.out}, lint clean")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
