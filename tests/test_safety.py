"""SHAOSHAN_LAB_ONLY: loopback and `ssn*`-routed targets pass, anything else is refused."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from shaoshan_net.errors import ShaoshanError
from shaoshan_net.safety import check_targets, route_device

# Far from the lab's 10.165.x and the test labs' 10.199.0.0/23.
LAB_NET, OTHER_NET = "10.199.250.", "10.199.251."


@pytest.fixture
def lab_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHAOSHAN_LAB_ONLY", "1")


def _veth(name: str, peer: str, net: str) -> None:
    subprocess.run(["ip", "link", "add", name, "type", "veth", "peer", "name", peer], check=True)
    subprocess.run(["ip", "addr", "add", f"{net}1/30", "dev", name], check=True)
    subprocess.run(["ip", "link", "set", peer, "up"], check=True)
    subprocess.run(["ip", "link", "set", name, "up"], check=True)


@pytest.fixture
def routed_links() -> Iterator[None]:
    """A veth named like a lab link (`ssnt...`) and one that is not, each with a /30 route."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("needs root and iproute2 to create interfaces")
    made: list[str] = []
    try:
        for name, peer, net in (("ssnt-g0", "ssnt-g1", LAB_NET), ("xsft-g0", "xsft-g1", OTHER_NET)):
            made.append(name)
            _veth(name, peer, net)
        yield
    finally:
        for name in made:
            subprocess.run(["ip", "link", "del", name], check=False, capture_output=True)


def test_without_the_variable_nothing_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHAOSHAN_LAB_ONLY", raising=False)
    check_targets(["10.165.0.1", "not-an-address"])  # no error, no route lookup needed


def test_loopback_targets_pass(lab_only: None) -> None:
    check_targets(["127.0.0.1", "127.0.0.5", "::1"])


def test_an_address_outside_the_lab_is_refused(lab_only: None) -> None:
    # TEST-NET-1: never a lab address, whatever lab another test has up (the small lab routes
    # the shipped management block 10.165.0.0/23 through ssn-nms for the whole session).
    with pytest.raises(ShaoshanError, match=r"192\.0\.2\.1 is not a lab address.*LAB_ONLY"):
        check_targets(["127.0.0.1", "192.0.2.1"])


def test_a_host_name_is_refused(lab_only: None) -> None:
    with pytest.raises(ShaoshanError, match="not a lab address"):
        check_targets(["switch.example"])


@pytest.mark.lab
def test_an_address_routed_through_an_ssn_interface_passes(
    lab_only: None, routed_links: None
) -> None:
    assert route_device(f"{LAB_NET}2") == "ssnt-g0"
    check_targets([f"{LAB_NET}2", "127.0.0.1"])


@pytest.mark.lab
def test_an_address_routed_through_another_interface_is_refused(
    lab_only: None, routed_links: None
) -> None:
    with pytest.raises(ShaoshanError, match=r"routed via xsft-g0"):
        check_targets([f"{LAB_NET}2", f"{OTHER_NET}2"])
