"""`shaoshan-net show UNIT`: one unit's whole derived plan (contacts masked by default)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, replace
from typing import Any

from shaoshan_net.errors import InputError
from shaoshan_net.loader import load_network
from shaoshan_net.masking import mask_contact
from shaoshan_net.model import Network


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("unit", help="unit code (e.g. qingxi) or 'core'")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--show-contacts", action="store_true", help="do not mask contact data")


def describe(network: Network, code: str, show_contacts: bool = False) -> dict[str, Any]:
    if code == "core":
        core = asdict(network.core)
        core["units"] = {u.code: u.core_port for u in network.core.units}
        core["vlans"] = list(network.core.vlans)
        return {"core": core}
    if code not in network.plans:
        raise InputError(network.sources.hosts, code, None, "no such unit")
    unit = network.unit(code)
    survey = unit.survey
    if not show_contacts:
        survey = replace(
            survey, leader=mask_contact(survey.leader), it_staff=mask_contact(survey.it_staff)
        )
    data = asdict(unit)
    data["survey"] = asdict(survey)
    data["lines"] = [
        {"circuit": ln.circuit, "activated": ln.activated.isoformat()} for ln in unit.lines
    ]
    return {"unit": data, "plan": network.plans[code].as_dict()}


def _text(info: dict[str, Any]) -> str:
    if "core" in info:
        core = info["core"]
        lines = [f"{core['hostname']} ({core['platform']}, {core['switch_model']})"]
        lines.append(
            f"  management  {core['mgmt_ip']}/{core['mgmt_prefixlen']} VLAN {core['mgmt_vlan']}"
        )
        lines.append(f"  loopback    {core['loopback']}/32")
        for up in core["city_uplinks"]:
            lines.append(
                f"  city uplink {up['port']} -> {up['peer']} {up['local_ip']}/{up['prefixlen']} "
                f"vrf {up['vrf']} circuit {up['circuit']}"
            )
        lines.append(f"  unit ports  {len(core['units'])}, VLANs {len(core['vlans'])}")
        return "\n".join(lines)
    unit, plan = info["unit"], info["plan"]
    s = unit["survey"]
    lines = [
        f"{unit['code']}  {unit['name']}  (unit {unit['unit_id']}, {unit['location']}, "
        f"category {unit['category']}{', ' + unit['dedicated'] if unit['dedicated'] else ''})",
        f"  switch      {plan['hostname']}  {unit['platform']} {plan['switch_model']}",
        f"  management  {plan['mgmt_ip']}/{plan['mgmt_prefixlen']} VLAN {plan['mgmt_vlan']} "
        f"gateway {plan['mgmt_gateway']}",
        f"  uplink      {plan['uplink_port']} -> core {plan['core_port']} "
        f"circuit {plan['circuit']}",
        f"  trunk VLANs {' '.join(str(v) for v in plan['vlans'])} "
        f"(native {plan['native_vlan']}, black hole {plan['blackhole_vlan']})",
    ]
    for z in plan["zones"]:
        lines.append(
            f"  {z['zone']:<22} VLAN {z['vlan']:<5} {z['subnet']:<18} gw {z['gateway']} "
            f"vrf {z['vrf']}"
        )
    for line in unit["lines"]:
        lines.append(f"  fiber       {line['circuit']} since {line['activated']}")
    lines.append(f"  address     {s['address']}")
    for role in ("leader", "it_staff"):
        c = s[role]
        lines.append(
            f"  {role:<11} {c['name']} {c['title']} mobile {c['mobile']} "
            f"office {c['office_phone']} QQ {c['qq']} {c['email']}"
        )
    if s["website"]:
        lines.append(f"  website     {s['website']['domain']} ({s['website']['ip']})")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    info = describe(load_network(args.root), args.unit, args.show_contacts)
    if args.format == "json":
        print(json.dumps(info, ensure_ascii=False, indent=2, default=str))
    else:
        print(_text(info))
    return 0
