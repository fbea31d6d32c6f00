"""Nornir tasks for a safe push: backup, plan, apply, verify, save, roll back.

In the style of nornir_napalm's `napalm_configure` (dry run aware, one `Result` per step), but
over netmiko with each platform's own driver: NAPALM has no working VRP/Comware driver, and its
IOS merge needs SCP and the archive feature. Every step is a task usable from any runbook;
`push_config` chains them for one host:

    backup -> plan -> (dry run: stop) -> apply -> verify -> save
                                  \\-- apply or verify failed --> rollback -> verify again

A device that refuses the login, hangs, drops the session or rejects a line fails that host
only. Hangs are bounded three ways: connect/auth timeouts, a read timeout per command, and a
per-host wall-clock watchdog that cuts the SSH channel (netmiko's read loop would otherwise
spin until its own timeout on a dead channel).

Credentials come from `shaoshan_net.credentials` (environment), never from inventory files;
secrets in rendered configurations are filled in only in the command stream being sent
(`platforms.PLACEHOLDERS`); every message that leaves a task has secret values masked.
`%ADMIN_SECRET%`, the password of the named admin account the templates create, is filled from
SHAOSHAN_SSH_PASSWORD on purpose: that account is the one push logs in with, so the login
keeps working after the push. One variable serves both, so rotating the password means
changing it on the switches first: push cannot log in with the old value and set a new one.

Speed (profiled with py-spy and cProfile, see bench/push.py): the session is driven by the
prompt, not by timers. netmiko's `session_preparation`, `send_command` and `send_config_set`
sleep and poll (0.17-0.22 s per login, ~80 ms per `display`, 10 ms per read poll, ~35 ANSI
regexes per chunk read); here the login is netmiko's (`establish_connection`, vendor login
dialogs), and everything after it writes a line and wakes on data until the prompt is back.
Lines are still sent one at a time, each checked against the error pattern before the next.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from nornir.core.configuration import Config
from nornir.core.exceptions import NornirSubTaskError
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.task import Result, Task

from shaoshan_net.backup import scrub, write_backup
from shaoshan_net.changeset import ChangeSet, fill_names, plan, substitute_secrets
from shaoshan_net.config_tree import ConfigTree, parse
from shaoshan_net.credentials import environment, secret_values, ssh_credentials
from shaoshan_net.platforms import PLATFORMS, PlatformSpec

CONNECTION = "shaoshan_ssh"

Status = Literal["unchanged", "planned", "changed", "failed", "rolled_back"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Time limits of one host's push (seconds)."""

    conn_timeout: float = 10.0  # TCP connect, SSH banner, authentication
    read_timeout: float = 30.0  # one command's answer
    host_timeout: float = 300.0  # the whole push of one host (rollback gets a fresh budget)


class DeviceError(Exception):
    """A device-side failure of one host (refused, timed out, dropped, rejected a line)."""


def mask(text: str, extra: list[str] | None = None) -> str:
    """`text` with every secret value in force replaced by `***` (for messages and reports)."""
    for value in sorted({*secret_values(), *(extra or [])}, key=len, reverse=True):
        if len(value) > 3:
            text = text.replace(value, "***")
    return text


# A prompt alone on its line: `<SS-X-SW01>`, `[SS-X-SW01-GigabitEthernet0/0/1]`,
# `SS-X-SW01(config-if)#`. Hostname-agnostic: a push may change the sysname.
_PROMPT = {
    "huawei_vrp": r"^[<\[][^\r\n<>\[\]]+[>\]]\s*$",
    "h3c_comware": r"^[<\[][^\r\n<>\[\]]+[>\]]\s*$",
    "cisco_ios": r"^[^\s#>()]+(?:\([^\r\n)]*\))?[#>]\s*$",
}
_LOGOUT = {"huawei_vrp": "quit", "h3c_comware": "quit", "cisco_ios": "exit"}  # TODO(platforms)
# What each netmiko driver's session_preparation sends (paging off, wide lines), sent here
# prompt-driven instead of on netmiko's timers. TODO(platforms): a PlatformSpec field.
_SESSION_SETUP = {
    "huawei_vrp": ("screen-length 0 temporary",),
    "h3c_comware": ("screen-length disable",),
    "cisco_ios": ("terminal width 511", "terminal length 0"),
}
_QUESTION = r"(?:\[[Yy]/[Nn]\]|\[confirm\]|\(y/n\))\s*:?\s*$"
# Save dialogs also ask `Destination filename [startup-config]?` or `... press the enter key):`
_SAVE_QUESTION = r"(?:\[[Yy]/[Nn]\]:?|\[confirm\]|\?|\):)\s*$"
_BANNER_CONTINUE = re.compile(r"Press Y or ENTER to continue", re.I)  # Comware login banner
# Cursor and colour sequences (VRP writes ` ESC[1D` to step back over a space it printed).
_ANSI = re.compile(r" ?\x1b\[\d+D|\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]")


