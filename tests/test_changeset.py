"""changeset: intended vs running -> only the needed commands, in the platform's order."""

from __future__ import annotations

import pytest

from shaoshan_net.changeset import plan, substitute_secrets, undo_command
from shaoshan_net.config_tree import parse
from shaoshan_net.errors import InputError


def cmds(want: str, have: str, dialect: str = "huawei_vrp") -> list[str]:
    return plan(parse(want, dialect), parse(have, dialect)).commands()


TRUNK_VRP = (
    "interface GigabitEthernet0/0/25\n port link-type trunk\n port trunk allow-pass vlan {}\n"
)


def test_equal_configs_give_an_empty_change_set() -> None:
    text = TRUNK_VRP.format("100 to 107")
    assert not plan(parse(text, "huawei_vrp"), parse(text, "huawei_vrp"))


def test_adding_a_vlan_to_a_trunk_range_emits_only_the_addition() -> None:
    assert cmds(TRUNK_VRP.format("100 to 108"), TRUNK_VRP.format("100 to 107")) == [
        "interface GigabitEthernet0/0/25",
        "port trunk allow-pass vlan 108",
        "quit",
    ]


def test_removing_a_vlan_from_a_trunk_range_emits_only_its_undo() -> None:
    assert cmds(TRUNK_VRP.format("100 to 106"), TRUNK_VRP.format("100 to 107")) == [
        "interface GigabitEthernet0/0/25",
        "undo port trunk allow-pass vlan 107",
        "quit",
    ]


def test_vlan_batch_grows_by_the_delta_only() -> None:
    assert cmds(" vlan batch 100 to 108\n", " vlan batch 100 to 107\n") == ["vlan batch 108"]


def test_comware_permit_list_delta() -> None:
    want = "interface G1/0/25\n port trunk permit vlan 99 1000 1002\n"
    have = "interface G1/0/25\n port trunk permit vlan 99 1000 1001\n"
    assert cmds(want, have, "h3c_comware") == [
        "interface G1/0/25",
        "undo port trunk permit vlan 1001",
        "port trunk permit vlan 1002",
        "quit",
    ]


def test_ios_allowed_list_delta_uses_add_and_remove() -> None:
    want = "interface Gi1/0/25\n switchport trunk allowed vlan 99,1000,1002\n"
    have = "interface Gi1/0/25\n switchport trunk allowed vlan 99,1000,1001\n"
    assert cmds(want, have, "cisco_ios") == [
        "interface Gi1/0/25",
        "switchport trunk allowed vlan remove 1001",
        "switchport trunk allowed vlan add 1002",
        "exit",
    ]


def test_ios_trunk_without_a_list_gets_the_whole_list_set() -> None:
    want = "interface Gi1/0/25\n switchport mode trunk\n switchport trunk allowed vlan 99,1000\n"
    have = "interface Gi1/0/25\n switchport mode trunk\n"
    assert cmds(want, have, "cisco_ios")[1] == "switchport trunk allowed vlan 99,1000"


def test_vlans_are_created_before_the_trunk_that_carries_them() -> None:
    want = TRUNK_VRP.format("99 108") + "#\n vlan batch 99 108\n"
    have = TRUNK_VRP.format("99") + "#\n vlan batch 99\n"
    out = cmds(want, have)
    assert out.index("vlan batch 108") < out.index("port trunk allow-pass vlan 108")


def test_vlans_are_deleted_after_the_trunk_stops_carrying_them() -> None:
    want = " vlan batch 99\n#\n" + TRUNK_VRP.format("99")
    have = " vlan batch 99 108\n#\n" + TRUNK_VRP.format("99 108")
    out = cmds(want, have)
    assert out.index("undo port trunk allow-pass vlan 108") < out.index("undo vlan batch 108")


def test_comware_new_vlan_section_comes_before_its_trunk() -> None:
    want = "interface G1\n port trunk permit vlan 20\n#\nvlan 20\n name X\n"
    have = "interface G1\n#\n"
    out = cmds(want, have, "h3c_comware")
    assert out[:3] == ["vlan 20", "name X", "quit"]


def test_trunk_to_hybrid_passes_through_access_after_undoing_the_trunk_list() -> None:
    want = "interface G1\n port link-type hybrid\n port hybrid tagged vlan 10\n"
    have = "interface G1\n port link-type trunk\n port trunk allow-pass vlan 10\n"
    assert cmds(want, have) == [
        "interface G1",
        "undo port trunk allow-pass vlan 10",
        "port link-type access",
        "port link-type hybrid",
        "port hybrid tagged vlan 10",
        "quit",
    ]


def test_single_valued_setting_is_replaced_without_undo() -> None:
    out = cmds("interface G1\n description NEW\n", "interface G1\n description OLD\n")
    assert out == ["interface G1", "description NEW", "quit"]


def test_removed_single_valued_setting_is_undone_by_its_bare_key() -> None:
    assert cmds("interface G1\n", "interface G1\n description OLD\n") == [
        "interface G1", "undo description", "quit",
    ]


def test_logical_interface_is_removed_whole() -> None:
    have = "interface Vlanif1031\n ip address 10.1.1.1 255.255.255.0\n"
    assert cmds("", have) == ["undo interface Vlanif1031"]


