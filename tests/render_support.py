"""Generated counties for render/lint properties and for bench/render.py.

Built with the real addressing code (`plan_unit`, `plan_core`) on the shipped topology, so a
generated county is a valid network; only `huge_county` (10,000 units, more than 802.1Q's
4094 VLANs) wraps VLAN ids and is a rendering load, not a network one could deploy.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shaoshan_net.addressing import plan_core, plan_unit
from shaoshan_net.model import FiberLine, Network, Survey, Topology, Unit, Zone

DEPARTMENTS = ("party", "court", "procuratorate", "police")


def make_unit(unit_id: int, platform: str, category: str, dedicated: str | None = None) -> Unit:
    """A synthetic unit: code `u<id>`, one fiber, an address, no personal data."""
    needs_dept = category in ("D", "E")
    return Unit(
        unit_id=unit_id,
        code=f"u{unit_id}",
        name=f"示例单位{unit_id}",
        location="in_building" if category == "F" else "outside",
        category=category,  # type: ignore[arg-type]
        platform=platform,  # type: ignore[arg-type]
        groups=("in_building",) if category == "F" else ("outside",),
        lines=(FiberLine(f"XT-SS-GEN-{unit_id:05d}", date(2012, 7, 1)),),
        dedicated=(dedicated or DEPARTMENTS[unit_id % len(DEPARTMENTS)]) if needs_dept else None,
        survey=Survey(address=f"韶山市示例路{unit_id}号"),
    )


def core_port(index: int) -> str:
    """Core ports for generated units: 48 per slot, from slot 2 (slot 1 holds the uplink)."""
    return f"GigabitEthernet{2 + index // 48}/0/{index % 48}"


def network_with(base: Network, units: list[Unit], topology: Topology | None = None) -> Network:
    """`base` with these units (plans and core re-derived; core ports numbered by position)."""
    topo = topology or base.topology
    topo = replace(topo, core_ports={u.code: core_port(i) for i, u in enumerate(units)})
    plans = {u.code: plan_unit(topo, u, "generated") for u in units}
    core = plan_core(topo, tuple(plans[u.code] for u in units), "generated")
    return replace(base, topology=topo, units=tuple(units), plans=plans, core=core)


def with_platform(base: Network, code: str, platform: str) -> Network:
    """The shipped county with one unit moved to another platform (its model's ports)."""
    units = [replace(u, platform=platform, model=None) if u.code == code else u
             for u in base.units]
    plans = dict(base.plans)
    unit = next(u for u in units if u.code == code)
    plans[code] = plan_unit(base.topology, unit, "test")
    core = replace(base.core, units=tuple(plans[u.code] for u in units))
    return replace(base, units=tuple(units), plans=plans, core=core)


def big_topology(base: Topology) -> Topology:
    """Pools large enough for 10,000 units: /9../12 example blocks, VLAN ranges left open."""
    blocks = {
        "public": "10.0.0.0/9", "internet": "10.128.0.0/10",
        "dedicated:party": "10.192.0.0/12", "dedicated:court": "10.208.0.0/12",
        "dedicated:procuratorate": "10.224.0.0/12", "dedicated:police": "10.240.0.0/12",
    }
    zones = tuple(
        Zone(z.name, z.vrf, blocks[z.name], z.unit_prefixlen, z.vlan_first, 10**9)
        for z in base.zones
    )
    services = replace(base.services, nms=("172.16.255.250",), trap_host="172.16.255.250",
                       syslog=("172.16.255.251",), ntp=("172.16.255.252",))
    return replace(base, zones=zones, mgmt_block="172.16.0.0/16", mgmt_gateway="172.16.0.1",
                   p2p_block="192.168.0.0/24", loopback_block="192.168.255.0/24",
                   services=services)


def huge_county(base: Network, count: int = 10_000) -> Network:
    """`count` units over all platforms and categories; VLAN ids wrap inside each zone range."""
    platforms = ("huawei_vrp", "h3c_comware", "cisco_ios")
    categories = ("A", "B", "C", "D", "E", "F")
    units = [make_unit(i, platforms[i % 3], categories[(i // 3) % 6]) for i in range(1, count + 1)]
    net = network_with(base, units, big_topology(base.topology))
    spans = {z.name: (z.vlan_first, 200) for z in base.topology.zones}
    plans = {}
    for code, plan in net.plans.items():
        uid = int(code[1:])
        zones = tuple(replace(z, vlan=spans[z.zone][0] + uid % spans[z.zone][1])
                      for z in plan.zones)
        plans[code] = replace(plan, zones=zones)
    core = replace(net.core, units=tuple(plans[u.code] for u in net.units))
    return replace(net, plans=plans, core=core)