class _Watchdog(threading.Thread):
    """Cuts the SSH channel at the deadline or as soon as the device closes it.

    netmiko reads by polling `recv_ready()`, which stays False on a dead channel, so without
    this a dropped session would only be noticed after the read timeout.
    """

    def __init__(self, session: DeviceSession, deadline: float) -> None:
        super().__init__(daemon=True, name=f"watchdog-{session.name}")
        self.session, self.deadline = session, deadline
        self.stop = threading.Event()
        self.reason = ""

    def run(self) -> None:
        while not self.stop.wait(0.05):
            chan = self.session.channel
            if chan is None:
                return
            if time.monotonic() >= self.deadline:
                self.reason = "wall-clock limit reached"
            elif chan.closed or chan.eof_received:
                self.reason = "session closed by the device"
            else:
                continue
            self.session.cut()
            return


class DeviceSession:
    """One SSH login to one switch through netmiko, with a watchdog and the platform's rules."""

    def __init__(
        self, name: str, host: str, port: int, spec: PlatformSpec, limits: Limits
    ) -> None:
        self.name, self.spec, self.limits = name, spec, limits
        self.host, self.port = host, port
        self.conn: Any = None
        self.channel: Any = None
        self.watchdog: _Watchdog | None = None
        self.lines_sent = 0
        self._prompt_rx = re.compile(_PROMPT[spec.name])
        self._line_rx = re.compile(rf"{_PROMPT[spec.name]}|{_QUESTION}")
        self._save_rx = re.compile(rf"{_PROMPT[spec.name]}|{_SAVE_QUESTION}")
        self._error_rx = re.compile(spec.error_pattern, re.M)
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def open(self) -> None:
        """Log in within the limits; the login itself runs under a wall-clock join."""
        from netmiko import ConnectHandler

        creds = ssh_credentials()
        params: dict[str, Any] = {
            "device_type": self.spec.netmiko_device_type,
            "host": self.host,
            "port": self.port,
            "username": creds.user,
            "conn_timeout": self.limits.conn_timeout,
            "auth_timeout": self.limits.conn_timeout,
            "banner_timeout": self.limits.conn_timeout,
            "read_timeout_override": self.limits.read_timeout,
            "fast_cli": True,
            "allow_agent": False,
            "ssh_config_file": None,
        }
        if creds.password:
            params["password"] = creds.password
        if creds.key_file:
            params.update(use_keys=True, key_file=creds.key_file)
        else:
            params["use_keys"] = False
        box: dict[str, Any] = {}

        def login() -> None:
            try:
                # netmiko's driver for the SSH login and its vendor login dialogs (Huawei's
                # password-change question); not its session_preparation, which waits on
                # timers (0.17-0.22 s per login measured): `_prepare` does the same by prompt.
                conn = ConnectHandler(**params, auto_connect=False)
                box["conn"] = conn
                conn.establish_connection()
            except BaseException as exc:  # reported below, in this thread
                box["error"] = exc

        worker = threading.Thread(target=login, daemon=True, name=f"login-{self.name}")
        worker.start()
        budget = self.limits.conn_timeout * 3 + self.limits.read_timeout
        worker.join(budget)
        if worker.is_alive():
            raise DeviceError(f"login did not finish within {budget:.0f} s")
        if "error" in box:
            exc = box["error"]
            raise DeviceError(f"login failed: {mask(_first_line(exc))}") from None
        self.conn = box["conn"]
        self.channel = self.conn.remote_conn
        self.watchdog = _Watchdog(self, time.monotonic() + self.limits.host_timeout)
        self.watchdog.start()
        try:
            self._prepare()
        except DeviceError:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise self._failed("session setup failed", exc) from None

    def _prepare(self) -> None:
        """Wait for the first prompt, note it, turn paging off (as netmiko's drivers do)."""
        budget = self.limits.conn_timeout + self.limits.read_timeout
        self.conn.write_channel(self.conn.RETURN)
        out = self._read_until(self._prompt_rx, alt=_BANNER_CONTINUE, timeout=budget)
        if _BANNER_CONTINUE.search(out) and not self._prompt_rx.search(_last_line(out)):
            self.conn.write_channel(self.conn.RETURN)
            out = self._read_until(self._prompt_rx)
        self._note_prompt(out)
        for command in _SESSION_SETUP[self.spec.name]:
            self._exchange(command)

    def cut(self) -> None:
        """Make every further read or write fail at once, then close the transport."""
        chan, self.channel = self.channel, None
        if self.conn is not None:
            self.conn.channel.remote_conn = None
            self.conn.remote_conn = None
        if chan is not None:
            with contextlib.suppress(Exception):  # closing a dead channel may fail: it is dead
                chan.close()
                transport = chan.get_transport()
                if transport is not None:
                    transport.close()

    def close(self) -> None:
        """Log out and close. Not netmiko's `disconnect`: its Huawei config-mode check waits
        2.2 s on a timer per session (measured), which would dominate a no-change run."""
        if self.watchdog is not None:
            self.watchdog.stop.set()
        if self.conn is not None and self.channel is not None:
            with contextlib.suppress(Exception):  # the device may already be gone
                self.conn.write_channel(_LOGOUT[self.spec.name] + self.conn.RETURN)
        pre = getattr(self.conn, "remote_conn_pre", None)
        self.cut()
        if pre is not None:
            with contextlib.suppress(Exception):
                pre.close()

    def _failed(self, what: str, exc: BaseException, extra: list[str] | None = None) -> DeviceError:
        reason = self.watchdog.reason if self.watchdog and self.watchdog.reason else ""
        detail = reason or _first_line(exc)
        return DeviceError(mask(f"{what}: {detail}", extra))

    def read_running(self) -> str:
        """The running configuration as the device prints it (no echo, no prompt)."""
        try:
            out = self._exchange(self.spec.show_running)
        except DeviceError as exc:
            raise DeviceError(f"reading {self.spec.show_running!r} failed: {exc}") from None
        except Exception as exc:
            raise self._failed(f"reading {self.spec.show_running!r} failed", exc) from None
        body = out.split("\n", 1)[1] if "\n" in out else ""  # drop the echoed command
        return body.rsplit("\n", 1)[0] if "\n" in body else ""  # drop the prompt

    def _exchange(self, line: str, rx: re.Pattern[str] | None = None) -> str:
        """Send one line and read its answer up to the prompt (or a match of `rx`).

        The answer counts only once the line's echo has come back (netmiko's `cmd_verify`),
        so a stray prompt still in flight (the login's, or an extra one) cannot be taken for
        this line's answer and shift every later answer by one.
        """
        self.conn.write_channel(line + self.conn.RETURN)
        return self._read_until(rx or self._prompt_rx, echo=line)

    def _line(self, line: str) -> str:
        """Send one line, read up to the next prompt; answer a [Y/N] question with `y`."""
        out = self._exchange(line, self._line_rx)
        if not self._prompt_rx.search(_last_line(out)):  # a question, not the prompt
            out += self._line("y")
        return out

    def _recv(self) -> str:
        """What the device has sent so far (decoded; may be empty); raises once it is gone."""
        chan = self.channel
        if chan is None:
            raise DeviceError(self.watchdog.reason if self.watchdog and self.watchdog.reason
                              else "session closed")
        data = b""
        while chan.recv_ready():
            data += chan.recv(65536)
        if not data and (chan.closed or chan.eof_received):
            raise DeviceError("session closed by the device")
        return self._decoder.decode(data) if data else ""

    def _read_until(self, rx: re.Pattern[str], alt: re.Pattern[str] | None = None,
                    timeout: float | None = None, echo: str = "") -> str:
        """Read until the last line (the one the device waits on) matches `rx` or `alt`.

        Reads the paramiko channel directly and wakes on data (select), not on a timer:
        netmiko's reader sleeps 10 ms per poll and runs ~35 ANSI regexes per chunk, which
        dominated a long push (one prompt read per configuration line). Only the last line
        is matched, so a prompt-like line inside the output cannot end the read early. With
        `echo`, text before the echo of that line is a stale answer and is dropped.
        """
        limit = self.limits.read_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        chunks: list[str] = []
        tail = ""
        want = " ".join(echo.split())[:40]  # a long line may wrap in the echo
        while True:
            data = self._recv()
            if data:
                chunks.append(data)
                cut = data.rfind("\n")
                tail = data[cut + 1 :] if cut >= 0 else tail + data
                last = _ANSI.sub("", tail).replace("\r", "")
                if not (rx.search(last) or (alt is not None and alt.search(last))):
                    continue
                text = _ANSI.sub("", "".join(chunks))
                if want:  # checked only at a prompt: the echo arrives one packet per character
                    at = text.find(want)
                    if at < 0:  # a stale prompt: drop it, keep reading
                        chunks, tail = [], ""
                        continue
                    text = text[text.rfind("\n", 0, at) + 1 :]  # from the echo line on
                return text.replace("\r\n", "\n").replace("\n\r", "\n").replace("\r", "")
            chan = self.channel
            left = deadline - time.monotonic()
            if chan is None:
                continue  # _recv raises with the watchdog's reason
            if left <= 0:
                raise DeviceError(f"no prompt within {limit:.0f} s")
            select.select([chan], [], [], min(left, 0.05))

    def _note_prompt(self, out: str) -> None:
        """Remember the exec prompt (`<SS-X-SW01>` -> base prompt `SS-X-SW01`), as netmiko
        would; called again after a push, which may change the sysname."""
        prompt = _last_line(out).strip()
        if self.spec.name == "cisco_ios":
            base = re.sub(r"(?:\([^)]*\))?[#>]$", "", prompt)[:16]
        else:
            base = prompt[1:-1]
        self.conn.base_prompt = base

    @property
    def prompt_re(self) -> str:
        return _PROMPT[self.spec.name]

    def send_config(self, commands: list[str], secrets: list[str]) -> None:
        """Send a command stream in configuration mode, one line at a time up to its prompt;
        a line whose answer matches the platform's error pattern stops the stream and fails.

        Lock-step on purpose (no pipelining): a rejected `interface X` must stop the stream
        before the next lines land in the wrong section. Not netmiko's `send_config_set`: its
        Huawei config-mode checks wait on timers (6-11 s per call measured here).
        """
        current = self.spec.config_enter
        error_rx = self._error_rx
        try:
            self._line(current)
            for current in commands:
                answer = self._line(current).split("\n", 1)[-1]  # drop the echo
                if error_rx.search(answer):
                    error = next((ln.strip() for ln in answer.splitlines()
                                  if error_rx.search(ln)), "")
                    raise DeviceError(f"line rejected: {current!r}: {error}")
                self.lines_sent += 1
            current = self.spec.config_leave
            self._note_prompt(self._line(current))
        except DeviceError as exc:
            raise DeviceError(mask(str(exc), secrets)) from None
        except Exception as exc:
            raise self._failed(f"configuration failed at {current!r}", exc, secrets) from None

    def save(self) -> str:
        """The platform's save command(s), answering its dialog: `y` to a [Y/N] question,
        Enter (keep the default) to a file-name question."""
        try:
            out = ""
            for command in self.spec.save_commands:
                text = self._exchange(command, self._save_rx)
                for _ in range(4):  # a dialog has at most a few questions
                    last = _last_line(text)
                    if self._prompt_rx.search(last):
                        break
                    answer = "y" if re.search(r"\[[Yy]/[Nn]\]", last) else ""
                    text += self._exchange(answer, self._save_rx)
                else:
                    raise DeviceError(f"{command!r}: dialog did not end at a prompt")
                if self._error_rx.search(text):
                    raise DeviceError(f"{command!r} refused: {_first_line(text)}")
                out += text
            return out
        except DeviceError as exc:
            raise DeviceError(f"save failed: {exc}") from None
        except Exception as exc:
            raise self._failed("save failed", exc) from None


