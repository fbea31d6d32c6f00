"""Cisco IOS 15.2 (Catalyst 2960-X): the emulator's grammar, one page.

Syntax choices (documented, the emulator accepts these):
- VRFs (`vrf definition` / `ip vrf`, `vrf forwarding`) are accepted as on routing IOS, although
  a 2960-X LAN Base has none; binding a VRF removes the interface's IPv4 address, as IOS does.
- `snmp-server user ...` is shown in the running configuration (real IOS hides it), with its
  keys ciphered, so that a read-back can check it.
- `switchport access vlan N` creates a missing VLAN with IOS's notice.
- Secrets are shown as `secret 9 $9$...`-style cipher text, never in clear.
"""

from __future__ import annotations

from .dialect import Cmd, Dialect, Enter, IfType, Line, Op
from .render import render_ios, vlans_ios

SHOW = [
    Op("show running-config", "show_run"),
    Op("show startup-config", "show_start"),
    Op("show vlan [brief]", "show_vlan"),
    Op("show version", "show_version"),
]

DO = [Op(f"do {c.syntax}", c.act[3:]) for c in SHOW] + [
    Op("do write [memory]", "write"),
    Op("do copy running-config startup-config", "copy_run_start"),
]

EXIT = [Op("exit", "quit"), Op("end", "return")]

EXEC_USER = [
    *SHOW[2:],
    Op("enable", "enable"),
    Op("terminal length <n:int:0-512>", "terminal"),
    Op("terminal width <n:int:0-512>", "terminal"),
    Op("{exit|quit|logout}", "quit"),
]

EXEC = [
    *SHOW,
    Op("enable", "enable"),
    Op("disable", "disable"),
    Op("configure [terminal]", "config"),
    Op("terminal length <n:int:0-512>", "terminal"),
    Op("terminal width <n:int:0-512>", "terminal"),
    Op("write [memory]", "write"),
    Op("copy running-config startup-config", "copy_run_start"),
    Op("{exit|quit|logout}", "quit"),
]

ACL = "{<src:ip> [<w:wildcard>]|any|host <h:ip>}"

