"""A guard against talking to real management addresses by accident.

In the lab and in tests, devices live on loopback (the emulator on 127.0.0.1) or inside the
network namespaces the lab creates, reached through its `ssn...` interfaces. A push or audit
run without the lab would send SSH/SNMP to the 10.165.x addresses of topology.yaml, i.e. out of
this machine. With `SHAOSHAN_LAB_ONLY=1` every target is checked before any connection: it must
be loopback, or the kernel's route to it must leave through an interface named `ssn*`.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
from collections.abc import Iterable

from shaoshan_net.errors import ShaoshanError

ENV = "SHAOSHAN_LAB_ONLY"
LAB_PREFIX = "ssn"  # every lab interface: the county lab's `ssn-` and the test labs' `ssnx-`


def lab_only() -> bool:
    """True when the environment asks for lab addresses only."""
    return os.environ.get(ENV, "").strip() == "1"


def route_devices(addresses: Iterable[str]) -> dict[str, str | None]:
    """The interface the kernel would send each address through (None: no route), from one
    `ip -j -force -batch -` run for all of them (a county is ~65 lookups)."""
    wanted = list(dict.fromkeys(addresses))
    found: dict[str, str | None] = dict.fromkeys(wanted)
    if not wanted:
        return found
    script = "".join(f"route get {a}\n" for a in wanted)
    try:
        out = subprocess.run(
            ["ip", "-j", "-force", "-batch", "-"], input=script,
            capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ShaoshanError(f"cannot ask the kernel for routes (ip route get): {err}") from None
    for line in out.stdout.splitlines():
        try:
            routes = json.loads(line)
        except ValueError:
            continue
        for route in routes if isinstance(routes, list) else []:
            if isinstance(route, dict) and route.get("dst") in found and route.get("dev"):
                found[str(route["dst"])] = str(route["dev"])
    return found


def route_device(address: str) -> str | None:
    """The interface the kernel would send to `address` through, or None (no route)."""
    return route_devices([address])[address]


def check_targets(addresses: Iterable[str]) -> None:
    """With SHAOSHAN_LAB_ONLY=1: raise `ShaoshanError` naming the first address that is neither
    loopback nor routed through a lab (`ssn*`) interface. Without it: do nothing.

    Call it before the first connection of a run, with every address the run will contact.
    """
    if not lab_only():
        return
    remote: list[str] = []
    for address in dict.fromkeys(str(a) for a in addresses):
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            raise ShaoshanError(
                f"{address!r} is not a lab address (not an IP address); {ENV} is set"
            ) from None
        if not ip.is_loopback:
            remote.append(str(ip))
    devices = route_devices(remote)
    for address in remote:
        dev = devices.get(address)
        if dev is None or not dev.startswith(LAB_PREFIX):
            via = f"routed via {dev}" if dev else "no route"
            raise ShaoshanError(f"{address} is not a lab address ({via}); {ENV} is set")
