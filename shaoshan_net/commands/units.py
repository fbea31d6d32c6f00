"""`shaoshan-net units`: the units as a table, JSON or CSV, filtered; `--websites` for the site
cluster's coverage. Contact columns are masked unless `--show-contacts`."""

from __future__ import annotations

import argparse
import csv
import io
import json
from typing import Any

from shaoshan_net.loader import load_network
from shaoshan_net.masking import mask_contact
from shaoshan_net.model import CATEGORIES, PLATFORMS, Network, Unit
from shaoshan_net.tables import format_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--group", help="only units in this group (outside, township, ...)")
    parser.add_argument("--platform", choices=PLATFORMS)
    parser.add_argument("--category", choices=CATEGORIES)
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--websites", action="store_true", help="website presence per unit")
    parser.add_argument("--show-contacts", action="store_true", help="do not mask contact data")


def select(network: Network, args: argparse.Namespace) -> list[Unit]:
    return [
        u
        for u in network.select(group=args.group)
        if (args.platform is None or u.platform == args.platform)
        and (args.category is None or u.category == args.category)
    ]


def unit_row(network: Network, unit: Unit, show_contacts: bool) -> dict[str, Any]:
    plan = network.plans[unit.code]
    leader, staff = unit.survey.leader, unit.survey.it_staff
    if not show_contacts:
        leader, staff = mask_contact(leader), mask_contact(staff)
    return {
        "id": unit.unit_id,
        "code": unit.code,
        "name": unit.name,
        "location": unit.location,
        "township": unit.is_township,
        "category": unit.category,
        "platform": unit.platform,
        "hostname": plan.hostname,
        "mgmt_ip": plan.mgmt_ip,
        "core_port": plan.core_port,
        "vlans": " ".join(str(v) for v in plan.vlans),
        "lines": len(unit.lines),
        "leader": leader.name,
        "leader_mobile": leader.mobile,
        "leader_email": leader.email,
        "it_staff": staff.name,
        "it_mobile": staff.mobile,
        "it_qq": staff.qq,
        "it_email": staff.email,
    }


TABLE_COLUMNS = (
    "id",
    "code",
    "name",
    "location",
    "category",
    "platform",
    "mgmt_ip",
    "core_port",
    "vlans",
)


def _websites(network: Network, units: list[Unit], fmt: str) -> str:
    from shaoshan_net.survey import website_presence

    codes = {u.code for u in units}
    presence = website_presence(network)
    rows = [r for r in presence.rows if r.code in codes]
    have = sum(r.present for r in rows)
    if fmt == "json":
        return json.dumps(
            {"with_website": have, "units": len(rows), "rows": [r._asdict() for r in rows]},
            ensure_ascii=False,
            indent=2,
        )
    table = format_table(
        ("code", "name", "website", "ip", "hosting"),
        [(r.code, r.name, r.domain or "-", r.ip or "-", r.hosting or "-") for r in rows],
    )
    percent = 100 * have / len(rows) if rows else 0.0
    return (
        f"{table}\n\n{have} of {len(rows)} units have a website in the site cluster "
        f"({percent:.0f}%)"
    )


def render(network: Network, units: list[Unit], args: argparse.Namespace) -> str:
    if args.websites:
        return _websites(network, units, args.format)
    rows = [unit_row(network, u, args.show_contacts) for u in units]
    if args.format == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["id"])
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    table = format_table(TABLE_COLUMNS, [[r[c] for c in TABLE_COLUMNS] for r in rows])
    return f"{table}\n{len(rows)} units"


def run(args: argparse.Namespace) -> int:
    network = load_network(args.root)
    print(render(network, select(network, args), args))
    return 0
