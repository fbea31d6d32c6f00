"""The Nornir way in: InitNornir(config_file="config.yaml") yields the county with its plans."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.filter import F


@pytest.fixture(scope="module")
def nr(project_root: Path) -> Iterator[Nornir]:
    cwd = os.getcwd()
    os.chdir(project_root)
    try:
        yield InitNornir(config_file="config.yaml")
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize(("group", "count"), [("outside", 42), ("township", 4), ("datacenter", 1)])
def test_groups_have_the_notices_counts(nr: Nornir, group: str, count: int) -> None:
    assert len(nr.filter(F(groups__contains=group)).inventory.hosts) == count


def test_at_least_twenty_units_in_the_building(nr: Nornir) -> None:
    assert len(nr.filter(F(groups__contains="in_building")).inventory.hosts) >= 20


def test_a_host_carries_its_derived_plan(nr: Nornir) -> None:
    host = nr.inventory.hosts["qingxi"]
    assert host.hostname == "10.165.0.45"
    assert host.platform == "huawei_vrp"
    assert host["plan"]["vlans"] == [99, 1035, 2035, 3035]
    assert host["plan"]["core_port"] == "GigabitEthernet3/0/4"
    assert host["plan"]["mgmt_gateway"] == "10.165.0.1"
    assert host["location"] == "outside"


def test_connection_options_name_each_plugins_driver(nr: Nornir) -> None:
    assert nr.inventory.hosts["qingxi"].get_connection_parameters("netmiko").platform == "huawei"
    assert nr.inventory.hosts["gaj"].get_connection_parameters("netmiko").platform == "hp_comware"
    assert nr.inventory.hosts["dx"].get_connection_parameters("napalm").platform == "ios"


def test_the_core_host_has_its_plan_and_the_shared_model(nr: Nornir) -> None:
    core = nr.inventory.hosts["core"]
    assert core.hostname == "10.165.0.1"
    assert core["plan"]["unit_ports"]["qingxi"] == "GigabitEthernet3/0/4"
    assert core["network"].core.hostname == "SS-DC-CORE01"


def test_host_data_holds_no_personal_contact_data(nr: Nornir) -> None:
    assert "survey" not in nr.inventory.hosts["qingxi"].data
