"""Printing a configuration the way each vendor's `display`/`show` does.

Bracket vendors (VRP, Comware): `#` between blocks, one-space-indented section bodies, ends with
`return`; Comware indents global lines by one space too. IOS: `!` separators, ends with `end`.
Order: hostname, VLANs, global lines, then sections grouped by kind (VPN instances, ACLs,
AAA, VLAN sections, interfaces, lines/user-interfaces), each group in insertion order.
"""

from __future__ import annotations

from .config import Config, Section
from .dialect import Dialect, section_body
from .grammar import format_vlans_csv, format_vlans_to

_ORDER = [
    ("ip vpn-instance", 10),
    ("vrf definition", 10),
    ("ip vrf", 10),
    ("acl", 20),
    ("ip access-list", 20),
    ("aaa", 30),
    ("local-user", 31),
    ("interface", 50),
    ("user-interface", 90),
    ("line", 90),
]


def _group(d: Dialect, header: str) -> tuple[int, int]:
    for prefix, rank in _ORDER:
        if header.split()[0 : len(prefix.split())] == prefix.split():
            if rank == 50:
                return rank, d.iftype_of(header.split(None, 1)[1]).order
            return rank, 0
    return 60, 0


def _sections(d: Dialect, root: Section) -> list[Section]:
    secs = list(root.sections.values())
    return sorted(secs, key=lambda s: _group(d, s.header))  # stable: insertion order in a group


def trunk_lines_to(word: str) -> object:
    """Trunk list lines for VRP (`allow-pass`) / Comware (`permit`): default {1} prints nothing."""

    def lines(sec: Section) -> list[str]:
        if sec.trunk is None:
            return []
        out = []
        if 1 not in sec.trunk:
            out.append(f"undo port trunk {word} vlan 1")
        rest = sec.trunk - {1}
        if len(sec.trunk) == 4094:
            return [f"port trunk {word} vlan 2 to 4094"]
        if rest:
            out.append(f"port trunk {word} vlan {format_vlans_to(rest)}")
        return out

    return lines


def trunk_lines_csv(sec: Section) -> list[str]:
    """IOS: all VLANs (the default) prints nothing."""
    if sec.trunk is None or len(sec.trunk) == 4094:
        return []
    if not sec.trunk:
        return ["switchport trunk allowed vlan none"]
    return [f"switchport trunk allowed vlan {format_vlans_csv(sec.trunk)}"]


def render_bracket(d: Dialect, cfg: Config, head: str, global_pad: str, trunk: object,
                   vlan_batch: bool) -> str:
    """VRP / Comware `display current-configuration`."""
    out: list[str] = []
    if head:
        out += [head]
    out += ["#", f"{global_pad}sysname {cfg.hostname}", "#"]
    if vlan_batch and len(cfg.vlans) > 1:
        out += [f"vlan batch {format_vlans_to(set(cfg.vlans) - {1})}", "#"]
    if cfg.root.lines:
        out += [global_pad + line for line in cfg.root.lines.values()]
        out.append("#")
    vlan_secs = [
        s for vid, s in sorted(cfg.vlans.items()) if not vlan_batch or (not s.is_empty() and vid)
    ]
    groups = _sections(d, cfg.root)
    before = [s for s in groups if _group(d, s.header)[0] < 50]
    after = [s for s in groups if _group(d, s.header)[0] >= 50]
    for sec in [*before, *vlan_secs, *after]:
        out.append(sec.header)
        out += section_body(sec, 1, trunk)  # type: ignore[arg-type]
        out.append("#")
    out.append("return")
    return "\r\n".join(out)


def render_ios(d: Dialect, cfg: Config) -> str:
    """IOS `show running-config`."""
    body: list[str] = ["!", "version 15.2", "!", f"hostname {cfg.hostname}", "!"]
    if cfg.root.lines:
        body += list(cfg.root.lines.values())
        body.append("!")
    groups = _sections(d, cfg.root)
    before = [s for s in groups if _group(d, s.header)[0] < 50]
    after = [s for s in groups if _group(d, s.header)[0] >= 50]
    vlan_secs = [s for vid, s in sorted(cfg.vlans.items()) if vid != 1]
    for sec in [*before, *vlan_secs, *after]:
        body.append(sec.header)
        body += section_body(sec, 1, trunk_lines_csv)
        body.append("!")
    body.append("end")
    text = "\r\n".join(body)
    head = f"Building configuration...\r\n\r\nCurrent configuration : {len(text)} bytes\r\n"
    return head + text


def vlan_names(d: Dialect, cfg: Config) -> dict[int, str]:
    """VLAN id -> the name the device shows (`display vlan`, `show vlan`, dot1qVlanStaticName),
    in id order: the configured name, else the vendor's default for that id."""
    ios = d.vlan_fn is vlans_ios
    names: dict[int, str] = {}
    for vid, sec in sorted(cfg.vlans.items()):
        given = ("name",) if ios else ("description", "name")
        default = ("default" if vid == 1 else f"VLAN{vid:04d}") if ios else f"VLAN {vid:04d}"
        names[vid] = next((ln.split(None, 1)[1] for ln in sec.lines.values()
                           if ln.startswith(given)), default)
    return names


def vlans_bracket(d: Dialect, cfg: Config) -> str:
    """`display vlan`: one row per VLAN with its ports (access default VLAN or trunk member)."""
    rows = [f"The total number of vlans is : {len(cfg.vlans)}",
            "--------------------------------------------------------------------------------",
            "VID  Type    Status  Property      MAC-LRN Statistics Description",
            "--------------------------------------------------------------------------------"]
    for vid, desc in vlan_names(d, cfg).items():
        rows.append(f"{vid:<4} common  enable  default       enable  disable    {desc}")
    return "\r\n".join(rows)


def vlans_ios(d: Dialect, cfg: Config) -> str:
    """`show vlan brief`."""
    rows = ["", "VLAN Name                             Status    Ports",
            "---- -------------------------------- --------- -------------------------------"]
    for vid, name in vlan_names(d, cfg).items():
        ports = [s.header.split(None, 1)[1] for s in cfg.root.sections.values()
                 if s.header.startswith("interface")
                 and s.lines.get("switchport access vlan") == f"switchport access vlan {vid}"]
        rows.append(f"{vid:<4} {name:<32} active    {', '.join(ports)}")
    return "\r\n".join(rows)
