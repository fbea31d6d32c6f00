"""Build the one `Network` from hosts/groups/defaults, topology.yaml and costs.yaml, validated.

Every rule a user can break raises `InputError(file, unit, field, message)`: one line, no
traceback. The Nornir inventory plugin and every command go through `load_network`.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from netaddr import AddrFormatError, IPAddress, IPNetwork

from shaoshan_net.addressing import expand_ports, hostname_for, plan_core, plan_unit
from shaoshan_net.errors import InputError
from shaoshan_net.model import (
    CATEGORIES,
    LOCATIONS,
    PLATFORMS,
    Contact,
    CostRates,
    FiberLine,
    GradeProfile,
    Network,
    Policy,
    RateBand,
    Services,
    Sources,
    Survey,
    SwitchModel,
    Topology,
    Unit,
    Website,
    Zone,
)
from shaoshan_net.yamlio import read_yaml

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
_MISSING = object()


class _Reader:
    """Typed access to one YAML mapping, naming file, unit and dotted field on every error."""

    def __init__(self, file: str, data: Any, unit: str | None = None, prefix: str = "") -> None:
        self.file, self.unit, self.prefix = file, unit, prefix
        if not isinstance(data, dict):
            self.fail(None, f"expected a mapping, got {type(data).__name__}")
        self.data: dict[str, Any] = data

    def path(self, key: str | None) -> str | None:
        if key is None:
            return self.prefix or None
        return f"{self.prefix}.{key}" if self.prefix else key

    def fail(self, key: str | None, message: str) -> None:
        raise InputError(self.file, self.unit, self.path(key), message)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = _MISSING) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                self.fail(key, "required field is missing")
            return default
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (bool not in kinds and isinstance(value, bool)) or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.fail(key, f"expected {names}, got {type(value).__name__} {value!r}")
        return value

    def sub(self, key: str, default: Any = _MISSING) -> _Reader:
        return _Reader(self.file, self.get(key, dict, default), self.unit, self.path(key) or "")

    def money(self, key: str) -> int:
        value = self.get(key, int)
        if value < 0:
            self.fail(key, f"must not be negative, got {value}")
        return int(value)

    def network(self, key: str) -> str:
        value = str(self.get(key, str))
        try:
            net = IPNetwork(value)
        except (AddrFormatError, ValueError):
            self.fail(key, f"not an IP network: {value!r}")
        if net.ip != net.network:
            self.fail(key, f"{value} has host bits set (network is {net.cidr})")
        return str(net.cidr)

    def address(self, key: str) -> str:
        value = str(self.get(key, str))
        try:
            return str(IPAddress(value))
        except (AddrFormatError, ValueError):
            self.fail(key, f"not an IP address: {value!r}")
        raise AssertionError  # unreachable

    def vlan(self, key: str, value: Any = _MISSING) -> int:
        vlan = self.get(key, int) if value is _MISSING else value
        if not isinstance(vlan, int) or isinstance(vlan, bool) or not 1 <= vlan <= 4094:
            self.fail(key, f"VLAN id must be 1-4094, got {vlan!r}")
        return int(vlan)


# --- topology.yaml -----------------------------------------------------------------------------


def _zone(reader: _Reader, name: str) -> Zone:
    vlans = reader.get("vlans", list)
    if len(vlans) != 2:
        reader.fail("vlans", "expected [first, last]")
    first, last = reader.vlan("vlans", vlans[0]), reader.vlan("vlans", vlans[1])
    if first >= last:
        reader.fail("vlans", f"first {first} must be below last {last}")
    prefixlen = reader.get("unit_prefixlen", int)
    block = reader.network("block")
    if not IPNetwork(block).prefixlen < prefixlen <= 30:
        reader.fail("unit_prefixlen", f"/{prefixlen} does not fit in {block} (max /30)")
    return Zone(
        name=name,
        vrf=reader.get("vrf", str),
        block=block,
        unit_prefixlen=prefixlen,
        vlan_first=first,
        vlan_last=last,
    )


def _grade(reader: _Reader) -> GradeProfile:
    return GradeProfile(
        name=reader.prefix.rsplit(".", 1)[-1],
        city_uplinks=reader.get("city_uplinks", int),
        city_uplink_speed_mbps=reader.get("city_uplink_speed_mbps", int),
        unit_uplink_speed_mbps=reader.get("unit_uplink_speed_mbps", int),
        outside_units=reader.get("outside_units", int),
        min_in_building_units=reader.get("min_in_building_units", int),
        management_protocols=tuple(reader.get("management_protocols", list)),
        snmp_version=reader.get("snmp_version", str),
        log_retention_days=reader.get("log_retention_days", int),
        idle_timeout_minutes=reader.get("idle_timeout_minutes", int),
        login_failure_limit=reader.get("login_failure_limit", int),
    )


def _check_disjoint(file: str, named: dict[str, str]) -> None:
    items = sorted(named.items(), key=lambda kv: IPNetwork(kv[1]).first)
    for (name_a, net_a), (name_b, net_b) in itertools.pairwise(items):
        if IPNetwork(net_b).first <= IPNetwork(net_a).last:
            raise InputError(file, None, name_b, f"block {net_b} overlaps {name_a} ({net_a})")


def _check_vlans_unique(file: str, zones: tuple[Zone, ...], singles: dict[str, int]) -> None:
    ranges = [(z.vlan_first, z.vlan_last, f"zones.{z.name}.vlans") for z in zones]
    ranges += [(v, v, name) for name, v in singles.items()]
    ranges.sort()
    for (_, last_a, name_a), (first_b, _, name_b) in itertools.pairwise(ranges):
        if first_b <= last_a:
            raise InputError(file, None, name_b, f"VLANs reused: overlaps {name_a}")


def _policy(reader: _Reader) -> Policy:
    default = Policy()
    values = {}
    for name in Policy.__dataclass_fields__:
        value = reader.get(name, (int, list), getattr(default, name))
        if isinstance(value, list):
            if len(value) != 2 or not all(isinstance(v, int) for v in value):
                reader.fail(name, f"expected [min, max] integers, got {value!r}")
            value = tuple(value)
        if any(v < 0 for v in (value if isinstance(value, tuple) else (value,))):
            reader.fail(name, f"must not be negative, got {value!r}")
        values[name] = value
    return Policy(**values)


def load_topology(path: Path) -> Topology:
    file = str(path)
    top = _Reader(file, read_yaml(path))
    grade_name = str(top.get("grade", (str, int)))
    profiles = top.sub("grade_profiles")
    if grade_name not in profiles.data:
        top.fail("grade", f"no profile {grade_name!r} in grade_profiles")
    grade = _grade(profiles.sub(grade_name))

    zones_r = top.sub("zones")
    zones = [_zone(zones_r.sub("public"), "public"), _zone(zones_r.sub("internet"), "internet")]
    dedicated = zones_r.sub("dedicated", {})
    for dept in dedicated.data:
        zones.append(_zone(dedicated.sub(str(dept)), f"dedicated:{dept}"))
    zones_t = tuple(zones)

    categories = top.sub("categories")
    category_zones: dict[str, tuple[str, ...]] = {}
    for cat in CATEGORIES:
        kinds = categories.get(cat, list)
        for kind in kinds:
            if kind not in ("public", "internet", "dedicated"):
                categories.fail(cat, f"unknown zone kind {kind!r}")
        category_zones[cat] = tuple(kinds)
    for cat in categories.data:
        if cat not in CATEGORIES:
            categories.fail(str(cat), f"unknown category (expected one of {', '.join(CATEGORIES)})")

    mgmt = top.sub("management")
    mgmt_block = mgmt.network("block")
    gateway = mgmt.address("gateway")
    if IPAddress(gateway) not in IPNetwork(mgmt_block):
        mgmt.fail("gateway", f"{gateway} is outside the management block {mgmt_block}")
    mgmt_vlan = mgmt.vlan("vlan")
    native, blackhole = top.vlan("native_vlan"), top.vlan("blackhole_vlan")
    _check_vlans_unique(
        file,
        zones_t,
        {"management.vlan": mgmt_vlan, "native_vlan": native, "blackhole_vlan": blackhole},
    )
    p2p, loopback = top.network("p2p_block"), top.network("loopback_block")
    _check_disjoint(
        file,
        {
            **{f"zones.{z.name}.block": z.block for z in zones_t},
            "management.block": mgmt_block,
            "p2p_block": p2p,
            "loopback_block": loopback,
        },
    )

    svc = top.sub("services")
    services = Services(
        nms=tuple(str(IPAddress(a)) for a in svc.get("nms", list)),
        trap_host=svc.address("trap_host"),
        syslog=tuple(str(IPAddress(a)) for a in svc.get("syslog", list)),
        ntp=tuple(str(IPAddress(a)) for a in svc.get("ntp", list)),
        timezone=svc.get("timezone", str),
        domain=svc.get("domain", str),
        location=svc.get("location", str),
        contact=svc.get("contact", str),
    )

    models_r = top.sub("switch_models")
    models: dict[str, SwitchModel] = {}
    for name in models_r.data:
        m = models_r.sub(str(name))
        platform = m.get("platform", str)
        if platform not in PLATFORMS:
            m.fail("platform", f"unknown platform {platform!r} (one of {', '.join(PLATFORMS)})")
        models[str(name)] = SwitchModel(
            name=str(name),
            platform=platform,
            uplink_port=m.get("uplink_port", str),
            access_ports=expand_ports(m.get("access_ports", str)),
        )
    defaults = top.sub("default_models")
    default_models: dict[str, str] = {}
    for platform in PLATFORMS:
        name = defaults.get(platform, str)
        if name not in models:
            defaults.fail(platform, f"unknown switch model {name!r}")
        default_models[platform] = name

    core = top.sub("core")
    core_model = core.get("model", str)
    if core_model not in models:
        core.fail("model", f"unknown switch model {core_model!r}")
    uplinks = []
    for index, raw in enumerate(core.get("city_uplinks", list)):
        up = _Reader(file, raw, None, f"core.city_uplinks[{index}]")
        vrf = up.get("vrf", str)
        if vrf not in {z.vrf for z in zones_t}:
            up.fail("vrf", f"unknown VRF {vrf!r}")
        uplinks.append(
            {k: up.get(k, str) for k in ("name", "port", "circuit", "peer")} | {"vrf": vrf}
        )
    if len(uplinks) != grade.city_uplinks:
        core.fail(
            "city_uplinks",
            f"grade {grade.name} requires {grade.city_uplinks} city uplink(s), "
            f"found {len(uplinks)}",
        )
    ports_r = core.sub("unit_ports")
    seen_ports: dict[str, str] = {}
    core_ports: dict[str, str] = {}
    uplink_ports = {u["port"] for u in uplinks}
    for code, port in ports_r.data.items():
        if not isinstance(port, str):
            raise InputError(
                file, str(code), "core.unit_ports", f"expected a port name, got {port!r}"
            )
        if port in seen_ports:
            raise InputError(
                file,
                str(code),
                "core.unit_ports",
                f"core port {port} is already used by unit {seen_ports[port]}",
            )
        if port in uplink_ports:
            raise InputError(file, str(code), "core.unit_ports", f"{port} is a city uplink port")
        seen_ports[port] = str(code)
        core_ports[str(code)] = port
    pattern = top.get("hostname_pattern", str)
    try:
        pattern.format(code="x", CODE="X", unit_id=1)
    except (KeyError, IndexError, ValueError) as exc:
        top.fail("hostname_pattern", f"unknown field {exc} (use {{code}}, {{CODE}}, {{unit_id}})")

    return Topology(
        county=top.get("county", str),
        grade=grade,
        hostname_pattern=pattern,
        zones=zones_t,
        category_zones=category_zones,
        mgmt_vlan=mgmt_vlan,
        mgmt_block=mgmt_block,
        mgmt_first_host=mgmt.get("first_host", int),
        mgmt_gateway=gateway,
        native_vlan=native,
        blackhole_vlan=blackhole,
        p2p_block=p2p,
        loopback_block=loopback,
        services=services,
        switch_models=models,
        default_models=default_models,
        core_hostname=core.get("hostname", str),
        core_platform=models[core_model].platform,
        core_model=core_model,
        core_ports=core_ports,
        city_uplinks=tuple(uplinks),
        admin_user=core.get("admin_user", str),
        policy=_policy(top.sub("policy", {})),
    )


# --- costs.yaml --------------------------------------------------------------------------------


def load_costs(path: Path) -> CostRates:
    file = str(path)
    top = _Reader(file, read_yaml(path))
    contract = top.sub("contract")
    years = contract.get("years", int)
    if years < 1:
        contract.fail("years", f"must be at least 1, got {years}")
    bands: list[RateBand] = []
    for index, raw in enumerate(top.get("line_rates", list)):
        band = _Reader(file, raw, None, f"line_rates[{index}]")
        span = band.get("years", list)
        if len(span) != 2 or not all(isinstance(y, int) and not isinstance(y, bool) for y in span):
            band.fail("years", f"expected [first, last] contract years, got {span!r}")
        for key in band.data:
            if key not in ("years", *LOCATIONS):
                band.fail(str(key), f"unknown location class (one of {', '.join(LOCATIONS)})")
        bands.append(RateBand(span[0], span[1], band.money("in_building"), band.money("outside")))
    bands.sort(key=lambda b: b.first_year)
    expected = 1
    for index, band in enumerate(bands):
        if band.first_year > band.last_year:
            top.fail(f"line_rates[{index}].years", f"{band.first_year} is after {band.last_year}")
        if band.first_year != expected:
            kind = "gap" if band.first_year > expected else "overlap"
            top.fail(
                f"line_rates[{index}].years",
                f"{kind}: contract year {expected} expected, band starts at {band.first_year}",
            )
        expected = band.last_year + 1
    if expected != years + 1:
        top.fail("line_rates", f"bands cover years 1-{expected - 1}, contract has {years}")
    renewal = None
    if top.data.get("renewal") is not None:
        r = top.sub("renewal")
        renewal = RateBand(years + 1, 10**6, r.money("in_building"), r.money("outside"))
    proration = top.get("proration", str)
    if proration != "whole_months":
        top.fail("proration", f"unknown rule {proration!r} (supported: whole_months)")
    start = contract.get("start", date)
    withholding = top.sub("withholding", {})
    return CostRates(
        contract_start=start,
        contract_years=years,
        bands=tuple(bands),
        switch_price=top.money("switch_price"),
        proration=proration,
        renewal=renewal,
        currency=top.get("currency", str, "CNY"),
        payer=withholding.get("payer", str, ""),
        payee=withholding.get("payee", str, ""),
    )


# --- inventory ---------------------------------------------------------------------------------


def _contact(reader: _Reader, key: str) -> Contact:
    if reader.data.get(key) is None:
        return Contact()
    c = reader.sub(key)
    return Contact(**{f: str(c.get(f, (str, int), "")) for f in Contact.__dataclass_fields__})


def _survey(reader: _Reader) -> Survey:
    if reader.data.get("survey") is None:
        return Survey()
    s = reader.sub("survey")
    website = None
    if s.data.get("website") is not None:
        w = s.sub("website")
        website = Website(
            **{f: str(w.get(f, (str, int), "")) for f in Website.__dataclass_fields__}
        )
    return Survey(
        address=s.get("address", str, ""),
        leader=_contact(s, "leader"),
        it_staff=_contact(s, "it_staff"),
        website=website,
        access=s.get("access", str, ""),
        applications=tuple(str(a) for a in s.get("applications", list, [])),
        devices=tuple(str(d) for d in s.get("devices", list, [])),
    )


def _group_closure(groups: dict[str, Any], names: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    stack = list(names)
    while stack:
        name = stack.pop(0)
        if name in out:
            continue
        out.append(name)
        parents = (groups.get(name) or {}).get("groups") or []
        stack.extend(parents)
    return tuple(out)


def _unit(file: str, code: str, raw: Any, groups: dict[str, Any], topology: Topology) -> Unit:
    host = _Reader(file, raw, code)
    if not CODE_RE.match(code):
        host.fail(None, "unit code must be lower-case ASCII, 1-16 chars ([a-z][a-z0-9_]*)")
    member = host.get("groups", list)
    for g in member:
        if g not in groups:
            host.fail("groups", f"unknown group {g!r} (not in groups.yaml)")
    all_groups = _group_closure(groups, [str(g) for g in member])
    locations = [g for g in all_groups if g in LOCATIONS]
    if len(locations) != 1:
        host.fail("groups", "must be in exactly one of the groups in_building, outside")
    platform = host.get("platform", str)
    if platform not in PLATFORMS:
        host.fail("platform", f"unknown platform {platform!r} (one of {', '.join(PLATFORMS)})")
    data = host.sub("data")
    category = str(data.get("category", str))
    if category not in CATEGORIES:
        data.fail("category", f"unknown category {category!r} (one of {', '.join(CATEGORIES)})")
    dedicated = data.get("dedicated", str, None)
    needs_dedicated = "dedicated" in topology.category_zones[category]
    departments = {
        z.name.split(":", 1)[1] for z in topology.zones if z.name.startswith("dedicated:")
    }
    if needs_dedicated and dedicated is None:
        data.fail(
            "dedicated",
            f"category {category} needs a department VPN ({', '.join(sorted(departments))})",
        )
    if dedicated is not None and not needs_dedicated:
        data.fail("dedicated", f"category {category} has no dedicated zone")
    if dedicated is not None and dedicated not in departments:
        data.fail(
            "dedicated",
            f"unknown department {dedicated!r} (one of {', '.join(sorted(departments))})",
        )
    lines = []
    for index, raw_line in enumerate(data.get("lines", list)):
        line = _Reader(file, raw_line, code, f"data.lines[{index}]")
        activated = line.get("activated", date)
        lines.append(FiberLine(circuit=str(line.get("circuit", str)), activated=activated))
    if not lines:
        data.fail("lines", "a unit needs at least one fiber line")
    model = data.get("model", str, None)
    if model is not None:
        if model not in topology.switch_models:
            data.fail("model", f"unknown switch model {model!r}")
        if topology.switch_models[model].platform != platform:
            data.fail("model", f"{model} is a {topology.switch_models[model].platform} switch")
    unit_id = data.get("unit_id", int)
    if unit_id < 1:
        data.fail("unit_id", f"must be a positive integer, got {unit_id}")
    return Unit(
        unit_id=unit_id,
        code=code,
        name=data.get("name", str),
        location=locations[0],  # type: ignore[arg-type]
        category=category,  # type: ignore[arg-type]
        platform=platform,  # type: ignore[arg-type]
        groups=all_groups,
        lines=tuple(lines),
        dedicated=dedicated,
        survey=_survey(data),
        model=model,
    )


def load_units(sources: Sources, topology: Topology) -> tuple[Unit, ...]:
    hosts = read_yaml(Path(sources.hosts)) or {}
    groups = read_yaml(Path(sources.groups)) or {}
    read_yaml(Path(sources.defaults))
    if not isinstance(hosts, dict):
        raise InputError(sources.hosts, None, None, "expected a mapping of hosts")
    if not isinstance(groups, dict):
        raise InputError(sources.groups, None, None, "expected a mapping of groups")
    units: list[Unit] = []
    cores = []
    for code, raw in hosts.items():
        host_groups = (raw or {}).get("groups") or [] if isinstance(raw, dict) else []
        if "datacenter" in host_groups:
            cores.append(str(code))
            platform = raw.get("platform")
            if platform != topology.core_platform:
                raise InputError(
                    sources.hosts,
                    str(code),
                    "platform",
                    f"{platform!r} does not match the core model {topology.core_model} "
                    f"({topology.core_platform}) in topology.yaml",
                )
            continue
        units.append(_unit(sources.hosts, str(code), raw, groups, topology))
    if len(cores) != 1:
        raise InputError(
            sources.hosts, None, "groups", f"expected one datacenter core, found {len(cores)}"
        )
    _check_units(sources, topology, units)
    return tuple(sorted(units, key=lambda u: u.unit_id))


def _check_units(sources: Sources, topology: Topology, units: list[Unit]) -> None:
    outside = sum(u.location == "outside" for u in units)
    if outside != topology.grade.outside_units:
        raise InputError(
            sources.hosts,
            None,
            "groups",
            f"{outside} outside units, grade {topology.grade.name} profile says "
            f"{topology.grade.outside_units}",
        )
    inside = sum(u.location == "in_building" for u in units)
    if inside < topology.grade.min_in_building_units:
        raise InputError(
            sources.hosts,
            None,
            "groups",
            f"{inside} in-building units, grade {topology.grade.name} profile needs at least "
            f"{topology.grade.min_in_building_units}",
        )
    by_id: dict[int, str] = {}
    by_hostname: dict[str, str] = {topology.core_hostname: "core"}
    codes = {u.code for u in units}
    for unit in units:
        if unit.unit_id in by_id:
            raise InputError(
                sources.hosts,
                unit.code,
                "data.unit_id",
                f"unit id {unit.unit_id} is already used by unit {by_id[unit.unit_id]}",
            )
        by_id[unit.unit_id] = unit.code
        hostname = hostname_for(topology, unit)
        if hostname in by_hostname:
            raise InputError(
                sources.hosts,
                unit.code,
                "hostname",
                f"hostname {hostname} is already used by {by_hostname[hostname]}",
            )
        by_hostname[hostname] = unit.code
        if unit.code not in topology.core_ports:
            raise InputError(
                sources.topology,
                unit.code,
                "core.unit_ports",
                "the unit's fiber lands on no core port",
            )
    for code in topology.core_ports:
        if code not in codes:
            raise InputError(sources.topology, code, "core.unit_ports", "link to an unknown unit")


def sources_from_config(root: Path, config: str = "config.yaml") -> Sources:
    """The five source files named by Nornir's config.yaml, resolved against `root`."""
    path = root / config
    cfg = _Reader(str(path), read_yaml(path))
    options = cfg.sub("inventory").sub("options")
    files = {
        key: str((root / options.get(f"{key}_file", str)).resolve())
        for key in ("host", "group", "defaults", "topology", "costs")
    }
    return Sources(
        hosts=files["host"],
        groups=files["group"],
        defaults=files["defaults"],
        topology=files["topology"],
        costs=files["costs"],
    )


def build_network(sources: Sources) -> Network:
    topology = load_topology(Path(sources.topology))
    costs = load_costs(Path(sources.costs))
    units = load_units(sources, topology)
    plans = {u.code: plan_unit(topology, u, sources.hosts) for u in units}
    core = plan_core(topology, tuple(plans[u.code] for u in units), sources.topology)
    return Network(
        sources=sources, topology=topology, units=units, plans=plans, core=core, costs=costs
    )


@lru_cache(maxsize=8)
def _cached(sources: Sources, stamp: tuple[float, ...]) -> Network:
    return build_network(sources)


def load_network(root: Path, config: str = "config.yaml") -> Network:
    """The validated network of the project at `root` (cached while the files are unchanged)."""
    sources = sources_from_config(Path(root), config)
    stamp = tuple(
        Path(p).stat().st_mtime if Path(p).exists() else 0.0
        for p in (sources.hosts, sources.groups, sources.defaults, sources.topology, sources.costs)
    )
    return _cached(sources, stamp)