CONFIG: list[Cmd] = [
    Op("hostname <name:name:1-63>", "hostname", undo="hostname", undo_op="undo_hostname"),
    Op(
        "vlan <vids:vlancsv>",
        "vlan_enter",
        view="vlan",
        label="config-vlan",
        undo="vlan <vids:vlancsv>",
        undo_op="vlan_remove",
    ),
    Enter("interface <ifname:ifname>", "interface", "config-if", undo="interface <ifname:ifname>"),
    Enter("line vty <a:int:0-15> [<b:int:0-15>]", "line", "config-line"),
    Enter("line con 0", "line", "config-line"),
    Enter("vrf definition <vrf:name>", "vrf", "config-vrf", undo="="),
    Enter("ip vrf <vrf:name>", "ipvrf", "config-vrf", undo="="),
    Enter("ip access-list standard <acl:name>", "std-nacl", "config-std-nacl", undo="="),
    Line(f"access-list <n:int:1-99> {{permit|deny}} {ACL}", undo="access-list <n:int:1-99>"),
    Line(
        "ip route [vrf <vrf:name>] <dst:ip> <mask:mask> {<gw:ip>|<oif:ifname> [<gw2:ip>]}"
        " [<ad:int:1-255>] [name <nm:word:1-100>]",
        undo="ip route [vrf <vrf:name>] <dst:ip> <mask:mask> [<gw:ip>]",
        needs="vrf_exists",
    ),
    Line("ip default-gateway <gw:ip>", key=2, undo="ip default-gateway"),
    Line("ip routing", undo="="),
    Line("ip ssh version {1|2}", key=3, undo="ip ssh version"),
    Line("ip ssh time-out <t:int:1-120>", key=3, undo="ip ssh time-out"),
    Line("ip ssh authentication-retries <n:int:0-5>", key=3, undo="ip ssh authentication-retries"),
    Line("ip domain-name <d:word:1-64>", key=1, undo="ip domain-name"),
    Line("ip domain name <d:word:1-64>", key=2, undo="ip domain name"),
    Line("no ip domain-lookup", replaces=("ip domain-lookup",)),
    Line("ip domain-lookup", replaces=("no ip domain-lookup",)),
    Op("crypto key generate rsa [general-keys] [modulus <n:int:360-4096>]", "text"),
    Line(
        "username <u:name:1-64> [privilege <l:int:0-15>] {secret [{0|5|8|9}] <p:secret>"
        "|password [{0|7}] <p:secret>}",
        key=2,
        undo="username <u:name:1-64>",
    ),
    Line("enable secret [{0|5|8|9}] <p:secret>", key=2, undo="enable secret"),
    Line("aaa new-model", undo="="),
    Line(
        "aaa authentication login {default|<l:name>} <m:words:local,enable,none,line>",
        key=4,
        undo="aaa authentication login {default|<l:name>}",
    ),
    Line(
        "aaa authorization exec {default|<l:name>} <m:words:local,none>",
        key=4,
        undo="aaa authorization exec {default|<l:name>}",
    ),
    Line(
        "login block-for <s:int:1-65535> attempts <a:int:1-65535> within <w:int:1-65535>",
        key=2,
        undo="login block-for",
    ),
    Line("login on-failure log", undo="="),
    Line("login on-success log", undo="="),
    Line("service password-encryption", undo="="),
    Line(
        "service timestamps {log|debug} datetime [msec] [localtime] [show-timezone]",
        key=3,
        undo="service timestamps {log|debug}",
    ),
    # The positive forms are defaults a factory switch does not print here (see vrp.py).
    Op("ip http server", "default", replaces=("no ip http server",), default=True),
    Line("no ip http server", replaces=("ip http server",)),
    Op("ip http secure-server", "default", replaces=("no ip http secure-server",), default=True),
    Line("no ip http secure-server", replaces=("ip http secure-server",)),
    Line(
        "snmp-server group <g:name:1-32> v3 {auth|noauth|priv} [read <r:name>] [write <w:name>]"
        " [notify <n:name>] [access <a:name>]",
        key=3,
        undo="snmp-server group <g:name:1-32> [v3 {auth|noauth|priv}]",
    ),
    Line(
        "snmp-server user <u:name:1-32> <g:name:1-32> v3 [auth {sha|md5} <a:secret:8-64>"
        " [priv {aes 128|aes 192|aes 256|des|3des} <p:secret:8-64>]] [access <acl:name>]",
        key=3,
        undo="snmp-server user <u:name:1-32> [<g:name:1-32> [v3]]",
    ),
    Line(
        "snmp-server host <ip:ip> [vrf <vrf:name>] [{traps|informs}] version 3"
        " {auth|noauth|priv} <u:name:1-32> [<t:text>]",
        undo="snmp-server host <ip:ip> [<rest:text>]",
    ),
    Line("snmp-server location <t:text:1-255>", key=2, undo="snmp-server location"),
    Line("snmp-server contact <t:text:1-255>", key=2, undo="snmp-server contact"),
    Line("snmp-server enable traps [<t:text>]", undo="snmp-server enable traps [<t:text>]"),
    Line(
        "snmp-server view <v:name> <oid:word> {included|excluded}",
        undo="snmp-server view <v:name> [<oid:word>]",
    ),
    Line(
        "snmp-server community <c:secret:1-32> {RO|RW} [<acl:name>]",
        key=3,
        undo="snmp-server community <c:secret:1-32>",
    ),
    Line("snmp-server trap-source <ifname:ifname>", key=2, undo="snmp-server trap-source"),
    Line("logging host <ip:ip> [vrf <vrf:name>]", undo="logging host <ip:ip> [vrf <vrf:name>]"),
    Line(
        "logging trap {emergencies|alerts|critical|errors|warnings|notifications"
        "|informational|debugging}",
        key=2,
        undo="logging trap",
    ),
    Line("logging source-interface <ifname:ifname>", key=2, undo="logging source-interface"),
    Line("logging buffered <n:int:4096-2147483647>", key=2, undo="logging buffered"),
    Line(
        "ntp server [vrf <vrf:name>] <ip:ip> [prefer] [source <ifname:ifname>]",
        undo="ntp server [vrf <vrf:name>] <ip:ip>",
    ),
    Line("ntp source <ifname:ifname>", key=2, undo="ntp source"),
    Line(
        "clock timezone <tz:name:1-7> <h:signed:-23..23> [<m:int:0-59>]",
        key=2,
        undo="clock timezone",
    ),
    Line("spanning-tree mode {pvst|rapid-pvst|mst}", key=2, undo="spanning-tree mode"),
    Line("spanning-tree extend system-id", undo="="),
    Line(
        "spanning-tree portfast [edge] default", key=2, undo="spanning-tree portfast [edge] default"
    ),
    Line(
        "spanning-tree portfast [edge] bpduguard default",
        undo="spanning-tree portfast [edge] bpduguard default",
    ),
    Line("ip dhcp snooping", undo="="),
    Line("ip dhcp snooping vlan <vids:vlancsv>", key=4, undo="ip dhcp snooping vlan"),
    # option 82 insertion is on by default: only its `no` form is printed
    Line("no ip dhcp snooping information option"),
    Op("ip dhcp snooping information option", "default",
       replaces=("no ip dhcp snooping information option",), default=True),
    Line("lldp run", undo="="),
    Line("vtp mode {transparent|server|client|off}", key=2, undo="vtp mode"),
    Line("errdisable recovery cause <c:name>", undo="errdisable recovery cause <c:name>"),
    Line(
        "errdisable recovery interval <s:int:30-86400>", key=3, undo="errdisable recovery interval"
    ),
    *EXIT,
]

