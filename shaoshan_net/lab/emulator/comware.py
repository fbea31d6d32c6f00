"""H3C Comware 7 (S5130S-EI, Release 63xx): the emulator's grammar, one page.

Syntax choices (documented, the emulator accepts these):
- VTY: `line vty 0 63` (Comware 7); the Comware 5 spelling `user-interface vty A B` is accepted
  and shown as `line vty A B`. Prompt `[H-line-vty0-63]`.
- Local users: `local-user NAME [class manage]` opens `[H-luser-manage-NAME]` with
  `password {simple|hash|cipher} X`, `service-type ssh`, `authorization-attribute user-role R`.
- Login failure limits: `password-control enable` + `password-control login-attempt N exceed
  {lock|unlock|lock-time M}`.
- ACL: `acl basic 2000` (Comware 7); `acl number 2000` is accepted and shown as `acl basic 2000`.
- `info-center loghost [vpn-instance V] IP`, `ntp-service unicast-server IP [vpn-instance V]`.
- Global lines are shown indented by one space, as Comware's display does.

What the display hides or rewrites (Comware 7 defaults, so a template must not render them):
- telnet server is off by default: only `telnet server enable` is ever printed; HTTP is on by
  default (only `undo ip http enable` is printed), HTTPS off (only `ip https enable`).
- An access port is the default link type: `port link-type access` is never printed.
- `vlan 1` always exists and is printed; `undo vlan 1` is refused.
- `port link-mode bridge|route` is printed on a physical port once set; `route` opens the
  layer-3 interface view.
- A new local user gets `authorization-attribute user-role network-operator`; `password
  simple X` is printed as `password hash $h$6$...`, an SNMPv3 user's `simple` keys as `cipher`.
- VTY lines: `authentication-mode {none|password|scheme}`, restored by `undo authentication-mode`
  (no argument: `undo authentication-mode scheme` is "Too many parameters").

Errors: syntax errors are `% Unrecognized/Wrong parameter/Incomplete/Too many parameters/
Ambiguous command found at '^' position.`; semantic refusals carry no `%` (e.g. `VLAN 10 does
not exist.`, `Please set the link type of the port to trunk first.`), which is why
`platforms.H3C_COMWARE.error_pattern` matches both kinds.
"""

from __future__ import annotations

from .config import Config
from .dialect import Cmd, Dialect, Enter, IfType, Line, Op
from .render import render_bracket, trunk_lines_to, vlans_bracket

EXIT = [Op("quit", "quit"), Op("return", "return")]

DISPLAY = [
    Op("display current-configuration", "show_run"),
    Op("display saved-configuration", "show_start"),
    Op("display this", "show_this"),
    Op("display vlan [all]", "show_vlan"),
    Op("display version", "show_version"),
    Op("save [force]", "save"),
]

USER = [
    *DISPLAY,
    Op("system-view", "config"),
    Op("screen-length disable", "terminal"),
    Op("quit", "quit"),
]

