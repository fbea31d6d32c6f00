"""The typed model of the county network: built once from the YAML files, read by everything.

Every class is a frozen dataclass so that rendering, pushing, auditing and costing can share one
instance across threads without copying. Derived values (VLANs, subnets, addresses, ports) live
in `UnitPlan` / `CorePlan`, computed by `shaoshan_net.addressing` and never stored in YAML.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

Platform = Literal["huawei_vrp", "h3c_comware", "cisco_ios"]
Location = Literal["in_building", "outside"]
Category = Literal["A", "B", "C", "D", "E", "F"]
PLATFORMS: tuple[str, ...] = ("huawei_vrp", "h3c_comware", "cisco_ios")
LOCATIONS: tuple[str, ...] = ("in_building", "outside")
CATEGORIES: tuple[str, ...] = ("A", "B", "C", "D", "E", "F")


@dataclass(frozen=True, slots=True)
class Contact:
    """A person on the unit's survey form. Personal data: mask before printing (`masking`)."""

    name: str = ""
    title: str = ""
    mobile: str = ""
    office_phone: str = ""
    qq: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Website:
    domain: str = ""
    ip: str = ""
    database: str = ""
    system: str = ""
    hosting: str = ""
    admin: str = ""


@dataclass(frozen=True, slots=True)
class Survey:
    """The notice's survey form (附表2) as far as the inventory knows it."""

    address: str = ""
    leader: Contact = field(default_factory=Contact)
    it_staff: Contact = field(default_factory=Contact)
    website: Website | None = None
    access: str = ""
    applications: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FiberLine:
    """One leased bare fiber from the telecom company; billed per contract year from `activated`."""

    circuit: str
    activated: date


@dataclass(frozen=True, slots=True)
class Unit:
    """A connected unit (单位): one gigabit smart switch, one or more fibers to the core.

    >>> u.code, u.location, u.category, u.platform
    ('qingxi', 'outside', 'D', 'huawei_vrp')
    """

    unit_id: int
    code: str  # ASCII short code; also the Nornir host name
    name: str  # Chinese name
    location: Location
    category: Category
    platform: Platform
    groups: tuple[str, ...]
    lines: tuple[FiberLine, ...]
    dedicated: str | None  # department VPN (dedicated zone) for categories D/E
    survey: Survey
    model: str | None = None  # switch model; None = the platform's default in topology.yaml

    @property
    def is_township(self) -> bool:
        return "township" in self.groups


@dataclass(frozen=True, slots=True)
class ZonePlan:
    """One zone a unit takes part in: its VLAN, its subnet and the gateway on the core.

    >>> ZonePlan(zone="public", vrf="PUBLIC", vlan=1031, vlan_name="QINGXI-PUBLIC",
    ...          subnet="10.160.7.192/26", gateway="10.160.7.193", prefixlen=26)
    """

    zone: str  # "public" | "internet" | "dedicated:<dept>"
    vrf: str
    vlan: int
    vlan_name: str
    subnet: str  # CIDR
    gateway: str  # first host, lives on the core in `vrf`
    prefixlen: int
    netmask: str = ""


@dataclass(frozen=True, slots=True)
class UnitPlan:
    """Everything derived for one unit switch. Stable: depends only on the unit id and the pools."""

    code: str
    hostname: str
    mgmt_vlan: int
    mgmt_ip: str
    mgmt_prefixlen: int
    mgmt_netmask: str
    mgmt_subnet: str
    mgmt_gateway: str
    uplink_port: str  # on the unit switch
    core_port: str  # where its fiber lands on the core
    circuit: str  # circuit id of the uplink fiber (first line)
    zones: tuple[ZonePlan, ...]
    native_vlan: int  # unused VLAN, never carries traffic
    blackhole_vlan: int  # unused access ports are shut in it
    access_ports: tuple[str, ...]
    switch_model: str

    @property
    def vlans(self) -> tuple[int, ...]:
        """The trunk's allowed list: the unit's zone VLANs plus management, sorted."""
        return tuple(sorted({z.vlan for z in self.zones} | {self.mgmt_vlan}))

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["vlans"] = list(self.vlans)
        return d


@dataclass(frozen=True, slots=True)
class CityUplink:
    """A routed /30 from the core to the upper-level platform (湘潭 city)."""

    name: str
    port: str
    circuit: str
    subnet: str
    local_ip: str
    peer_ip: str
    peer: str
    prefixlen: int
    netmask: str
    vrf: str


