"""Read switch configurations of all three platforms into comparable facts, then run the rules.

Why facts and not regexes per rule: the same rule ("access ports have BPDU protection") is
spelt three ways; each dialect is read once into a `Device` (ports, VLANs, ACLs, SNMP, ...),
and the rules in `lint_rules` are written once against it. Works on rendered and hand-written
files alike; platform from the content, else from the hostname in the inventory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from netaddr import AddrFormatError, IPAddress, IPNetwork

from shaoshan_net.model import Network
from shaoshan_net.platforms import PLACEHOLDERS, PLATFORMS


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    """One finding: `file:line: ID message` (the format editors and CI annotate)."""

    file: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.rule} {self.message}"


# ---------------------------------------------------------------------------------------------
# Parsing: every dialect into top-level commands with their (flattened) children
# ---------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Line:
    no: int
    text: str


@dataclass(slots=True)
class Section:
    head: Line
    children: list[Line] = field(default_factory=list)


def parse_sections(text: str) -> list[Section]:
    """Top-level commands and their children, for `#`/`!`-separated configurations.

    A separator in column 0 closes the open section, so VRP/Comware global commands printed
    with one leading space after a `#` are top-level, not children of the previous view.
    """
    out: list[Section] = []
    current: Section | None = None
    for no, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped:
            continue
        if raw[0] in "#!":
            current = None
            continue
        if stripped in ("!", "#"):
            continue  # IOS ` !` inside a section
        if raw[0] != " " and raw[0] != "\t":
            current = Section(Line(no, stripped))
            out.append(current)
        elif current is not None:
            current.children.append(Line(no, stripped))
        else:
            out.append(Section(Line(no, stripped)))
    return out


def detect_platform(text: str) -> str | None:
    """The platform by unmistakable words of its dialect; None when no word decides."""
    scores = {
        "cisco_ios": len(re.findall(
            r"^ ?(hostname |switchport |ip default-gateway |line vty |snmp-server |logging host )",
            text, re.M)),
        "huawei_vrp": len(re.findall(
            r"^ ?(interface Vlanif\d|port trunk allow-pass |user-interface |stelnet |vlan batch |"
            r"port default vlan |local-user \S+ password irreversible-cipher )", text, re.M)),
        "h3c_comware": len(re.findall(
            r"^ ?(interface Vlan-interface\d|port trunk permit |port access vlan |port link-mode |"
            r"acl basic |password-control |stp edged-port$)", text, re.M)),
    }
    if re.search(r"^ ?sysname ", text, re.M):
        scores["cisco_ios"] = 0
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None


# ---------------------------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Port:
    """One interface as far as the rules care."""

    name: str
    line: int
    description: str | None = None
    mode: str | None = None  # access | trunk | hybrid | routed
    access_vlan: int | None = None
    allowed: set[int] = field(default_factory=set)
    allowed_all: bool = False
    allowed_line: int | None = None
    vlan1_removed: bool = False
    native: int | None = None
    shutdown: bool = False
    edge: bool = False
    bpdu_guard: bool = False
    storm: bool = False
    port_security: int | None = None
    dhcp_trusted: bool = False
    ip: IPNetwork | None = None
    vrf: str | None = None
    svi_vlan: int | None = None
    loopback: bool = False

    @property
    def trunk_vlans(self) -> set[int]:
        """VLANs the trunk really carries (VRP/Comware allow VLAN 1 unless removed)."""
        vlans = set(range(1, 4095)) if self.allowed_all else set(self.allowed)
        if self.vlan1_removed:
            vlans.discard(1)
        return vlans


@dataclass(slots=True)
class Vty:
    line: int
    acl: str | None = None
    idle_minutes: int | None = None
    transports: set[str] | None = None  # None: not stated (device default)


@dataclass(slots=True)
class Device:
    """What a configuration file says, in platform-neutral terms (line numbers kept)."""

    file: str
    platform: str
    hostname: str | None = None
    hostname_line: int = 1
    vlans: dict[int, tuple[str | None, int]] = field(default_factory=dict)
    ports: dict[str, Port] = field(default_factory=dict)
    acls: dict[str, list[tuple[int, str, IPNetwork | None]]] = field(default_factory=dict)
    vty: list[Vty] = field(default_factory=list)
    global_vty_acl: str | None = None  # Comware `ssh server acl N`
    ssh_on: bool = False
    ssh_v1: list[int] = field(default_factory=list)
    telnet_on: list[int] = field(default_factory=list)
    telnet_off: bool = False
    http_on: list[int] = field(default_factory=list)
    http_off: set[str] = field(default_factory=set)  # "http", "https"
    users: list[tuple[int, str]] = field(default_factory=list)
    login_limit: tuple[int, int] | None = None
    bpdu_global: bool = False
    dhcp_snooping: bool = False
    snmp_communities: list[int] = field(default_factory=list)
    snmp_versions: tuple[int, set[str]] | None = None
    snmp_groups: list[tuple[int, str, str | None]] = field(default_factory=list)  # level, acl
    snmp_users: dict[str, dict[str, object]] = field(default_factory=dict)
    trap_hosts: list[tuple[int, str, bool]] = field(default_factory=list)  # ip, v3 priv
    location: str | None = None
    contact: str | None = None
    syslog: list[str] = field(default_factory=list)
    ntp: list[str] = field(default_factory=list)
    tz: tuple[int, str, int, int] | None = None
    default_routes: list[tuple[int, str | None, str]] = field(default_factory=list)
    vrfs: set[str] = field(default_factory=set)
    secrets: list[tuple[int, str]] = field(default_factory=list)  # (line, what) in clear
    placeholders: list[tuple[int, str]] = field(default_factory=list)
    whitespace: list[int] = field(default_factory=list)
    malformed: list[tuple[int, str]] = field(default_factory=list)

    def port_line(self, name: str) -> int:
        port = self.ports.get(name)
        return port.line if port else self.hostname_line


def _ipnet(addr: str, mask: str) -> IPNetwork | None:
    try:
        return IPNetwork(f"{addr}/{mask}")
    except (AddrFormatError, ValueError):
        return None


def _acl_entry(words: list[str]) -> IPNetwork | None:
    """`source A W` / `A W` / `host A` / `A` / `any` -> network (None = any)."""
    if not words or words[0] == "any":
        return None
    if words[0] == "host" and len(words) > 1:
        return _ipnet(words[1], "32")
    if len(words) >= 2 and re.fullmatch(r"[\d.]+", words[1]):
        if words[1] == "0":
            return _ipnet(words[0], "32")
        try:
            wild = IPAddress(words[1])
            return _ipnet(words[0], str(IPAddress(0xFFFFFFFF ^ int(wild))))
        except (AddrFormatError, ValueError):
            return None
    return _ipnet(words[0], "32")


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _secret_ok(value: str) -> bool:
    """A placeholder or a device-stored cipher/hash (never a secret typed in clear)."""
    return value in PLACEHOLDERS or value[:1] in ("$", "@") or value.startswith("%^%#") \
        or value.startswith("%$%$") or value.startswith("%@%@")


def _common(dev: Device, text: str) -> None:
    for no, raw in enumerate(text.splitlines(), 1):
        if raw != raw.rstrip() or "\t" in raw:
            dev.whitespace.append(no)
        for ph in re.findall(r"%[A-Z][A-Z0-9_]*%", raw):
            if ph not in PLACEHOLDERS:
                dev.placeholders.append((no, ph))


def _vrp_comware(dev: Device, sections: list[Section], comware: bool) -> None:
    p = PLATFORMS[dev.platform]
    for sec in sections:
        head, words = sec.head.text, sec.head.text.split()
        no = sec.head.no
        if head.startswith("sysname "):
            dev.hostname, dev.hostname_line = head.split(None, 1)[1], no
        elif head.startswith("vlan batch "):
            for v in _vlans(dev, p.name, head[len("vlan batch "):], no):
                dev.vlans.setdefault(v, (None, no))
        elif re.fullmatch(r"vlan \d+( to \d+)?", head):
            name = next((c.text.split(None, 1)[1] for c in sec.children
                         if c.text.startswith("name ") and " " in c.text), None)
            for v in _vlans(dev, p.name, head[5:], no):
                dev.vlans[v] = (name, no)
        elif head == "stp bpdu-protection":
            dev.bpdu_global = True
        elif head == "dhcp snooping enable":
            dev.dhcp_snooping = True
        elif m := re.fullmatch(r"clock timezone \S+ (add|minus) (\d+):(\d+)(?::\d+)?", head):
            dev.tz = (no, "+" if m.group(1) == "add" else "-", int(m.group(2)), int(m.group(3)))
        elif head == "aaa":
            for c in sec.children:
                if m := re.match(r"local-user (\S+) password (\S+) (\S+)", c.text):
                    dev.users.append((c.no, m.group(1)))
                    if m.group(2) == "simple" or not _secret_ok(m.group(3)):
                        dev.secrets.append((c.no, f"password of local user {m.group(1)}"))
                elif m := re.match(r"local-aaa-user wrong-password .*retry-time (\d+)", c.text):
                    dev.login_limit = (c.no, int(m.group(1)))
        elif comware and (m := re.fullmatch(r"local-user (\S+)(?: class \S+)?", head)):
            dev.users.append((no, m.group(1)))
            for c in sec.children:
                m2 = re.match(r"password (simple|cipher|hash) (\S+)", c.text)
                if m2 and m2.group(1) == "simple" and m2.group(2) not in PLACEHOLDERS:
                    dev.secrets.append((c.no, f"password of local user {m.group(1)}"))
        elif m := re.match(r"password-control login-attempt (\d+)", head):
            dev.login_limit = (no, int(m.group(1)))
        elif m := re.fullmatch(r"acl (?:number |basic |advanced )?(?:name )?(\S+)(?: .*)?", head):
            entries = dev.acls.setdefault(m.group(1), [])
            for c in sec.children:
                if rm := re.match(r"rule \d+ (permit|deny)(?: ip)?(?: source (.*))?$", c.text):
                    src = (rm.group(2) or "any").split()
                    entries.append((c.no, rm.group(1), _acl_entry(src)))
        elif head.startswith("interface "):
            dev.ports[words[1]] = _vrp_comware_port(dev, words[1], sec, comware)
        elif head == "telnet server enable":
            dev.telnet_on.append(no)
        elif head == "undo telnet server enable":
            dev.telnet_off = True
        elif head in ("stelnet server enable", "ssh server enable"):
            dev.ssh_on = True
        elif re.fullmatch(r"ssh server compatible-ssh1x(?: enable)?", head):
            dev.ssh_v1.append(no)
        elif m := re.fullmatch(r"ssh server acl (\S+)", head):
            dev.global_vty_acl = m.group(1)
        elif head in ("http server enable", "http secure-server enable", "ip http enable",
                      "ip https enable"):
            dev.http_on.append(no)
        elif head in ("undo http server enable", "undo ip http enable"):
            dev.http_off.add("http")
        elif head in ("undo http secure-server enable", "undo ip https enable"):
            dev.http_off.add("https")
        elif m := re.fullmatch(r"info-center loghost (?:vpn-instance \S+ )?(\S+).*", head):
            dev.syslog.append(m.group(1))
        elif m := re.fullmatch(r"ntp-service unicast-server (?:vpn-instance \S+ )?(\S+).*", head):
            dev.ntp.append(m.group(1))
        elif head.startswith("snmp-agent"):
            _vrp_comware_snmp(dev, no, head, comware)
        elif m := re.fullmatch(r"(?:user-interface|line) vty \d+(?: \d+)?", head):
            vty = Vty(no)
            for c in sec.children:
                if am := re.fullmatch(r"acl (?:ipv6 )?(\S+) inbound", c.text):
                    vty.acl = am.group(1)
                elif im := re.fullmatch(r"idle-timeout (\d+)(?: (\d+))?", c.text):
                    vty.idle_minutes = int(im.group(1)) + (1 if int(im.group(2) or 0) else 0)
                elif pm := re.fullmatch(r"protocol inbound (\S+)", c.text):
                    vty.transports = {"telnet", "ssh"} if pm.group(1) == "all" else {pm.group(1)}
            dev.vty.append(vty)
        elif m := re.fullmatch(
            r"ip route-static (?:vpn-instance (\S+) )?0\.0\.0\.0 (?:0|0\.0\.0\.0) (\S+).*", head
        ):
            dev.default_routes.append((no, m.group(1), m.group(2)))
        elif m := re.fullmatch(r"ip vpn-instance (\S+)", head):
            dev.vrfs.add(m.group(1))
    if comware:
        # Comware 7 defaults, which its display never prints: telnet server and HTTPS are off
        # unless `telnet server enable` / `ip https enable` stand (HTTP is on by default and
        # is still required as `undo ip http enable`).
        dev.telnet_off = not dev.telnet_on
        if not any(_line_text(sections, no) == "ip https enable" for no in dev.http_on):
            dev.http_off.add("https")


def _line_text(sections: list[Section], no: int) -> str | None:
    """The top-level command on line `no`."""
    return next((sec.head.text for sec in sections if sec.head.no == no), None)


def _key_in_clear(line: str, value: str, comware: bool) -> bool:
    """An SNMP key typed in clear: `simple KEY`, or on VRP a value that is no cipher."""
    if value in PLACEHOLDERS:
        return False
    return " simple " in f" {line} " or (not comware and not _secret_ok(value))


def _vrp_comware_snmp(dev: Device, no: int, head: str, comware: bool) -> None:
    if re.match(r"snmp-agent community ", head):
        dev.snmp_communities.append(no)
    elif m := re.fullmatch(r"snmp-agent sys-info version (.+)", head):
        dev.snmp_versions = (no, set(m.group(1).split()))
    elif m := re.fullmatch(r"snmp-agent sys-info location (.+)", head):
        dev.location = m.group(1)
    elif m := re.fullmatch(r"snmp-agent sys-info contact (.+)", head):
        dev.contact = m.group(1)
    elif m := re.match(r"snmp-agent group (v1|v2c|v3) (\S+)(?: (\S+))?", head):
        if m.group(1) != "v3":
            dev.snmp_communities.append(no)
        else:
            acl = re.search(r" acl (?:name )?(\S+)", head)
            dev.snmp_groups.append((no, m.group(3) or "noauthentication",
                                    acl.group(1) if acl else None))
    elif m := re.match(r"snmp-agent usm-user v3 (\S+)", head):
        user = dev.snmp_users.setdefault(m.group(1), {"line": no})
        if am := re.search(r"authentication-mode (\S+)(?: (cipher|simple))? (\S+)", head):
            user["auth"] = am.group(1)
            if _key_in_clear(head, am.group(3), comware):
                dev.secrets.append((no, f"SNMP authentication key of {m.group(1)}"))
        if pm := re.search(r"privacy-mode (\S+)(?: (cipher|simple))? (\S+)", head):
            user["priv"] = pm.group(1)
            if _key_in_clear(head, pm.group(3), comware):
                dev.secrets.append((no, f"SNMP privacy key of {m.group(1)}"))
    elif m := re.match(r"snmp-agent target-host trap address udp-domain (\S+) .*params "
                       r"securityname \S+(.*)", head):
        tail = m.group(2).split()
        dev.trap_hosts.append((no, m.group(1), tail[:2] == ["v3", "privacy"]))


def _vlans(dev: Device, platform: str, text: str, line: int) -> set[int]:
    """A VLAN list in the platform's syntax; a malformed one is recorded, not fatal."""
    try:
        vlans = PLATFORMS[platform].parse_vlans(text)
    except ValueError:
        dev.malformed.append((line, f"unreadable VLAN list {text.strip()!r}"))
        return set()
    if any(not 1 <= v <= 4094 for v in vlans):
        dev.malformed.append((line, f"VLAN out of 1-4094 in {text.strip()!r}"))
        return {v for v in vlans if 1 <= v <= 4094}
    return vlans