SYSTEM: list[Cmd] = [
    Op("sysname <name:name:1-64>", "hostname", undo="sysname", undo_op="undo_hostname"),
    Op(
        "vlan <vid:vlan>",
        "vlan_enter",
        view="vlan",
        label="vlan{vid}",
        undo="vlan <vids:vlans>",
        undo_op="vlan_remove",
    ),
    Op("vlan <vids:vlans>", "vlan_add"),
    Enter("interface <ifname:ifname>", "interface", "{ifname}", undo="interface <ifname:ifname>"),
    Enter(
        "line vty <a:int:0-63> <b:int:0-63>", "line", "line-vty{a}-{b}", header="line vty {a} {b}"
    ),
    Enter(
        "user-interface vty <a:int:0-63> <b:int:0-63>",
        "line",
        "line-vty{a}-{b}",
        header="line vty {a} {b}",
    ),
    Enter(
        "local-user <u:name:1-55> [class manage]",
        "luser",
        "luser-manage-{u}",
        header="local-user {u} class manage",
        undo="local-user <u:name:1-55> [class manage]",
        creates=("authorization-attribute user-role network-operator",),
    ),
    Enter(
        "acl {basic|number} <n:int:2000-2999>",
        "acl-basic",
        "acl-ipv4-basic-{n}",
        header="acl basic {n}",
        undo="acl {basic|number} <n:int:2000-2999>",
    ),
    Enter(
        "acl {advanced|number} <n:int:3000-3999>",
        "acl-adv",
        "acl-ipv4-adv-{n}",
        header="acl advanced {n}",
        undo="acl {advanced|number} <n:int:3000-3999>",
    ),
    Enter("ip vpn-instance <vrf:name>", "vpn", "vpn-instance-{vrf}", undo="="),
    Line(
        "ip route-static [vpn-instance <vrf:name>] <dst:ip> <mask:prefixlen> {<gw:ip>"
        "|<oif:ifname> [<gw2:ip>]} [preference <p:int:1-255>] [description <d:text:1-60>]",
        undo="ip route-static [vpn-instance <vrf:name>] <dst:ip> <mask:prefixlen> [<gw:ip>]",
        needs="vrf_exists",
    ),
    Line("stp global enable", undo="="),
    Line("stp mode {stp|rstp|mstp|pvst}", key=2, undo="stp mode"),
    Line("stp bpdu-protection", undo="="),
    Line("dhcp snooping enable", undo="="),
    Line("port-security enable", undo="="),
    Line("lldp global enable", undo="="),
    Line("ssh server enable", undo="="),
    Line("ssh server acl <a:int:2000-3999>", key=3, undo="ssh server acl"),
    Line("telnet server enable", undo="="),
    # HTTP is on by default (only `undo ip http enable` is printed); HTTPS is off by default
    # (only `ip https enable` is printed); telnet is off by default (only `telnet server
    # enable` is printed).
    Op("ip http enable", "default", replaces=("undo ip http enable",), default=True),
    Line("undo ip http enable"),
    Line("ip https enable", undo="="),
    Line("password-control enable", undo="="),
    Line(
        "password-control login-attempt <n:int:2-10> exceed {lock|unlock|lock-time <t:int:1-360>}",
        key=2,
        undo="password-control login-attempt",
    ),
    Line("info-center enable", replaces=("undo info-center enable",)),
    Line("undo info-center enable", replaces=("info-center enable",)),
    Line(
        "info-center loghost [vpn-instance <vrf:name>] <ip:ip> [port <port:int:1-65535>]"
        " [facility {local0|local1|local2|local3|local4|local5|local6|local7}]",
        undo="info-center loghost [vpn-instance <vrf:name>] <ip:ip>",
    ),
    Line("info-center loghost source <ifname:ifname>", key=3, undo="info-center loghost source"),
    Line("ntp-service enable", undo="="),
    Line(
        "ntp-service unicast-server <ip:ip> [vpn-instance <vrf:name>] [source <ifname:ifname>]",
        undo="ntp-service unicast-server <ip:ip> [vpn-instance <vrf:name>]",
    ),
    Line("clock timezone <tz:name:1-32> {add|minus} <off:hms>", key=2, undo="clock timezone"),
    Line("clock protocol {ntp|none}", key=2, undo="clock protocol"),
    Line("snmp-agent", undo="="),
    Line(
        "snmp-agent sys-info version <v:words:v1,v2c,v3,all>",
        key=3,
        undo="snmp-agent sys-info version <v:words:v1,v2c,v3,all>",
    ),
    Line("snmp-agent sys-info location <t:text:1-255>", key=3, undo="snmp-agent sys-info location"),
    Line("snmp-agent sys-info contact <t:text:1-255>", key=3, undo="snmp-agent sys-info contact"),
    Line(
        "snmp-agent group v3 <g:name:1-32> [{authentication|privacy}] [read-view <r:name>]"
        " [write-view <w:name>] [notify-view <n:name>] [acl <a:int:2000-3999>]",
        key=4,
        undo="snmp-agent group v3 <g:name:1-32> [{authentication|privacy}]",
    ),
    Line(
        "snmp-agent usm-user v3 <u:name:1-32> <g:name:1-32> [{cipher|simple}]"
        " authentication-mode {sha|md5} <a:secret:8-64> [privacy-mode {aes128|3des|des56}"
        " <p:secret:8-64>] [acl <n:int:2000-3999>]",
        key=5,
        undo="snmp-agent usm-user v3 <u:name:1-32> [<g:name:1-32>]",
    ),
    Line(
        "snmp-agent target-host trap address udp-domain <ip:ip> [udp-port <port:int:1-65535>]"
        " [vpn-instance <vrf:name>] params securityname <u:name:1-32> [v3 {privacy"
        "|authentication}]",
        undo="snmp-agent target-host trap address udp-domain <ip:ip>"
        " [params securityname <u:name:1-32>]",
    ),
    Line("snmp-agent trap enable", undo="="),
    Line(
        "snmp-agent mib-view included <v:name> <oid:word>",
        undo="snmp-agent mib-view included <v:name> <oid:word>",
    ),
    Line(
        "snmp-agent community {read|write} [{cipher|simple}] <c:secret:1-32>"
        " [acl <a:int:2000-3999>]",
        key=4,
        undo="snmp-agent community {read|write} <c:secret:1-32>",
    ),
    *EXIT,
]

