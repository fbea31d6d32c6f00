"""One declaration per switch platform: everything that differs between vendors outside templates.

Rendering, linting and pushing read these fields instead of branching on a platform name, so a
new platform is a new `PlatformSpec` plus a template folder. Fields are only ever added, never
renamed (the push engine and the inventory plugin read them).

>>> p = PLATFORMS["huawei_vrp"]
>>> p.netmiko_device_type, p.format_vlans([10, 20, 21, 22, 30])
('huawei', '10 20 to 22 30')
>>> PLATFORMS["cisco_ios"].format_vlans([10, 20, 21, 22, 30])
'10,20-22,30'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Secrets are never rendered: templates write these placeholders and the push engine substitutes
# them from the environment at push time (value = the environment variable we suggest).
PLACEHOLDERS: dict[str, str] = {
    "%ADMIN_SECRET%": "SHAOSHAN_SSH_PASSWORD",
    "%SNMP_USER%": "SHAOSHAN_SNMP_USER",
    "%SNMP_AUTH_KEY%": "SHAOSHAN_SNMP_AUTH_KEY",
    "%SNMP_PRIV_KEY%": "SHAOSHAN_SNMP_PRIV_KEY",
}
PLACEHOLDER_RE = re.compile(r"%[A-Z][A-Z0-9_]*%")


def vlan_runs(vlans: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted, de-duplicated VLANs as (first, last) runs of consecutive ids.

    >>> vlan_runs([5, 3, 4, 9])
    [(3, 5), (9, 9)]
    """
    runs: list[tuple[int, int]] = []
    for vlan in sorted(set(vlans)):
        if runs and vlan == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], vlan)
        else:
            runs.append((vlan, vlan))
    return runs


def _format_to(vlans: Iterable[int]) -> str:
    return " ".join(f"{a}" if a == b else f"{a} to {b}" for a, b in vlan_runs(vlans))


def _format_dash(vlans: Iterable[int]) -> str:
    parts: list[str] = []
    for a, b in vlan_runs(vlans):
        if a == b:
            parts.append(str(a))
        elif b == a + 1:  # IOS prints a pair as two items, a range from three on
            parts += [str(a), str(b)]
        else:
            parts.append(f"{a}-{b}")
    return ",".join(parts)


def _parse_to(text: str) -> set[int]:
    """`10 20 to 22` -> {10, 20, 21, 22}; raises ValueError on anything else."""
    tokens = text.split()
    out: set[int] = set()
    i = 0
    while i < len(tokens):
        first = int(tokens[i])
        if i + 2 < len(tokens) and tokens[i + 1] == "to":
            out.update(range(first, int(tokens[i + 2]) + 1))
            i += 3
        else:
            out.add(first)
            i += 1
    return out


def _parse_dash(text: str) -> set[int]:
    """`10,20-22` -> {10, 20, 21, 22}; raises ValueError on anything else."""
    out: set[int] = set()
    for item in text.replace(" ", "").split(","):
        if "-" in item:
            a, b = item.split("-", 1)
            out.update(range(int(a), int(b) + 1))
        elif item:
            out.add(int(item))
    return out


