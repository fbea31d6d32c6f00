"""Helpers for the push tests and bench: the SSH emulator on 127.0.0.1, a project copy, Nornir.

The emulator runs as one process serving many switches on high loopback ports (no namespace,
no root); it is stopped by its pid, also when a test fails.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

# Test credentials: made up here, only ever sent to our own emulator on 127.0.0.1.
CREDENTIALS = {
    "SHAOSHAN_SSH_USER": "netadmin",
    "SHAOSHAN_SSH_PASSWORD": "Lab-Pw-7f3a9c1e",
    "SHAOSHAN_SNMP_USER": "shaoshan-nms",
    "SHAOSHAN_SNMP_AUTH_KEY": "Lab-Auth-2b8d4e6f",
    "SHAOSHAN_SNMP_PRIV_KEY": "Lab-Priv-9c0a1b2d",
}


def emulator_available() -> bool:
    return importlib.util.find_spec("shaoshan_net.lab.emulator.__main__") is not None


def free_ports(n: int) -> list[int]:
    """n distinct free TCP ports on 127.0.0.1 (bound then released)."""
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


@dataclass
class Emulator:
    """One emulator process; `switches` maps host name -> (platform, hostname, port)."""

    workdir: Path
    switches: dict[str, tuple[str, str, int]]
    proc: subprocess.Popen[bytes] | None = None
    state_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.state_dir = self.workdir / "emulator"

    def start(self, timeout: float = 30.0) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = self.workdir / "host_key"
        if not key.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
                           check=True, capture_output=True)
        spec = {
            "state_dir": str(self.state_dir),
            "host_key": str(key),
            "switches": [
                {"name": name, "hostname": hostname, "platform": platform,
                 "address": "127.0.0.1", "port": port,
                 "username": CREDENTIALS["SHAOSHAN_SSH_USER"],
                 "password": CREDENTIALS["SHAOSHAN_SSH_PASSWORD"]}
                for name, (platform, hostname, port) in self.switches.items()
            ],
        }
        spec_path = self.workdir / "emulator.json"
        fd = os.open(spec_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(spec, f)
        ready = self.state_dir / "ready"
        with contextlib.suppress(FileNotFoundError):
            ready.unlink()
        log = open(self.workdir / "emulator.log", "ab")  # noqa: SIM115 - lives with the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "shaoshan_net.lab.emulator", str(spec_path)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if self.proc.poll() is not None:
                raise RuntimeError(f"emulator exited: {self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"emulator not ready after {timeout} s: {self.log_tail()}")
            time.sleep(0.05)

    def log_tail(self) -> str:
        path = self.workdir / "emulator.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def command_log(self, name: str) -> list[str]:
        path = self.state_dir / f"{name}.commands.log"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []

    def set_faults(self, name: str, **faults: Any) -> None:
        path = self.state_dir / f"{name}.faults.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(faults))
        tmp.replace(path)

    def clear_faults(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.state_dir / f"{name}.faults.json").unlink()


@contextlib.contextmanager
def running_emulator(
    workdir: Path, switches: dict[str, tuple[str, str, int]]
) -> Iterator[Emulator]:
    emu = Emulator(workdir, switches)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def lab_nornir(root: Path, emu: Emulator, workers: int = 10) -> Any:
    """Nornir from the project copy, restricted to the emulated hosts, pointed at 127.0.0.1."""
    from shaoshan_net.commands.push import workers as with_workers
    from shaoshan_net.inventory import init_nornir

    nr = init_nornir(root, **with_workers(workers))
    nr = nr.filter(filter_func=lambda h: h.name in emu.switches)
    for name, host in nr.inventory.hosts.items():
        host.hostname, host.port = "127.0.0.1", emu.switches[name][2]
    return nr


def switch_table(root: Path, names: list[str]) -> dict[str, tuple[str, str]]:
    """host name -> (platform, device hostname) from the project copy's model."""
    from shaoshan_net.loader import load_network

    network = load_network(root)
    out: dict[str, tuple[str, str]] = {}
    for name in names:
        if name == "core":
            out[name] = (network.core.platform, network.core.hostname)
        else:
            out[name] = (network.unit(name).platform, network.plans[name].hostname)
    return out


def first_unit_of(root: Path, platform: str, skip: tuple[str, ...] = ()) -> str:
    from shaoshan_net.loader import load_network

    network = load_network(root)
    return next(u.code for u in network.units if u.platform == platform and u.code not in skip)