L2IF: list[Cmd] = [
    Line("description <t:text:1-255>", key=1, undo="description"),
    Line("shutdown", undo="="),
    Op(
        "port link-type {access|trunk|hybrid}",
        "link_type",
        undo="port link-type",
        undo_op="undo_link_type",
    ),
    Line("port access vlan <vid:vlan>", key=3, undo="port access vlan", needs="access,vlan_exists"),
    Op(
        "port trunk permit vlan {<vids:vlans>|all}",
        "trunk_add",
        needs="trunk",
        undo="port trunk permit vlan {<vids:vlans>|all}",
        undo_op="trunk_remove",
    ),
    Line("port trunk pvid vlan <vid:vlan>", key=3, undo="port trunk pvid vlan", needs="trunk"),
    Line("stp edged-port", undo="="),
    Line("stp root-protection", undo="="),
    Line(
        "broadcast-suppression {<pct:int:1-100>|pps <pps:int:0-1488100>|kbps <kbps:int:0-1000000>}",
        key=1,
        undo="broadcast-suppression",
    ),
    Line(
        "storm-constrain {broadcast|multicast|unicast} {pps|kbps|ratio} <hi:int:0-1488100>"
        " <lo:int:0-1488100>",
        key=2,
        undo="storm-constrain {broadcast|multicast|unicast}",
    ),
    Line("storm-constrain control {block|shutdown}", key=2, undo="storm-constrain control"),
    Line("dhcp snooping trust", undo="="),
    Line("port-security max-mac-count <n:int:1-1024>", key=2, undo="port-security max-mac-count"),
    Line("port-security port-mode {autolearn|secure|userlogin|userlogin-secure|mac-authentication"
         "|mac-else-userlogin-secure}", key=2, undo="port-security port-mode"),
    Op("port link-mode bridge", "l2_mode", replaces=("port link-mode",), undo="port link-mode",
       undo_op="l2_mode"),
    Op("port link-mode route", "l3_mode", replaces=("port link-mode",)),
    Line("{multicast-suppression|unicast-suppression} {<pct:int:1-100>|pps <pps:int:0-1488100>"
         "|kbps <kbps:int:0-1000000>}", key=1,
         undo="{multicast-suppression|unicast-suppression}"),
    Line(
        "port-security intrusion-mode {blockmac|disableport|disableport-temporarily}",
        key=2,
        undo="port-security intrusion-mode",
    ),
    Line("lldp enable", replaces=("undo lldp enable",)),
    Line("undo lldp enable", replaces=("lldp enable",)),
    Line("speed {10|100|1000|auto}", key=1, undo="speed"),
    Line("duplex {full|half|auto}", key=1, undo="duplex"),
    Line("port link-aggregation group <n:int:1-1024>", key=3, undo="port link-aggregation group"),
    *EXIT,
]

