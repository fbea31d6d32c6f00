"""Derived addressing: positional, inside the pools, disjoint, and stable under change."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

from netaddr import IPAddress, IPNetwork

from shaoshan_net.addressing import expand_ports, nth_subnet, plan_unit
from shaoshan_net.model import Network


def test_nth_subnet_is_positional() -> None:
    assert str(nth_subnet("10.160.0.0/16", 26, 35)) == "10.160.8.192/26"


def test_nth_subnet_past_the_block_is_none() -> None:
    assert nth_subnet("10.162.0.0/20", 28, 256) is None


def test_port_ranges_expand() -> None:
    assert expand_ports("GigabitEthernet0/0/1-3") == (
        "GigabitEthernet0/0/1",
        "GigabitEthernet0/0/2",
        "GigabitEthernet0/0/3",
    )


def test_every_subnet_lies_in_its_zone_block(network: Network) -> None:
    blocks = {z.name: IPNetwork(z.block) for z in network.topology.zones}
    for plan in network.plans.values():
        for zone in plan.zones:
            assert IPNetwork(zone.subnet) in blocks[zone.zone]
            assert IPAddress(zone.gateway) in IPNetwork(zone.subnet)


def test_no_two_unit_subnets_overlap(network: Network) -> None:
    subnets = [IPNetwork(z.subnet) for p in network.plans.values() for z in p.zones]
    for a, b in combinations(subnets, 2):
        assert a.last < b.first or b.last < a.first


def test_no_vlan_is_in_two_zones(network: Network) -> None:
    zone_of: dict[int, str] = {}
    for plan in network.plans.values():
        for zone in plan.zones:
            assert zone_of.setdefault(zone.vlan, zone.zone) == zone.zone


def test_management_addresses_are_unique_and_apart_from_user_subnets(network: Network) -> None:
    addresses = [p.mgmt_ip for p in network.plans.values()] + [network.core.mgmt_ip]
    assert len(set(addresses)) == len(addresses)
    mgmt = IPNetwork(network.topology.mgmt_block)
    for zone in network.topology.zones:
        block = IPNetwork(zone.block)
        assert mgmt.last < block.first or block.last < mgmt.first


def test_trunk_vlans_are_zone_vlans_plus_management(network: Network) -> None:
    plan = network.plans["qingxi"]
    assert plan.vlans == (99, 1035, 2035, 3035)
    assert 1 not in plan.vlans and plan.native_vlan not in plan.vlans


def test_plans_do_not_depend_on_other_units(network: Network) -> None:
    """Adding or removing a unit never renumbers another: a plan is a function of one unit."""
    unit = network.unit("qingxi")
    alone = plan_unit(network.topology, unit, "hosts.yaml")
    assert alone == network.plans["qingxi"]
    moved = plan_unit(network.topology, replace(unit, unit_id=36), "hosts.yaml")
    yintian = network.plans["yintian"]
    assert [(z.vlan, z.subnet) for z in moved.zones] == [(z.vlan, z.subnet) for z in yintian.zones]
    assert moved.mgmt_ip == yintian.mgmt_ip


def test_core_carries_every_units_vlans(network: Network) -> None:
    assert set(network.core.vlans) == {v for p in network.plans.values() for v in p.vlans}
