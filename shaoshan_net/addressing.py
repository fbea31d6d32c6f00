"""Derive every unit's VLANs, subnets and addresses from its unit id and the county's pools.

Numbering is positional (unit N takes subnet N of each block and VLAN first+N), so adding or
removing a unit never renumbers another. Exhausted pools raise `InputError`.
"""

from __future__ import annotations

import re

from netaddr import IPAddress, IPNetwork

from shaoshan_net.errors import InputError
from shaoshan_net.model import (
    CityUplink,
    CorePlan,
    Topology,
    Unit,
    UnitPlan,
    Zone,
    ZonePlan,
)


def nth_subnet(block: str, prefixlen: int, index: int) -> IPNetwork | None:
    """Subnet number `index` of size /prefixlen inside `block`, or None when the block is full.

    >>> str(nth_subnet("10.160.0.0/16", 26, 41))
    '10.160.10.64/26'
    """
    net = IPNetwork(block)
    size = 1 << ((32 if net.version == 4 else 128) - prefixlen)
    first = net.first + index * size
    if prefixlen < net.prefixlen or index < 0 or first + size - 1 > net.last:
        return None
    return IPNetwork((first, prefixlen), version=net.version)


def expand_ports(spec: str) -> tuple[str, ...]:
    """`GigabitEthernet0/0/1-24` -> ('GigabitEthernet0/0/1', ..., 'GigabitEthernet0/0/24')."""
    match = re.fullmatch(r"(.*?)(\d+)-(\d+)", spec.strip())
    if not match:
        return (spec.strip(),)
    prefix, low, high = match.group(1), int(match.group(2)), int(match.group(3))
    return tuple(f"{prefix}{n}" for n in range(low, high + 1))


def hostname_for(topology: Topology, unit: Unit) -> str:
    return topology.hostname_pattern.format(
        code=unit.code, CODE=unit.code.upper(), unit_id=unit.unit_id
    )


def unit_zones(topology: Topology, unit: Unit) -> tuple[Zone, ...]:
    """The zones a unit's category puts it in, in plan order (public, dedicated, internet)."""
    by_name = {z.name: z for z in topology.zones}
    zones = []
    for kind in topology.category_zones[unit.category]:
        name = f"dedicated:{unit.dedicated}" if kind == "dedicated" else kind
        zones.append(by_name[name])
    return tuple(zones)


def plan_unit(topology: Topology, unit: Unit, source: str) -> UnitPlan:
    """The whole derived plan of one unit switch; `source` names the file for errors."""
    zone_plans = []
    for zone in unit_zones(topology, unit):
        subnet = nth_subnet(zone.block, zone.unit_prefixlen, unit.unit_id)
        if subnet is None:
            raise InputError(
                source,
                unit.code,
                "data.unit_id",
                f"pool of zone {zone.name} ({zone.block}, /{zone.unit_prefixlen} per unit) "
                f"is exhausted at unit id {unit.unit_id}",
            )
        vlan = zone.vlan_first + unit.unit_id
        if vlan > zone.vlan_last:
            raise InputError(
                source,
                unit.code,
                "data.unit_id",
                f"VLAN range of zone {zone.name} ({zone.vlan_first}-{zone.vlan_last}) "
                f"is exhausted at unit id {unit.unit_id}",
            )
        label = zone.name.split(":")[-1].upper()
        zone_plans.append(
            ZonePlan(
                zone=zone.name,
                vrf=zone.vrf,
                vlan=vlan,
                vlan_name=f"{unit.code.upper()}-{label}",
                subnet=str(subnet),
                gateway=str(IPAddress(subnet.first + 1)),
                prefixlen=subnet.prefixlen,
                netmask=str(subnet.netmask),
            )
        )
    mgmt = IPNetwork(topology.mgmt_block)
    mgmt_ip = IPAddress(mgmt.first + topology.mgmt_first_host + unit.unit_id)
    if mgmt_ip.value >= mgmt.last:
        raise InputError(
            source,
            unit.code,
            "data.unit_id",
            f"management block {mgmt} is exhausted at unit id {unit.unit_id}",
        )
    reserved = {
        topology.mgmt_gateway,
        *topology.services.nms,
        *topology.services.syslog,
        *topology.services.ntp,
        topology.services.trap_host,
    }
    if str(mgmt_ip) in reserved:
        raise InputError(
            source,
            unit.code,
            "data.unit_id",
            f"management address {mgmt_ip} collides with a server or the gateway",
        )
    model = topology.switch_models[unit.model or topology.default_models[unit.platform]]
    return UnitPlan(
        code=unit.code,
        hostname=hostname_for(topology, unit),
        mgmt_vlan=topology.mgmt_vlan,
        mgmt_ip=str(mgmt_ip),
        mgmt_prefixlen=mgmt.prefixlen,
        mgmt_netmask=str(mgmt.netmask),
        mgmt_subnet=str(mgmt.cidr),
        mgmt_gateway=topology.mgmt_gateway,
        uplink_port=model.uplink_port,
        core_port=topology.core_ports[unit.code],
        circuit=unit.lines[0].circuit,
        zones=tuple(zone_plans),
        native_vlan=topology.native_vlan,
        blackhole_vlan=topology.blackhole_vlan,
        access_ports=model.access_ports,
        switch_model=model.name,
    )


def plan_core(topology: Topology, units: tuple[UnitPlan, ...], source: str) -> CorePlan:
    mgmt = IPNetwork(topology.mgmt_block)
    uplinks = []
    for index, spec in enumerate(topology.city_uplinks):
        p2p = nth_subnet(topology.p2p_block, 30, index)
        if p2p is None:
            raise InputError(source, None, "p2p_block", "exhausted by the city uplinks")
        uplinks.append(
            CityUplink(
                name=spec["name"],
                port=spec["port"],
                circuit=spec["circuit"],
                subnet=str(p2p),
                local_ip=str(IPAddress(p2p.first + 1)),
                peer_ip=str(IPAddress(p2p.first + 2)),
                peer=spec["peer"],
                prefixlen=30,
                netmask=str(p2p.netmask),
                vrf=spec["vrf"],
            )
        )
    loopback = IPNetwork(topology.loopback_block)
    return CorePlan(
        hostname=topology.core_hostname,
        platform=topology.core_platform,
        switch_model=topology.core_model,
        mgmt_vlan=topology.mgmt_vlan,
        mgmt_ip=topology.mgmt_gateway,
        mgmt_prefixlen=mgmt.prefixlen,
        mgmt_netmask=str(mgmt.netmask),
        mgmt_subnet=str(mgmt.cidr),
        loopback=str(IPAddress(loopback.first + 1)),
        city_uplinks=tuple(uplinks),
        units=units,
        vrfs=tuple(dict.fromkeys(z.vrf for z in topology.zones)),
        location=topology.services.location,
    )
