"""Render switch configurations from the typed model: pure, no I/O beyond reading templates.

One Jinja `Environment` (StrictUndefined) per template folder per process, so a run pays the
template compile once (lab notes: 0.65 ms vs 18.9 ms per host with a fresh Environment). A
missing variable is an `InputError` naming the unit and the variable, never an empty line.

Templates write each vendor's own running-config format (what `display current-configuration`
or `show running-config` prints), because the push engine compares intended and running trees.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
from netaddr import IPNetwork

from shaoshan_net.errors import InputError
from shaoshan_net.model import Network, Unit, UnitPlan
from shaoshan_net.platforms import PLATFORMS, PlatformSpec

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Policy values the county has not (yet) put in topology.yaml; one place to change them.
ACL_VTY = 2000  # basic ACL numbers (VRP/Comware); IOS uses the names below
ACL_SNMP = 2001
ACL_VTY_NAME = "VTY-MGMT"
ACL_SNMP_NAME = "SNMP-NMS"
SNMP_GROUP = "NMS"
MGMT_VLAN_NAME = "MGMT"
NATIVE_VLAN_NAME = "NATIVE-UNUSED"
BLACKHOLE_VLAN_NAME = "BLACKHOLE"
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


@functools.lru_cache(maxsize=4)
def environment(template_dir: str = str(TEMPLATES)) -> jinja2.Environment:
    """The run's one Environment for a template folder (cached: built once per process)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # device configuration, not HTML
        auto_reload=False,
    )


def timezone_offset(text: str) -> tuple[str, int, int]:
    """`UTC+8` -> ('+', 8, 0); `UTC-3:30` -> ('-', 3, 30). ValueError when unreadable."""
    m = re.fullmatch(r"\s*(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\s*", text)
    if not m:
        raise ValueError(f"timezone {text!r} is not UTC+H[:MM]")
    return m.group(1), int(m.group(2)), int(m.group(3) or 0)


def wildcard(cidr: str) -> tuple[str, str]:
    """`10.165.0.0/23` -> ('10.165.0.0', '0.0.1.255'): network and ACL wildcard mask."""
    net = IPNetwork(cidr)
    return str(net.network), str(net.hostmask)


def _common(network: Network, spec: PlatformSpec, code: str) -> dict[str, Any]:
    """What unit and core templates share: services, hardening, management plane."""
    topo = network.topology
    try:
        sign, hours, minutes = timezone_offset(topo.services.timezone)
    except ValueError as exc:
        raise InputError(network.sources.topology, code, "services.timezone", str(exc)) from None
    mgmt_net, mgmt_wild = wildcard(topo.mgmt_block)
    return {
        "p": spec,
        "topo": topo,
        "grade": topo.grade,
        "services": topo.services,
        "admin_user": topo.admin_user,
        "tz": {
            "sign": sign,
            "hours": hours,
            "minutes": minutes,
            "name": "CST" if (sign, hours, minutes) == ("+", 8, 0) else "UTC",
            "vrp": f"{'add' if sign == '+' else 'minus'} {hours:02d}:{minutes:02d}:00",
        },
        "acl": {
            "vty": ACL_VTY,
            "snmp": ACL_SNMP,
            "vty_name": ACL_VTY_NAME,
            "snmp_name": ACL_SNMP_NAME,
            "mgmt_net": mgmt_net,
            "mgmt_wildcard": mgmt_wild,
        },
        "snmp_group": SNMP_GROUP,
        "login_block_minutes": network.topology.policy.login_block_minutes,
        "placeholders": {
            "admin": "%ADMIN_SECRET%",
            "snmp_user": "%SNMP_USER%",
            "auth": "%SNMP_AUTH_KEY%",
            "priv": "%SNMP_PRIV_KEY%",
        },
    }


