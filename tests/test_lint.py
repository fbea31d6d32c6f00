"""Lint: the shipped county is clean on all platforms; every rule catches a seeded violation."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from shaoshan_net.commands import lint as lint_cmd
from shaoshan_net.errors import InputError
from shaoshan_net.lint import Violation, detect_platform, lint_texts
from shaoshan_net.lint_rules import RULES
from shaoshan_net.model import PLATFORMS, Network
from shaoshan_net.render import render_core, render_network, render_unit

UNIT_OF = {"huawei_vrp": "qingxi", "h3c_comware": "czj", "cisco_ios": "hlwzx"}


def _net(network: Network, platform: str) -> Network:
    return replace(network, core=replace(network.core, platform=platform))


def _pair(network: Network, platform: str) -> dict[str, str]:
    """A unit of `platform` and the core on `platform`: {"unit.cfg": ..., "core.cfg": ...}."""
    net = _net(network, platform)
    return {"unit.cfg": render_unit(net, UNIT_OF[platform]), "core.cfg": render_core(net)}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_shipped_county_is_lint_clean(network: Network, platform: str) -> None:
    net = _net(network, platform)
    texts = {f"{h}.cfg": t for h, t in render_network(net).items()}
    assert lint_texts(texts, net) == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_platform_is_detected_from_content(network: Network, platform: str) -> None:
    pair = _pair(network, platform)
    assert detect_platform(pair["unit.cfg"]) == platform
    assert detect_platform(pair["core.cfg"]) == platform


def sub(pattern: str, new: str, count: int = 1) -> Callable[[str], str]:
    """A mutation: regex replace (multiline), failing loudly when the pattern is absent."""

    def mutate(text: str) -> str:
        out, n = re.subn(pattern, new, text, count=count, flags=re.M)
        assert n, f"seed pattern {pattern!r} not found"
        return out

    return mutate


# (rule, platform, file, mutation): one seeded violation each; every rule appears at least once.
SEEDS: list[tuple[str, str, str, Callable[[str], str]]] = [
    ("SSN000", "huawei_vrp", "unit.cfg", lambda t: "hello world\n"),
    ("SSN001", "huawei_vrp", "unit.cfg", sub(r"^ sysname .*$", " sysname SOMETHING-ELSE")),
    ("SSN002", "huawei_vrp", "unit.cfg", sub(r"^ undo telnet server enable$",
                                             " telnet server enable")),
    ("SSN002", "cisco_ios", "unit.cfg", sub(r"^ transport input ssh$",
                                            " transport input telnet ssh")),
    ("SSN002", "h3c_comware", "unit.cfg", sub(r"^ ssh server enable$",
                                              " ssh server enable\n telnet server enable")),
    ("SSN003", "h3c_comware", "unit.cfg", sub(r"^ ssh server enable\n", "")),
    ("SSN003", "cisco_ios", "core.cfg", sub(r"^ip ssh version 2$", "ip ssh version 1")),
    ("SSN004", "h3c_comware", "unit.cfg", sub(r"^ undo ip http enable$", " ip http enable")),
    ("SSN004", "cisco_ios", "unit.cfg", sub(r"^no ip http server$", "ip http server")),
    ("SSN004", "h3c_comware", "core.cfg", sub(r"^ undo ip http enable$",
                                              " undo ip http enable\n ip https enable")),
    ("SSN004", "h3c_comware", "core.cfg", sub(r"^ undo ip http enable\n", "")),
    ("SSN005", "huawei_vrp", "unit.cfg", sub(r"^ acl 2000 inbound\n", "")),
    ("SSN005", "cisco_ios", "unit.cfg", sub(r"^ permit 10\.165\.0\.0 0\.0\.1\.255$",
                                            " permit any")),
    ("SSN006", "huawei_vrp", "unit.cfg", sub(r"local-user netadmin", "local-user admin", 0)),
    ("SSN007", "h3c_comware", "unit.cfg", sub(r"^ idle-timeout 10 0$", " idle-timeout 0 0")),
    ("SSN007", "cisco_ios", "unit.cfg", sub(r"^ exec-timeout 10 0$", " exec-timeout 60 0", 0)),
    ("SSN008", "cisco_ios", "unit.cfg", sub(r"^login block-for .*\n", "")),
    ("SSN008", "huawei_vrp", "unit.cfg", sub(r"retry-time 5", "retry-time 10")),
    ("SSN009", "huawei_vrp", "unit.cfg", sub(r"^ snmp-agent trap enable$",
                                             " snmp-agent community read cipher %^%#x%^%#\n"
                                             " snmp-agent trap enable")),
    ("SSN009", "cisco_ios", "unit.cfg", sub(r"^snmp-server enable traps$",
                                            "snmp-server community public RO\n"
                                            "snmp-server enable traps")),
    ("SSN010", "huawei_vrp", "unit.cfg", sub(r"sys-info version v3", "sys-info version all")),
    ("SSN010", "cisco_ios", "unit.cfg", sub(r" auth sha ", " auth md5 ")),
    ("SSN010", "h3c_comware", "unit.cfg", sub(r"privacy-mode aes128", "privacy-mode des56")),
    ("SSN011", "huawei_vrp", "unit.cfg", sub(r"privacy acl 2001", "privacy")),
    ("SSN011", "cisco_ios", "unit.cfg", sub(r"^ permit 10\.165\.1\.250$", " permit any")),
    ("SSN012", "h3c_comware", "unit.cfg", sub(r"^ snmp-agent target-host .*\n", "")),
    ("SSN012", "cisco_ios", "unit.cfg", sub(r"version 3 priv %SNMP_USER%", "version 2c public")),
    ("SSN013", "huawei_vrp", "unit.cfg", sub(r"^ info-center loghost .*\n", "")),
    ("SSN013", "cisco_ios", "core.cfg", sub(r"^logging host .*\n", "")),
    ("SSN014", "cisco_ios", "unit.cfg", sub(r"^ntp server .*\n", "")),
    ("SSN015", "huawei_vrp", "unit.cfg", sub(r"add 08:00:00", "add 00:00:00")),
    ("SSN015", "cisco_ios", "unit.cfg", sub(r"^clock timezone CST 8 0$", "clock timezone UTC 0 0")),
    ("SSN016", "h3c_comware", "unit.cfg", sub(r"^ snmp-agent sys-info location .*\n", "")),
    ("SSN017", "huawei_vrp", "unit.cfg", sub(r"port trunk allow-pass vlan 99 .*$",
                                             "port trunk allow-pass vlan all")),
    ("SSN017", "cisco_ios", "unit.cfg", sub(r"^ switchport trunk allowed vlan .*\n", "")),
    ("SSN018", "huawei_vrp", "unit.cfg", sub(r"^ undo port trunk allow-pass vlan 1\n", "")),
    ("SSN018", "h3c_comware", "core.cfg", sub(r"^ undo port trunk permit vlan 1\n", "")),
    ("SSN018", "cisco_ios", "unit.cfg", sub(r"allowed vlan 99,", "allowed vlan 1,99,")),
    ("SSN019", "cisco_ios", "unit.cfg", sub(r"^ switchport trunk native vlan 998\n", "")),
    ("SSN019", "huawei_vrp", "unit.cfg", sub(r"port trunk pvid vlan 998",
                                             "port trunk pvid vlan 99")),
    ("SSN020", "huawei_vrp", "unit.cfg", sub(r"(description UPLINK \S+ \S+) \S+", r"\1")),
    ("SSN020", "cisco_ios", "core.cfg", sub(r"(description DOWNLINK \S+) \S+", r"\1")),
    ("SSN021", "cisco_ios", "unit.cfg", sub(r"^ spanning-tree portfast\n", "")),
    ("SSN021", "h3c_comware", "unit.cfg", sub(r"^ stp edged-port\n", "")),
    ("SSN022", "huawei_vrp", "unit.cfg", sub(r"^ stp bpdu-protection\n", "")),
    ("SSN022", "cisco_ios", "unit.cfg", sub(r"^ spanning-tree bpduguard enable\n", "")),
    ("SSN023", "h3c_comware", "unit.cfg", sub(r"^ broadcast-suppression 5\n multicast-"
                                              r"suppression 5\n", "")),
    ("SSN023", "huawei_vrp", "unit.cfg", sub(r"^ storm-control (broadcast|multicast) .*\n", "",
                                             2)),
    ("SSN024", "huawei_vrp", "unit.cfg", sub(r"^ port-security max-mac-num 4\n", "")),
    ("SSN024", "cisco_ios", "unit.cfg", sub(r"^ switchport port-security\n", "")),
    ("SSN025", "huawei_vrp", "unit.cfg", sub(r"^ dhcp snooping trusted\n", "")),
    ("SSN025", "cisco_ios", "unit.cfg", sub(r"^ip dhcp snooping\n", "")),
    ("SSN026", "huawei_vrp", "unit.cfg", sub(r"^ shutdown\n", "")),
    ("SSN026", "cisco_ios", "unit.cfg", sub(r"^interface GigabitEthernet1/0/24\n(?: .*\n)*", "")),
    ("SSN027", "cisco_ios", "unit.cfg", sub(r"^ip default-gateway .*$",
                                            "ip default-gateway 10.165.0.254")),
    ("SSN027", "huawei_vrp", "unit.cfg", sub(r"^ ip route-static 0\.0\.0\.0 .*$",
                                             r"\g<0>\n ip route-static 0.0.0.0 0.0.0.0 10.9.9.9")),
    ("SSN028", "huawei_vrp", "unit.cfg", sub(r"(port trunk allow-pass vlan 99 \d+) .*$", r"\1")),
    ("SSN028", "h3c_comware", "core.cfg", sub(r"(port trunk permit vlan 99 \d+) .*$", r"\1")),
    ("SSN029", "huawei_vrp", "unit.cfg", sub(r"^ name QINGXI-PUBLIC\n", "")),
    ("SSN030", "cisco_ios", "core.cfg", sub(r"(switchport trunk allowed vlan 99,1010),2010$",
                                            r"\1")),
    ("SSN031", "huawei_vrp", "core.cfg", sub(r"(description GW QINGXI-PUBLIC\n ip binding "
                                             r"vpn-instance PUBLIC\n ip address) \S+",
                                             r"\1 10.199.0.1")),
    ("SSN032", "huawei_vrp", "core.cfg", sub(r"(description GW QINGXI-PUBLIC\n ip binding "
                                             r"vpn-instance) PUBLIC", r"\1 INTERNET")),
    ("SSN033", "cisco_ios", "core.cfg", sub(r"^ ip address 10\.166\.255\.1 ",
                                            " ip address 10.165.0.1 ")),
    ("SSN034", "huawei_vrp", "unit.cfg", sub(r"irreversible-cipher %ADMIN_SECRET%",
                                             "simple Huawei@123")),
    ("SSN034", "h3c_comware", "unit.cfg", sub(r"sha %SNMP_AUTH_KEY%", "sha plainkey123")),
    ("SSN034", "cisco_ios", "unit.cfg", sub(r"secret %ADMIN_SECRET%", "password 0 cisco")),
    ("SSN034", "cisco_ios", "core.cfg", sub(r"%ADMIN_SECRET%", "%ADMIN_PASS%")),
    ("SSN035", "h3c_comware", "unit.cfg", sub(r"^ sysname (.*)$", r" sysname \1 ")),
    ("SSN037", "huawei_vrp", "unit.cfg", sub(r"(allow-pass vlan 99 .*)$", r"\1 to")),
    ("SSN037", "cisco_ios", "unit.cfg", sub(r"allowed vlan 99,", "allowed vlan 99,5000,")),
    ("SSN036", "huawei_vrp", "core.cfg", sub(r"(ip address 10\.166\.0\.1) 255\.255\.255\.252",
                                             r"\1 255.255.255.0")),
]


def test_every_rule_has_a_seeded_violation() -> None:
    assert {rule for rule, *_ in SEEDS} == set(RULES)


@pytest.mark.parametrize(("rule", "platform", "file", "mutate"), SEEDS,
                         ids=[f"{r}-{p}-{f}" for r, p, f, _ in SEEDS])
def test_seeded_violation_is_caught(
    network: Network, rule: str, platform: str, file: str, mutate: Callable[[str], str]
) -> None:
    texts = _pair(network, platform)
    texts[file] = mutate(texts[file])
    found = [v for v in lint_texts(texts, _net(network, platform)) if v.rule == rule]
    assert found, f"{rule} not reported"
    assert all(v.file in texts and v.line >= 1 for v in found)


def test_violation_prints_file_line_id_message() -> None:
    assert str(Violation("a.cfg", 7, "SSN002", "telnet is enabled")) == (
        "a.cfg:7: SSN002 telnet is enabled"
    )


def test_violation_points_at_the_offending_line(network: Network) -> None:
    texts = _pair(network, "huawei_vrp")
    texts["unit.cfg"] = sub(r"^ undo telnet server enable$", " telnet server enable")(
        texts["unit.cfg"])
    [v] = [v for v in lint_texts(texts, _net(network, "huawei_vrp")) if v.rule == "SSN002"]
    assert texts["unit.cfg"].splitlines()[v.line - 1] == " telnet server enable"


def test_messages_never_contain_a_secret(network: Network) -> None:
    texts = _pair(network, "cisco_ios")
    texts["unit.cfg"] = texts["unit.cfg"].replace("secret %ADMIN_SECRET%", "password 0 S3cr3tXY")
    violations = lint_texts(texts, _net(network, "cisco_ios"))
    assert violations and all("S3cr3tXY" not in str(v) for v in violations)


# --- the lint command ---------------------------------------------------------------------
def _args(root: Path, files: list[Path]) -> argparse.Namespace:
    return argparse.Namespace(root=root, files=files, rules=False)


def _write_county(network: Network, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for host, text in render_network(network).items():
        path = folder / f"{host}.cfg"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_lint_command_exits_0_on_clean_files(
    project_root: Path, network: Network, tmp_path: Path
) -> None:
    assert lint_cmd.run(_args(project_root, _write_county(network, tmp_path))) == 0


def test_lint_command_exits_1_and_prints_violations(
    project_root: Path, network: Network, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = _write_county(network, tmp_path)
    bad = next(p for p in paths if p.name == "SS-QINGXI-SW01.cfg")
    bad.write_text(bad.read_text().replace("allow-pass vlan 99 ", "allow-pass vlan all 99 "))
    assert lint_cmd.run(_args(project_root, paths)) == 1
    out = capsys.readouterr().out
    assert re.search(r"SS-QINGXI-SW01\.cfg:\d+: SSN017 ", out)


def test_lint_command_missing_file_is_an_input_error(project_root: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        lint_cmd.run(_args(project_root, [tmp_path / "nope.cfg"]))


def test_lint_cli_exit_code_2_on_missing_file(project_root: Path, tmp_path: Path) -> None:
    from shaoshan_net.cli import main

    assert main(["--root", str(project_root), "lint", str(tmp_path / "nope.cfg")]) == 2
