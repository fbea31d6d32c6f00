"""Rendering: golden files per platform and category, StrictUndefined errors, secrets, CLI."""

from __future__ import annotations

import argparse
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shaoshan_net.commands import render as render_cmd
from shaoshan_net.errors import InputError
from shaoshan_net.lint import lint_texts, read_device
from shaoshan_net.model import CATEGORIES, PLATFORMS, Network
from shaoshan_net.render import TEMPLATES, environment, render_core, render_network, render_unit
from tests.render_support import make_unit, network_with, with_platform

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("SHAOSHAN_REGEN_GOLDEN") == "1"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with SHAOSHAN_REGEN_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def _first_of_category(network: Network, category: str) -> str:
    return next(u.code for u in network.units if u.category == category)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("category", CATEGORIES)
def test_unit_config_matches_golden(network: Network, platform: str, category: str) -> None:
    code = _first_of_category(network, category)
    net = with_platform(network, code, platform)
    _golden(f"{platform}/unit-{category}-{code}.cfg", render_unit(net, code))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_core_config_matches_golden(network: Network, platform: str) -> None:
    net = replace(network, core=replace(network.core, platform=platform))
    _golden(f"{platform}/core.cfg", render_core(net))


def test_environment_is_built_once_per_process() -> None:
    assert environment() is environment()


