"""Network namespaces, veth pairs and bridges through the `ip` command, idempotent.

Why `ip` and not a netlink library: iproute2 is on every Debian machine and is what an operator
would type to look at the lab. Every object the lab makes in the root namespace carries the
`ssn` prefix (namespaces `ssn-*`, the host veth `ssn-nms`), so nothing here can be mistaken for
something the lab did not create. Objects inside our namespaces die with them.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shaoshan_net.errors import ShaoshanError

PREFIX = "ssn"  # every lab prefix starts with it: "ssn-" (the lab), "ssnx-" (tests)
NETNS_DIR = Path("/run/netns")
IFNAME_MAX = 15  # IFNAMSIZ - 1


class LabError(ShaoshanError):
    """A lab operation failed; the message names the object and the command's own error."""


def ip(*args: str, netns: str | None = None, check: bool = True) -> str:
    """Run `ip [-n NETNS] ARGS...`; raise LabError with ip's message when it fails."""
    cmd = ["ip", *(("-n", netns) if netns else ()), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise LabError(f"{' '.join(cmd)}: {proc.stderr.strip() or 'failed'}")
    return proc.stdout


def ip_batch(lines: Sequence[str], netns: str | None = None) -> None:
    """Run many `ip` commands in one process (`ip -batch -`): one fork instead of dozens."""
    if not lines:
        return
    cmd = ["ip", *(("-n", netns) if netns else ()), "-batch", "-"]
    proc = subprocess.run(
        cmd, input="\n".join(lines) + "\n", capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise LabError(f"{' '.join(cmd)}: {proc.stderr.strip() or 'failed'}")


def check_ifname(name: str) -> str:
    """Linux interface names: at most 15 characters, no '/' or whitespace."""
    if not name or len(name) > IFNAME_MAX or "/" in name or any(c.isspace() for c in name):
        raise LabError(f"interface name {name!r} is not a valid Linux name (<=15 chars, no '/')")
    return name


def netns_exists(name: str) -> bool:
    return (NETNS_DIR / name).exists()


def list_netns(prefix: str = PREFIX) -> list[str]:
    """Our namespaces (by prefix) as `ip netns list` would show them."""
    if not NETNS_DIR.is_dir():
        return []
    return sorted(p.name for p in NETNS_DIR.iterdir() if p.name.startswith(prefix))


def ensure_netns(name: str) -> bool:
    """Create namespace `name` with its loopback up; False if it already existed."""
    if not name.startswith(PREFIX):
        raise LabError(f"namespace {name!r} does not carry the {PREFIX!r} prefix")
    if netns_exists(name):
        return False
    ip("netns", "add", name)
    ip("link", "set", "lo", "up", netns=name)
    return True


def delete_netns(name: str) -> bool:
    """Delete one of our namespaces; False if it was already gone."""
    if not name.startswith(PREFIX):
        raise LabError(f"refusing to delete namespace {name!r}: not created by the lab")
    if not netns_exists(name):
        return False
    ip("netns", "del", name)
    return True


def netns_pids(name: str) -> list[int]:
    """Processes whose network namespace is `name` (they keep it alive after `netns del`)."""
    if not netns_exists(name):
        return []
    out = ip("netns", "pids", name, check=False)
    return [int(p) for p in out.split() if p.isdigit()]


def link_exists(name: str, netns: str | None = None) -> bool:
    cmd = ["ip", *(("-n", netns) if netns else ()), "link", "show", "dev", name]
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


def veth_commands(
    name: str, netns: str | None, peer: str, peer_netns: str | None, index: int | None = None
) -> list[str]:
    """Batch lines creating a veth pair with each end directly in its namespace.

    `index` fixes the ifindex of `name`. Why: the kernel treats a carrier change on a veth
    whose ifindex equals its peer's (possible across namespaces) as non-urgent and applies it
    up to a second late; distinct indexes make the link oper up at once.
    """
    check_ifname(name)
    check_ifname(peer)
    line = f"link add name {name}"
    if netns:
        line += f" netns {netns}"
    if index is not None:
        line += f" index {index}"
    line += f" type veth peer name {peer}"
    if peer_netns:
        line += f" netns {peer_netns}"
    return [line]


def ensure_veth(name: str, netns: str | None, peer: str, peer_netns: str | None) -> bool:
    """A veth pair `name`@netns <-> `peer`@peer_netns; False if `name` already exists there."""
    if link_exists(name, netns):
        return False
    ip_batch(veth_commands(name, netns, peer, peer_netns))
    return True


def ensure_bridge(name: str, netns: str) -> bool:
    """A plain bridge (no STP: ports forward at once); False if it already existed."""
    check_ifname(name)
    if name == "brd":
        raise LabError("a bridge must not be called 'brd' (an ip keyword)")
    if link_exists(name, netns):
        return False
    ip_batch([f"link add name {name} type bridge stp_state 0", f"link set {name} up"], netns)
    return True


def delete_link(name: str, netns: str | None = None) -> bool:
    """Delete a link (its veth peer goes with it); False if it was not there."""
    if netns is None and not name.startswith(PREFIX):
        raise LabError(f"refusing to delete host interface {name!r}: not created by the lab")
    if not link_exists(name, netns):
        return False
    ip("link", "del", "dev", name, netns=netns)
    return True


def set_link(name: str, up: bool, netns: str | None = None) -> None:
    ip("link", "set", "dev", name, "up" if up else "down", netns=netns)


def links(netns: str | None = None) -> list[dict[str, Any]]:
    """`ip -j link show` in the namespace: name, ifindex, flags, operstate of every link."""
    out = ip("-j", "link", "show", netns=netns)
    return json.loads(out) if out.strip() else []


def ifindexes(netns: str) -> dict[str, int]:
    """Interface name -> ifIndex in the namespace (what IF-MIB numbers its rows by)."""
    return {link["ifname"]: int(link["ifindex"]) for link in links(netns)}


def addresses(netns: str | None = None) -> list[dict[str, Any]]:
    out = ip("-j", "addr", "show", netns=netns)
    return json.loads(out) if out.strip() else []


def host_has_address(address: str) -> str | None:
    """The root-namespace interface already holding `address`, if any."""
    for link in addresses():
        for info in link.get("addr_info", []):
            if info.get("local") == address:
                return str(link.get("ifname"))
    return None


def route_device(address: str) -> str | None:
    """The interface the root namespace would send a packet for `address` out of."""
    proc = subprocess.run(
        ["ip", "-j", "route", "get", address], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    routes = json.loads(proc.stdout)
    return str(routes[0].get("dev")) if routes else None


def routes_to(prefix: str) -> list[dict[str, Any]]:
    """Routes in the root namespace's main table for exactly `prefix`."""
    out = ip("-j", "route", "show", "exact", prefix, check=False)
    return json.loads(out) if out.strip() else []