@dataclass(frozen=True, slots=True)
class UndoForm:
    """How the vendor's undo of a line starting with `prefix` is spelt.

    `prefix`: leading words of the line (`*` = any one word). `keep`: how many leading words the
    undo keeps, or a regex matched at the line's start whose groups (those that matched) the
    undo keeps, concatenated: VRP `undo snmp-agent group v3 NMS privacy` for
    `snmp-agent group v3 NMS privacy acl 2001`.
    """

    prefix: str
    keep: int | str

    def applies(self, words: list[str]) -> bool:
        pre = self.prefix.split()
        return len(words) >= len(pre) and all(
            p in ("*", w) for p, w in zip(pre, words[: len(pre)], strict=True)
        )

    def form(self, line: str) -> str:
        if isinstance(self.keep, int):
            return " ".join(line.split()[: self.keep])
        m = re.match(self.keep, line)
        return "".join(g for g in m.groups() if g) if m else line


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    """What the toolkit must know about one vendor OS.

    >>> c = PLATFORMS["h3c_comware"]
    >>> c.config_enter, c.config_leave, c.save_commands, c.undo
    ('system-view', 'return', ('save force',), 'undo')
    >>> sorted(c.parse_vlans("99 1000 to 1002"))
    [99, 1000, 1001, 1002]
    """

    name: str  # our platform name, = Nornir host.platform and the templates/ folder name
    vendor: str
    netmiko_device_type: str  # netmiko ConnectHandler device_type
    napalm_driver: str | None  # None: no usable NAPALM driver (VRP/Comware), use netmiko
    config_enter: str  # enter configuration mode
    config_leave: str  # back to user/exec view
    save_commands: tuple[str, ...]  # make the running config survive a reload
    show_running: str  # prints the running config in the format templates render
    undo: str  # negation prefix: `undo X` / `no X`
    error_pattern: str  # regex: a device answer matching it means the line was rejected
    separator: str  # the section separator line of the running config (`#` / `!`)
    indent: str  # one level of child indentation in the running config
    vlan_separator: str  # between VLAN list items: " " (VRP/Comware) or "," (IOS)
    vlan_range: str  # between the ends of a run: " to " or "-"
    vlan_items_per_line: int  # how many list items the device prints on one line
    svi_prefix: str  # `Vlanif`, `Vlan-interface`, `Vlan`: SVI of VLAN 99 = prefix + "99"
    loopback_prefix: str  # `LoopBack` / `Loopback`
    hostname_command: str  # `sysname` / `hostname`
    end_marker: str  # last line of the running config (`return` / `end`)
    # Regexes (one capture group = the secret value) over config lines, so backups and diffs
    # can scrub them: `re.sub(pattern, lambda m: m.group(0).replace(m.group(1), "***"), line)`.
    secret_patterns: tuple[str, ...] = field(default=())
    # Prompt-ish lines a device prints in `show_running` output before the config itself.
    preamble_patterns: tuple[str, ...] = field(default=())
    # Lines whose undo takes only leading words (first match wins); a line matching none is
    # undone whole (`undo` + the line). IOS takes `no` + the whole command everywhere.
    undo_forms: tuple[UndoForm, ...] = field(default=())

    def format_vlans(self, vlans: Iterable[int]) -> str:
        """A VLAN set in the device's own list syntax (sorted, runs collapsed)."""
        return _format_to(vlans) if self.vlan_range == " to " else _format_dash(vlans)

    def format_vlan_lines(self, vlans: Iterable[int]) -> list[str]:
        """The list split the way the device prints it: at most `vlan_items_per_line` items.

        >>> PLATFORMS["huawei_vrp"].format_vlan_lines(range(1, 40, 2))[1]
        '21 23 25 27 29 31 33 35 37 39'
        """
        runs = vlan_runs(vlans)
        step = self.vlan_items_per_line
        return [
            self.format_vlans(v for a, b in runs[i : i + step] for v in range(a, b + 1))
            for i in range(0, len(runs), step)
        ]

    def parse_vlans(self, text: str) -> set[int]:
        """The inverse of `format_vlans`; raises ValueError on text that is not a VLAN list."""
        return _parse_to(text) if self.vlan_range == " to " else _parse_dash(text)

    def svi(self, vlan: int) -> str:
        """Interface name of a VLAN's layer-3 interface: `Vlanif99` on VRP."""
        return f"{self.svi_prefix}{vlan}"

    def undo_form(self, line: str) -> str:
        """What follows `undo`/`no` to remove `line` (its leading words where the vendor says so).

        >>> PLATFORMS["huawei_vrp"].undo_form("port-security max-mac-num 4")
        'port-security max-mac-num'
        >>> PLATFORMS["h3c_comware"].undo_form("snmp-agent usm-user v3 nms NMS simple "
        ...                                    "authentication-mode sha X")
        'snmp-agent usm-user v3 nms NMS'
        """
        words = line.split()
        for form in self.undo_forms:
            if form.applies(words):
                return form.form(line)
        return line

    def negate(self, line: str) -> str:
        """`port trunk allow-pass vlan 10` -> `undo port trunk allow-pass vlan 10`."""
        return f"{self.undo} {line.strip()}"