def _last_line(text: str) -> str:
    return text[text.rfind("\n") + 1 :]


def _first_line(exc: BaseException | str) -> str:
    text = str(exc).strip() or type(exc).__name__
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[0] if lines else type(exc).__name__


class ShaoshanSSH:
    """Nornir connection plugin `shaoshan_ssh`: a `DeviceSession` for the host's platform."""

    def __init__(self) -> None:
        self.connection: DeviceSession | None = None

    def open(
        self,
        hostname: str | None,
        username: str | None,
        password: str | None,
        port: int | None,
        platform: str | None,
        extras: dict[str, Any] | None = None,
        configuration: Config | None = None,
    ) -> None:
        extras = extras or {}
        spec = PLATFORMS[str(platform)]
        session = DeviceSession(
            extras.get("name", hostname or "?"), str(hostname), int(port or 22), spec,
            extras.get("limits", Limits()),
        )
        session.open()
        self.connection = session

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


if CONNECTION not in ConnectionPluginRegister.available:
    ConnectionPluginRegister.register(CONNECTION, ShaoshanSSH)


def session(task: Task, limits: Limits | None = None, fresh: bool = False) -> DeviceSession:
    """The host's open session (opened on first use; `fresh` closes the old one first)."""
    host = task.host
    if fresh and CONNECTION in host.connections:
        host.close_connection(CONNECTION)
    if CONNECTION not in host.connections:
        host.open_connection(
            CONNECTION, task.nornir.config,
            extras={"name": host.name, "limits": limits or Limits()},
        )
    return host.connections[CONNECTION].connection  # type: ignore[no-any-return]