def _vrp_comware_port(dev: Device, name: str, sec: Section, comware: bool) -> Port:
    spec = PLATFORMS["h3c_comware" if comware else "huawei_vrp"]
    port = Port(name, sec.head.no)
    if m := re.fullmatch(re.escape(spec.svi_prefix) + r"(\d+)", name):
        port.svi_vlan, port.mode = int(m.group(1)), "routed"
    if name.lower().startswith("loopback"):
        port.loopback, port.mode = True, "routed"
    allow_key = "port trunk permit vlan " if comware else "port trunk allow-pass vlan "
    for c in sec.children:
        t = c.text
        if t.startswith("description "):
            port.description = t[len("description "):]
        elif m := re.fullmatch(r"port link-type (\S+)", t):
            port.mode = m.group(1)
        elif t in ("undo portswitch", "port link-mode route"):
            port.mode = "routed"
        elif m := re.fullmatch(r"port (?:default|access) vlan (\d+)", t):
            port.access_vlan = int(m.group(1))
        elif t.startswith(allow_key):
            rest = t[len(allow_key):]
            port.allowed_line = port.allowed_line or c.no
            if "all" in rest.split():
                port.allowed_all = True
            else:
                port.allowed |= _vlans(dev, spec.name, rest, c.no)
        elif t == "undo " + allow_key + "1":
            port.vlan1_removed = True
        elif m := re.fullmatch(r"port trunk pvid vlan (\d+)", t):
            port.native = int(m.group(1))
        elif t == "shutdown":
            port.shutdown = True
        elif t in ("stp edged-port enable", "stp edged-port"):
            port.edge = True
        elif t == "stp bpdu-protection":
            port.bpdu_guard = True
        elif re.match(r"(storm-control (broadcast|multicast)|broadcast-suppression|"
                      r"storm-constrain broadcast)", t):
            port.storm = True
        elif m := re.fullmatch(r"port-security (?:max-mac-num|max-mac-count) (\d+)", t):
            port.port_security = int(m.group(1))
        elif t in ("dhcp snooping trusted", "dhcp snooping trust"):
            port.dhcp_trusted = True
        elif m := re.fullmatch(r"ip address (\S+) (\S+)", t):
            port.ip = _ipnet(m.group(1), m.group(2))
        elif m := re.fullmatch(r"ip binding vpn-instance (\S+)", t):
            port.vrf = m.group(1)
    if comware and port.mode is None and port.svi_vlan is None and not port.loopback:
        port.mode = "access"  # Comware's default link type; not printed
    if comware and port.mode == "access" and port.access_vlan is None:
        port.access_vlan = 1
    if port.mode == "trunk":
        port.allowed.add(1)  # VRP and Comware trunks pass VLAN 1 unless it is removed
    return port