# `no switchport` makes a routed port (printed); `switchport` is the default (not printed).
PORT_MODE: list[Cmd] = [
    Op("switchport", "l2_mode", replaces=("no switchport",), default=True, undo="switchport",
       undo_op="l3_mode"),
]

L2IF: list[Cmd] = [
    Line("description <t:text:1-200>", key=1, undo="description"),
    Line("shutdown", undo="="),
    *PORT_MODE,
    Op(
        "switchport mode {access|trunk}",
        "link_type",
        undo="switchport mode",
        undo_op="undo_link_type",
    ),
    Op("switchport access vlan <vid:vlan>", "access_vlan_auto", undo="switchport access vlan"),
    Op(
        "switchport trunk allowed vlan {<vids:vlancsv>|all|none}",
        "trunk_set",
        undo="switchport trunk allowed vlan",
        undo_op="trunk_default",
    ),
    Op("switchport trunk allowed vlan add <vids:vlancsv>", "trunk_add"),
    Op("switchport trunk allowed vlan remove <vids:vlancsv>", "trunk_remove"),
    Op("switchport trunk allowed vlan except <vids:vlancsv>", "trunk_except"),
    Line("switchport trunk native vlan <vid:vlan>", key=4, undo="switchport trunk native vlan"),
    Line("switchport nonegotiate", undo="="),
    Line("switchport port-security", undo="="),
    Line(
        "switchport port-security maximum <n:int:1-132>",
        key=3,
        undo="switchport port-security maximum",
    ),
    Line(
        "switchport port-security violation {protect|restrict|shutdown}",
        key=3,
        undo="switchport port-security violation",
    ),
    Line("switchport port-security mac-address sticky", undo="="),
    Line("spanning-tree portfast [edge] [trunk]", key=2, undo="spanning-tree portfast"),
    Line("spanning-tree bpduguard {enable|disable}", key=2, undo="spanning-tree bpduguard"),
    Line(
        "storm-control {broadcast|multicast|unicast} level <a:decimal:0-100> [<b:decimal:0-100>]",
        key=2,
        undo="storm-control {broadcast|multicast|unicast}",
    ),
    Line("storm-control action {shutdown|trap}", undo="storm-control action {shutdown|trap}"),
    Line("ip dhcp snooping trust", undo="="),
    Line("ip dhcp snooping limit rate <r:int:1-2048>", key=4, undo="ip dhcp snooping limit rate"),
    Line("no lldp transmit", replaces=("lldp transmit",)),
    Line("no lldp receive", replaces=("lldp receive",)),
    Line("lldp transmit", replaces=("no lldp transmit",)),
    Line("lldp receive", replaces=("no lldp receive",)),
    Line("speed {10|100|1000|auto}", key=1, undo="speed"),
    Line("duplex {full|half|auto}", key=1, undo="duplex"),
    Line(
        "channel-group <n:int:1-48> mode {active|passive|on|desirable|auto}",
        key=1,
        undo="channel-group",
    ),
    *EXIT,
]

L3IF: list[Cmd] = [
    Line("description <t:text:1-200>", key=1, undo="description"),
    Line("shutdown", undo="="),
    *PORT_MODE,
    Line("ip address <ip:ip> <mask:mask>", key=2, undo="ip address <ip:ip> <mask:mask>",
         replaces=("no ip address",)),
    Line("no ip address", replaces=("ip address",)),
    Op(
        "vrf forwarding <vrf:name>",
        "vrf_bind",
        undo="vrf forwarding [<vrf:name>]",
        needs="vrf_exists",
    ),
    Op(
        "ip vrf forwarding <vrf:name>",
        "vrf_bind",
        undo="ip vrf forwarding [<vrf:name>]",
        needs="vrf_exists",
    ),
    *EXIT,
]

VLAN = [
    Line("name <t:word:1-32>", key=1, undo="name"),
    Line("state {active|suspend}", key=1),
    *EXIT,
]

LINE = [
    Line("login [local]", key=1, undo="login"),
    Line("transport input <t:words:ssh,telnet,none,all>", key=2, undo="transport input"),
    Line("transport output <t:words:ssh,telnet,none,all>", key=2, undo="transport output"),
    Line("exec-timeout <m:int:0-35791> [<s:int:0-2147483>]", key=1, undo="exec-timeout"),
    Line(
        "access-class <acl:name> in [vrf-also]",
        replaces=("access-class",),
        undo="access-class <acl:name> in",
    ),
    Line("privilege level <l:int:0-15>", key=2, undo="privilege level"),
    Line("logging synchronous", undo="="),
    Line("session-timeout <m:int:0-35791>", key=1, undo="session-timeout"),
    *EXIT,
]

