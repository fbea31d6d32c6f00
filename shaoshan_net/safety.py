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


def route_device(address: str) -> str | None:
    """The interface the kernel would send to `address` through (`ip -j route get`), or None
    when there is no route."""
    try:
        out = subprocess.run(
            ["ip", "-j", "route", "get", address],
            capture_output=True, text=True, timeout=5, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ShaoshanError(f"{address}: cannot ask the kernel for its route: {err}") from None
    if out.returncode != 0:
        return None
    try:
        routes = json.loads(out.stdout or "[]")
    except ValueError:
        return None
    dev = routes[0].get("dev") if routes and isinstance(routes[0], dict) else None
    return str(dev) if dev else None


def check_targets(addresses: Iterable[str]) -> None:
    """With SHAOSHAN_LAB_ONLY=1: raise `ShaoshanError` naming the first address that is neither
    loopback nor routed through a lab (`ssn*`) interface. Without it: do nothing.

    Call it before the first connection of a run, with every address the run will contact.
    """
    if not lab_only():
        return
    for address in dict.fromkeys(str(a) for a in addresses):
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            raise ShaoshanError(
                f"{address!r} is not a lab address (not an IP address); {ENV} is set"
            ) from None
        if ip.is_loopback:
            continue
        dev = route_device(str(ip))
        if dev is None or not dev.startswith(LAB_PREFIX):
            via = f"routed via {dev}" if dev else "no route"
            raise ShaoshanError(f"{address} is not a lab address ({via}); {ENV} is set")