@dataclass(frozen=True, slots=True)
class CorePlan:
    hostname: str
    platform: Platform
    switch_model: str
    mgmt_vlan: int
    mgmt_ip: str
    mgmt_prefixlen: int
    mgmt_netmask: str
    mgmt_subnet: str
    loopback: str
    city_uplinks: tuple[CityUplink, ...]
    units: tuple[UnitPlan, ...]  # ordered by unit id
    vrfs: tuple[str, ...]
    location: str

    @property
    def vlans(self) -> tuple[int, ...]:
        return tuple(sorted({v for u in self.units for v in u.vlans}))


@dataclass(frozen=True, slots=True)
class Zone:
    name: str  # "public", "internet", "dedicated:court", ...
    vrf: str
    block: str  # CIDR of the county's allocation for this zone
    unit_prefixlen: int  # size of each unit's subnet
    vlan_first: int
    vlan_last: int


@dataclass(frozen=True, slots=True)
class GradeProfile:
    """A named set of checkable parameters (the B-level county standard is not public)."""

    name: str
    city_uplinks: int
    city_uplink_speed_mbps: int
    unit_uplink_speed_mbps: int
    outside_units: int
    min_in_building_units: int
    management_protocols: tuple[str, ...]
    snmp_version: str
    log_retention_days: int
    idle_timeout_minutes: int
    login_failure_limit: int


@dataclass(frozen=True, slots=True)
class SwitchModel:
    name: str
    platform: Platform
    uplink_port: str
    access_ports: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Services:
    nms: tuple[str, ...]
    trap_host: str
    syslog: tuple[str, ...]
    ntp: tuple[str, ...]
    timezone: str  # e.g. "UTC+8"
    domain: str
    location: str  # sysLocation for the core; units use their address
    contact: str  # sysContact (a role, never a person)


@dataclass(frozen=True, slots=True)
class Policy:
    """Access-port and hardening choices of ours (topology.yaml `policy`), not the vendor's."""

    spare_access_ports: int = 4  # the last N access ports are shut in the black-hole VLAN
    port_security_max_mac: int = 4  # MACs learnt per user port
    storm_control_percent: int = 5  # broadcast/multicast limit, % of line rate (Comware, IOS)
    storm_control_pps: tuple[int, int] = (1000, 2000)  # VRP storm-control min/max pps
    login_block_minutes: int = 5  # lock-out after `login_failure_limit` failures
    vrf_rd_asn: int = 65000  # private AS of the VRFs' route distinguishers


@dataclass(frozen=True, slots=True)
class Topology:
    county: str
    grade: GradeProfile
    hostname_pattern: str
    zones: tuple[Zone, ...]
    # category -> zone kinds ("public", "internet", "dedicated")
    category_zones: dict[str, tuple[str, ...]]
    mgmt_vlan: int
    mgmt_block: str
    mgmt_first_host: int  # offset of unit 0 in the management block
    mgmt_gateway: str
    native_vlan: int
    blackhole_vlan: int
    p2p_block: str
    loopback_block: str
    services: Services
    switch_models: dict[str, SwitchModel]
    default_models: dict[str, str]  # platform -> switch model name
    core_hostname: str
    core_platform: Platform
    core_model: str
    core_ports: dict[str, str]  # unit code -> core port
    city_uplinks: tuple[dict[str, Any], ...]
    admin_user: str
    policy: Policy = field(default_factory=Policy)


@dataclass(frozen=True, slots=True)
class RateBand:
    """Yuan per line per year for contract years first..last (inclusive)."""

    first_year: int
    last_year: int
    in_building: int
    outside: int


@dataclass(frozen=True, slots=True)
class CostRates:
    contract_start: date
    contract_years: int
    bands: tuple[RateBand, ...]
    switch_price: int
    proration: str  # "whole_months": a line pays rate * months_in_service / 12 for a partial year
    renewal: RateBand | None
    currency: str = "CNY"
    rounding: Decimal = Decimal("0.01")
    payer: str = ""  # withholds from each unit's budget (财政代扣)
    payee: str = ""  # paid in one payment (统一支付)


@dataclass(frozen=True, slots=True)
class Sources:
    hosts: str
    groups: str
    defaults: str
    topology: str
    costs: str


@dataclass(frozen=True, slots=True)
class Network:
    """The whole county: what every command consumes."""

    sources: Sources
    topology: Topology
    units: tuple[Unit, ...]  # ordered by unit id
    plans: dict[str, UnitPlan]  # by unit code
    core: CorePlan
    costs: CostRates

    def unit(self, code: str) -> Unit:
        for u in self.units:
            if u.code == code:
                return u
        raise KeyError(code)

    def select(self, unit: str | None = None, group: str | None = None) -> tuple[Unit, ...]:
        return tuple(
            u
            for u in self.units
            if (unit is None or u.code == unit) and (group is None or group in u.groups)
        )
