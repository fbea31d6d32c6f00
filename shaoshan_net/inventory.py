"""Nornir inventory plugin: SimpleInventory's hosts, enriched with each switch's derived plan.

Registered as `ShaoshanInventory` (entry point `nornir.plugins.inventory`), so a runbook only
needs `InitNornir(config_file="config.yaml")`. Hosts are named by unit code (`core` for the
core); `host.hostname` is the management address; `host["plan"]` the derived plan;
`host["network"]` the typed model every task can share.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions, Host, Inventory
from nornir.plugins.inventory.simple import SimpleInventory

from shaoshan_net.credentials import environment
from shaoshan_net.loader import build_network
from shaoshan_net.model import CorePlan, Network, Sources, Unit, UnitPlan
from shaoshan_net.platforms import PLATFORMS


def unit_host_data(unit: Unit, plan: UnitPlan) -> dict[str, Any]:
    """A unit's host data: its inventory fields (survey left out: personal data) and its plan."""
    return {
        "role": "unit",
        "unit_id": unit.unit_id,
        "code": unit.code,
        "name": unit.name,
        "location": unit.location,
        "category": unit.category,
        "dedicated": unit.dedicated,
        "township": unit.is_township,
        "lines": [
            {"circuit": ln.circuit, "activated": ln.activated.isoformat()} for ln in unit.lines
        ],
        "plan": plan.as_dict(),
    }


def core_host_data(core: CorePlan) -> dict[str, Any]:
    plan = {k: v for k, v in asdict(core).items() if k != "units"}
    plan["vlans"] = list(core.vlans)
    plan["unit_ports"] = {u.code: u.core_port for u in core.units}
    return {"role": "core", "plan": plan}


def _connection_options(name: str) -> dict[str, ConnectionOptions]:
    """Each connection plugin's driver for our platform name (see `platforms.py`)."""
    spec = PLATFORMS[name]
    options = {"netmiko": ConnectionOptions(platform=spec.netmiko_device_type)}
    if spec.napalm_driver:
        options["napalm"] = ConnectionOptions(platform=spec.napalm_driver)
    return options


def enrich(inventory: Inventory, network: Network) -> Inventory:
    """Give every Nornir host its management address, drivers and derived plan."""
    env = environment()
    inventory.defaults.username = env.get("SHAOSHAN_SSH_USER") or inventory.defaults.username
    inventory.defaults.password = env.get("SHAOSHAN_SSH_PASSWORD") or inventory.defaults.password
    inventory.defaults.data["network"] = network
    for name, host in inventory.hosts.items():
        _enrich_host(name, host, network)
    return inventory


def _enrich_host(name: str, host: Host, network: Network) -> None:
    if name in network.plans:
        plan = network.plans[name]
        host.hostname = host.hostname or plan.mgmt_ip
        host.data.pop("survey", None)  # personal data stays in the model, out of host data
        host.data.update(unit_host_data(network.unit(name), plan))
    else:  # the loader has already checked that the only other host is the core
        host.hostname = host.hostname or network.core.mgmt_ip
        host.data.update(core_host_data(network.core))
    for plugin, options in _connection_options(str(host.platform)).items():
        host.connection_options.setdefault(plugin, options)


class ShaoshanInventory:
    """SimpleInventory files + topology.yaml + costs.yaml -> one validated, enriched inventory."""

    def __init__(
        self,
        host_file: str = "inventory/hosts.yaml",
        group_file: str = "inventory/groups.yaml",
        defaults_file: str = "inventory/defaults.yaml",
        topology_file: str = "topology.yaml",
        costs_file: str = "costs.yaml",
        encoding: str = "utf-8",
    ) -> None:
        self.sources = Sources(
            hosts=str(Path(host_file).expanduser().resolve()),
            groups=str(Path(group_file).expanduser().resolve()),
            defaults=str(Path(defaults_file).expanduser().resolve()),
            topology=str(Path(topology_file).expanduser().resolve()),
            costs=str(Path(costs_file).expanduser().resolve()),
        )
        self.encoding = encoding

    def load(self) -> Inventory:
        network = build_network(self.sources)  # validates before Nornir sees anything
        simple = SimpleInventory(
            host_file=self.sources.hosts,
            group_file=self.sources.groups,
            defaults_file=self.sources.defaults,
            encoding=self.encoding,
        )
        return enrich(simple.load(), network)


def init_nornir(root: Path, **overrides: Any) -> Nornir:
    """Nornir from ROOT/config.yaml with the inventory's file paths taken relative to ROOT, not
    the current directory (so `--root` and cron work from anywhere).

    `overrides` are merged into the configuration section by section, e.g.
    `init_nornir(root, runner={"options": {"num_workers": 50}})`. Logging is off unless asked:
    a failed host is reported once, by the command, not as a traceback from Nornir.
    """
    import logging

    import yaml
    from nornir import InitNornir

    from shaoshan_net.errors import InputError

    path = root / "config.yaml"
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InputError(str(path), None, None, "not found (is --root the project?)") from None
    except yaml.YAMLError as err:
        raise InputError(str(path), None, None, f"not valid YAML: {err}") from None
    if not isinstance(config, dict):
        raise InputError(str(path), None, None, "must be a mapping of Nornir settings")
    options = config.setdefault("inventory", {}).setdefault("options", {})
    for key, value in list(options.items()):
        if key.endswith("_file") and isinstance(value, str) and not Path(value).is_absolute():
            options[key] = str(root / value)
    _merge(config, overrides)
    config.setdefault("logging", {"enabled": False})
    logging.getLogger("nornir").addHandler(logging.NullHandler())
    return InitNornir(**config)


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
