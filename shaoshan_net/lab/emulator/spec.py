"""The emulator's input: which switches to serve, where, with which dialect and login.

The spec file carries credentials (written by the lab with mode 0600); nothing here prints them.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from shaoshan_net.errors import InputError

from .dialects import DIALECTS


@dataclass(frozen=True)
class SwitchSpec:
    """One emulated switch. `netns`: listen inside that network namespace (None: here)."""

    name: str
    hostname: str
    platform: str
    address: str
    port: int = 22
    username: str = field(default="", repr=False)
    password: str = field(default="", repr=False)
    netns: str | None = None
    enable_secret: str | None = field(default=None, repr=False)  # IOS: log in at `>` if set


@dataclass(frozen=True)
class EmulatorSpec:
    """All switches one emulator process serves, its state dir and its SSH host key."""

    state_dir: Path
    host_key: Path
    switches: tuple[SwitchSpec, ...]

    def to_json(self) -> str:
        return json.dumps(
            {
                "state_dir": str(self.state_dir),
                "host_key": str(self.host_key),
                "switches": [asdict(s) for s in self.switches],
            },
            ensure_ascii=False,
            indent=1,
        )

    def write(self, path: Path) -> None:
        """Write the spec with mode 0600 (it holds passwords), atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(self.to_json())
        os.replace(tmp, path)


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,62}")


def load_spec(path: Path) -> EmulatorSpec:
    """Read and check a spec file; any fault is an InputError naming the switch and field."""
    f = str(path)
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f, None, None, f"cannot read emulator spec: {err}") from None
    if not isinstance(raw, dict):
        raise InputError(f, None, None, "spec must be a JSON object")
    for key in ("state_dir", "host_key", "switches"):
        if key not in raw:
            raise InputError(f, None, key, "missing")
    if not isinstance(raw["switches"], list):
        raise InputError(f, None, "switches", "must be a list")
    switches: list[SwitchSpec] = []
    seen_names: set[str] = set()
    seen_sockets: set[tuple[str | None, str, int]] = set()
    for i, s in enumerate(raw["switches"]):
        unit = s.get("name") if isinstance(s, dict) else None
        unit = unit or f"#{i}"
        if not isinstance(s, dict):
            raise InputError(f, unit, None, "switch entry must be an object")
        for key in ("name", "hostname", "platform", "address", "username", "password"):
            if not isinstance(s.get(key), str) or not s[key]:
                raise InputError(f, unit, key, "missing or not a non-empty string")
        if not _NAME.fullmatch(s["name"]):
            raise InputError(f, unit, "name", "letters, digits, '-', '_', '.' only")
        if s["name"] in seen_names:
            raise InputError(f, unit, "name", "duplicate switch name")
        if s["platform"] not in DIALECTS:
            raise InputError(f, unit, "platform", f"unknown, expected one of {sorted(DIALECTS)}")
        try:
            ipaddress.ip_address(s["address"])
        except ValueError:
            raise InputError(f, unit, "address", "not an IP address") from None
        port = s.get("port", 22)
        if not isinstance(port, int) or not 1 <= port <= 65535:
            raise InputError(f, unit, "port", "must be an integer 1-65535")
        netns = s.get("netns")
        if netns is not None and (not isinstance(netns, str) or not _NAME.fullmatch(netns)):
            raise InputError(f, unit, "netns", "must be a namespace name or null")
        sock = (netns, s["address"], port)
        if sock in seen_sockets:
            raise InputError(f, unit, "port", "address and port already used by another switch")
        seen_names.add(s["name"])
        seen_sockets.add(sock)
        switches.append(
            SwitchSpec(
                name=s["name"], hostname=s["hostname"], platform=s["platform"],
                address=s["address"], port=port, username=s["username"],
                password=s["password"], netns=netns, enable_secret=s.get("enable_secret"),
            )
        )
    return EmulatorSpec(Path(raw["state_dir"]), Path(raw["host_key"]), tuple(switches))