def _ios(dev: Device, sections: list[Section]) -> None:
    p = PLATFORMS["cisco_ios"]
    bpdu_default = False
    for sec in sections:
        head, no = sec.head.text, sec.head.no
        if head.startswith("hostname "):
            dev.hostname, dev.hostname_line = head.split(None, 1)[1], no
        elif m := re.fullmatch(r"vlan ([\d,\-]+)", head):
            name = next((c.text.split(None, 1)[1] for c in sec.children
                         if c.text.startswith("name ") and " " in c.text), None)
            for v in _vlans(dev, p.name, m.group(1), no):
                dev.vlans[v] = (name, no)
        elif head == "spanning-tree portfast bpduguard default":
            bpdu_default = True
        elif head == "ip dhcp snooping":
            dev.dhcp_snooping = True
        elif m := re.fullmatch(r"clock timezone \S+ (-?)(\d+)(?: (\d+))?", head):
            dev.tz = (no, m.group(1) or "+", int(m.group(2)), int(m.group(3) or 0))
        elif m := re.match(r"username (\S+)(?: privilege \d+)? (secret|password)(?: (\d))? (\S+)",
                           head):
            dev.users.append((no, m.group(1)))
            kind, enc, value = m.group(2), m.group(3), m.group(4)
            if value not in PLACEHOLDERS and (
                enc in (None, "0", "7") or (kind == "password" and enc != "7" and not enc)
            ):
                dev.secrets.append((no, f"secret of user {m.group(1)}"))
        elif m := re.match(r"enable (password|secret)(?: (\d))? (\S+)", head):
            if m.group(3) not in PLACEHOLDERS and m.group(2) in (None, "0", "7"):
                dev.secrets.append((no, "enable secret"))
        elif m := re.match(r"login block-for \d+ attempts (\d+)", head):
            dev.login_limit = (no, int(m.group(1)))
        elif head == "ip ssh version 2":
            dev.ssh_on = True
        elif head == "ip ssh version 1":
            dev.ssh_v1.append(no)
        elif head in ("ip http server", "ip http secure-server"):
            dev.http_on.append(no)
        elif head == "no ip http server":
            dev.http_off.add("http")
        elif head == "no ip http secure-server":
            dev.http_off.add("https")
        elif m := re.fullmatch(r"ip access-list standard (\S+)", head):
            entries = dev.acls.setdefault(m.group(1), [])
            for c in sec.children:
                words = c.text.split()
                if words and words[0].isdigit():
                    words = words[1:]
                if words and words[0] in ("permit", "deny"):
                    entries.append((c.no, words[0], _acl_entry(words[1:])))
        elif m := re.fullmatch(r"access-list (\d+) (permit|deny) (.+)", head):
            dev.acls.setdefault(m.group(1), []).append(
                (no, m.group(2), _acl_entry(m.group(3).split())))
        elif head.startswith("interface "):
            dev.ports[head.split()[1]] = _ios_port(dev, head.split()[1], sec)
        elif m := re.fullmatch(r"line vty \d+(?: \d+)?", head):
            vty = Vty(no)
            for c in sec.children:
                if am := re.fullmatch(r"access-class (\S+) in(?: vrf-also)?", c.text):
                    vty.acl = am.group(1)
                elif im := re.fullmatch(r"exec-timeout (\d+)(?: (\d+))?", c.text):
                    vty.idle_minutes = int(im.group(1)) + (1 if int(im.group(2) or 0) else 0)
                elif tm := re.fullmatch(r"transport input (.+)", c.text):
                    words = set(tm.group(1).split())
                    vty.transports = {"telnet", "ssh"} if "all" in words else words - {"none"}
            dev.vty.append(vty)
        elif m := re.fullmatch(r"(?:logging host|logging) (\d+\.\d+\.\d+\.\d+).*", head):
            dev.syslog.append(m.group(1))
        elif m := re.fullmatch(r"ntp server (?:vrf \S+ )?(\S+).*", head):
            dev.ntp.append(m.group(1))
        elif head.startswith("snmp-server "):
            _ios_snmp(dev, no, head)
        elif m := re.fullmatch(r"ip default-gateway (\S+)", head):
            dev.default_routes.append((no, None, m.group(1)))
        elif m := re.fullmatch(r"ip route (?:vrf (\S+) )?0\.0\.0\.0 0\.0\.0\.0 (\S+).*", head):
            dev.default_routes.append((no, m.group(1), m.group(2)))
        elif m := re.fullmatch(r"(?:vrf definition|ip vrf) (\S+)", head):
            dev.vrfs.add(m.group(1))
    for port in dev.ports.values():
        if bpdu_default and port.edge:
            port.bpdu_guard = True
    # Comware/VRP keep BPDU protection global; IOS per port: the global flag means "all edges".
    dev.bpdu_global = all(p.bpdu_guard for p in dev.ports.values() if p.edge) and any(
        p.edge for p in dev.ports.values()
    )
    dev.telnet_off = bool(dev.vty) and all(v.transports == {"ssh"} for v in dev.vty)
    dev.telnet_on += [v.line for v in dev.vty if v.transports is None or "telnet" in v.transports]