def close_session(task: Task) -> None:
    if CONNECTION in task.host.connections:
        task.host.close_connection(CONNECTION)


# --- results ---------------------------------------------------------------------------------


@dataclass(slots=True)
class RunningConfig:
    """A running configuration read from a device; shows only where its backup went.

    The raw text (device ciphers included) stays in memory for a rollback; `str()` never
    prints it.
    """

    host: str
    dialect: str
    raw: str = field(repr=False)
    backup: Path | None = None

    def tree(self) -> ConfigTree:
        return parse(self.raw, self.dialect)

    def scrubbed(self) -> str:
        return scrub(self.raw, self.dialect)

    def __str__(self) -> str:
        where = f" -> {self.backup}" if self.backup else ""
        return f"running configuration of {self.host}: {len(self.raw.splitlines())} lines{where}"


@dataclass(slots=True)
class Outcome:
    """How one host's push ended (the `result` of `push_config`)."""

    host: str
    status: Status = "failed"
    changes: ChangeSet | None = None
    backup: Path | None = None
    error: str = ""
    rollback: str = ""
    seconds: float = 0.0
    lines_sent: int = 0

    @property
    def as_intended(self) -> bool:
        return self.status in ("unchanged", "changed", "planned")

    def __str__(self) -> str:
        n = len(self.changes) if self.changes is not None else 0
        text = f"{self.host}: {self.status.replace('_', ' ')}"
        if self.status in ("planned", "changed"):
            text += f" ({n} change{'s' if n != 1 else ''})"
        if self.error:
            text += f": {self.error}"
        if self.rollback:
            text += f"; rollback: {self.rollback}"
        return text