def test_missing_variable_names_unit_and_variable(network: Network, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    unit = network.units[0]
    (templates / unit.platform / "unit.j2").write_text("sysname {{ plan.uplink_speed }}\n")
    with pytest.raises(InputError) as err:
        render_unit(network, unit, templates)
    assert f"unit {unit.code}" in str(err.value)
    assert "field uplink_speed" in str(err.value)


def test_rendered_configs_have_no_blank_lines_or_trailing_spaces(network: Network) -> None:
    for text in render_network(network).values():
        lines = text.splitlines()
        assert all(line.strip() for line in lines)
        assert all(line == line.rstrip() for line in lines)
        assert text.endswith("\n")


def test_secrets_from_the_environment_are_never_rendered(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("SHAOSHAN_SSH_PASSWORD", "SHAOSHAN_SNMP_AUTH_KEY", "SHAOSHAN_SNMP_PRIV_KEY"):
        monkeypatch.setenv(key, f"LEAK-{key}")
    for text in render_network(network).values():
        assert "LEAK-" not in text
        assert "%ADMIN_SECRET%" in text and "%SNMP_AUTH_KEY%" in text


def test_unit_trunk_allows_exactly_the_plan_vlans(network: Network) -> None:
    for unit in network.units:
        plan = network.plans[unit.code]
        dev = read_device("x", render_unit(network, unit), unit.platform)
        assert dev.ports[plan.uplink_port].trunk_vlans == set(plan.vlans)


def test_empty_address_is_an_input_error_naming_the_field(network: Network) -> None:
    unit = network.units[0]
    broken = replace(network, units=(replace(unit, survey=replace(unit.survey, address="")),
                                     *network.units[1:]))
    with pytest.raises(InputError, match=r"survey\.address"):
        render_unit(broken, unit.code)


# --- properties over generated inventories ------------------------------------------------
PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
unit_specs = st.lists(
    st.tuples(st.sampled_from(PLATFORMS), st.sampled_from(CATEGORIES)), min_size=1, max_size=12
)


def _generated(network: Network, specs: list[tuple[str, str]]) -> Network:
    return network_with(network, [make_unit(i, p, c) for i, (p, c) in enumerate(specs, 1)])


@PROPERTY
@given(specs=unit_specs, core_platform=st.sampled_from(PLATFORMS))
def test_every_generated_config_passes_lint(
    network: Network, specs: list[tuple[str, str]], core_platform: str
) -> None:
    net = _generated(network, specs)
    net = replace(net, core=replace(net.core, platform=core_platform))
    texts = {f"{h}.cfg": t for h, t in render_network(net).items()}
    assert lint_texts(texts, net) == []


@PROPERTY
@given(specs=unit_specs)
def test_core_and_unit_trunks_carry_the_same_vlans(
    network: Network, specs: list[tuple[str, str]]
) -> None:
    net = _generated(network, specs)
    core = read_device("core", render_core(net), net.core.platform)
    for unit in net.units:
        plan = net.plans[unit.code]
        dev = read_device(unit.code, render_unit(net, unit), unit.platform)
        assert dev.ports[plan.uplink_port].trunk_vlans == core.ports[plan.core_port].trunk_vlans


@PROPERTY
@given(specs=unit_specs, data=st.data())
def test_changing_one_unit_changes_only_its_file_and_the_core(
    network: Network, specs: list[tuple[str, str]], data: st.DataObject
) -> None:
    net = _generated(network, specs)
    index = data.draw(st.integers(0, len(specs) - 1))
    platform, category = specs[index]
    zones = network.topology.category_zones
    new_category = data.draw(st.sampled_from([c for c in CATEGORIES
                                              if zones[c] != zones[category]]))
    changed = list(specs)
    changed[index] = (platform, new_category)
    after = render_network(_generated(network, changed))
    before = render_network(net)
    differing = {h for h in before if before[h] != after[h]}
    unit_host = net.plans[net.units[index].code].hostname
    assert differing == {unit_host, net.core.hostname}


# --- the render command -------------------------------------------------------------------
def _args(root: Path, **kw: object) -> argparse.Namespace:
    base = {"root": root, "unit": None, "group": None, "out": None, "quiet": False,
            "templates": TEMPLATES}
    base.update(kw)
    return argparse.Namespace(**base)


def test_render_writes_one_file_per_device(project_copy: Path, network: Network) -> None:
    assert render_cmd.run(_args(project_copy, quiet=True)) == 0
    written = sorted(p.name for p in (project_copy / "configs").glob("*.cfg"))
    assert len(written) == len(network.units) + 1
    assert f"{network.core.hostname}.cfg" in written


def test_render_prints_nothing_when_unchanged(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    render_cmd.run(_args(project_copy, unit="qingxi"))
    first = capsys.readouterr().out
    render_cmd.run(_args(project_copy, unit="qingxi"))
    assert "+ sysname SS-QINGXI-SW01" in first
    assert capsys.readouterr().out == ""


def test_render_prints_a_unified_diff_of_a_change(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    render_cmd.run(_args(project_copy, unit="qingxi", quiet=True))
    path = project_copy / "configs" / "SS-QINGXI-SW01.cfg"
    path.write_text(path.read_text().replace("idle-timeout 10 0", "idle-timeout 30 0"))
    capsys.readouterr()
    render_cmd.run(_args(project_copy, unit="qingxi"))
    out = capsys.readouterr().out
    assert "-user-interface vty 0 4" not in out
    assert "- idle-timeout 30 0" in out and "+ idle-timeout 10 0" in out


def test_render_refuses_to_write_a_config_that_fails_lint(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    common = templates / "huawei_vrp" / "common.j2"
    common.write_text(common.read_text().replace(" undo telnet server enable",
                                                 " telnet server enable"))
    assert render_cmd.run(_args(project_copy, unit="qingxi", templates=templates)) == 1
    assert "SSN002" in capsys.readouterr().out
    assert not (project_copy / "configs").exists()


def test_render_unknown_unit_is_an_input_error(project_copy: Path) -> None:
    with pytest.raises(InputError, match="no such unit"):
        render_cmd.run(_args(project_copy, unit="nosuchunit"))


def test_render_config_task_runs_under_nornir(project_root: Path, network: Network) -> None:
    from nornir import InitNornir
    from nornir.core.filter import F

    from shaoshan_net.nornir_tasks.render import render_config

    nr = InitNornir(config_file=str(project_root / "config.yaml"),
                    inventory={"plugin": "ShaoshanInventory", "options": {
                        k: str(project_root / v) for k, v in {
                            "host_file": "inventory/hosts.yaml",
                            "group_file": "inventory/groups.yaml",
                            "defaults_file": "inventory/defaults.yaml",
                            "topology_file": "topology.yaml", "costs_file": "costs.yaml",
                        }.items()}})
    result = nr.filter(F(name__in=["qingxi", "core"])).run(task=render_config)
    assert not result.failed
    assert result["qingxi"][0].result == render_unit(network, "qingxi")
    assert result["core"][0].result == render_core(network)
