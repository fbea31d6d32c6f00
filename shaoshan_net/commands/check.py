"""`shaoshan-net check`: validate the three sources and summarise the county on one screen."""

from __future__ import annotations

import argparse
from collections import Counter

from netaddr import IPNetwork

from shaoshan_net.loader import load_network
from shaoshan_net.model import Network
from shaoshan_net.tables import format_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "exit 0 when valid; 2 with a one-line error naming file, unit and field"


def pool_usage(network: Network) -> list[tuple[str, str, str, str]]:
    """Per pool: block, addresses in use / capacity, VLANs in use / range."""
    rows = []
    for zone in network.topology.zones:
        users = [z for p in network.plans.values() for z in p.zones if z.zone == zone.name]
        capacity = 2 ** (zone.unit_prefixlen - IPNetwork(zone.block).prefixlen)
        rows.append(
            (
                zone.name,
                zone.block,
                f"{len(users)}/{capacity} /{zone.unit_prefixlen}",
                f"{len(users)}/{zone.vlan_last - zone.vlan_first + 1}",
            )
        )
    mgmt = IPNetwork(network.topology.mgmt_block)
    rows.append(
        ("management", str(mgmt), f"{len(network.units) + 1}/{mgmt.size - 2} hosts", "1 VLAN")
    )
    return rows


def summary(network: Network) -> str:
    topo = network.topology
    groups = Counter(g for u in network.units for g in u.groups)
    platforms = Counter(u.platform for u in network.units)
    categories = Counter(u.category for u in network.units)
    lines = [
        f"{topo.county} e-government extranet, grade {topo.grade.name}: "
        f"{len(network.units)} units + core {network.core.hostname} — valid",
        "groups:     " + ", ".join(f"{g} {n}" for g, n in sorted(groups.items())),
        "platforms:  " + ", ".join(f"{p} {n}" for p, n in sorted(platforms.items())),
        "categories: " + ", ".join(f"{c} {n}" for c, n in sorted(categories.items())),
        f"city uplinks: {len(network.core.city_uplinks)} "
        f"(grade needs {topo.grade.city_uplinks}); VLANs on the core: {len(network.core.vlans)}",
        "",
        format_table(("pool", "block", "subnets used", "VLANs used"), pool_usage(network)),
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    print(summary(load_network(args.root)))
    return 0