L3IF: list[Cmd] = [
    Line("description <t:text:1-255>", key=1, undo="description"),
    Line("shutdown", undo="="),
    Op("port link-mode bridge", "l2_mode", replaces=("port link-mode",), undo="port link-mode",
       undo_op="l2_mode"),
    Op("port link-mode route", "l3_mode", replaces=("port link-mode",)),
    Line("ip address <ip:ip> <mask:netmask>", key=2, undo="ip address [<ip:ip> <mask:netmask>]"),
    Op(
        "ip binding vpn-instance <vrf:name>",
        "vrf_bind",
        undo="ip binding vpn-instance [<vrf:name>]",
        needs="vrf_exists",
    ),
    *EXIT,
]

VLAN = [
    Line("name <t:text:1-32>", key=1, undo="name"),
    Line("description <t:text:1-255>", key=1, undo="description"),
    *EXIT,
]

LINE = [
    Line("authentication-mode {scheme|password|none}", key=1, undo="authentication-mode"),
    Line("protocol inbound {ssh|telnet|all}", key=2, undo="protocol inbound"),
    Line("idle-timeout <m:int:0-35791> [<s:int:0-59>]", key=1, undo="idle-timeout"),
    Line("acl <n:int:2000-3999> inbound", replaces=("acl",), undo="acl <n:int:2000-3999> inbound"),
    Line("user-role <r:name:1-63>", undo="user-role <r:name:1-63>"),
    Line("screen-length <n:int:0-512>", key=1, undo="screen-length"),
    *EXIT,
]

LUSER = [
    Line("password {simple|hash|cipher} <p:secret:1-63>", key=1, undo="password"),
    Line(
        "service-type <s:words:ssh,telnet,terminal,ftp,http,https>",
        key=1,
        undo="service-type <s:words:ssh,telnet,terminal,ftp,http,https>",
    ),
    Line(
        "authorization-attribute user-role <r:name:1-63>",
        undo="authorization-attribute user-role <r:name:1-63>",
    ),
    Line("state {active|block}", key=1),
    *EXIT,
]

ACL_BASIC = [
    Op(
        "rule [<id:int:0-65534>] {permit|deny} [source {<src:ip> <w:wildcard>|any}]",
        "acl_rule",
        undo="rule <id:int:0-65534>",
    ),
    Line("description <t:text:1-127>", key=1, undo="description"),
    *EXIT,
]

ACL_ADV = [
    Op(
        "rule [<id:int:0-65534>] {permit|deny} {ip|tcp|udp|icmp} [source {<src:ip>"
        " <w:wildcard>|any}] [destination {<dst:ip> <dw:wildcard>|any}]"
        " [destination-port eq <port:int:0-65535>]",
        "acl_rule",
        undo="rule <id:int:0-65534>",
    ),
    Line("description <t:text:1-127>", key=1, undo="description"),
    *EXIT,
]

VPN = [
    Enter("address-family ipv4", "vpn-af", "{parent}-ipv4", undo="="),
    Line("route-distinguisher <rd:rd>", key=1),
    Line(
        "vpn-target <rt:rd> [{both|export-extcommunity|import-extcommunity}]",
        undo="vpn-target <rt:rd> [{both|export-extcommunity|import-extcommunity}]",
    ),
    Line("description <t:text:1-79>", key=1, undo="description"),
    *EXIT,
]

VPN_AF = [
    Line(
        "vpn-target <rt:rd> [{both|export-extcommunity|import-extcommunity}]",
        undo="vpn-target <rt:rd> [{both|export-extcommunity|import-extcommunity}]",
    ),
    *EXIT,
]

