"""config_tree: the three dialects parse into ordered trees with VLAN lists as sets."""

from __future__ import annotations

import pytest

from shaoshan_net.config_tree import ALL_VLANS, parse, parse_vlans, scrub_secrets

VRP = """\
!Software Version V200R019C10SPC500
#
 sysname SS-A-SW01
#
 vlan batch 99 1000 to 1003
 vlan batch 2001
#
aaa
 local-user netadmin password irreversible-cipher $1a$abc$
#
interface GigabitEthernet0/0/25
 port link-type trunk
 undo port trunk allow-pass vlan 1
 port trunk allow-pass vlan 99 1000 to 1002
 port trunk allow-pass vlan 1003
#
 ip route-static 0.0.0.0 0.0.0.0 10.165.0.1
#
return
"""

IOS = """\
Building configuration...

Current configuration : 1234 bytes
!
hostname SS-C-SW01
!
vlan 10-12
!
interface GigabitEthernet1/0/25
 switchport trunk allowed vlan 10,11
 switchport trunk allowed vlan add 20-22
 switchport mode trunk
!
vrf definition PUBLIC
 address-family ipv4
 exit-address-family
!
end
"""


def test_vrp_global_lines_after_hash_are_top_level() -> None:
    tree = parse(VRP, "huawei_vrp")
    assert [n.line for n in tree.children] == [
        "sysname SS-A-SW01",
        "vlan batch",
        "aaa",
        "interface GigabitEthernet0/0/25",
        "ip route-static 0.0.0.0 0.0.0.0 10.165.0.1",
    ]


def test_vrp_wrapped_vlan_batch_lines_merge_into_one_set() -> None:
    tree = parse(VRP, "huawei_vrp")
    assert tree.children[1].vlans == {99, 1000, 1001, 1002, 1003, 2001}


def test_vrp_trunk_allow_pass_is_a_set_beside_the_plain_undo_line() -> None:
    port = parse(VRP, "huawei_vrp").child("interface GigabitEthernet0/0/25")
    assert port is not None
    assert port.child("undo port trunk allow-pass vlan 1") is not None
    trunk = port.child("port trunk allow-pass vlan")
    assert trunk is not None and trunk.vlans == {99, 1000, 1001, 1002, 1003}


def test_vrp_version_comment_and_return_are_not_config() -> None:
    lines = parse(VRP, "huawei_vrp").lines()
    assert not any(line.startswith(("!", "return", "#")) for line in lines)


def test_comware_vlan_range_header_expands_to_vlan_sections() -> None:
    tree = parse("#\nvlan 10 to 12\n#\nvlan 20\n name X\n#\n", "h3c_comware")
    assert [n.line for n in tree.children] == ["vlan 10", "vlan 11", "vlan 12", "vlan 20"]
    assert tree.children[3].children[0].line == "name X"


def test_comware_trunk_permit_list_is_a_set() -> None:
    text = "interface GigabitEthernet1/0/25\n port trunk permit vlan 1 99 1000 to 1001\n"
    port = parse(text, "h3c_comware").children[0]
    assert port.children[0].vlans == {1, 99, 1000, 1001}


def test_ios_allowed_vlan_add_continuation_merges() -> None:
    port = parse(IOS, "cisco_ios").child("interface GigabitEthernet1/0/25")
    assert port is not None
    trunk = port.child("switchport trunk allowed vlan")
    assert trunk is not None and trunk.vlans == {10, 11, 20, 21, 22}


def test_ios_banner_lines_end_and_exit_address_family_are_dropped() -> None:
    tree = parse(IOS, "cisco_ios")
    assert tree.children[0].line == "hostname SS-C-SW01"
    vrf = tree.child("vrf definition PUBLIC")
    assert vrf is not None and [c.line for c in vrf.children] == ["address-family ipv4"]


def test_ios_vlan_range_header_expands() -> None:
    tree = parse(IOS, "cisco_ios")
    assert [n.line for n in tree.children if n.line.startswith("vlan")] == [
        "vlan 10", "vlan 11", "vlan 12",
    ]


def test_ios_allowed_vlan_remove_subtracts() -> None:
    text = (
        "interface G1\n switchport trunk allowed vlan 10-20\n"
        " switchport trunk allowed vlan remove 15\n"
    )
    trunk = parse(text, "cisco_ios").children[0].children[0]
    assert trunk.vlans == frozenset(range(10, 21)) - {15}


def test_ios_allowed_vlan_all_is_every_vlan() -> None:
    trunk = parse("interface G1\n switchport trunk allowed vlan all\n", "cisco_ios").children[0]
    assert trunk.children[0].vlans == ALL_VLANS


@pytest.mark.parametrize(
    ("text", "dialect", "expected"),
    [
        ("10 20 to 22", "huawei_vrp", {10, 20, 21, 22}),
        ("10,20-22", "cisco_ios", {10, 20, 21, 22}),
        ("all", "h3c_comware", set(ALL_VLANS)),
    ],
)
def test_parse_vlans_reads_each_syntax(text: str, dialect: str, expected: set[int]) -> None:
    assert parse_vlans(text, dialect) == expected


def test_rendered_lines_use_the_platform_list_syntax() -> None:
    tree = parse("interface G1\n switchport trunk allowed vlan 10,11,12,13\n", "cisco_ios")
    assert tree.lines() == ["interface G1", " switchport trunk allowed vlan 10-13"]


def test_round_trip_of_vrp_text_is_stable() -> None:
    tree = parse(VRP, "huawei_vrp")
    again = parse(tree.render(), "huawei_vrp")
    assert again.lines() == tree.lines()


@pytest.mark.parametrize(
    ("device", "rendered", "dialect"),
    [
        (
            "local-user netadmin password irreversible-cipher $1a$x$",
            "local-user netadmin password irreversible-cipher %ADMIN_SECRET%",
            "huawei_vrp",
        ),
        ("password hash $h$6$abc", "password simple %ADMIN_SECRET%", "h3c_comware"),
        (
            "username netadmin privilege 15 secret 9 $9$zz",
            "username netadmin privilege 15 secret %ADMIN_SECRET%",
            "cisco_ios",
        ),
        (
            "snmp-agent usm-user v3 nms NMS cipher authentication-mode sha $c$1 "
            "privacy-mode aes128 $c$2 acl 2001",
            "snmp-agent usm-user v3 nms NMS simple authentication-mode sha %SNMP_AUTH_KEY% "
            "privacy-mode aes128 %SNMP_PRIV_KEY% acl 2001",
            "h3c_comware",
        ),
    ],
)
def test_lines_differing_only_in_a_secret_scrub_equal(
    device: str, rendered: str, dialect: str
) -> None:
    assert scrub_secrets(device, dialect) == scrub_secrets(rendered, dialect)
    assert "<secret>" in scrub_secrets(device, dialect)


def test_unknown_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown dialect"):
        parse("", "junos")
