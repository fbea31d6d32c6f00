"""The emulator's CLI engine without SSH: grammar, views, configuration semantics, rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

from shaoshan_net.lab.emulator.device import Session, Switch, mask_line
from shaoshan_net.lab.emulator.dialects import DIALECTS


def session(platform: str, state_dir: Path | None = None, name: str = "sw") -> Session:
    s = Session(Switch(name, "SW1", DIALECTS[platform], state_dir))
    s.execute("configure terminal" if platform == "cisco_ios" else "system-view")
    return s


def run(s: Session, *lines: str) -> list[str]:
    """Execute lines; return the texts of the refused ones (empty list: all accepted)."""
    return [f"{line} -> {r.text}" for line in lines if (r := s.execute(line)).error]


def running(s: Session) -> str:
    return s.sw.dialect.render(s.sw.running)


def test_vrp_nested_view_prompts() -> None:
    s = session("huawei_vrp")
    prompts = []
    for line in ("interface GigabitEthernet0/0/25", "vlan 10", "user-interface vty 0 4", "aaa",
                 "interface Vlanif99", "ip vpn-instance PUBLIC", "ipv4-family"):
        assert run(s, line) == []
        prompts.append(s.prompt())
    assert prompts == [
        "[SW1-GigabitEthernet0/0/25]", "[SW1-vlan10]", "[SW1-ui-vty0-4]", "[SW1-aaa]",
        "[SW1-Vlanif99]", "[SW1-vpn-instance-PUBLIC]", "[SW1-vpn-instance-PUBLIC-af-ipv4]",
    ]
    s.execute("quit")
    assert s.prompt() == "[SW1-vpn-instance-PUBLIC]"
    s.execute("return")
    assert s.prompt() == "<SW1>"


def test_comware_vlan_interface_and_line_prompts() -> None:
    s = session("h3c_comware")
    run(s, "interface Vlan-interface99")
    assert s.prompt() == "[SW1-Vlan-interface99]"
    run(s, "line vty 0 63")
    assert s.prompt() == "[SW1-line-vty0-63]"


def test_ios_config_mode_prompts() -> None:
    s = session("cisco_ios")
    seen = []
    for line in ("interface GigabitEthernet1/0/1", "vlan 10", "line vty 0 15", "exit"):
        run(s, line)
        seen.append(s.prompt())
    assert seen == ["SW1(config-if)#", "SW1(config-vlan)#", "SW1(config-line)#", "SW1(config)#"]
    s.execute("end")
    assert s.prompt() == "SW1#"


def test_vrp_unknown_keyword_gets_marker_under_the_word() -> None:
    s = session("huawei_vrp")
    r = s.execute("interface GigabitEthernet0/0/1")
    r = s.execute("port link-typo trunk")
    prompt = "[SW1-GigabitEthernet0/0/1]"
    assert r.error
    marker, message = r.text.split("\r\n")
    assert message == "Error: Unrecognized command found at '^' position."
    assert marker.index("^") == len(prompt) + len("port ")


@pytest.mark.parametrize(
    ("platform", "line", "message"),
    [
        ("huawei_vrp", "vlan batch 10 5000", "Error: Wrong parameter found at '^' position."),
        ("huawei_vrp", "ip route-static 1.0.0.0",
         "Error: Incomplete command found at '^' position."),
        ("huawei_vrp", "sysname A B", "Error: Too many parameters found at '^' position."),
        ("h3c_comware", "vlan 4095", "% Wrong parameter found at '^' position."),
        ("h3c_comware", "snmp-agent sys-info", "% Incomplete command found at '^' position."),
        ("h3c_comware", "stelnet server enable", "% Unrecognized command found at '^' position."),
        ("cisco_ios", "vlan 4095", "% Invalid input detected at '^' marker."),
        ("cisco_ios", "ip route 0.0.0.0 0.0.0.0", "% Incomplete command."),
        ("cisco_ios", "port link-type trunk", "% Invalid input detected at '^' marker."),
    ],
)
def test_malformed_line_gets_vendor_error(platform: str, line: str, message: str) -> None:
    r = session(platform).execute(line)
    assert r.error
    assert r.text.split("\r\n")[-1] == message


def test_interface_command_in_system_view_is_refused() -> None:
    s = session("huawei_vrp")
    assert run(s, "port link-type trunk")
    assert run(s, "ip address 10.0.0.1 255.255.255.0")


def test_ip_address_on_layer2_port_is_refused() -> None:
    s = session("huawei_vrp")
    run(s, "interface GigabitEthernet0/0/1")
    assert run(s, "ip address 10.0.0.1 24")
    assert run(s, "undo portswitch", "ip address 10.0.0.1 24") == []


def test_system_command_in_sub_view_falls_back_to_system_view() -> None:
    s = session("huawei_vrp")
    run(s, "interface GigabitEthernet0/0/1")
    assert run(s, "vlan batch 10") == []
    assert s.prompt() == "[SW1]"


def test_abbreviated_keywords_are_expanded() -> None:
    s = session("huawei_vrp")
    assert run(s, "int g0/0/1", "port link-t access", "desc user port") == []
    assert "interface GigabitEthernet0/0/1\r\n port link-type access\r\n description user port" in (
        running(s)
    )


def test_ambiguous_abbreviation_is_refused() -> None:
    r = session("huawei_vrp").execute("st enable")  # stp or stelnet
    assert r.text.endswith("Error: Ambiguous command found at '^' position.")


def test_undo_removes_only_the_standing_line() -> None:
    s = session("huawei_vrp")
    run(s, "info-center loghost 10.1.1.1", "info-center loghost 10.1.1.2")
    run(s, "undo info-center loghost 10.1.1.1")
    text = running(s)
    assert "info-center loghost 10.1.1.2" in text
    assert "info-center loghost 10.1.1.1" not in text


def test_ios_no_removes_interface_line() -> None:
    s = session("cisco_ios")
    run(s, "interface GigabitEthernet1/0/1", "spanning-tree portfast", "no spanning-tree portfast")
    assert "spanning-tree portfast" not in running(s)


def test_vrp_vlan_batch_undo_of_subset_keeps_the_rest() -> None:
    s = session("huawei_vrp")
    run(s, "vlan batch 100 to 107", "vlan batch 108", "undo vlan batch 103 to 104")
    assert set(s.cfg.vlans) == {1, 100, 101, 102, 105, 106, 107, 108}
    assert "vlan batch 100 to 102 105 to 108" in running(s)


def test_vrp_trunk_allow_pass_is_a_set() -> None:
    s = session("huawei_vrp")
    run(s, "interface GigabitEthernet0/0/25", "port link-type trunk",
        "port trunk allow-pass vlan 100 to 107", "port trunk allow-pass vlan 108",
        "undo port trunk allow-pass vlan 1", "undo port trunk allow-pass vlan 104")
    text = running(s)
    assert " undo port trunk allow-pass vlan 1\r\n" in text
    assert " port trunk allow-pass vlan 100 to 103 105 to 108\r\n" in text


def test_comware_trunk_permit_is_a_set() -> None:
    s = session("h3c_comware")
    run(s, "interface GigabitEthernet1/0/25", "port link-type trunk",
        "port trunk permit vlan 10 20 to 30", "undo port trunk permit vlan 25 1")
    assert s.frames[-1].section.trunk == {10, *range(20, 25), *range(26, 31)}  # type: ignore[union-attr]


def test_ios_trunk_allowed_add_and_remove() -> None:
    s = session("cisco_ios")
    run(s, "interface GigabitEthernet1/0/25", "switchport mode trunk",
        "switchport trunk allowed vlan 10,20-30", "switchport trunk allowed vlan add 99",
        "switchport trunk allowed vlan remove 21-22")
    assert " switchport trunk allowed vlan 10,20,23-30,99\r\n" in running(s)


def test_trunk_list_needs_trunk_link_type() -> None:
    s = session("huawei_vrp")
    run(s, "interface GigabitEthernet0/0/25")
    assert run(s, "port trunk allow-pass vlan 10")


def test_access_vlan_must_exist_on_vrp() -> None:
    s = session("huawei_vrp")
    run(s, "interface GigabitEthernet0/0/1", "port link-type access")
    assert run(s, "port default vlan 10")
    assert run(s, "vlan batch 10", "interface GigabitEthernet0/0/1", "port default vlan 10") == []


def test_vrf_binding_removes_ip_address() -> None:
    s = session("huawei_vrp")
    run(s, "ip vpn-instance PUBLIC", "route-distinguisher 65000:1", "interface Vlanif10",
        "ip address 10.160.0.1 255.255.255.192")
    r = s.execute("ip binding vpn-instance PUBLIC")
    assert "removed" in r.text
    assert "ip address 10.160.0.1" not in running(s)


def test_binding_unknown_vrf_is_refused() -> None:
    s = session("huawei_vrp")
    run(s, "interface Vlanif10")
    assert run(s, "ip binding vpn-instance NOPE")


def test_secrets_are_ciphered_in_config_and_masked_in_log() -> None:
    s = session("huawei_vrp")
    s.execute("aaa")
    r = s.execute("local-user admin password irreversible-cipher Very$ecret1")
    assert r.logged == "local-user admin password irreversible-cipher ******"
    assert "Very$ecret1" not in running(s)


def test_unparsed_line_secret_is_masked_for_the_log() -> None:
    assert mask_line("username bob secret 0 hunter22") == "username bob secret 0 ******"


def test_ios_access_vlan_creates_missing_vlan() -> None:
    s = session("cisco_ios")
    r = s.execute("interface GigabitEthernet1/0/1")
    r = s.execute("switchport access vlan 30")
    assert "Creating vlan 30" in r.text
    assert 30 in s.cfg.vlans


@pytest.mark.parametrize("platform", sorted(DIALECTS))
def test_saved_config_replays_to_the_same_running_config(platform: str, tmp_path: Path) -> None:
    s = session(platform, tmp_path)
    lines = {
        "huawei_vrp": ["vlan batch 10 20", "vlan 10", "description users", "ip vpn-instance A",
                       "ipv4-family", "route-distinguisher 65000:1", "interface Vlanif99",
                       "ip address 10.165.0.11 24", "interface GigabitEthernet0/0/25",
                       "port link-type trunk", "port trunk allow-pass vlan 10 20",
                       "undo port trunk allow-pass vlan 1", "user-interface vty 0 4",
                       "authentication-mode aaa", "aaa", "local-user a password"
                       " irreversible-cipher Abcdefgh1", "acl 2000", "rule permit source"
                       " 10.165.0.0 0.0.1.255", "ip route-static 0.0.0.0 0 10.165.0.1"],
        "h3c_comware": ["vlan 10", "name users", "interface GigabitEthernet1/0/25",
                        "port link-type trunk", "port trunk permit vlan 10",
                        "local-user a class manage", "password simple Abcdefgh1",
                        "line vty 0 63", "authentication-mode scheme",
                        "ip route-static 0.0.0.0 0 10.165.0.1"],
        "cisco_ios": ["vlan 10", "name users", "vrf definition A", "rd 65000:1",
                      "address-family ipv4", "interface GigabitEthernet1/0/25",
                      "switchport mode trunk", "switchport trunk allowed vlan 10",
                      "line vty 0 15", "transport input ssh",
                      "username a privilege 15 secret Abcdefgh1",
                      "ip route 0.0.0.0 0.0.0.0 10.165.0.1"],
    }[platform]
    assert run(s, *lines) == []
    s.sw.save()
    again = Switch("sw", "OTHER", DIALECTS[platform], tmp_path)
    assert again.load_errors == []
    assert again.dialect.render(again.running) == running(s)


def test_factory_default_has_hostname_and_vlan_1_only() -> None:
    s = session("h3c_comware")
    text = running(s)
    assert " sysname SW1" in text
    assert "vlan 1\r\n" in text
    assert text.endswith("return")


# --- what each device hides as default (templates render the canonical running config) -----


def test_comware_hides_the_default_access_link_type() -> None:
    s = session("h3c_comware")
    assert run(s, "vlan 10", "interface GigabitEthernet1/0/1", "port link-type access",
               "port access vlan 10") == []
    text = running(s)
    assert "port access vlan 10" in text and "port link-type" not in text


def test_comware_refuses_to_delete_vlan_1_and_prints_it() -> None:
    s = session("h3c_comware")
    [refused] = run(s, "undo vlan 1")
    assert "The default VLAN can't be deleted." in refused
    assert "\r\nvlan 1\r\n" in running(s)


def test_comware_telnet_and_https_off_are_not_printed() -> None:
    s = session("h3c_comware")
    assert run(s, "telnet server enable", "ip https enable") == []
    assert " telnet server enable\r\n" in running(s) and " ip https enable\r\n" in running(s)
    assert run(s, "undo telnet server enable", "undo ip https enable") == []
    assert "telnet" not in running(s) and "https" not in running(s)


def test_comware_http_on_is_the_default_and_only_its_undo_is_printed() -> None:
    s = session("h3c_comware")
    assert run(s, "undo ip http enable") == []
    assert " undo ip http enable\r\n" in running(s)
    assert run(s, "ip http enable") == []
    assert "ip http" not in running(s)


def test_comware_vty_authentication_mode_undo_takes_no_argument() -> None:
    s = session("h3c_comware")
    assert run(s, "line vty 0 63", "authentication-mode scheme") == []
    [refused] = run(s, "undo authentication-mode scheme")
    assert "Too many parameters" in refused
    assert run(s, "undo authentication-mode") == []
    assert "authentication-mode" not in running(s)


def test_comware_prints_a_local_user_as_the_device_does() -> None:
    s = session("h3c_comware")
    assert run(s, "local-user ops class manage", "password simple Abcdefgh1",
               "authorization-attribute user-role network-admin") == []
    text = running(s)
    assert " password hash $h$6$" in text and "Abcdefgh1" not in text
    assert " authorization-attribute user-role network-operator\r\n" in text


def test_comware_snmp_user_keys_are_printed_as_cipher() -> None:
    s = session("h3c_comware")
    assert run(s, "snmp-agent usm-user v3 nms NMS simple authentication-mode sha Key-12345678"
               " privacy-mode aes128 Key-87654321 acl 2001") == []
    assert " snmp-agent usm-user v3 nms NMS cipher authentication-mode sha $h$6$" in running(s)


@pytest.mark.parametrize(
    ("platform", "port", "routed", "lines"),
    [
        ("h3c_comware", "GigabitEthernet1/0/48", "port link-mode route",
         ["ip address 10.166.0.1 30"]),
        ("cisco_ios", "GigabitEthernet1/0/48", "no switchport",
         ["ip address 10.166.0.1 255.255.255.252"]),
        ("huawei_vrp", "GigabitEthernet0/0/48", "undo portswitch",
         ["ip address 10.166.0.1 30"]),
    ],
)
def test_a_switch_port_becomes_a_routed_port(
    platform: str, port: str, routed: str, lines: list[str]
) -> None:
    s = session(platform)
    assert run(s, f"interface {port}", routed, *lines) == []
    text = running(s)
    assert f"{port}\r\n {routed}\r\n ip address 10.166.0.1 255.255.255.252" in text


def test_ios_switchport_is_the_default_and_not_printed() -> None:
    s = session("cisco_ios")
    assert run(s, "ip routing", "interface GigabitEthernet1/0/48", "no switchport",
               "switchport") == []
    text = running(s)
    assert "ip routing\r\n" in text and "switchport" not in text


def test_vrp_vty_authentication_mode_can_be_undone() -> None:
    s = session("huawei_vrp")
    assert run(s, "user-interface vty 0 4", "authentication-mode aaa",
               "undo authentication-mode") == []
    assert "authentication-mode" not in running(s)


def test_ios_no_takes_the_whole_command_too() -> None:
    s = session("cisco_ios")
    assert run(s, "interface GigabitEthernet1/0/1", "storm-control broadcast level 5.00",
               "no storm-control broadcast level 5.00") == []
    assert "storm-control" not in running(s)


def test_vrp_undo_takes_only_the_declared_form() -> None:
    s = session("huawei_vrp")
    assert run(s, "interface GigabitEthernet0/0/1", "port-security max-mac-num 4") == []
    [refused] = run(s, "undo port-security max-mac-num 4")
    assert "Too many parameters" in refused
    assert run(s, "undo port-security max-mac-num") == []


def test_comware_undo_port_link_mode_restores_a_bridge_port() -> None:
    s = session("h3c_comware")
    assert run(s, "interface GigabitEthernet1/0/48", "port link-mode route",
               "undo port link-mode", "port link-type trunk") == []
    assert "link-mode" not in running(s)