# --- the steps ---------------------------------------------------------------------------------


def _dialect(task: Task) -> str:
    name = str(task.host.platform)
    if name not in PLATFORMS:
        raise DeviceError(f"unknown platform {name!r}")
    return name


def backup_config(task: Task, root: Path, limits: Limits | None = None) -> Result:
    """Read the running configuration and keep a scrubbed copy in `root/backups/HOST/`."""
    dialect = _dialect(task)
    raw = session(task, limits).read_running()
    path = write_backup(root, task.host.name, raw, dialect, secrets=secret_values())
    return Result(host=task.host, result=RunningConfig(task.host.name, dialect, raw, path))


def plan_changes(task: Task, intended: str, running: RunningConfig | None = None,
                 limits: Limits | None = None) -> Result:
    """The change set from `running` (read now if not given) to the rendered `intended`."""
    dialect = _dialect(task)
    if running is None:
        running = RunningConfig(task.host.name, dialect, session(task, limits).read_running())
    want = parse(fill_names(intended, environment(), task.host.name), dialect)
    changes = plan(want, running.tree())
    return Result(host=task.host, result=changes, changed=False,
                  diff="\n".join(changes.display()))


def apply_changes(task: Task, changes: ChangeSet, dry_run: bool | None = None,
                  limits: Limits | None = None) -> Result:
    """Send the change set (secrets filled in at the last moment); nothing when dry run."""
    dry = task.is_dry_run(dry_run)
    diff = "\n".join(changes.display())
    if dry or not changes:
        return Result(host=task.host, result=0, changed=False, diff=diff)
    env = environment()
    commands = substitute_secrets(changes.commands(), env, task.host.name)
    sent = [v for v in secret_values() if any(v in c for c in commands)]
    session(task, limits).send_config(commands, sent)
    return Result(host=task.host, result=len(commands), changed=True, diff=diff)


def verify_config(task: Task, intended: str | ConfigTree, limits: Limits | None = None) -> Result:
    """Read the running configuration back: verified when no change is left to make."""
    dialect = _dialect(task)
    raw = session(task, limits).read_running()
    if isinstance(intended, str):
        intended = parse(fill_names(intended, environment(), task.host.name), dialect)
    left = plan(intended, parse(raw, dialect))
    if left:
        preview = "; ".join(left.commands()[:3])
        return Result(host=task.host, result=left, failed=True,
                      exception=DeviceError(f"{len(left)} differences remain ({preview} ...)"))
    return Result(host=task.host, result=left)