def _ios_snmp(dev: Device, no: int, head: str) -> None:
    words = head.split()
    if words[1] == "community":
        dev.snmp_communities.append(no)
    elif words[1] == "location":
        dev.location = head.split(None, 2)[2] if len(words) > 2 else None
    elif words[1] == "contact":
        dev.contact = head.split(None, 2)[2] if len(words) > 2 else None
    elif words[1] == "group" and len(words) >= 4:
        if words[3] != "v3":
            dev.snmp_communities.append(no)
        else:
            level = words[4] if len(words) > 4 else "noauth"
            acl = words[words.index("access") + 1] if "access" in words[:-1] else None
            dev.snmp_groups.append((no, {"priv": "privacy", "auth": "authentication"}.get(
                level, "noauthentication"), acl))
    elif words[1] == "user" and len(words) >= 5:
        user: dict[str, object] = {"line": no}
        if "v3" not in words:
            dev.snmp_communities.append(no)
        if "auth" in words[:-2]:
            user["auth"] = words[words.index("auth") + 1]
            if words[words.index("auth") + 2] not in PLACEHOLDERS:
                dev.secrets.append((no, f"SNMP authentication key of {words[2]}"))
        if "priv" in words[:-2]:
            i = words.index("priv")
            algo = words[i + 1]
            key_at = i + 3 if algo == "aes" and words[i + 2].isdigit() else i + 2
            user["priv"] = algo + (words[i + 2] if key_at == i + 3 else "")
            if key_at < len(words) and words[key_at] not in PLACEHOLDERS:
                dev.secrets.append((no, f"SNMP privacy key of {words[2]}"))
        dev.snmp_users[words[2]] = user
    elif words[1] == "host" and len(words) >= 3:
        v3priv = "version" in words and words[words.index("version") + 1:][:2] == ["3", "priv"]
        if "version" not in words or words[words.index("version") + 1] in ("1", "2c"):
            dev.snmp_communities.append(no)
        dev.trap_hosts.append((no, words[2], v3priv))


