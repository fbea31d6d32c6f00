"""Templates, emulator and read-back agree: a rendered config, sent as push would send it to a
fresh emulated switch, is accepted line by line and reads back equal (a second plan is empty).

In-process (the CLI engine, no SSH), over a unit of every category and the core, each rendered
on all three platforms, so a template line a device would hide as default, or refuse, fails
here before it fails a push over SSH.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from shaoshan_net.changeset import fill_names, plan, substitute_secrets
from shaoshan_net.config_tree import parse
from shaoshan_net.lab.emulator.device import Session, Switch
from shaoshan_net.lab.emulator.dialects import DIALECTS
from shaoshan_net.model import Network
from shaoshan_net.platforms import PLATFORMS
from shaoshan_net.render import render_core, render_unit

ENV = {
    "SHAOSHAN_SSH_USER": "netadmin",
    "SHAOSHAN_SSH_PASSWORD": "Lab-Pw-7f3a9c1e",
    "SHAOSHAN_SNMP_USER": "shaoshan-nms",
    "SHAOSHAN_SNMP_AUTH_KEY": "Lab-Auth-2b8d4e6f",
    "SHAOSHAN_SNMP_PRIV_KEY": "Lab-Priv-9c0a1b2d",
}


def _on(network: Network, platform: str, code: str | None) -> tuple[Network, str]:
    """The network with the core (code None) or unit `code` on `platform`, and its config."""
    if code is None:
        net = replace(network, core=replace(network.core, platform=platform))
        return net, render_core(net)
    unit = replace(network.unit(code), platform=platform)
    net = replace(network, units=tuple(unit if u.code == code else u for u in network.units))
    return net, render_unit(net, unit)


def _push_in_process(platform: str, text: str) -> tuple[list[str], list[str]]:
    """(refused lines with the device's answer, changes still planned after the push)."""
    spec = PLATFORMS[platform]
    session = Session(Switch("sw", "H", DIALECTS[platform], None))
    want = parse(fill_names(text, ENV), platform)
    running = session.execute(spec.show_running).text
    commands = substitute_secrets(plan(want, parse(running, platform)).commands(), ENV)
    refused: list[str] = []
    session.execute(spec.config_enter)
    for command in commands:
        reply = session.execute(command)
        if reply.error:
            refused.append(f"{command!r}: {reply.text.strip().splitlines()[-1]}")
    session.execute(spec.config_leave)
    left = plan(want, parse(session.execute(spec.show_running).text, platform))
    return refused, left.display()


def _one_unit_per_category(network: Network) -> list[str]:
    seen: dict[str, str] = {}
    for unit in network.units:
        seen.setdefault(unit.category, unit.code)
    return sorted(seen.values())


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_every_category_unit_is_accepted_and_reads_back_as_rendered(
    network: Network, platform: str
) -> None:
    for code in _one_unit_per_category(network):
        _, text = _on(network, platform, code)
        refused, left = _push_in_process(platform, text)
        assert refused == [], (code, refused)
        assert left == [], (code, left)


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_core_is_accepted_and_reads_back_as_rendered(network: Network, platform: str) -> None:
    _, text = _on(network, platform, None)
    refused, left = _push_in_process(platform, text)
    assert refused == []
    assert left == []


def _configure(session: Session, platform: str, commands: list[str]) -> list[str]:
    """Send `commands` in configuration mode; the refused ones with the device's answer."""
    spec = PLATFORMS[platform]
    refused: list[str] = []
    session.execute(spec.config_enter)
    for command in commands:
        reply = session.execute(command)
        if reply.error:
            refused.append(f"{command!r}: {reply.text.strip().splitlines()[-1]}")
    session.execute(spec.config_leave)
    return refused


def _rollback_to_factory(platform: str, text: str) -> tuple[list[str], str, str]:
    """Push `text` to a new switch, then plan and send the way back to its factory config:
    (refused rollback lines, factory config, config after the rollback)."""
    spec = PLATFORMS[platform]
    session = Session(Switch("sw", "H", DIALECTS[platform], None))
    factory = session.execute(spec.show_running).text
    want = parse(fill_names(text, ENV), platform)
    push = substitute_secrets(plan(want, parse(factory, platform)).commands(), ENV)
    assert _configure(session, platform, push) == []
    pushed = parse(session.execute(spec.show_running).text, platform)
    back = plan(parse(factory, platform), pushed).commands()
    refused = _configure(session, platform, back)
    return refused, factory, session.execute(spec.show_running).text


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_rollback_of_a_whole_config_is_accepted_and_restores_the_factory_config(
    network: Network, platform: str
) -> None:
    # Undo forms (PlatformSpec.undo_forms) must be what the device takes: the vendor's undo
    # of `port-security max-mac-num 4` is `undo port-security max-mac-num`, nothing more.
    for code in [None, *_one_unit_per_category(network)]:
        _, text = _on(network, platform, code)
        refused, factory, after = _rollback_to_factory(platform, text)
        assert refused == [], (code, refused)
        # Equal but for physical ports the push entered: a device lists every port, configured
        # or not, and the emulator shows a port once entered (empty stanzas, no difference).
        left = plan(parse(factory, platform), parse(after, platform))
        assert left.display() == [], code
