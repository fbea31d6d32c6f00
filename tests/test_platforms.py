"""The platform declarations: VLAN list syntax both ways, error patterns, secret scrubbing."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shaoshan_net.platforms import PLATFORMS, platform, scrub_secrets
from shaoshan_net.render import TEMPLATES

vlan_sets = st.sets(st.integers(min_value=1, max_value=4094), max_size=60)


@pytest.mark.parametrize("name", sorted(PLATFORMS))
@given(vlans=vlan_sets)
def test_vlan_list_round_trips(name: str, vlans: set[int]) -> None:
    spec = PLATFORMS[name]
    assert spec.parse_vlans(spec.format_vlans(vlans)) == vlans


@pytest.mark.parametrize("name", sorted(PLATFORMS))
@given(vlans=vlan_sets)
def test_vlan_lines_together_hold_the_whole_set(name: str, vlans: set[int]) -> None:
    spec = PLATFORMS[name]
    lines = spec.format_vlan_lines(vlans)
    assert set().union(*(spec.parse_vlans(line) for line in lines)) == vlans


def test_vrp_and_comware_write_ranges_with_to() -> None:
    for name in ("huawei_vrp", "h3c_comware"):
        assert PLATFORMS[name].format_vlans([99, 998, 999, 1001]) == "99 998 to 999 1001"


def test_ios_writes_commas_and_hyphens() -> None:
    assert PLATFORMS["cisco_ios"].format_vlans([99, 998, 999, 1001, 1002, 1003]) == (
        "99,998,999,1001-1003"
    )


def test_vrp_prints_at_most_ten_items_per_line() -> None:
    lines = PLATFORMS["huawei_vrp"].format_vlan_lines(range(100, 160, 2))
    assert [len(line.split()) for line in lines] == [10, 10, 10]


@pytest.mark.parametrize(
    ("name", "rejected", "accepted"),
    [
        ("huawei_vrp", "Error: Unrecognized command found at '^' position.", "[SS-X]"),
        ("h3c_comware", "  % Unrecognized command found at '^' position.", "[SS-X-vlan10]"),
        ("cisco_ios", "% Invalid input detected at '^' marker.", "SS-X(config)#"),
    ],
)
def test_error_pattern_matches_the_vendors_rejection(
    name: str, rejected: str, accepted: str
) -> None:
    pattern = re.compile(PLATFORMS[name].error_pattern, re.M)
    assert pattern.search(rejected)
    assert not pattern.search(accepted)


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_every_emulator_refusal_matches_the_error_pattern(name: str) -> None:
    """A line the lab emulator refuses (syntax or semantics) must fail the host on push."""
    from shaoshan_net.lab.emulator.dialects import DIALECTS

    pattern = re.compile(PLATFORMS[name].error_pattern, re.M)
    errors = DIALECTS[name].errors
    refusals = ("unrecognized", "wrong", "incomplete", "too_many", "ambiguous", "not_trunk",
                "not_access", "no_vlan", "no_vrf", "vlan1", "renew")
    for kind in refusals:
        if kind in errors:
            text = errors[kind].format(vid=10, vrf="PUBLIC", line="x", ifname="Gi1/0/1")
            assert pattern.search(text), (kind, text)


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_emulator_success_texts_do_not_match_the_error_pattern(name: str) -> None:
    from shaoshan_net.lab.emulator.dialects import DIALECTS

    pattern = re.compile(PLATFORMS[name].error_pattern, re.M)
    errors = DIALECTS[name].errors
    for kind in ("enter_config", "save_done"):
        assert not pattern.search(errors[kind]), (kind, errors[kind])


def test_comware_semantic_refusal_without_percent_is_an_error() -> None:
    pattern = re.compile(PLATFORMS["h3c_comware"].error_pattern, re.M)
    assert pattern.search("VLAN 10 does not exist.")
    assert not pattern.search("Edge port should only be connected to terminal. It will cause "
                              "temporary loops if port GigabitEthernet1/0/1 is connected to "
                              "bridges. Please use it carefully.")


def test_netmiko_device_types_and_napalm_drivers() -> None:
    assert {n: (p.netmiko_device_type, p.napalm_driver) for n, p in PLATFORMS.items()} == {
        "huawei_vrp": ("huawei", None),
        "h3c_comware": ("hp_comware", None),
        "cisco_ios": ("cisco_ios", "ios"),
    }


@pytest.mark.parametrize(
    ("name", "line", "secret"),
    [
        ("huawei_vrp", " local-user netadmin password irreversible-cipher $1a$abc$", "$1a$abc$"),
        ("huawei_vrp", " snmp-agent usm-user v3 nms authentication-mode sha cipher %^%#x%^%#",
         "%^%#x%^%#"),
        ("h3c_comware", " password hash $h$6$xyz", "$h$6$xyz"),
        ("h3c_comware", " snmp-agent usm-user v3 nms NMS simple authentication-mode sha k1 "
                        "privacy-mode aes128 k2 acl 2001", "k1"),
        ("cisco_ios", "username netadmin privilege 15 secret 9 $9$abc", "$9$abc"),
        ("cisco_ios", "snmp-server user nms NMS v3 auth sha k1 priv aes 128 k2", "k2"),
    ],
)
def test_scrub_secrets_hides_the_value(name: str, line: str, secret: str) -> None:
    scrubbed = scrub_secrets(PLATFORMS[name], line)
    assert secret not in scrubbed
    assert "***" in scrubbed


def test_every_platform_has_unit_and_core_templates() -> None:
    for name in PLATFORMS:
        assert (TEMPLATES / name / "unit.j2").is_file()
        assert (TEMPLATES / name / "core.j2").is_file()


def test_unknown_platform_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="huawei_vrp"):
        platform("junos")