# Undo forms shared by VRP and Comware (the line's leading words; first match wins).
_ROUTE_STATIC = UndoForm(
    "ip route-static", r"(ip route-static(?: vpn-instance \S+)? \S+ \S+)( \d+\.\d+\.\d+\.\d+)?"
)
_VRP_COMWARE_UNDO = (
    _ROUTE_STATIC,
    UndoForm("info-center loghost source", 3),
    UndoForm("speed", 1),
    UndoForm("duplex", 1),
    UndoForm("name", 1),  # VLAN name
    UndoForm("screen-length", 1),
    UndoForm("rule", 2),  # ACL rule by id
    UndoForm("broadcast-suppression", 1),
)

HUAWEI_VRP = PlatformSpec(
    name="huawei_vrp",
    vendor="Huawei",
    netmiko_device_type="huawei",
    napalm_driver=None,
    config_enter="system-view",
    config_leave="return",
    save_commands=("save",),  # netmiko's huawei save_config answers the [Y/N] prompt
    show_running="display current-configuration",
    undo="undo",
    error_pattern=r"Error:",
    separator="#",
    indent=" ",
    vlan_separator=" ",
    vlan_range=" to ",
    vlan_items_per_line=10,
    svi_prefix="Vlanif",
    loopback_prefix="LoopBack",
    hostname_command="sysname",
    end_marker="return",
    secret_patterns=(
        r"\bpassword (?:irreversible-cipher|cipher|simple) (\S+)",
        r"\bauthentication-mode (?:sha|md5|sha2-256)(?: cipher)? (\S+)",
        r"\bprivacy-mode (?:aes128|aes256|des56|3des168)(?: cipher)? (\S+)",
        r"\bcommunity (?:read|write)(?: cipher)? (\S+)",
    ),
    preamble_patterns=(r"^!Software Version", r"^!Last configuration was"),
    undo_forms=(
        *_VRP_COMWARE_UNDO,
        UndoForm("port-security max-mac-num", 2),
        UndoForm("port-security protect-action", 2),
        UndoForm("storm-control", 2),  # broadcast | multicast | unknown-unicast | action
        UndoForm("storm-suppression", 2),
        UndoForm("stp edged-port", 2),
        UndoForm("stp bpdu-filter", 2),
        UndoForm("lldp admin-status", 2),
        UndoForm("eth-trunk", 1),
        UndoForm("user privilege level", 2),
        UndoForm("local-aaa-user wrong-password", 2),
        UndoForm("local-user * password", 3),
        UndoForm("local-user * privilege level", 4),
        UndoForm("local-user * service-type", 3),
        UndoForm("local-user * state", 3),
        UndoForm("ssh user", 3),
        UndoForm("ssh server-source", 2),
        UndoForm("snmp-agent usm-user v3", 4),  # removes the user (all its lines)
        UndoForm(
            "snmp-agent group v3",
            r"(snmp-agent group v3 \S+)( (?:authentication|privacy|noauthentication))?",
        ),
        UndoForm("snmp-agent target-host trap address udp-domain", 6),
        UndoForm("snmp-agent acl", 2),
        UndoForm("info-center loghost", r"(info-center loghost \S+(?: vpn-instance \S+)?)"),
        UndoForm("ntp-service unicast-server", 3),
        UndoForm("ntp-service source-interface", 2),
        UndoForm("dhcp snooping enable", 3),
        UndoForm("user-interface maximum-vty", 2),
    ),
)

