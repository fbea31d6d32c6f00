"""Huawei VRP (S5700/S5720 V200R0xx, S7700 core): the emulator's grammar, one page.

Syntax choices where VRP versions differ (documented, the emulator accepts these):
- SNMPv3 users: the one-line V200R005 form `snmp-agent usm-user v3 U G authentication-mode sha
  X privacy-mode aes128 Y` (optional `cipher`), and the later `snmp-agent usm-user v3 U group G`.
- `route-distinguisher` is accepted both in the vpn-instance view (VRP5) and its `ipv4-family`.
- Login failure limits: `local-aaa-user wrong-password retry-interval M retry-time N block-time B`
  in the aaa view.
- `ip binding vpn-instance` removes the interface's IPv4 addresses, as on a real device: bind first.
- Semantic refusals whose exact wording is not known to us (trunk/access preconditions, missing
  VLAN, renew defaults) use VRP's `Error: ...` style.
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
    Op("display vlan", "show_vlan"),
    Op("display version", "show_version"),
    Op("save", "save"),
]

USER = [
    *DISPLAY,
    Op("system-view", "config"),
    Op("screen-length <n:int:0-512> temporary", "terminal"),
    Op("screen-width <n:int:80-256>", "terminal"),
    Op("quit", "quit"),
]

SYSTEM: list[Cmd] = [
    Op("sysname <name:name:1-246>", "hostname", undo="sysname", undo_op="undo_hostname"),
    Op(
        "vlan batch <vids:vlans>", "vlan_add", undo="vlan batch <vids:vlans>", undo_op="vlan_remove"
    ),
    Op(
        "vlan <vid:vlan>",
        "vlan_enter",
        view="vlan",
        label="vlan{vid}",
        undo="vlan <vid:vlan>",
        undo_op="vlan_remove",
    ),
    Enter("interface <ifname:ifname>", "interface", "{ifname}", undo="interface <ifname:ifname>"),
    Enter("aaa", "aaa", "aaa"),
    Enter("user-interface vty <a:int:0-14> <b:int:0-14>", "ui", "ui-vty{a}-{b}"),
    Enter("user-interface {con|console} 0", "ui", "ui-console0", header="user-interface con 0"),
    Line("user-interface maximum-vty <n:int:0-15>", key=2, undo="user-interface maximum-vty"),
    Enter(
        "acl [number] <n:int:2000-2999>",
        "acl-basic",
        "acl-basic-{n}",
        header="acl number {n}",
        undo="acl [number] <n:int:2000-2999>",
    ),
    Enter(
        "acl [number] <n:int:3000-3999>",
        "acl-adv",
        "acl-adv-{n}",
        header="acl number {n}",
        undo="acl [number] <n:int:3000-3999>",
    ),
    Enter("ip vpn-instance <vrf:name>", "vpn", "vpn-instance-{vrf}", undo="="),
    Line(
        "ip route-static [vpn-instance <vrf:name>] <dst:ip> <mask:netmask> {<gw:ip>|<oif:ifname>}"
        " [preference <p:int:1-255>] [description <d:text:1-35>]",
        undo="ip route-static [vpn-instance <vrf:name>] <dst:ip> <mask:netmask> [<gw:ip>]",
        needs="vrf_exists",
    ),
    Line("stp enable", undo="=", replaces=("stp disable",)),
    Line("stp disable", replaces=("stp enable",)),
    Line("stp mode {stp|rstp|mstp}", key=2, undo="stp mode"),
    Line("stp bpdu-protection", undo="="),
    Line("stp edged-port default", undo="="),
    Line("dhcp enable", undo="="),
    Line("dhcp snooping enable [vlan <vids:vlans>]", key=2, undo="dhcp snooping enable"),
    Line("lldp enable", undo="="),
    Line("stelnet server enable", undo="="),
    # The positive forms are the defaults a factory switch does not print (as Comware's
    # `ip http enable`): after `undo X` then `X` the device prints what it printed new.
    Op("telnet server enable", "default", replaces=("undo telnet server enable",), default=True),
    Line("undo telnet server enable", replaces=("telnet server enable",)),
    Op("http server enable", "default", replaces=("undo http server enable",), default=True),
    Line("undo http server enable", replaces=("http server enable",)),
    Op(
        "http secure-server enable", "default", replaces=("undo http secure-server enable",),
        default=True,
    ),
    Line("undo http secure-server enable", replaces=("http secure-server enable",)),
    Line(
        "ssh user <u:name> authentication-type {password|rsa|all}", key=4, undo="ssh user <u:name>"
    ),
    Line("ssh user <u:name> service-type {stelnet|snetconf|all}", key=4),
    Line("ssh user <u:name>"),
    Line("ssh authentication-type default password", undo="="),
    Line("ssh server-source -i <ifname:ifname>", key=2, undo="ssh server-source"),
    Line("ssh client first-time enable", undo="="),
    Line("info-center enable", replaces=("undo info-center enable",)),
    Line("undo info-center enable", replaces=("info-center enable",)),
    Line(
        "info-center loghost <ip:ip> [vpn-instance <vrf:name>] [facility {local0|local1|local2"
        "|local3|local4|local5|local6|local7}] [channel <c:int:0-9>]",
        undo="info-center loghost <ip:ip> [vpn-instance <vrf:name>]",
    ),
    Line("info-center loghost source <ifname:ifname>", key=3, undo="info-center loghost source"),
    Line("info-center timestamp log {date|short-date|format-date|boot}", key=3),
    Line(
        "info-center source default channel {loghost|2} log level {emergencies|alert|critical"
        "|error|warning|notification|informational|debugging}",
        key=5,
    ),
    Line(
        "ntp-service unicast-server <ip:ip> [vpn-instance <vrf:name>] [source-interface"
        " <ifname:ifname>] [preference]",
        undo="ntp-service unicast-server <ip:ip>",
    ),
    Line("undo ntp-service disable", replaces=("ntp-service disable",)),
    Line(
        "ntp-service source-interface <ifname:ifname>", key=2, undo="ntp-service source-interface"
    ),
    Line("clock timezone <tz:name:1-32> {add|minus} <off:hms>", key=2, undo="clock timezone"),
    Line("snmp-agent", undo="="),
    Line(
        "snmp-agent sys-info version <v:words:v1,v2c,v3,all>",
        key=3,
        undo="snmp-agent sys-info version <v:words:v1,v2c,v3,all>",
    ),
    Line("snmp-agent sys-info location <t:text:1-255>", key=3, undo="snmp-agent sys-info location"),
    Line("snmp-agent sys-info contact <t:text:1-255>", key=3, undo="snmp-agent sys-info contact"),
    Line(
        "snmp-agent group v3 <g:name:1-32> {authentication|privacy|noauthentication}"
        " [read-view <r:name>] [write-view <w:name>] [notify-view <n:name>]"
        " [acl <a:int:2000-3999>]",
        key=4,
        undo="snmp-agent group v3 <g:name:1-32> [{authentication|privacy|noauthentication}]",
    ),
    Line(
        "snmp-agent usm-user v3 <u:name:1-32> <g:name:1-32> [authentication-mode {sha|md5"
        "|sha2-256} [cipher] <a:secret:8-64> [privacy-mode {aes128|aes256|des56} [cipher]"
        " <p:secret:8-64>]] [acl <n:int:2000-3999>]",
        key=5,
        undo="snmp-agent usm-user v3 <u:name:1-32>",
    ),
    Line("snmp-agent usm-user v3 <u:name:1-32> group <g:name:1-32>", key=5),
    Line("snmp-agent usm-user v3 <u:name:1-32>"),
    Line(
        "snmp-agent usm-user v3 <u:name:1-32> authentication-mode {sha|md5|sha2-256} cipher"
        " <a:secret:8-64>",
        key=5,
    ),
    Line(
        "snmp-agent usm-user v3 <u:name:1-32> privacy-mode {aes128|aes256|des56} cipher"
        " <p:secret:8-64>",
        key=5,
    ),
    Line(
        "snmp-agent target-host trap address udp-domain <ip:ip> [udp-port <port:int:1-65535>]"
        " [vpn-instance <vrf:name>] params securityname <u:name:1-32> [v3 {privacy"
        "|authentication}] [private-netmanager]",
        undo="snmp-agent target-host trap address udp-domain <ip:ip>"
        " [params securityname <u:name:1-32>]",
    ),
    Line("snmp-agent trap enable", undo="="),
    Line("snmp-agent acl <a:int:2000-3999>", key=2, undo="snmp-agent acl"),
    Line(
        "snmp-agent mib-view included <v:name> <oid:word>",
        undo="snmp-agent mib-view included <v:name> <oid:word>",
    ),
    Line(
        "snmp-agent community {read|write} [cipher] <c:secret:1-32> [acl <a:int:2000-3999>]",
        key=4,
        undo="snmp-agent community {read|write} <c:secret:1-32>",
    ),
    *EXIT,
]

L2IF: list[Cmd] = [
    Line("description <t:text:1-242>", key=1, undo="description"),
    Line("shutdown", undo="="),
    Op(
        "port link-type {access|trunk|hybrid}",
        "link_type",
        undo="port link-type",
        undo_op="undo_link_type",
    ),
    Line(
        "port default vlan <vid:vlan>", key=3, undo="port default vlan", needs="access,vlan_exists"
    ),
    Op(
        "port trunk allow-pass vlan {<vids:vlans>|all}",
        "trunk_add",
        needs="trunk",
        undo="port trunk allow-pass vlan {<vids:vlans>|all}",
        undo_op="trunk_remove",
    ),
    Line("port trunk pvid vlan <vid:vlan>", key=3, undo="port trunk pvid vlan", needs="trunk"),
    Line("stp edged-port {enable|disable}", key=2, undo="stp edged-port"),
    Line("stp bpdu-filter {enable|disable}", key=2, undo="stp bpdu-filter"),
    Line("stp root-protection", undo="="),
    Line(
        "storm-suppression {broadcast|multicast|unknown-unicast} {<pct:int:0-100>"
        "|packets <pps:int:0-148810>|cir <kbps:int:0-1000000>}",
        key=2,
        undo="storm-suppression {broadcast|multicast|unknown-unicast}",
    ),
    Line(
        "broadcast-suppression {<pct:int:0-100>|packets <pps:int:0-148810>}",
        key=1,
        undo="broadcast-suppression",
    ),
    Line(
        "storm-control {broadcast|multicast|unknown-unicast} min-rate <a:int:0-14881000>"
        " max-rate <b:int:0-14881000>",
        key=2,
        undo="storm-control {broadcast|multicast|unknown-unicast}",
    ),
    Line("storm-control action {block|error-down}", key=2, undo="storm-control action"),
    Line("storm-control enable {log|trap}", key=3, undo="storm-control enable {log|trap}"),
    Line("dhcp snooping enable", undo="="),
    Line("dhcp snooping trusted", undo="="),
    Line("port-security enable", undo="="),
    Line("port-security max-mac-num <n:int:1-4096>", key=2, undo="port-security max-mac-num"),
    Line(
        "port-security protect-action {protect|restrict|shutdown}",
        key=2,
        undo="port-security protect-action",
    ),
    Line("port-security mac-address sticky", undo="="),
    Line("lldp admin-status {tx|rx|txrx|disable}", key=2, undo="lldp admin-status"),
    Line("negotiation auto", undo="="),
    Line("speed {10|100|1000}", key=1, undo="speed"),
    Line("duplex {full|half}", key=1, undo="duplex"),
    Line("eth-trunk <n:int:0-63>", key=1, undo="eth-trunk"),
    Op("undo portswitch", "l3_mode"),
    Line("loopback-detect enable", undo="="),
    *EXIT,
]

L3IF: list[Cmd] = [
    Line("description <t:text:1-242>", key=1, undo="description"),
    Line("shutdown", undo="="),
    Line("ip address <ip:ip> <mask:netmask>", key=2, undo="ip address [<ip:ip> <mask:netmask>]"),
    Op("portswitch", "l2_mode", replaces=("undo portswitch",), default=True),
    Op("undo portswitch", "l3_mode"),
    Op(
        "ip binding vpn-instance <vrf:name>",
        "vrf_bind",
        undo="ip binding vpn-instance <vrf:name>",
        needs="vrf_exists",
    ),
    *EXIT,
]

VLAN = [
    Line("description <t:text:1-80>", key=1, undo="description"),
    Line("name <t:word:1-31>", key=1, undo="name"),
    *EXIT,
]

UI = [
    Line("authentication-mode {aaa|password|none}", key=1, undo="authentication-mode"),
    Line("protocol inbound {ssh|telnet|all}", key=2, undo="protocol inbound"),
    Line("idle-timeout <m:int:0-35791> [<s:int:0-59>]", key=1, undo="idle-timeout"),
    Line(
        "acl <n:int:2000-3999> {inbound|outbound}",
        replaces=("acl",),
        undo="acl [<n:int:2000-3999>] {inbound|outbound}",
    ),
    Line("user privilege level <l:int:0-15>", key=2, undo="user privilege"),
    Line("screen-length <n:int:0-512>", key=1, undo="screen-length"),
    *EXIT,
]

AAA = [
    Line(
        "local-user <u:name:1-64> password {irreversible-cipher|cipher} <p:secret:8-128>",
        key=3,
        undo="local-user <u:name:1-64> [{password|privilege level|service-type|state}]",
    ),
    Line("local-user <u:name:1-64> privilege level <l:int:0-15>", key=3),
    Line(
        "local-user <u:name:1-64> service-type <s:words:ssh,telnet,terminal,ftp,http,web,snmp>",
        key=3,
    ),
    Line("local-user <u:name:1-64> state {active|block}", key=3),
    Line(
        "local-aaa-user wrong-password retry-interval <a:int:5-1440> retry-time"
        " <b:int:3-65535> block-time <c:int:5-1440>",
        key=2,
        undo="local-aaa-user wrong-password",
    ),
    *EXIT,
]

ACL_BASIC = [
    Op(
        "rule [<id:int:0-4294967294>] {permit|deny} [source {<src:ip> <w:wildcard>|any}]",
        "acl_rule",
        undo="rule <id:int:0-4294967294>",
    ),
    Line("description <t:text:1-127>", key=1, undo="description"),
    *EXIT,
]

ACL_ADV = [
    Op(
        "rule [<id:int:0-4294967294>] {permit|deny} {ip|tcp|udp|icmp} [source {<src:ip>"
        " <w:wildcard>|any}] [destination {<dst:ip> <dw:wildcard>|any}]"
        " [destination-port eq <port:int:0-65535>]",
        "acl_rule",
        undo="rule <id:int:0-4294967294>",
    ),
    Line("description <t:text:1-127>", key=1, undo="description"),
    *EXIT,
]

VPN = [
    Enter("ipv4-family", "vpn-af", "{parent}-af-ipv4", undo="="),
    Line("route-distinguisher <rd:rd>", key=1),
    Line(
        "vpn-target <rt:rd> [{both|export-extcommunity|import-extcommunity}]",
        undo="vpn-target <rt:rd> [{both|export-extcommunity|import-extcommunity}]",
    ),
    Line("description <t:text:1-242>", key=1, undo="description"),
    *EXIT,
]

VPN_AF = [
    Line("route-distinguisher <rd:rd>", key=1),
    Line(
        "vpn-target <rt:rd> [{both|export-extcommunity|import-extcommunity}]",
        undo="vpn-target <rt:rd> [{both|export-extcommunity|import-extcommunity}]",
    ),
    *EXIT,
]

ERRORS = {
    "unrecognized": "Error: Unrecognized command found at '^' position.",
    "wrong": "Error: Wrong parameter found at '^' position.",
    "incomplete": "Error: Incomplete command found at '^' position.",
    "too_many": "Error: Too many parameters found at '^' position.",
    "ambiguous": "Error: Ambiguous command found at '^' position.",
    "not_trunk": "Error: The port is not a trunk port. Please set the link type to trunk first.",
    "not_access": "Error: The port is not an access port. Please set the link type to access"
    " first.",
    "no_vlan": "Error: The VLAN {vid} does not exist.",
    "no_vrf": "Error: The VPN instance {vrf} does not exist.",
    "vlan1": "Error: The default VLAN cannot be deleted.",
    "renew": "Error: Please renew the default configurations.",
    "vrf_removed": "Info: All IPv4 related configurations on this interface are removed!",
    "enter_config": "Enter system view, return user view with Ctrl+Z.",
    "save_question": "The current configuration will be written to the device.\r\n"
    "Are you sure to continue?[Y/N]",
    "save_done": "Now saving the current configuration to the slot 0.\r\n"
    "Save the configuration successfully.",
    "save_aborted": "",
    "no_startup": "",
}

VERSION = (
    "Huawei Versatile Routing Platform Software\r\n"
    "VRP (R) software, Version 5.170 (S5720 V200R011C10SPC500)\r\n"
    "Copyright (C) 2000-2018 HUAWEI TECH Co., Ltd.\r\n"
    "HUAWEI S5720-28P-LI-AC Routing Switch uptime is 0 week, 0 day, 1 hour, 0 minute"
)


def _prompt(host: str, view: str, label: str) -> str:
    if view == "user":
        return f"<{host}>"
    return f"[{host}-{label}]" if label else f"[{host}]"


def _render(d: Dialect, cfg: Config) -> str:
    return render_bracket(
        d,
        cfg,
        "!Software Version V200R011C10SPC500",
        "",
        trunk_lines_to("allow-pass"),
        vlan_batch=True,
    )


VRP = Dialect(
    name="huawei_vrp",
    neg="undo",
    factory=("aaa", "user-interface con 0", "user-interface vty 0 4"),
    root_view="system",
    login_view="user",
    views={
        "user": USER,
        "system": SYSTEM,
        "l2if": L2IF,
        "l3if": L3IF,
        "vlan": VLAN,
        "ui": UI,
        "aaa": AAA,
        "acl-basic": ACL_BASIC,
        "acl-adv": ACL_ADV,
        "vpn": VPN,
        "vpn-af": VPN_AF,
    },
    parents={
        "l2if": "system",
        "l3if": "system",
        "vlan": "system",
        "ui": "system",
        "aaa": "system",
        "acl-basic": "system",
        "acl-adv": "system",
        "vpn": "system",
        "vpn-af": "vpn",
    },
    anywhere=DISPLAY,
    ifaces=[
        IfType("GigabitEthernet", r"\d{1,2}/\d{1,2}/\d{1,2}", "l2if", ("GE",), 53),
        IfType("XGigabitEthernet", r"\d{1,2}/\d{1,2}/\d{1,2}", "l2if", ("XGE",), 54),
        IfType("Eth-Trunk", r"\d{1,2}", "l2if", (), 52),
        IfType("Vlanif", r"[1-9]\d{0,3}", "l3if", (), 51),
        IfType("LoopBack", r"\d{1,4}", "l3if", (), 55),
        IfType("MEth", r"0/0/1", "l3if", (), 50),
        IfType("NULL", r"0", "l3if", (), 56),
    ],
    errors=ERRORS,
    caret={},
    default_hostname="HUAWEI",
    comment="#",
    prompt_fn=_prompt,
    render_fn=_render,
    vlan_fn=vlans_bracket,
    version_text=VERSION,
    cipher_prefix="%^%#",
    default_link_type="hybrid",
    replay_skip=r"^(!|return$)",
)