def save_config(task: Task, dry_run: bool | None = None, limits: Limits | None = None) -> Result:
    """Make the running configuration the startup configuration (`save`, `save force`, ...)."""
    if task.is_dry_run(dry_run):
        return Result(host=task.host, result="dry run: not saved")
    session(task, limits).save()
    return Result(host=task.host, result="saved", changed=True)


def rollback(
    task: Task, backup: RunningConfig, limits: Limits | None = None, attempts: int = 3
) -> Result:
    """Return the device to the backup's state, then verify it.

    Each attempt opens a fresh session and plans from what is running now, so a session that
    drops or hangs again part-way still leaves progress, and the next attempt finishes the job.
    """
    target = backup.tree()
    undone = 0
    errors: list[str] = []
    for _ in range(attempts):
        try:
            fresh = session(task, limits, fresh=True)
            undo = plan(target, parse(fresh.read_running(), backup.dialect))
            if undo:
                fresh.send_config(undo.commands(), [])
                undone += len(undo)
            left = plan(target, parse(fresh.read_running(), backup.dialect))
        except DeviceError as exc:
            errors.append(str(exc))
            continue
        if left:
            preview = "; ".join(left.commands()[:4])
            return Result(host=task.host, result=left, failed=True, exception=DeviceError(
                f"{len(left)} differences from the backup remain ({preview} ...)"))
        return Result(host=task.host, result=undone, changed=bool(undone))
    return Result(host=task.host, result=undone, failed=True, exception=DeviceError(
        f"{attempts} attempts failed; last: {errors[-1] if errors else '?'}"))


def _error(exc: BaseException) -> str:
    if isinstance(exc, NornirSubTaskError):
        inner = exc.result[0].exception if exc.result else None
        return mask(_first_line(inner)) if inner else mask(str(exc.result.result))
    return mask(_first_line(exc))


def push_config(
    task: Task,
    intended: str,
    root: Path,
    dry_run: bool | None = None,
    save: bool = True,
    limits: Limits | None = None,
    before_apply: Callable[[], object] | None = None,
) -> Result:
    """One host's whole push; the result is an `Outcome` (failed only for a failed host).

    `before_apply` is called once changes are planned and about to be applied (commit only):
    the push command makes units wait there for the core. The session is closed while it
    waits, so the wait counts against no wall-clock limit; apply logs in again.
    """
    limits = limits or Limits()
    dry = task.is_dry_run(dry_run)
    out = Outcome(task.host.name)
    start = time.monotonic()
    backup: RunningConfig | None = None
    try:
        backup = task.run(backup_config, root=root, limits=limits)[0].result
        out.backup = backup.backup if backup else None
        changes: ChangeSet = task.run(plan_changes, intended=intended, running=backup)[0].result
        out.changes = changes
        if not changes:
            out.status = "unchanged"
        elif dry:
            out.status = "planned"
        else:
            if before_apply is not None:
                close_session(task)
                before_apply()
            try:
                task.run(apply_changes, changes=changes, dry_run=False, limits=limits)
                task.run(verify_config, intended=intended, limits=limits)
            except NornirSubTaskError as exc:
                out.error = _error(exc)
                out.status = "failed"
                try:
                    task.run(rollback, backup=backup, limits=limits)
                    out.status = "rolled_back"
                    out.rollback = "restored the backup's state, verified"
                except NornirSubTaskError as rexc:
                    out.rollback = f"failed: {_error(rexc)}"
            else:
                task.run(save_config, dry_run=False, limits=limits)
                out.status = "changed"
    except NornirSubTaskError as exc:
        out.status, out.error = "failed", _error(exc)
    except Exception as exc:  # a bug or bad input must still fail only this host
        out.status, out.error = "failed", mask(_first_line(exc))
    finally:
        if CONNECTION in task.host.connections:
            out.lines_sent = task.host.connections[CONNECTION].connection.lines_sent
        with contextlib.suppress(Exception):  # the session may be dead already
            close_session(task)
        out.seconds = time.monotonic() - start
    return Result(
        host=task.host,
        result=out,
        changed=out.status in ("changed", "rolled_back"),
        failed=not out.as_intended,
        diff="\n".join(out.changes.display()) if out.changes else "",
    )
