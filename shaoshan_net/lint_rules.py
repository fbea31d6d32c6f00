"""The county's configuration rules (domain.md "What a rendered configuration should get right").

Each rule has a stable id (`SSN0xx`) so that a finding can be searched, suppressed in review or
tracked over time; the text in `RULES` is the one-line summary shown by `shaoshan-net lint
--rules`. Rules run on `lint.Device` facts, so each is written once for all three platforms.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator

from netaddr import IPAddress, IPNetwork

from shaoshan_net.lint import Device, Port, Violation
from shaoshan_net.model import Network, UnitPlan, ZonePlan
from shaoshan_net.platforms import vlan_runs
from shaoshan_net.render import timezone_offset

RULES: dict[str, str] = {
    "SSN000": "platform cannot be identified",
    "SSN001": "hostname missing or not the inventory's (naming pattern)",
    "SSN002": "telnet enabled or not explicitly disabled",
    "SSN003": "SSH server off or SSHv1 allowed",
    "SSN004": "HTTP/HTTPS server not disabled",
    "SSN005": "VTY not limited to the management network by an ACL",
    "SSN006": "named admin account missing",
    "SSN007": "idle timeout missing, zero or longer than the grade allows",
    "SSN008": "login-failure limit missing or above the grade",
    "SSN009": "SNMP v1/v2c community configured",
    "SSN010": "SNMPv3 not authPriv with SHA and AES only",
    "SSN011": "SNMP not limited to the NMS by an ACL",
    "SSN012": "SNMP trap host missing or not authPriv to the NMS",
    "SSN013": "syslog host missing",
    "SSN014": "NTP server missing",
    "SSN015": "timezone not the county's (UTC+8)",
    "SSN016": "sysLocation or sysContact missing",
    "SSN017": "trunk allows all VLANs",
    "SSN018": "trunk carries VLAN 1",
    "SSN019": "trunk native VLAN not the unused native VLAN",
    "SSN020": "link description does not name peer host, peer port and circuit id",
    "SSN021": "access port without edge port",
    "SSN022": "access port without BPDU protection",
    "SSN023": "access port without storm control",
    "SSN024": "access port without port-security MAC limit",
    "SSN025": "DHCP snooping off or uplink not trusted",
    "SSN026": "unused port not shut in the black-hole VLAN",
    "SSN027": "unit switch not layer 2 with one management interface and one default route",
    "SSN028": "trunk VLANs differ from the plan",
    "SSN029": "VLAN in use is not defined with a name",
    "SSN030": "unit trunk VLANs differ from the VLANs on its core port",
    "SSN031": "gateway missing or not inside its unit's subnet",
    "SSN032": "VLAN in two zones or gateway in another zone's VRF",
    "SSN033": "subnet or address overlap",
    "SSN034": "secret in clear text or unknown placeholder",
    "SSN035": "trailing whitespace or tab",
    "SSN036": "city uplink count, prefix or VRF not per the grade profile",
    "SSN037": "malformed value (VLAN list, address)",
}


def _v(dev: Device, line: int, rule: str, message: str) -> Violation:
    return Violation(dev.file, line, rule, message)


def _role(dev: Device, network: Network) -> tuple[str, UnitPlan | None]:
    if dev.hostname == network.core.hostname:
        return "core", None
    for plan in network.plans.values():
        if plan.hostname == dev.hostname:
            return "unit", plan
    has_access = any(p.mode == "access" for p in dev.ports.values())
    return ("unit" if has_access else "core"), None


def check_device(dev: Device, network: Network) -> list[Violation]:
    """Every per-device rule; the unit/core role comes from the hostname."""
    role, plan = _role(dev, network)
    out = list(_management(dev, network))
    out += list(_snmp(dev, network))
    out += list(_trunks(dev, network, role, plan))
    if role == "unit":
        out += list(_unit(dev, network, plan))
    else:
        out += list(_core(dev, network))
    return out


def _management(dev: Device, network: Network) -> Iterator[Violation]:
    topo, h = network.topology, dev.hostname_line
    known = {p.hostname for p in network.plans.values()} | {network.core.hostname}
    if dev.hostname is None:
        yield _v(dev, 1, "SSN001", "no hostname (sysname/hostname)")
    elif dev.hostname not in known:
        yield _v(dev, h, "SSN001", f"hostname {dev.hostname} is not a switch of the inventory "
                 f"(pattern {topo.hostname_pattern})")
    for line in dev.telnet_on:
        yield _v(dev, line, "SSN002", "telnet is enabled")
    if not dev.telnet_off and not dev.telnet_on:
        yield _v(dev, h, "SSN002", "telnet server is not explicitly disabled")
    if not dev.ssh_on:
        yield _v(dev, h, "SSN003", "SSH server is not enabled (version 2)")
    for line in dev.ssh_v1:
        yield _v(dev, line, "SSN003", "SSHv1 compatibility is enabled")
    for line in dev.http_on:
        yield _v(dev, line, "SSN004", "HTTP/HTTPS server is enabled")
    missing = {"http", "https"} - dev.http_off
    if missing and not dev.http_on:
        yield _v(dev, h, "SSN004", f"{'/'.join(sorted(missing))} server not disabled")
    mgmt = IPNetwork(topo.mgmt_block)
    if not dev.vty:
        yield _v(dev, h, "SSN005", "no VTY lines configured")
    for vty in dev.vty:
        acl = vty.acl or dev.global_vty_acl
        if acl is None:
            yield _v(dev, vty.line, "SSN005", "VTY has no inbound ACL")
            continue
        entries = dev.acls.get(acl)
        if not entries:
            yield _v(dev, vty.line, "SSN005", f"VTY ACL {acl} is missing or empty")
            continue
        for line, action, net in entries:
            if action == "permit" and (net is None or net not in mgmt):
                yield _v(dev, line, "SSN005",
                         f"VTY ACL {acl} permits {net or 'any'} outside management {mgmt}")
    if not any(name == topo.admin_user for _, name in dev.users):
        yield _v(dev, h, "SSN006", f"no local admin account {topo.admin_user}")
    limit = topo.grade.idle_timeout_minutes
    for vty in dev.vty:
        if vty.idle_minutes is None:
            yield _v(dev, vty.line, "SSN007", "VTY has no idle timeout")
        elif vty.idle_minutes == 0 or vty.idle_minutes > limit:
            yield _v(dev, vty.line, "SSN007",
                     f"VTY idle timeout {vty.idle_minutes} min; grade allows 1-{limit}")
    max_fail = topo.grade.login_failure_limit
    if dev.login_limit is None:
        yield _v(dev, h, "SSN008", "no login-failure limit")
    elif not 0 < dev.login_limit[1] <= max_fail:
        yield _v(dev, dev.login_limit[0], "SSN008",
                 f"login-failure limit {dev.login_limit[1]}; grade allows at most {max_fail}")
    services = topo.services
    if not set(services.syslog) & set(dev.syslog):
        yield _v(dev, h, "SSN013", f"no syslog host {', '.join(services.syslog)}")
    if not set(services.ntp) & set(dev.ntp):
        yield _v(dev, h, "SSN014", f"no NTP server {', '.join(services.ntp)}")
    want = timezone_offset(services.timezone)
    if dev.tz is None:
        yield _v(dev, h, "SSN015", f"no timezone ({services.timezone})")
    elif dev.tz[1:] != want:
        yield _v(dev, dev.tz[0], "SSN015", f"timezone is not {services.timezone}")
    if not dev.location:
        yield _v(dev, h, "SSN016", "no sysLocation")
    if not dev.contact:
        yield _v(dev, h, "SSN016", "no sysContact")
    for line, what in dev.secrets:
        yield _v(dev, line, "SSN034", f"{what} in clear text (use a placeholder or a hash)")
    for line, ph in dev.placeholders:
        yield _v(dev, line, "SSN034", f"unknown placeholder {ph}")
    for line in dev.whitespace:
        yield _v(dev, line, "SSN035", "trailing whitespace or tab")
    for line, message in dev.malformed:
        yield _v(dev, line, "SSN037", message)


def _snmp(dev: Device, network: Network) -> Iterator[Violation]:
    h, services = dev.hostname_line, network.topology.services
    for line in dev.snmp_communities:
        yield _v(dev, line, "SSN009", "SNMP v1/v2c community or group")
    if dev.snmp_versions and dev.snmp_versions[1] != {"v3"}:
        yield _v(dev, dev.snmp_versions[0], "SSN010",
                 f"SNMP versions {' '.join(sorted(dev.snmp_versions[1]))}; only v3 allowed")
    if dev.platform != "cisco_ios" and dev.snmp_versions is None:
        yield _v(dev, h, "SSN010", "SNMP version not restricted to v3")
    if not dev.snmp_users:
        yield _v(dev, h, "SSN010", "no SNMPv3 user")
    for name, user in dev.snmp_users.items():
        line = int(str(user["line"]))
        auth, priv = str(user.get("auth", "")), str(user.get("priv", ""))
        if auth != "sha" or not priv.startswith("aes"):
            yield _v(dev, line, "SSN010",
                     f"SNMPv3 user {name} is not SHA + AES "
                     f"(auth {auth or '-'}, priv {priv or '-'})")
    nms = [IPNetwork(f"{ip}/32") for ip in services.nms]
    if not dev.snmp_groups:
        yield _v(dev, h, "SSN010", "no SNMPv3 group")
    for line, level, acl in dev.snmp_groups:
        if level != "privacy":
            yield _v(dev, line, "SSN010", f"SNMPv3 group security level {level}, not privacy")
        if acl is None:
            yield _v(dev, line, "SSN011", "SNMP group is not limited by an ACL")
            continue
        entries = dev.acls.get(acl)
        if not entries:
            yield _v(dev, line, "SSN011", f"SNMP ACL {acl} is missing or empty")
        for eline, action, net in entries or ():
            if action == "permit" and (net is None or not any(net == n for n in nms)):
                yield _v(dev, eline, "SSN011",
                         f"SNMP ACL {acl} permits {net or 'any'}, not the NMS")
    if not any(ip == services.trap_host for _, ip, _ in dev.trap_hosts):
        yield _v(dev, h, "SSN012", f"no SNMP trap host {services.trap_host}")
    for line, ip, v3priv in dev.trap_hosts:
        if not v3priv:
            yield _v(dev, line, "SSN012", f"trap host {ip} is not SNMPv3 authPriv")


def _trunks(dev: Device, network: Network, role: str, plan: UnitPlan | None) -> Iterator[Violation]:
    native = network.topology.native_vlan
    used = {p.access_vlan for p in dev.ports.values() if p.mode == "access"}
    for port in dev.ports.values():
        if port.mode != "trunk":
            continue
        line = port.allowed_line or port.line
        if port.allowed_all:
            yield _v(dev, line, "SSN017", f"trunk {port.name} allows all VLANs")
        if 1 in port.trunk_vlans:
            yield _v(dev, line, "SSN018", f"trunk {port.name} carries VLAN 1")
        if port.native is None or port.native != native:
            yield _v(dev, port.line, "SSN019",
                     f"trunk {port.name} native VLAN {port.native or 'default'}; want {native}")
        elif native in port.trunk_vlans or native in used:
            yield _v(dev, port.line, "SSN019", f"native VLAN {native} of {port.name} is in use")
    vlans_in_use: set[int] = set()
    for port in dev.ports.values():
        if port.mode == "access" and port.access_vlan:
            vlans_in_use.add(port.access_vlan)
        if port.mode == "trunk" and not port.allowed_all:
            vlans_in_use |= port.trunk_vlans
        if port.svi_vlan:
            vlans_in_use.add(port.svi_vlan)
    for vlan in sorted(vlans_in_use - {1}):
        name = dev.vlans.get(vlan)
        if name is None:
            yield _v(dev, dev.hostname_line, "SSN029", f"VLAN {vlan} is used but not defined")
        elif not name[0]:
            yield _v(dev, name[1], "SSN029", f"VLAN {vlan} has no name")


def _has_tokens(text: str | None, *tokens: str) -> bool:
    words = set((text or "").split())
    return all(t in words for t in tokens)


def _unit(dev: Device, network: Network, plan: UnitPlan | None) -> Iterator[Violation]:
    h = dev.hostname_line
    trunks = [p for p in dev.ports.values() if p.mode == "trunk"]
    access = [p for p in dev.ports.values() if p.mode == "access"]
    if len(trunks) != 1:
        yield _v(dev, h, "SSN027", f"{len(trunks)} trunk ports; a unit switch has one uplink")
    blackhole = network.topology.blackhole_vlan
    for port in access:
        if port.shutdown and port.access_vlan != blackhole:
            yield _v(dev, port.line, "SSN026",
                     f"{port.name} is shut but in VLAN {port.access_vlan}, not {blackhole}")
        if not port.shutdown and port.access_vlan == blackhole:
            yield _v(dev, port.line, "SSN026", f"{port.name} is in the black-hole VLAN but up")
        if port.shutdown:
            continue
        if not port.edge:
            yield _v(dev, port.line, "SSN021", f"{port.name} is not an edge port")
        if not (port.bpdu_guard or dev.bpdu_global):
            yield _v(dev, port.line, "SSN022", f"{port.name} has no BPDU protection")
        if not port.storm:
            yield _v(dev, port.line, "SSN023", f"{port.name} has no storm control")
        if port.port_security is None:
            yield _v(dev, port.line, "SSN024", f"{port.name} has no port-security MAC limit")
    if not dev.dhcp_snooping:
        yield _v(dev, h, "SSN025", "DHCP snooping is not enabled")
    for port in trunks:
        if not port.dhcp_trusted:
            yield _v(dev, port.line, "SSN025", f"uplink {port.name} is not DHCP-snooping trusted")
    l3 = [p for p in dev.ports.values() if p.ip is not None]
    mgmt_vlan = network.topology.mgmt_vlan
    if len(l3) != 1 or l3[0].svi_vlan != mgmt_vlan:
        names = ", ".join(p.name for p in l3) or "none"
        yield _v(dev, l3[0].line if l3 else h, "SSN027",
                 f"layer-3 interfaces: {names}; want only the VLAN {mgmt_vlan} interface")
    gw = network.topology.mgmt_gateway
    defaults = dev.default_routes
    if len(defaults) != 1 or defaults[0][2] != gw or defaults[0][1] is not None:
        yield _v(dev, defaults[0][0] if defaults else h, "SSN027",
                 f"{len(defaults)} default routes; want exactly one to {gw}")
    if plan is None:
        return
    up = dev.ports.get(plan.uplink_port)
    if up is None or up.mode != "trunk":
        yield _v(dev, h, "SSN028", f"uplink {plan.uplink_port} is not a trunk")
    else:
        if not up.allowed_all and up.trunk_vlans != set(plan.vlans):
            yield _v(dev, up.allowed_line or up.line, "SSN028",
                     f"uplink {up.name} carries {_fmt(up.trunk_vlans)}; plan {_fmt(plan.vlans)}")
        if not _has_tokens(up.description, network.core.hostname, plan.core_port, plan.circuit):
            yield _v(dev, up.line, "SSN020", f"uplink {up.name} description must name "
                     f"{network.core.hostname} {plan.core_port} {plan.circuit}")
    for name in plan.access_ports:
        if name not in dev.ports:
            yield _v(dev, h, "SSN026", f"access port {name} is not configured (unused: shut it "
                     f"in VLAN {blackhole})")
    svi = next((p for p in dev.ports.values() if p.svi_vlan == mgmt_vlan), None)
    if svi is not None and svi.ip is not None and str(svi.ip.ip) != plan.mgmt_ip:
        yield _v(dev, svi.line, "SSN027", f"management address {svi.ip.ip}; plan {plan.mgmt_ip}")


def _fmt(vlans: Iterable[int]) -> str:
    return ",".join(f"{a}" if a == b else f"{a}-{b}" for a, b in vlan_runs(vlans))


def _core(dev: Device, network: Network) -> Iterator[Violation]:
    core, topo, h = network.core, network.topology, dev.hostname_line
    for plan in core.units:
        port = dev.ports.get(plan.core_port)
        if port is None or port.mode != "trunk":
            yield _v(dev, h, "SSN028", f"core port {plan.core_port} of {plan.hostname} is not "
                     "a trunk")
            continue
        if not port.allowed_all and port.trunk_vlans != set(plan.vlans):
            yield _v(dev, port.allowed_line or port.line, "SSN028",
                     f"{port.name} carries {_fmt(port.trunk_vlans)}; {plan.hostname} plan "
                     f"{_fmt(plan.vlans)}")
        if not _has_tokens(port.description, plan.hostname, plan.uplink_port, plan.circuit):
            yield _v(dev, port.line, "SSN020", f"{port.name} description must name "
                     f"{plan.hostname} {plan.uplink_port} {plan.circuit}")
    # Gateways: every unit zone has its SVI, inside the unit's subnet, in the zone's VRF.
    zone_of: dict[int, set[str]] = defaultdict(set)
    owner: dict[int, tuple[UnitPlan, ZonePlan]] = {}
    for plan in core.units:
        for z in plan.zones:
            zone_of[z.vlan].add(z.zone)
            owner[z.vlan] = (plan, z)
    for vlan, zones in sorted(zone_of.items()):
        if len(zones) > 1:
            yield _v(dev, h, "SSN032", f"VLAN {vlan} is in zones {', '.join(sorted(zones))}")
    svis = {p.svi_vlan: p for p in dev.ports.values() if p.svi_vlan is not None}
    for vlan, (plan, z) in sorted(owner.items()):
        svi = svis.get(vlan)
        subnet = IPNetwork(z.subnet)
        if svi is None or svi.ip is None:
            yield _v(dev, h, "SSN031", f"no gateway for VLAN {vlan} ({plan.hostname} "
                     f"{z.zone}, {subnet})")
            continue
        if svi.ip.ip not in subnet or svi.ip.prefixlen != subnet.prefixlen:
            yield _v(dev, svi.line, "SSN031",
                     f"gateway {svi.ip} of VLAN {vlan} is not in {plan.hostname}'s subnet {subnet}")
        if svi.vrf != z.vrf:
            yield _v(dev, svi.line, "SSN032", f"gateway of VLAN {vlan} is in VRF "
                     f"{svi.vrf or 'global'}, not {z.vrf} of zone {z.zone}")
    for vlan, svi in sorted(svis.items()):
        if vlan not in owner and vlan != topo.mgmt_vlan and svi.ip is not None:
            yield _v(dev, svi.line, "SSN032", f"gateway of VLAN {vlan} belongs to no unit zone")
    yield from _overlaps(dev)
    # City uplinks: routed, /30 or /31, in their VRF, as many as the grade profile says.
    routed = [p for p in dev.ports.values()
              if p.mode == "routed" and p.svi_vlan is None and not p.loopback]
    if len(routed) != topo.grade.city_uplinks:
        yield _v(dev, h, "SSN036", f"{len(routed)} routed city uplinks; grade "
                 f"{topo.grade.name} wants {topo.grade.city_uplinks}")
    for up in core.city_uplinks:
        port = dev.ports.get(up.port)
        if port is None or port.mode != "routed" or port.ip is None:
            yield _v(dev, h, "SSN036", f"city uplink {up.port} is not a routed port with an "
                     "address")
            continue
        if port.ip.prefixlen not in (30, 31) or port.vrf != up.vrf:
            yield _v(dev, port.line, "SSN036",
                     f"city uplink {up.port}: /{port.ip.prefixlen} in VRF {port.vrf or 'global'};"
                     f" want /30 or /31 in {up.vrf}")
        if not _has_tokens(port.description, up.peer, up.circuit):
            yield _v(dev, port.line, "SSN020", f"city uplink {up.port} description must name "
                     f"{up.peer} and {up.circuit}")


def _overlaps(dev: Device) -> Iterator[Violation]:
    nets = sorted(((p.ip.cidr, p) for p in dev.ports.values() if p.ip is not None),
                  key=lambda item: (item[0].first, -item[0].last))
    for (a, pa), (b, pb) in itertools.pairwise(nets):
        if b.first <= a.last:
            yield _v(dev, pb.line, "SSN033", f"{pb.name} {b} overlaps {pa.name} {a}")


def check_cross(devices: list[Device], network: Network) -> list[Violation]:
    """Rules only the whole set of files can check: unit trunk == its core port, unique
    management addresses."""
    out: list[Violation] = []
    by_host = {d.hostname: d for d in devices if d.hostname}
    core = by_host.get(network.core.hostname)
    for plan in network.plans.values():
        unit = by_host.get(plan.hostname)
        if unit is None or core is None:
            continue
        up, down = unit.ports.get(plan.uplink_port), core.ports.get(plan.core_port)
        if up is None or down is None:
            continue
        if up.trunk_vlans != down.trunk_vlans or up.allowed_all != down.allowed_all:
            out.append(_v(unit, up.allowed_line or up.line, "SSN030",
                          f"uplink {up.name} carries {_fmt(up.trunk_vlans)} but "
                          f"{core.hostname} {down.name} carries {_fmt(down.trunk_vlans)}"))
        if up.native != down.native:
            out.append(_v(unit, up.line, "SSN030", f"native VLAN {up.native} differs from "
                          f"{core.hostname} {down.name} native {down.native}"))
    seen: dict[IPAddress, Device] = {}
    for dev in devices:
        for port in dev.ports.values():
            if port.ip is None or port.vrf is not None:
                continue
            if port.ip.ip in seen and seen[port.ip.ip] is not dev:
                out.append(_v(dev, port.line, "SSN033",
                              f"address {port.ip.ip} also on {seen[port.ip.ip].hostname}"))
            seen.setdefault(port.ip.ip, dev)
    return out


__all__ = ["RULES", "Port", "check_cross", "check_device"]