H3C_COMWARE = PlatformSpec(
    name="h3c_comware",
    vendor="H3C",
    netmiko_device_type="hp_comware",
    napalm_driver=None,
    config_enter="system-view",
    config_leave="return",
    save_commands=("save force",),
    show_running="display current-configuration",
    undo="undo",
    # Comware 7 prints syntax errors with `%` (`% Unrecognized command found at '^' position.`)
    # but semantic refusals as a bare sentence (`VLAN 10 does not exist.`, `The default VLAN
    # can't be deleted.`, `Please set the link type of the port to trunk first.`): both must
    # fail the host. Warnings it prints on success (`stp edged-port`: "... Please use it
    # carefully.") match neither.
    error_pattern=(
        r"^\s*%|^\s*(?:Error|Failed)\b|\b(?:does not|doesn't) exist\b"
        r"|\bcan(?:not|'t) be\b|^\s*Please .+ first\b"
    ),
    separator="#",
    indent=" ",
    vlan_separator=" ",
    vlan_range=" to ",
    vlan_items_per_line=10,
    svi_prefix="Vlan-interface",
    loopback_prefix="LoopBack",
    hostname_command="sysname",
    end_marker="return",
    secret_patterns=(
        r"\bpassword (?:hash|cipher|simple) (\S+)",
        r"\bauthentication-mode (?:sha|md5|sha224|sha256) (\S+)",
        r"\bprivacy-mode (?:aes128|aes192|aes256|3des|des56) (\S+)",
        r"\bcommunity (?:read|write)(?: (?:simple|cipher))? (\S+)",
    ),
    preamble_patterns=(r"^ ?version \d",),
    undo_forms=(
        *_VRP_COMWARE_UNDO,
        UndoForm("password", 1),  # local user's password
        UndoForm("password-control login-attempt", 2),
        UndoForm("port link-mode", 2),
        UndoForm("multicast-suppression", 1),
        UndoForm("unicast-suppression", 1),
        UndoForm("storm-constrain", 2),  # broadcast | multicast | unicast | control
        UndoForm("port-security intrusion-mode", 2),
        UndoForm("port-security max-mac-count", 2),
        UndoForm("port-security port-mode", 2),
        UndoForm("port link-aggregation group", 3),
        UndoForm("ssh server acl", 3),
        UndoForm("clock protocol", 2),
        UndoForm("snmp-agent usm-user v3", 5),  # user and group, no keys
        UndoForm("snmp-agent group v3", r"(snmp-agent group v3 \S+)( (?:authentication|privacy))?"),
        UndoForm(
            "snmp-agent target-host trap address udp-domain",
            r"(snmp-agent target-host trap address udp-domain \S+)"
            r"(?:.*?( params securityname \S+))?",
        ),
        UndoForm("info-center loghost", r"(info-center loghost(?: vpn-instance \S+)? \S+)"),
        UndoForm(
            "ntp-service unicast-server", r"(ntp-service unicast-server \S+(?: vpn-instance \S+)?)"
        ),
    ),
)

CISCO_IOS = PlatformSpec(
    name="cisco_ios",
    vendor="Cisco",
    netmiko_device_type="cisco_ios",
    napalm_driver="ios",
    config_enter="configure terminal",
    config_leave="end",
    save_commands=("copy running-config startup-config",),
    show_running="show running-config",
    undo="no",
    error_pattern=r"^%",
    separator="!",
    indent=" ",
    vlan_separator=",",
    vlan_range="-",
    vlan_items_per_line=1000,  # IOS wraps with `... allowed vlan add`; lists here stay short
    svi_prefix="Vlan",
    loopback_prefix="Loopback",
    hostname_command="hostname",
    end_marker="end",
    secret_patterns=(
        r"\bsecret(?: [0589])? (\S+)",
        r"\bpassword(?: [07])? (\S+)",
        r"\bauth (?:sha|md5) (\S+)",
        r"\bpriv (?:aes(?: 128| 192| 256)?|des|3des) (\S+)",
        r"^snmp-server community (\S+)",
    ),
    preamble_patterns=(r"^Building configuration", r"^Current configuration :"),
)

PLATFORMS: dict[str, PlatformSpec] = {p.name: p for p in (HUAWEI_VRP, H3C_COMWARE, CISCO_IOS)}


def platform(name: str) -> PlatformSpec:
    """The declaration for a platform name; KeyError names the known ones."""
    try:
        return PLATFORMS[name]
    except KeyError:
        raise KeyError(f"unknown platform {name!r}; known: {', '.join(PLATFORMS)}") from None


def scrub_secrets(spec: PlatformSpec, text: str, mask: str = "***") -> str:
    """`text` with every secret value matched by `spec.secret_patterns` replaced by `mask`.

    >>> scrub_secrets(CISCO_IOS, "username netadmin privilege 15 secret 9 $9$abc")
    'username netadmin privilege 15 secret 9 ***'
    """
    compiled = [re.compile(p, re.MULTILINE) for p in spec.secret_patterns]

    def one(line: str) -> str:
        for pattern in compiled:
            line = pattern.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + mask, line)
        return line

    return "\n".join(one(line) for line in text.split("\n"))