def unit_context(network: Network, unit: Unit) -> dict[str, Any]:
    """The variables of a unit switch template (what `templates/*/unit.j2` may use)."""
    plan: UnitPlan = network.plans[unit.code]
    spec = PLATFORMS[unit.platform]
    if not unit.survey.address:
        raise InputError(
            network.sources.hosts, unit.code, "survey.address",
            "empty; it is the switch's sysLocation",
        )
    public = [z for z in plan.zones if z.zone == "public"]
    if not public:
        raise InputError(network.sources.topology, unit.code, "category",
                         "the unit has no public zone: access ports need a public VLAN")
    ports = plan.access_ports
    policy = network.topology.policy
    spare = min(policy.spare_access_ports, len(ports))
    vlans = {plan.mgmt_vlan: MGMT_VLAN_NAME, plan.native_vlan: NATIVE_VLAN_NAME,
             plan.blackhole_vlan: BLACKHOLE_VLAN_NAME}
    vlans.update({z.vlan: z.vlan_name for z in plan.zones})
    ctx = _common(network, spec, unit.code)
    ctx.update(
        unit=unit,
        plan=plan,
        hostname=plan.hostname,
        core_hostname=network.core.hostname,
        location=unit.survey.address,
        vlans=sorted(vlans.items()),
        trunk_vlans=spec.format_vlan_lines(plan.vlans),
        user_vlans=spec.format_vlans(z.vlan for z in plan.zones),
        public_vlan=public[0].vlan,
        user_ports=ports[: len(ports) - spare],
        unused_ports=ports[len(ports) - spare :],
        port_security_max=policy.port_security_max_mac,
        storm_percent=policy.storm_control_percent,
        storm_pps=policy.storm_control_pps,
    )
    return ctx


def core_context(network: Network) -> dict[str, Any]:
    """The variables of the core template (`templates/*/core.j2`)."""
    core = network.core
    spec = PLATFORMS[core.platform]
    vlans = {core.mgmt_vlan: MGMT_VLAN_NAME, network.topology.native_vlan: NATIVE_VLAN_NAME}
    gateways = []
    for plan in core.units:
        for z in plan.zones:
            vlans[z.vlan] = z.vlan_name
            gateways.append(z)
    ctx = _common(network, spec, "core")
    ctx.update(
        core=core,
        hostname=core.hostname,
        location=core.location,
        native_vlan=network.topology.native_vlan,
        vlans=sorted(vlans.items()),
        vlan_batch=spec.format_vlan_lines(vlans),
        gateways=sorted(gateways, key=lambda z: z.vlan),
        units=core.units,
        trunk_vlans={u.code: spec.format_vlan_lines(u.vlans) for u in core.units},
        vrfs=[
            (name, f"{network.topology.policy.vrf_rd_asn}:{i}")
            for i, name in enumerate(core.vrfs, 1)
        ],
    )
    return ctx


def _render(template: str, ctx: dict[str, Any], code: str, template_dir: str) -> str:
    try:
        text = environment(template_dir).get_template(template).render(ctx)
    except jinja2.UndefinedError as exc:
        match = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", str(exc))
        name = (match.group(1) or match.group(2)) if match else "?"
        raise InputError(f"templates/{template}", code, name, f"undefined: {exc}") from None
    except jinja2.TemplateNotFound as exc:
        raise InputError(f"templates/{exc.name}", code, "platform", "no such template") from None
    # Macros end in a newline and templates put each call on its own line: drop the blank
    # lines this leaves (no vendor prints blank lines in a running configuration).
    return _BLANK_LINES.sub("\n", text).lstrip("\n")


def render_unit(network: Network, unit: Unit | str, template_dir: Path = TEMPLATES) -> str:
    """The full configuration of one unit switch."""
    if isinstance(unit, str):
        unit = network.unit(unit)
    return _render(f"{unit.platform}/unit.j2", unit_context(network, unit), unit.code,
                   str(template_dir))


def render_core(network: Network, template_dir: Path = TEMPLATES) -> str:
    """The full configuration of the data-center core switch."""
    return _render(f"{network.core.platform}/core.j2", core_context(network), "core",
                   str(template_dir))


def render_network(
    network: Network,
    units: Iterable[Unit] | None = None,
    with_core: bool = True,
    template_dir: Path = TEMPLATES,
) -> dict[str, str]:
    """Hostname -> configuration for the chosen units (default all) and the core."""
    chosen = network.units if units is None else tuple(units)
    out = {network.plans[u.code].hostname: render_unit(network, u, template_dir) for u in chosen}
    if with_core:
        out[network.core.hostname] = render_core(network, template_dir)
    return out