VRF = [
    Line("rd <rd:rd>", key=1),
    Line("description <t:text:1-244>", key=1, undo="description"),
    Line(
        "route-target {export|import|both} <rt:rd>",
        undo="route-target {export|import|both} <rt:rd>",
    ),
    Enter("address-family ipv4", "vrf-af", "config-vrf-af", undo="="),
    *EXIT,
]

VRF_AF = [
    Line(
        "route-target {export|import|both} <rt:rd>",
        undo="route-target {export|import|both} <rt:rd>",
    ),
    Op("exit-address-family", "quit"),
    *EXIT,
]

IPVRF = [
    Line("rd <rd:rd>", key=1),
    Line("description <t:text:1-244>", key=1, undo="description"),
    Line(
        "route-target {export|import|both} <rt:rd>",
        undo="route-target {export|import|both} <rt:rd>",
    ),
    *EXIT,
]

STD_NACL = [
    Line(f"[<seq:int:1-2147483647>] {{permit|deny}} {ACL}", undo=f"{{permit|deny}} {ACL}"),
    *EXIT,
]

ERRORS = {
    "unrecognized": "% Invalid input detected at '^' marker.",
    "wrong": "% Invalid input detected at '^' marker.",
    "too_many": "% Invalid input detected at '^' marker.",
    "incomplete": "% Incomplete command.",
    "ambiguous": '% Ambiguous command:  "{line}"',
    "no_vlan": "% VLAN {vid} does not exist.",
    "no_vrf": "% VRF {vrf} does not exist",
    "vlan1": "%Default VLAN 1 may not be deleted.",
    "vrf_removed": "% Interface {ifname} IPv4 disabled and address(es) removed due to enabling"
    " VRF {vrf}",
    "enter_config": "Enter configuration commands, one per line.  End with CNTL/Z.",
    "save_done": "Building configuration...\r\n[OK]",
    "no_startup": "startup-config is not present",
    "text:crypto key generate rsa [general-keys] [modulus <n:int:360-4096>]": (
        "The name for the keys will be: switch\r\n"
    "% The key modulus size is 2048 bits\r\n"
    "% Generating 2048 bit RSA keys, keys will be non-exportable...\r\n[OK] (elapsed time was 1"
        " seconds)"
    ),
}

VERSION = (
    "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE"
    " SOFTWARE (fc2)\r\n"
    "{hostname} uptime is 1 hour, 0 minutes\r\n"
    "Model number                    : WS-C2960X-24TS-L"
)


def _prompt(host: str, view: str, label: str) -> str:
    if view == "exec-user":
        return f"{host}>"
    if view == "exec":
        return f"{host}#"
    if view == "config":
        return f"{host}(config)#"
    return f"{host}({label})#"


IOS = Dialect(
    name="cisco_ios",
    neg="no",
    factory=("line con 0", "line vty 0 4", "line vty 5 15"),
    root_view="config",
    login_view="exec",
    views={
        "exec-user": EXEC_USER,
        "exec": EXEC,
        "config": CONFIG,
        "l2if": L2IF,
        "l3if": L3IF,
        "vlan": VLAN,
        "line": LINE,
        "vrf": VRF,
        "vrf-af": VRF_AF,
        "ipvrf": IPVRF,
        "std-nacl": STD_NACL,
    },
    parents={
        "l2if": "config",
        "l3if": "config",
        "vlan": "config",
        "line": "config",
        "vrf": "config",
        "vrf-af": "vrf",
        "ipvrf": "config",
        "std-nacl": "config",
    },
    anywhere=DO,
    ifaces=[
        IfType("GigabitEthernet", r"\d{1,2}/\d{1,2}(/\d{1,2})?", "l2if", ("Gi",), 53),
        IfType("FastEthernet", r"\d{1,2}/\d{1,2}(/\d{1,2})?", "l2if", ("Fa",), 52),
        IfType("TenGigabitEthernet", r"\d{1,2}/\d{1,2}(/\d{1,2})?", "l2if", ("Te",), 54),
        IfType("Port-channel", r"\d{1,2}", "l2if", ("Po",), 51),
        IfType("Vlan", r"[1-9]\d{0,3}", "l3if", (), 50),
        IfType("Loopback", r"\d{1,5}", "l3if", ("Lo",), 55),
        IfType("Null", r"0", "l3if", (), 56),
    ],
    errors=ERRORS,
    caret={"incomplete": False, "ambiguous": False},
    default_hostname="Switch",
    comment="!",
    prompt_fn=_prompt,
    render_fn=render_ios,
    vlan_fn=vlans_ios,
    version_text=VERSION,
    cipher_prefix="$9$",
    default_link_type="",
    undo_full=True,
    replay_skip=r"^(Building configuration|Current configuration|version |end$"
    r"|exit-address-family)",
)