ERRORS = {
    "unrecognized": "% Unrecognized command found at '^' position.",
    "wrong": "% Wrong parameter found at '^' position.",
    "incomplete": "% Incomplete command found at '^' position.",
    "too_many": "% Too many parameters found at '^' position.",
    "ambiguous": "% Ambiguous command found at '^' position.",
    "not_trunk": "Please set the link type of the port to trunk first.",
    "not_access": "Please set the link type of the port to access first.",
    "no_vlan": "VLAN {vid} does not exist.",
    "no_vrf": "The VPN instance {vrf} does not exist.",
    "vlan1": "The default VLAN can't be deleted.",
    "renew": "Please restore the default settings of the port first.",
    "vrf_removed": "",
    "enter_config": "System View: return to User View with Ctrl+Z.",
    "save_question": "The current configuration will be written to the device. Are you sure?"
    " [Y/N]:",
    "save_file_question": "Please input the file name(*.cfg)[flash:/startup.cfg]\r\n"
    "(To leave the existing filename unchanged, press the enter key):",
    "save_file_default": "flash:/startup.cfg",
    "save_overwrite": "flash:/startup.cfg exists, overwrite? [Y/N]:",
    "save_done": "Validating file. Please wait...\r\n"
    "Saved the current configuration to mainboard device successfully.",
    "save_aborted": "Configuration is not saved!",
    "no_startup": "",
}

VERSION = (
    "H3C Comware Software, Version 7.1.070, Release 6328\r\n"
    "Copyright (c) 2004-2020 New H3C Technologies Co., Ltd. All rights reserved.\r\n"
    "H3C S5130S-28S-EI uptime is 0 weeks, 0 days, 1 hour, 0 minutes"
)


def _prompt(host: str, view: str, label: str) -> str:
    if view == "user":
        return f"<{host}>"
    return f"[{host}-{label}]" if label else f"[{host}]"


def _render(d: Dialect, cfg: Config) -> str:
    return render_bracket(
        d, cfg, " version 7.1.070, Release 6328", " ", trunk_lines_to("permit"), vlan_batch=False
    )


COMWARE = Dialect(
    name="h3c_comware",
    neg="undo",
    factory=("line vty 0 63",),
    root_view="system",
    login_view="user",
    views={
        "user": USER,
        "system": SYSTEM,
        "l2if": L2IF,
        "l3if": L3IF,
        "vlan": VLAN,
        "line": LINE,
        "luser": LUSER,
        "acl-basic": ACL_BASIC,
        "acl-adv": ACL_ADV,
        "vpn": VPN,
        "vpn-af": VPN_AF,
    },
    parents={
        "l2if": "system",
        "l3if": "system",
        "vlan": "system",
        "line": "system",
        "luser": "system",
        "acl-basic": "system",
        "acl-adv": "system",
        "vpn": "system",
        "vpn-af": "vpn",
    },
    anywhere=DISPLAY,
    ifaces=[
        IfType("GigabitEthernet", r"\d{1,2}/\d{1,2}/\d{1,2}", "l2if", ("GE",), 53),
        IfType("Ten-GigabitEthernet", r"\d{1,2}/\d{1,2}/\d{1,2}", "l2if", ("XGE",), 54),
        IfType("Bridge-Aggregation", r"\d{1,4}", "l2if", ("BAGG",), 52),
        IfType("Vlan-interface", r"[1-9]\d{0,3}", "l3if", ("Vlan-int",), 51),
        IfType("LoopBack", r"\d{1,4}", "l3if", (), 55),
        IfType("M-GigabitEthernet", r"0/0/0", "l3if", ("MGE",), 50),
        IfType("NULL", r"0", "l3if", (), 56),
    ],
    errors=ERRORS,
    caret={},
    default_hostname="H3C",
    comment="#",
    prompt_fn=_prompt,
    render_fn=_render,
    vlan_fn=vlans_bracket,
    version_text=VERSION,
    cipher_prefix="$h$6$",
    default_link_type="access",
    replay_skip=r"^(version |return$)",
    shown_as=(
        (r"^password simple ", "password hash "),
        (r"^(snmp-agent usm-user v3 \S+ \S+) simple ", r"\1 cipher "),
    ),
)
