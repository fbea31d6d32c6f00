"""Start and stop an emulator process from Python (tests, the lab): `EmulatorProcess`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from .spec import EmulatorSpec


class EmulatorError(RuntimeError):
    """The emulator did not come up (its stderr tail is in the message)."""


class EmulatorProcess:
    """`with EmulatorProcess(spec) as emu:` runs `python -m shaoshan_net.lab.emulator`.

    The spec (with passwords) is written to `STATE/emulator.json` mode 0600; the process's
    stderr goes to `STATE/emulator.log`. Entering waits for `STATE/ready`; leaving sends
    SIGTERM (SIGKILL after `timeout`).
    """

    def __init__(self, spec: EmulatorSpec, timeout: float = 60.0) -> None:
        self.spec = spec
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.spec_path = spec.state_dir / "emulator.json"
        self.log_path = spec.state_dir / "emulator.log"

    def start(self) -> EmulatorProcess:
        state = self.spec.state_dir
        state.mkdir(parents=True, exist_ok=True)
        self.spec.write(self.spec_path)
        ready = state / "ready"
        if ready.exists():
            ready.unlink()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "shaoshan_net.lab.emulator", str(self.spec_path)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
            )
        deadline = time.monotonic() + self.timeout
        while not ready.exists():
            if self.proc.poll() is not None:
                raise EmulatorError(f"emulator exited {self.proc.returncode}: {self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise EmulatorError(f"emulator not ready after {self.timeout}s: {self.log_tail()}")
            time.sleep(0.02)
        return self

    def log_tail(self, n: int = 2000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self) -> int | None:
        """SIGTERM, wait, SIGKILL if needed; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(self.timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- helpers for tests and the lab ------------------------------------------------------
    def set_faults(self, name: str, faults: dict[str, Any] | None) -> None:
        """Set (or clear, with None) a switch's faults; read at its next login/command."""
        path = self.spec.state_dir / f"{name}.faults.json"
        if faults is None:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(faults), encoding="utf-8")
        os.replace(tmp, path)

    def commands(self, name: str) -> list[str]:
        """The command log of a switch, one command per item."""
        path = self.spec.state_dir / f"{name}.commands.log"
        if not path.exists():
            return []
        return path.read_text(encoding="utf-8").splitlines()

    def clear_commands(self, name: str) -> None:
        (self.spec.state_dir / f"{name}.commands.log").unlink(missing_ok=True)

    def startup_config(self, name: str) -> str | None:
        path = self.spec.state_dir / f"{name}.startup.cfg"
        return path.read_text(encoding="utf-8") if path.exists() else None

    @property
    def state_dir(self) -> Path:
        return self.spec.state_dir