def _ios_port(dev: Device, name: str, sec: Section) -> Port:
    port = Port(name, sec.head.no)
    if m := re.fullmatch(r"Vlan(\d+)", name):
        port.svi_vlan, port.mode = int(m.group(1)), "routed"
    if name.lower().startswith("loopback"):
        port.loopback, port.mode = True, "routed"
    port_security_on, port_security_max = False, 1
    for c in sec.children:
        t = c.text
        if t.startswith("description "):
            port.description = t[len("description "):]
        elif m := re.fullmatch(r"switchport mode (\S+)", t):
            port.mode = m.group(1)
        elif t == "no switchport":
            port.mode = "routed"
        elif m := re.fullmatch(r"switchport access vlan (\d+)", t):
            port.access_vlan = int(m.group(1))
        elif m := re.fullmatch(r"switchport trunk allowed vlan (add |remove |except )?(.+)", t):
            port.allowed_line = port.allowed_line or c.no
            verb, rest = (m.group(1) or "").strip(), m.group(2).strip()
            if rest == "all":
                port.allowed_all = True
            elif rest == "none":
                port.allowed = set()
            elif verb == "remove":
                port.allowed -= _vlans(dev, "cisco_ios", rest, c.no)
            elif verb == "except":
                port.allowed = set(range(1, 4095)) - _vlans(dev, "cisco_ios", rest, c.no)
            else:
                listed = _vlans(dev, "cisco_ios", rest, c.no)
                port.allowed = (port.allowed if verb == "add" else set()) | listed
        elif m := re.fullmatch(r"switchport trunk native vlan (\d+)", t):
            port.native = int(m.group(1))
        elif t == "shutdown":
            port.shutdown = True
        elif t in ("spanning-tree portfast", "spanning-tree portfast edge"):
            port.edge = True
        elif t == "spanning-tree bpduguard enable":
            port.bpdu_guard = True
        elif t.startswith(("storm-control broadcast", "storm-control multicast")):
            port.storm = True
        elif t == "switchport port-security":
            port_security_on = True
        elif m := re.fullmatch(r"switchport port-security maximum (\d+)", t):
            port_security_max = int(m.group(1))
        elif t == "ip dhcp snooping trust":
            port.dhcp_trusted = True
        elif m := re.fullmatch(r"ip address (\S+) (\S+)", t):
            port.ip = _ipnet(m.group(1), m.group(2))
        elif m := re.fullmatch(r"(?:ip )?vrf forwarding (\S+)", t):
            port.vrf = m.group(1)
    if port_security_on:
        port.port_security = port_security_max
    if port.mode == "trunk":
        if port.allowed_line is None:
            port.allowed_all = True  # IOS trunks carry every VLAN unless listed
        if port.native is None:
            port.native = 1
    return port