def test_physical_interface_is_cleaned_child_by_child() -> None:
    have = "interface GigabitEthernet0/0/3\n port link-type access\n port default vlan 10\n"
    assert cmds("interface GigabitEthernet0/0/3\n", have) == [
        "interface GigabitEthernet0/0/3",
        "undo port default vlan",
        "undo port link-type",
        "quit",
    ]


def test_negated_line_is_removed_by_its_positive_form() -> None:
    assert undo_command("undo port trunk allow-pass vlan 1", "huawei_vrp") == (
        "port trunk allow-pass vlan 1"
    )
    assert undo_command("no ip http server", "cisco_ios") == "ip http server"


def test_nested_sections_are_entered_and_left_level_by_level() -> None:
    want = "ip vpn-instance PUBLIC\n ipv4-family\n  route-distinguisher 65000:1\n"
    have = "ip vpn-instance PUBLIC\n ipv4-family\n"
    assert cmds(want, have) == [
        "ip vpn-instance PUBLIC",
        "ipv4-family",
        "route-distinguisher 65000:1",
        "quit",
        "quit",
    ]


def test_line_differing_only_in_secret_is_no_change() -> None:
    want = "aaa\n local-user netadmin password irreversible-cipher %ADMIN_SECRET%\n"
    have = "aaa\n local-user netadmin password irreversible-cipher $1a$Xy$\n"
    assert not plan(parse(want, "huawei_vrp"), parse(have, "huawei_vrp"))


def test_change_set_keeps_the_placeholder_not_the_secret() -> None:
    want = "aaa\n local-user netadmin password irreversible-cipher %ADMIN_SECRET%\n"
    out = cmds(want, "aaa\n")
    assert "local-user netadmin password irreversible-cipher %ADMIN_SECRET%" in out


def test_substitute_secrets_fills_placeholders_from_the_environment() -> None:
    env = {"SHAOSHAN_SSH_PASSWORD": "s3cret"}
    out = substitute_secrets(["local-user a password irreversible-cipher %ADMIN_SECRET%"], env)
    assert out == ["local-user a password irreversible-cipher s3cret"]


def test_substitute_secrets_names_the_missing_variable() -> None:
    with pytest.raises(InputError, match="SHAOSHAN_SNMP_AUTH_KEY"):
        substitute_secrets(["x %SNMP_AUTH_KEY%"], {}, host="qingxi")


def test_display_marks_additions_and_undos() -> None:
    cs = plan(parse(TRUNK_VRP.format("100 101"), "huawei_vrp"),
              parse(TRUNK_VRP.format("100 102"), "huawei_vrp"))
    assert cs.display() == [
        "  interface GigabitEthernet0/0/25",
        "-  undo port trunk allow-pass vlan 102",
        "+  port trunk allow-pass vlan 101",
    ]


def test_empty_physical_interface_is_never_undone() -> None:
    assert cmds("", "interface GigabitEthernet0/0/1\n") == []


def test_undo_keeps_only_the_leading_words_the_vendor_takes() -> None:
    have = "interface G1\n port-security max-mac-num 4\n"
    assert cmds("interface G1\n", have) == [
        "interface G1", "undo port-security max-mac-num", "quit",
    ]


def test_undo_form_by_regex_keeps_the_security_level_and_drops_the_acl() -> None:
    assert undo_command("snmp-agent group v3 NMS privacy acl 2001", "huawei_vrp") == (
        "undo snmp-agent group v3 NMS privacy"
    )


def test_comware_trap_host_undo_keeps_the_security_name_not_the_version() -> None:
    line = (
        "snmp-agent target-host trap address udp-domain 10.1.1.1 params securityname u v3 privacy"
    )
    assert undo_command(line, "h3c_comware") == (
        "undo snmp-agent target-host trap address udp-domain 10.1.1.1 params securityname u"
    )


def test_undo_form_wildcard_matches_any_user_name() -> None:
    assert undo_command("local-user ops privilege level 15", "huawei_vrp") == (
        "undo local-user ops privilege level"
    )


def test_two_lines_with_the_same_short_undo_send_it_once() -> None:
    have = "ssh user a authentication-type password\nssh user a service-type stelnet\n"
    assert cmds("", have) == ["undo ssh user a"]


def test_kept_line_removed_by_a_short_undo_is_sent_again() -> None:
    have = (
        "snmp-agent usm-user v3 u group OLD\n"
        "snmp-agent usm-user v3 u authentication-mode sha cipher X\n"
    )
    want = (
        "snmp-agent usm-user v3 u group NEW\n"
        "snmp-agent usm-user v3 u authentication-mode sha cipher X\n"
    )
    assert cmds(want, have) == [
        "undo snmp-agent usm-user v3 u",
        "snmp-agent usm-user v3 u group NEW",
        "snmp-agent usm-user v3 u authentication-mode sha cipher X",
    ]


def test_vrp_vpn_binding_is_undone_with_its_vrf_name() -> None:
    have = "interface Vlanif10\n ip binding vpn-instance PUBLIC\n"
    assert cmds("interface Vlanif10\n", have)[1] == "undo ip binding vpn-instance PUBLIC"


def test_comware_authentication_mode_is_replaced_and_undone_bare() -> None:
    have = "line vty 0 63\n authentication-mode scheme\n"
    assert cmds("line vty 0 63\n", have, "h3c_comware")[1] == "undo authentication-mode"
    want = "line vty 0 63\n authentication-mode password\n"
    assert cmds(want, have, "h3c_comware")[1:] == ["authentication-mode password", "quit"]
