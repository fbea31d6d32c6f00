"""The SSH side: one asyncio process, one listener per emulated switch, faults and command log.

Each switch gets its own listening socket, created inside the switch's network namespace when
the spec names one (setns in the main thread, bind+listen, setns back), then handed to asyncssh.
The host key is parsed once for all switches. Faults are read from `STATE/NAME.faults.json` at
each login and each command (re-parsed only when the file changes: a stat, not a read, per
line), so tests can flip them while a session is open. The echo and answers to one received
chunk go out as one SSH packet, not one per character (the per-character writes were two
thirds of the emulator's CPU and most of the client's).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import hmac
import json
import os
import re
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import asyncssh

from .device import Reply, Session, Switch
from .dialects import DIALECTS
from .render import vlan_names
from .spec import EmulatorSpec, SwitchSpec

CLONE_NEWNET = 0x40000000


class EmulatedSwitch:
    """A switch's state plus its spec, faults file and command log."""

    def __init__(self, spec: SwitchSpec, state_dir: Path) -> None:
        self.spec = spec
        self.state_dir = state_dir
        self.switch = Switch(spec.name, spec.hostname, DIALECTS[spec.platform], state_dir)
        self.switch.enable_secret = spec.enable_secret
        self.faults_path = state_dir / f"{spec.name}.faults.json"
        self.log_path = state_dir / f"{spec.name}.commands.log"
        self._faults_seen: tuple[int, int, int] | None = None
        self._faults: dict[str, Any] = {}
        self.vlans_path = state_dir / f"{spec.name}.vlans"
        self._vlans_written: dict[int, str] | None = None
        self.sync_vlans()

    def sync_vlans(self) -> None:
        """Write `STATE/NAME.vlans` (`<id> <name>` per line) when the running VLANs changed, so
        the switch's snmpd serves dot1qVlanStaticName from what the device really holds."""
        vlans = vlan_names(self.switch.dialect, self.switch.running)
        if vlans == self._vlans_written:
            return
        text = "".join(f"{vid} {' '.join(name.split())}\n" for vid, name in vlans.items())
        tmp = self.vlans_path.with_name(f".{self.vlans_path.name}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.vlans_path)
        except OSError as err:
            print(f"emulator: {self.vlans_path}: not written: {err}", file=sys.stderr)
            return
        self._vlans_written = vlans

    def faults(self) -> dict[str, Any]:
        """Current faults; a missing or unreadable file means none. Parsed again only when the
        file's inode, mtime or size changed (tests replace it atomically)."""
        try:
            st = os.stat(self.faults_path)
        except FileNotFoundError:
            self._faults_seen, self._faults = None, {}
            return {}
        seen = (st.st_ino, st.st_mtime_ns, st.st_size)
        if seen == self._faults_seen:
            return self._faults
        try:
            data = json.loads(self.faults_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            print(f"emulator: {self.faults_path}: ignored: {err}", file=sys.stderr)
            return {}
        self._faults_seen, self._faults = seen, data if isinstance(data, dict) else {}
        return self._faults


class CommandLog:
    """A session's handle on its switch's command log: opened once, flushed per line, opened
    again when a test removed the file (`clear_commands`) while the session was open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: Any = None

    def write(self, line: str) -> None:
        if self.file is not None and os.fstat(self.file.fileno()).st_nlink == 0:
            self.close()
        if self.file is None:
            self.file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
        self.file.write(line + "\n")
        self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            with contextlib.suppress(OSError):
                self.file.close()
            self.file = None


class CliSession(asyncssh.SSHServerSession):  # type: ignore[misc]
    """An interactive shell on one switch: echo, prompt, dialogs, faults."""

    def __init__(self, emu: EmulatedSwitch) -> None:
        self.emu = emu
        self.cli = Session(emu.switch, privileged=emu.spec.enable_secret is None)
        self.chan: Any = None
        self.buf = ""
        self.last_cr = False
        self.count = 0
        self.hung = False
        self.closed = False
        self.dialog: Any = None
        self.hide_next = False
        self.log = CommandLog(emu.log_path)
        self.pending: list[str] | None = None  # output held while one chunk is processed

    def connection_made(self, chan: Any) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: Any, term_modes: Any) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        return False

    def session_started(self) -> None:
        self.write("\r\n" + self.cli.prompt())

    def write(self, text: str) -> None:
        if self.pending is not None:
            self.pending.append(text)
        elif not self.closed and not self._gone():
            self.chan.write(text)

    def flush(self) -> None:
        """Send what one chunk produced as one write (one SSH packet, not one per echo)."""
        out, self.pending = self.pending, None
        if out:
            self.write("".join(out))

    def _gone(self) -> bool:
        """The client hung up (data may still be delivered after its TCP close)."""
        transport = self.chan.get_extra_info("connection")._transport
        return transport is None or transport.is_closing()

    def data_received(self, data: str, datatype: Any) -> None:
        self.pending = []
        try:
            self._receive(data)
        finally:
            self.flush()

    def _receive(self, data: str) -> None:
        for ch in data:
            if self.hung or self.closed:
                return
            if ch in "\r\n":
                if ch == "\n" and self.last_cr:
                    self.last_cr = False
                    continue
                self.last_cr = ch == "\r"
                line, self.buf = self.buf, ""
                self.line_done(line)
                continue
            self.last_cr = False
            if ch in "\x7f\x08":
                if self.buf:
                    self.buf = self.buf[:-1]
                    if not self.hide_next:
                        self.write("\x08 \x08")
                continue
            if ch == "\x03":  # Ctrl+C: drop the line
                self.buf = ""
                self.write("\r\n" + self.cli.prompt())
                continue
            if ch == "\x1a":  # Ctrl+Z: back to the top view
                self.buf = ""
                del self.cli.frames[1:]
                self.write("\r\n" + self.cli.prompt())
                continue
            if ch.isprintable():
                self.buf += ch
                if not self.hide_next:
                    self.write(ch)

    def line_done(self, line: str) -> None:
        emu = self.emu
        hidden, self.hide_next = self.hide_next, False
        if line.strip() or self.dialog is not None:
            self.count += 1
            faults = emu.faults()
            hang, drop = faults.get("hang_after"), faults.get("drop_after")
            if isinstance(drop, int) and self.count > drop:
                self.flush()  # what the device answered before it dropped the session
                self.closed = True
                self.chan.get_connection().close()
                return
            if isinstance(hang, int) and self.count > hang:
                self.hung = True  # keep the TCP connection, answer nothing more
                return
            reject = faults.get("reject") or []
            if self.dialog is None and any(_search(rx, line) for rx in reject):
                self.log.write(line.strip())
                self.write("\r\n" + self.cli.reject_text(line) + "\r\n" + self.cli.prompt())
                return
        self.write("\r\n")
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            reply: Reply = dialog(line)
            self.log.write("******" if hidden else line.strip())
        else:
            reply = self.cli.execute(line)
            if reply.logged:
                self.log.write(reply.logged)
        emu.sync_vlans()
        if reply.text:
            self.write(reply.text + ("\r\n" if reply.prompt else ""))
        if reply.close:  # logging out closes the connection, as the devices do
            self.flush()
            self.closed = True
            if not self._gone():
                self.chan.exit(0)
            self.chan.get_connection().close()
            return
        self.dialog = reply.dialog
        if reply.dialog is not None and reply.text.startswith("Password"):
            self.hide_next = True
        if reply.prompt:
            self.write(self.cli.prompt())

    def eof_received(self) -> bool:
        self.closed = True
        self.log.close()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.log.close()


def _search(rx: Any, line: str) -> bool:
    try:
        return bool(re.search(str(rx), line))
    except re.error:
        return False


class SwitchServer(asyncssh.SSHServer):  # type: ignore[misc]
    """Password login for one switch (constant-time compare; refuse_login fault)."""

    def __init__(self, emu: EmulatedSwitch) -> None:
        self.emu = emu

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        if self.emu.faults().get("refuse_login"):
            return False
        spec = self.emu.spec
        ok_user = hmac.compare_digest(username.encode(), spec.username.encode())
        ok_pass = hmac.compare_digest(password.encode(), spec.password.encode())
        return ok_user and ok_pass

    def session_requested(self) -> CliSession:
        return CliSession(self.emu)


def _libc() -> Any:
    return ctypes.CDLL("libc.so.6", use_errno=True)


def listening_socket(
    address: str, port: int, netns: str | None, home_ns: int | None
) -> socket.socket:
    """A bound, listening TCP socket, created inside `netns` when given."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def make() -> socket.socket:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((address, port))
        s.listen(64)
        s.setblocking(False)
        return s

    if netns is None:
        return make()
    assert home_ns is not None
    libc = _libc()
    target = os.open(f"/var/run/netns/{netns}", os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns({netns}): {os.strerror(err)}")
        try:
            return make()
        finally:
            if libc.setns(home_ns, CLONE_NEWNET) != 0:  # pragma: no cover - fatal
                err = ctypes.get_errno()
                raise OSError(err, f"setns back: {os.strerror(err)}")
    finally:
        os.close(target)


def load_host_key(path: Path) -> asyncssh.SSHKey:
    """The server key, generated once (ed25519, mode 0600) when the file is missing."""
    if not path.exists():
        key = asyncssh.generate_private_key("ssh-ed25519")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key.export_private_key())
    return asyncssh.read_private_key(str(path))


async def serve(spec: EmulatorSpec) -> int:
    """Start every listener, write `ready`, serve until SIGTERM/SIGINT."""
    state = spec.state_dir
    state.mkdir(parents=True, exist_ok=True)
    ready = state / "ready"
    with contextlib.suppress(FileNotFoundError):
        ready.unlink()
    key = load_host_key(spec.host_key)
    options = asyncssh.SSHServerConnectionOptions(
        server_host_keys=[key], line_editor=False, encoding="utf-8", keepalive_interval=0,
        login_timeout=30,
    )
    need_ns = any(s.netns for s in spec.switches)
    home_ns = os.open("/proc/self/ns/net", os.O_RDONLY) if need_ns else None
    servers: list[Any] = []
    try:
        for sw in spec.switches:
            emu = EmulatedSwitch(sw, state)
            for bad in emu.switch.load_errors:
                print(f"emulator: {sw.name}: startup line refused: {bad}", file=sys.stderr)
            try:
                sock = listening_socket(sw.address, sw.port, sw.netns, home_ns)
            except OSError as err:
                where = f"{sw.address}:{sw.port}" + (f" in netns {sw.netns}" if sw.netns else "")
                print(f"emulator: {sw.name}: cannot listen on {where}: {err}", file=sys.stderr)
                return 1 if err.errno != errno.EADDRINUSE else 3
            servers.append(
                await asyncssh.listen(
                    sock=sock, options=options, server_factory=lambda e=emu: SwitchServer(e)
                )
            )
        tmp = state / ".ready.tmp"
        tmp.write_text(f"{os.getpid()} {len(servers)}\n", encoding="utf-8")
        os.replace(tmp, ready)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        return 0
    finally:
        for srv in servers:
            srv.close()
        for srv in servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(srv.wait_closed(), 2)
        with contextlib.suppress(FileNotFoundError):
            ready.unlink()
        if home_ns is not None:
            os.close(home_ns)