def read_device(file: str, text: str, platform: str | None = None) -> Device:
    """Facts of one configuration; `platform` when the caller knows it (else from content)."""
    chosen = platform or detect_platform(text)
    if chosen is None:
        raise ValueError("cannot tell the platform (VRP, Comware or IOS) from the content")
    dev = Device(file=file, platform=chosen)
    sections = parse_sections(text)
    if chosen == "cisco_ios":
        _ios(dev, sections)
    else:
        _vrp_comware(dev, sections, comware=chosen == "h3c_comware")
    _common(dev, text)
    return dev


def lint_texts(
    texts: dict[str, str], network: Network, platforms: dict[str, str] | None = None
) -> list[Violation]:
    """Lint configurations given as {file name: text} against the network's rules.

    `platforms` may name the platform of a file (e.g. render knows it); otherwise it comes
    from the content, or from the inventory by hostname.
    """
    from shaoshan_net.lint_rules import check_cross, check_device

    by_host = {p.hostname: network.unit(code).platform for code, p in network.plans.items()}
    by_host[network.core.hostname] = network.core.platform
    devices: list[Device] = []
    out: list[Violation] = []
    for file, text in texts.items():
        platform = (platforms or {}).get(file) or detect_platform(text)
        if platform is None:
            m = re.search(r"^ ?(?:sysname|hostname) (\S+)", text, re.M)
            platform = by_host.get(m.group(1)) if m else None
        if platform is None:
            out.append(Violation(file, 1, "SSN000", "cannot tell the platform "
                                 "(VRP, Comware or IOS) from the content or the hostname"))
            continue
        dev = read_device(file, text, platform)
        devices.append(dev)
        out.extend(check_device(dev, network))
    out.extend(check_cross(devices, network))
    return sorted(set(out))


def lint_files(paths: Iterable[Path], network: Network) -> list[Violation]:
    """Lint configuration files (read as UTF-8); see `lint_texts`."""
    return lint_texts({str(p): Path(p).read_text(encoding="utf-8") for p in paths}, network)
