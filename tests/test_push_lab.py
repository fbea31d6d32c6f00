"""push on the namespace lab: real SSH to the management addresses inside our namespaces.

A throw-away lab (prefix `ssnx-`, management block 10.199.0.0/23, as `private_lab_factory`)
with the core and the small_lab units, SSH emulators listening in the switches' namespaces.
SHAOSHAN_LAB_ONLY=1 is set, so a target that is not routed into the lab fails the run before
any connection. One push of everything, then a second push; checked per platform.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from shaoshan_net.lab import namespaces as ns
from shaoshan_net.lab.lab import Lab, relocate_management
from shaoshan_net.loader import load_network
from shaoshan_net.model import Network
from shaoshan_net.render import render_core, render_unit
from tests.fixtures.lab import PRIVATE_BLOCK, PRIVATE_PREFIX, ROOT, require_root, small_lab_units
from tests.fixtures.model import copy_project

pytestmark = pytest.mark.lab
PLATFORM_NAMES = ("huawei_vrp", "cisco_ios", "h3c_comware")


@dataclass
class LabPush:
    network: Network
    platform: dict[str, str]  # host -> platform
    first: dict[str, Any]  # host -> Outcome of the first push
    second: dict[str, Any]  # host -> Outcome of the re-push


@pytest.fixture(scope="module")
def lab_push(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabPush]:
    """Up a private lab (core + small_lab units), push twice with --commit, tear it down."""
    require_root()
    from shaoshan_net.commands.push import push, workers
    from shaoshan_net.inventory import init_nornir
    from shaoshan_net.nornir_tasks.push import Limits

    network = relocate_management(load_network(ROOT), PRIVATE_BLOCK)
    codes = small_lab_units(network)
    work = tmp_path_factory.mktemp("push-lab")
    root = copy_project(work / "root")
    lab = Lab(work / ".lab", prefix=PRIVATE_PREFIX)
    patch = pytest.MonkeyPatch()
    try:
        lab.up(network, codes, ssh=True, timeout=60)
        if not lab.state.get("ssh"):
            pytest.skip("the lab came up without SSH emulators")
        if lab.state.get("credentials_file"):  # else the lab took them from the environment
            for key in ("SHAOSHAN_SSH_USER", "SHAOSHAN_SSH_PASSWORD", "SHAOSHAN_SSH_KEY_FILE"):
                patch.delenv(key, raising=False)
            patch.setenv("SHAOSHAN_ENV_FILE", lab.state["credentials_file"])
        patch.setenv("SHAOSHAN_LAB_ONLY", "1")
        addresses = {s["name"]: s["mgmt_ip"] for s in lab.state["switches"]}
        names = ["core", *codes]
        nr = init_nornir(root, **workers(10))
        nr = nr.filter(filter_func=lambda h: h.name in names)
        for name, host in nr.inventory.hosts.items():
            host.hostname = addresses[name]
            assert ns.route_device(addresses[name]) == lab.host_link  # never out of eth0
        intended = {n: render_core(network) if n == "core" else render_unit(network, n)
                    for n in names}
        limits = Limits(conn_timeout=10, read_timeout=20, host_timeout=300)
        first = push(nr, intended, root, commit=True, limits=limits)
        second = push(nr, intended, root, commit=True, limits=limits)
        platform = {"core": network.core.platform}
        platform.update({c: network.unit(c).platform for c in codes})
        yield LabPush(network, platform, {o.host: o for o in first},
                      {o.host: o for o in second})
    finally:
        patch.undo()
        lab.down()


def _hosts(lab_push: LabPush, platform: str) -> list[str]:
    hosts = [h for h, p in lab_push.platform.items() if p == platform]
    if not hosts:
        pytest.skip(f"no {platform} switch in the small lab")
    return hosts


@pytest.mark.parametrize("platform", PLATFORM_NAMES)
def test_lab_switches_get_their_whole_config_over_ssh(lab_push: LabPush, platform: str) -> None:
    for host in _hosts(lab_push, platform):
        first = lab_push.first[host]
        assert first.status == "changed", str(first)
        assert first.lines_sent > 100, f"{host}: only {first.lines_sent} lines sent"


@pytest.mark.parametrize("platform", PLATFORM_NAMES)
def test_lab_re_push_sends_zero_lines(lab_push: LabPush, platform: str) -> None:
    for host in _hosts(lab_push, platform):
        second = lab_push.second[host]
        assert second.status == "unchanged", str(second)
        assert second.lines_sent == 0
