"""`ip` helpers of the lab: idempotent, and refusing anything without the `ssn` prefix."""

from __future__ import annotations

import os

import pytest

from shaoshan_net.lab import namespaces as ns
from shaoshan_net.lab.namespaces import LabError

NAME = "ssnx-nstest"


@pytest.fixture
def root_only() -> None:
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")


def test_check_ifname_rejects_a_vendor_name() -> None:
    with pytest.raises(LabError, match="not a valid Linux name"):
        ns.check_ifname("GigabitEthernet0/0/25")


def test_check_ifname_rejects_sixteen_characters() -> None:
    with pytest.raises(LabError, match="<=15"):
        ns.check_ifname("a" * 16)


def test_veth_command_places_each_end_in_its_namespace() -> None:
    assert ns.veth_commands("p7", "ssn-core", "uplink", "ssn-u7") == [
        "link add name p7 netns ssn-core type veth peer name uplink netns ssn-u7"
    ]


def test_veth_command_fixes_the_ifindex_of_the_first_end() -> None:
    assert ns.veth_commands("p7", "ssn-core", "uplink", "ssn-u7", index=1007) == [
        "link add name p7 netns ssn-core index 1007 type veth peer name uplink netns ssn-u7"
    ]


def test_ensure_netns_refuses_a_name_without_the_prefix() -> None:
    with pytest.raises(LabError, match="prefix"):
        ns.ensure_netns("core")


def test_delete_netns_refuses_a_name_without_the_prefix() -> None:
    with pytest.raises(LabError, match="not created by the lab"):
        ns.delete_netns("default")


def test_delete_link_refuses_a_host_interface_without_the_prefix() -> None:
    with pytest.raises(LabError, match="not created by the lab"):
        ns.delete_link("eth0")


@pytest.mark.lab
@pytest.mark.usefixtures("root_only")
def test_ensure_netns_is_idempotent() -> None:
    try:
        assert ns.ensure_netns(NAME) is True
        assert ns.ensure_netns(NAME) is False
        assert NAME in ns.list_netns("ssnx-")
    finally:
        ns.delete_netns(NAME)
    assert not ns.netns_exists(NAME)


@pytest.mark.lab
@pytest.mark.usefixtures("root_only")
def test_ensure_bridge_and_veth_are_idempotent() -> None:
    other = NAME + "b"
    try:
        ns.ensure_netns(NAME)
        ns.ensure_netns(other)
        assert ns.ensure_bridge("br0", NAME) is True
        assert ns.ensure_bridge("br0", NAME) is False
        assert ns.ensure_veth("a0", NAME, "b0", other) is True
        assert ns.ensure_veth("a0", NAME, "b0", other) is False
        assert set(ns.ifindexes(other)) == {"lo", "b0"}
    finally:
        ns.delete_netns(NAME)
        ns.delete_netns(other)
