"""The loader: the shipped county is valid, and every broken input gets one precise line."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from shaoshan_net.errors import InputError
from shaoshan_net.loader import build_network, load_network, sources_from_config
from shaoshan_net.model import Network


def test_shipped_county_has_the_notices_shape(network: Network) -> None:
    outside = [u for u in network.units if u.location == "outside"]
    assert len(outside) == 42
    assert {u.name for u in network.units if u.is_township} == {
        "韶山市清溪镇人民政府",
        "韶山市银田镇人民政府",
        "韶山市韶山乡人民政府",
        "韶山市杨林乡人民政府",
    }
    assert sum(u.location == "in_building" for u in network.units) >= 20


def test_the_six_bodies_and_the_leading_group_are_connected(network: Network) -> None:
    names = " ".join(u.name for u in network.units)
    for body in (
        "市委",
        "人大",
        "人民政府办公室",
        "政协",
        "法院",
        "检察院",
        "监察局",
        "财政局",
        "经济和信息化局",
        "公安局",
        "互联网络管理中心",
        "政务服务中心",
        "信息中心",
        "保密局",
        "电信",
    ):
        assert body in names, body


def test_every_platform_is_used_and_huawei_dominates(network: Network) -> None:
    counts = {
        p: sum(u.platform == p for u in network.units)
        for p in ("huawei_vrp", "h3c_comware", "cisco_ios")
    }
    assert all(counts.values())
    assert counts["huawei_vrp"] > counts["h3c_comware"] > counts["cisco_ios"]


def test_no_real_looking_contact_data_is_shipped(network: Network) -> None:
    for unit in network.units:
        for person in (unit.survey.leader, unit.survey.it_staff):
            assert person.mobile.startswith(("138000", "139000")), unit.code
            assert person.email.endswith("@example.org"), unit.code


def test_sources_follow_nornir_config(project_root: Path) -> None:
    sources = sources_from_config(project_root)
    assert sources.hosts == str(project_root / "inventory" / "hosts.yaml")
    assert sources.topology == str(project_root / "topology.yaml")


def test_load_network_is_cached_until_a_file_changes(project_copy: Path) -> None:
    first = load_network(project_copy)
    assert load_network(project_copy) is first
    hosts = project_copy / "inventory" / "hosts.yaml"
    hosts.write_text(hosts.read_text().replace("示例领导001", "示例领导X"))
    assert load_network(project_copy) is not first


# --- broken inputs: (id, file to edit, edit, words the one-line error must contain) ----------

Edit = Callable[[str], str]


def sub(pattern: str, repl: str, count: int = 1) -> Edit:
    def edit(text: str) -> str:
        new, n = re.subn(pattern, repl, text, count=count, flags=re.M)
        assert n, f"pattern {pattern!r} not found"
        return new

    return edit


def drop_unit(code: str) -> Edit:
    return sub(rf"^{code}:.*\n(?:  .*\n|\n)*", "")


def add_outside_unit(text: str) -> str:
    return text + (
        "\nextra:\n  platform: huawei_vrp\n  groups: [outside]\n  data:\n    unit_id: 99\n"
        "    name: 额外单位\n    category: A\n"
        "    lines: [{circuit: X-99, activated: 2012-07-01}]\n"
    )


BROKEN: list[tuple[str, str, Edit, tuple[str, ...]]] = [
    (
        "duplicate-unit-id",
        "inventory/hosts.yaml",
        sub(r"unit_id: 2\n", "unit_id: 1\n"),
        ("hosts.yaml", "unit rdb", "field data.unit_id"),
    ),
    (
        "duplicate-hostname",
        "topology.yaml",
        sub(r'hostname_pattern: "SS-\{CODE\}-SW01"', 'hostname_pattern: "SS-UNIT-SW01"'),
        ("hosts.yaml", "unit rdb", "field hostname", "already used by swb"),
    ),
    (
        "duplicate-yaml-key",
        "inventory/hosts.yaml",
        sub(r"^rdb:", "swb:"),
        ("hosts.yaml:", "duplicate key 'swb'"),
    ),
    (
        "two-units-on-one-core-port",
        "topology.yaml",
        sub(r"rdb: GigabitEthernet2/0/1$", "rdb: GigabitEthernet2/0/0"),
        ("topology.yaml", "unit rdb", "field core.unit_ports", "already used by unit swb"),
    ),
    (
        "link-to-unknown-unit",
        "topology.yaml",
        sub(
            r"^    rdb: GigabitEthernet2/0/1$",
            "    rdb: GigabitEthernet2/0/1\n    ghost: GigabitEthernet9/0/1",
        ),
        ("topology.yaml", "unit ghost", "field core.unit_ports", "unknown unit"),
    ),
    (
        "unit-without-core-port",
        "topology.yaml",
        sub(r"^    rdb: GigabitEthernet2/0/1\n", ""),
        ("topology.yaml", "unit rdb", "field core.unit_ports", "no core port"),
    ),
    (
        "overlapping-blocks",
        "topology.yaml",
        sub(r"block: 10.161.0.0/16", "block: 10.160.128.0/17"),
        ("topology.yaml", "field zones.internet.block", "overlaps zones.public"),
    ),
    (
        "exhausted-pool",
        "inventory/hosts.yaml",
        sub(r"unit_id: 35\n", "unit_id: 300\n"),
        ("hosts.yaml", "unit qingxi", "field data.unit_id", "exhausted"),
    ),
    (
        "vlan-out-of-range",
        "topology.yaml",
        sub(r"  vlan: 99\n", "  vlan: 4095\n"),
        ("topology.yaml", "field management.vlan", "1-4094"),
    ),
    (
        "vlan-reused-across-zones",
        "topology.yaml",
        sub(r"vlans: \[2000, 2999\]", "vlans: [1900, 2999]"),
        ("topology.yaml", "field zones.internet.vlans", "VLANs reused"),
    ),
    (
        "unknown-platform",
        "inventory/hosts.yaml",
        sub(
            r"platform: huawei_vrp\n  groups: \[in_building\]",
            "platform: juniper\n  groups: [in_building]",
        ),
        ("hosts.yaml", "unit swb", "field platform", "unknown platform 'juniper'"),
    ),
    (
        "unknown-category",
        "inventory/hosts.yaml",
        sub(r"category: F", "category: G"),
        ("hosts.yaml", "unit rdb", "field data.category", "'G'"),
    ),
    (
        "missing-required-field",
        "inventory/hosts.yaml",
        sub(r"    name: 韶山市人大常委会办公室\n", ""),
        ("hosts.yaml", "unit rdb", "field data.name", "missing"),
    ),
    (
        "wrong-type",
        "inventory/hosts.yaml",
        sub(r"unit_id: 2\n", "unit_id: two\n"),
        ("hosts.yaml", "unit rdb", "field data.unit_id", "expected int"),
    ),
    (
        "malformed-yaml",
        "topology.yaml",
        sub(r"^grade: B$", "grade: [B"),
        ("topology.yaml:", "YAML syntax"),
    ),
    (
        "rate-gap",
        "costs.yaml",
        sub(r"years: \[3, 5\]", "years: [4, 5]"),
        ("costs.yaml", "field line_rates[1].years", "gap"),
    ),
    (
        "rate-overlap",
        "costs.yaml",
        sub(r"years: \[3, 5\]", "years: [2, 5]"),
        ("costs.yaml", "field line_rates[1].years", "overlap"),
    ),
    (
        "negative-price",
        "costs.yaml",
        sub(r"switch_price: 8932", "switch_price: -8932"),
        ("costs.yaml", "field switch_price", "negative"),
    ),
    (
        "non-integer-price",
        "costs.yaml",
        sub(r"outside: 3500", "outside: 3500.5"),
        ("costs.yaml", "field line_rates[0].outside", "expected int"),
    ),
    (
        "unknown-location-class-in-rates",
        "costs.yaml",
        sub(r"in_building: 2300", "inbuilding: 2300"),
        ("costs.yaml", "field line_rates[0].inbuilding"),
    ),
    (
        "41-outside-units",
        "inventory/hosts.yaml",
        drop_unit("gtj"),
        ("hosts.yaml", "41 outside units", "42"),
    ),
    (
        "43-outside-units",
        "inventory/hosts.yaml",
        add_outside_unit,
        ("hosts.yaml", "43 outside units", "42"),
    ),
    (
        "unit-in-no-location-group",
        "inventory/hosts.yaml",
        sub(r"groups: \[in_building\]", "groups: []"),
        ("hosts.yaml", "unit swb", "field groups"),
    ),
    (
        "dedicated-missing-for-category-d",
        "inventory/hosts.yaml",
        sub(r"    dedicated: court\n", ""),
        ("hosts.yaml", "unit fy", "field data.dedicated"),
    ),
    (
        "line-without-activation-date",
        "inventory/hosts.yaml",
        sub(r"\{circuit: XT-SS-BF-002, activated: 2012-07-01\}", "{circuit: XT-SS-BF-002}"),
        ("hosts.yaml", "unit rdb", "field data.lines[0].activated", "missing"),
    ),
    (
        "host-bits-in-block",
        "topology.yaml",
        sub(r"block: 10.160.0.0/16", "block: 10.160.0.1/16"),
        ("topology.yaml", "field zones.public.block"),
    ),
    (
        "city-uplinks-below-grade",
        "topology.yaml",
        sub(r"city_uplinks: 1 ", "city_uplinks: 2 "),
        ("topology.yaml", "field core.city_uplinks", "requires 2"),
    ),
]


def _break(root: Path, file: str, edit: Edit) -> None:
    path = root / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")


@pytest.mark.parametrize(("case", "file", "edit", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_input_is_one_precise_error(
    project_copy: Path, case: str, file: str, edit: Edit, words: tuple[str, ...]
) -> None:
    _break(project_copy, file, edit)
    with pytest.raises(InputError) as caught:
        build_network(sources_from_config(project_copy))
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_broken_input_exits_non_zero_with_one_line_and_no_traceback(project_copy: Path) -> None:
    _break(project_copy, "costs.yaml", sub(r"years: \[3, 5\]", "years: [4, 5]"))
    done = subprocess.run(
        [sys.executable, "-m", "shaoshan_net.cli", "--root", str(project_copy), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert "costs.yaml: field line_rates[1].years: gap" in done.stderr


def test_policy_choices_come_from_topology(project_copy: Path) -> None:
    _break(project_copy, "topology.yaml", sub(r"spare_access_ports: 4", "spare_access_ports: 2"))
    assert build_network(sources_from_config(project_copy)).topology.policy.spare_access_ports == 2


def test_policy_rejects_a_malformed_range(project_copy: Path) -> None:
    _break(project_copy, "topology.yaml",
           sub(r"storm_control_pps: \[1000, 2000\]", "storm_control_pps: [1000]"))
    with pytest.raises(InputError, match=r"field policy\.storm_control_pps"):
        build_network(sources_from_config(project_copy))
