"""One asyncio SNMP poller for a whole run: one SnmpEngine, bounded concurrency, bulk walks.

Why this shape (see lab-notes): an SnmpEngine costs ~0.1 s and memory that is never given back,
and it belongs to the event loop that made it, so a run makes exactly one and polls every
device concurrently on that loop. A dead device then costs one timeout x tries cycle, whatever
their number. `PollerThread` runs the same poller on a background loop so Nornir's worker
threads share one engine via `asyncio.run_coroutine_threadsafe` instead of `asyncio.run` per host.

Every request uses numeric OIDs and `lookupMib=False`; values come back as plain Python
(`int`, `str`, `None` for noSuchObject/noSuchInstance/endOfMibView).

pysnmp is imported inside functions: importing it costs ~0.3 s that `cost`/`check` must not pay.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from shaoshan_net.credentials import SnmpCredentials

Status = Literal["ok", "unreachable", "auth", "error"]

RECEIVE_BUFFER = 8 * 1024 * 1024  # bytes asked for the poller's UDP socket (see _open_socket)

# pysnmp error indications that mean "the device answered but refused our credentials".
AUTH_ERRORS = frozenset(
    {
        "wrongDigest",
        "unknownUserName",
        "decryptionError",
        "authenticationError",
        "authenticationFailure",
        "unsupportedSecurityLevel",
        "unknownSecurityName",
        "unknownCommunityName",
        "noAuthentication",
        "unsupportedAuthProtocol",
        "unsupportedPrivProtocol",
        "notInTimeWindow",
    }
)


@dataclass(frozen=True, slots=True)
class Target:
    """Where one device answers. `context`/`community` select a simulator's data file."""

    name: str
    host: str
    port: int = 161
    context: str = ""
    community: str | None = None  # v2c only: overrides the configured community


@dataclass(frozen=True, slots=True)
class PollSettings:
    timeout: float = 1.0  # seconds per request try
    retries: int = 1  # extra tries after the first
    concurrency: int = 32  # devices walked at once (probes are not limited)
    max_repetitions: int = 40

    @property
    def cycle(self) -> float:
        """Time one request may take before it is given up: timeout x tries."""
        return self.timeout * (self.retries + 1)


class PollError(Exception):
    """A request that failed as a whole; `status` says how (unreachable, auth, error)."""

    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status: Status = status
        self.message = message


@dataclass(slots=True)
class DeviceData:
    """What one device answered. `walks[column]` is {index suffix: value}; empty = not served."""

    target: Target
    status: Status = "ok"
    error: str = ""
    scalars: dict[str, Any] = field(default_factory=dict)
    walks: dict[str, dict[str, Any]] = field(default_factory=dict)
    elapsed: float = 0.0

    def column(self, column: str, index: str) -> Any:
        """A value read by a GET of `column.index` (None when the agent had no such instance)."""
        return self.scalars.get(f"{column}.{index}")


# What to read from a device: first GET `probe` (reachability), then the `walks` (groups of
# columns walked side by side, with their max-repetitions) concurrently, then the columns
# `more_walks(data)` asks for (a fallback), then GET the OIDs `second_stage(data)` returns.
SecondStage = Callable[[DeviceData], Sequence[str]]


# Groups of columns walked side by side, each with its max-repetitions.
Walks = tuple[tuple[tuple[str, ...], int], ...]


@dataclass(frozen=True, slots=True)
class PollSpec:
    """`walks` may be a function of the probe's answers (e.g. repetitions sized by ifNumber)."""

    probe: tuple[str, ...]
    walks: Walks | Callable[[DeviceData], Walks] = ()
    more_walks: SecondStage | None = None
    second_stage: SecondStage | None = None


def _oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(p) for p in oid.split(".") if p)


def _to_python(value: Any) -> Any:
    """pysnmp value -> int/str/None; octet strings that are not UTF-8 become hex."""
    from pyasn1.type import univ
    from pysnmp.proto import rfc1902, rfc1905

    if isinstance(value, rfc1905.NoSuchObject | rfc1905.NoSuchInstance | rfc1905.EndOfMibView):
        return None
    if isinstance(value, univ.Null):
        return None
    if isinstance(value, rfc1902.IpAddress):
        return ".".join(str(b) for b in bytes(value))
    if isinstance(value, univ.OctetString):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.hex(":")
    if isinstance(value, univ.ObjectIdentifier):
        return str(value)
    if isinstance(value, univ.Integer):
        return int(value)
    return str(value)


def _classify(indication: Any) -> PollError:
    name = type(indication).__name__
    text = str(indication)
    if name == "RequestTimedOut" or "timed out" in text.lower() or name == "requestTimedOut":
        return PollError("unreachable", "no response (timeout)")
    short = name[0].lower() + name[1:]
    if short in AUTH_ERRORS or any(a.lower() in text.lower().replace(" ", "") for a in AUTH_ERRORS):
        return PollError("auth", f"authentication failure ({text})")
    return PollError("error", f"SNMP error: {text}")


class _NoMibCompiler:
    """Stands in for pysmi's compiler: a MIB that is not pre-compiled stays missing."""

    def compile(self, *names: str, **options: Any) -> dict[str, str]:
        return dict.fromkeys(names, "missing")


class Poller:
    """Polls many devices on the running event loop with one engine (create it inside the loop)."""

    def __init__(self, credentials: SnmpCredentials, settings: PollSettings | None = None) -> None:
        from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

        self.credentials = credentials
        self.settings = settings or PollSettings()
        self.engine = SnmpEngine()
        # pysnmp attaches pysmi's MIB compiler on first use (~0.8 s building a parser) unless
        # one is set; we never compile MIBs (numeric OIDs only), so set one that never compiles.
        builder = self.engine.get_mib_builder()
        if builder.get_mib_compiler() is None:
            builder._MibBuilder__mibCompiler = _NoMibCompiler()  # no public setter without a dir
        self._auth_cache: dict[str | None, Any] = {}
        self._semaphore: asyncio.Semaphore | None = None
        self._object_types: dict[str, Any] = {}

    def _object_type(self, oid: str) -> Any:
        """A resolved ObjectType per OID, made once: hlapi resolves an unresolved one against
        the MIB tree on every request (~0.7 ms each); a resolved one passes through."""
        found = self._object_types.get(oid)
        if found is None:
            from pysnmp.hlapi.v3arch.asyncio.cmdgen import VB_PROCESSOR
            from pysnmp.proto.rfc1902 import ObjectName
            from pysnmp.smi.rfc1902 import ObjectIdentity, ObjectType

            found = VB_PROCESSOR.make_varbinds(
                self.engine.cache, (ObjectType(ObjectIdentity(ObjectName(oid))),)
            )[0]
            self._object_types[oid] = found
        return found

    def _auth(self, target: Target) -> Any:
        from pysnmp.hlapi.v3arch.asyncio import (
            USM_AUTH_HMAC96_SHA,
            USM_PRIV_CFB128_AES,
            CommunityData,
            UsmUserData,
        )

        key = target.community if self.credentials.version == "v2c" else None
        if key not in self._auth_cache:
            c = self.credentials
            if c.version == "v2c":
                self._auth_cache[key] = CommunityData(target.community or c.community, mpModel=1)
            else:
                self._auth_cache[key] = UsmUserData(
                    c.user,
                    authKey=c.auth_key,
                    privKey=c.priv_key,
                    authProtocol=USM_AUTH_HMAC96_SHA,
                    privProtocol=USM_PRIV_CFB128_AES,
                )
        return self._auth_cache[key]

    def _open_socket(self) -> None:
        """Register our own UDP socket with a large receive buffer before hlapi opens one.

        Every device answers to this one socket; with the kernel's default buffer (~208 KiB) a
        burst of a few hundred answers overflows it while the loop is busy decoding, and the
        lost answers look like dead devices. Capped by net.core.rmem_max (silently).
        """
        import socket

        from pysnmp.carrier.asyncio.dgram import udp
        from pysnmp.entity import config

        if config.get_transport(self.engine, udp.DOMAIN_NAME):
            return
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        sock.bind(("0.0.0.0", 0))
        sock.setblocking(False)
        config.add_transport(self.engine, udp.DOMAIN_NAME,
                             udp.UdpAsyncioTransport().open_server_mode(sock=sock))

    async def _transport(self, target: Target) -> Any:
        from pysnmp.hlapi.v3arch.asyncio import UdpTransportTarget

        self._open_socket()

        return await UdpTransportTarget.create(
            (target.host, target.port), timeout=self.settings.timeout, retries=self.settings.retries
        )

    async def get(
        self, target: Target, oids: Sequence[str], transport: Any = None
    ) -> dict[str, Any]:
        """GET `oids` (chunks of 40); raise PollError on a failed request."""
        from pysnmp.hlapi.v3arch.asyncio import ContextData, get_cmd

        transport = transport or await self._transport(target)
        out: dict[str, Any] = {}
        for start in range(0, len(oids), 40):
            chunk = oids[start : start + 40]
            err, status, index, binds = await get_cmd(
                self.engine,
                self._auth(target),
                transport,
                ContextData(contextName=target.context),
                *(self._object_type(o) for o in chunk),
                lookupMib=False,
            )
            if err:
                raise _classify(err)
            if status:
                raise PollError("error", f"SNMP error-status {status.prettyPrint()} at {index}")
            for name, value in binds:
                out[str(name)] = _to_python(value)
        return out

    async def walk(
        self,
        target: Target,
        columns: Sequence[str],
        max_repetitions: int | None = None,
        transport: Any = None,
    ) -> dict[str, dict[str, Any]]:
        """Bulk-walk several columns side by side: {column: {index suffix: value}}.

        One GETBULK carries every column still open (rows come back interleaved), so a device's
        LLDP table costs one request, not three. Same stop rule as pysnmp's `bulk_walk_cmd`
        with `lexicographicMode=False`: a column ends when the agent leaves its subtree. A
        column the agent does not serve comes back empty. The first timeout ends the walk
        (`bulk_walk_cmd` would retry it forever).
        """
        from pysnmp.hlapi.v3arch.asyncio import ContextData, bulk_cmd
        from pysnmp.proto.rfc1905 import EndOfMibView

        transport = transport or await self._transport(target)
        reps = max_repetitions or self.settings.max_repetitions
        out: dict[str, dict[str, Any]] = {c: {} for c in columns}
        cursor = {c: c for c in columns}  # last OID seen per open column
        context = ContextData(contextName=target.context)
        for _ in range(10_000):  # a misbehaving agent cannot keep us here forever
            open_columns = list(cursor)
            if not open_columns:
                break
            err, status, index, binds = await bulk_cmd(
                self.engine,
                self._auth(target),
                transport,
                context,
                0,
                reps,
                *(self._object_type(cursor[c]) for c in open_columns),
                lookupMib=False,
            )
            if err:
                raise _classify(err)
            if status:
                raise PollError("error", f"SNMP error-status {status.prettyPrint()} at {index}")
            if not binds:
                break
            width = len(open_columns)
            for position, (name, value) in enumerate(binds):
                column = open_columns[position % width]
                if column not in cursor:
                    continue  # this column ended earlier in the same response
                oid = str(name)
                if isinstance(value, EndOfMibView) or not oid.startswith(column + "."):
                    del cursor[column]
                    continue
                if _oid_key(oid) <= _oid_key(cursor[column]):
                    del cursor[column]  # not increasing: stop rather than loop
                    continue
                cursor[column] = oid
                py = _to_python(value)
                if py is not None:
                    out[column][oid[len(column) + 1 :]] = py
        return out

    async def poll(self, target: Target, spec: PollSpec) -> DeviceData:
        """Read one device per `spec`; never raises: failures land in `DeviceData.status`.

        The probe (one small GET) runs outside the concurrency limit, so dead devices all time
        out together in one cycle and never hold a slot the live ones need for their walks.
        """
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.settings.concurrency)
        data = DeviceData(target=target)
        started = time.monotonic()
        try:
            transport = await self._transport(target)
            data.scalars.update(await self.get(target, spec.probe, transport))
            async with self._semaphore:
                walks = spec.walks(data) if callable(spec.walks) else spec.walks
                if walks:
                    results = await asyncio.gather(
                        *(self.walk(target, cols, reps, transport) for cols, reps in walks)
                    )
                    for found in results:
                        data.walks.update(found)
                if spec.more_walks is not None:
                    extra = tuple(spec.more_walks(data))
                    if extra:
                        data.walks.update(await self.walk(target, extra, None, transport))
                if spec.second_stage is not None:
                    oids = list(spec.second_stage(data))
                    chunks = [oids[i : i + 40] for i in range(0, len(oids), 40)]
                    for found in await asyncio.gather(
                        *(self.get(target, chunk, transport) for chunk in chunks)
                    ):
                        data.scalars.update(found)
        except PollError as exc:
            data.status, data.error = exc.status, exc.message
        except Exception as exc:  # a garbage answer fails this host, never the run
            data.status, data.error = "error", f"{type(exc).__name__}: {exc}"
        data.elapsed = time.monotonic() - started
        return data

    async def poll_many(self, jobs: Iterable[tuple[Target, PollSpec]]) -> list[DeviceData]:
        """Poll every (target, spec) concurrently (bounded by `settings.concurrency`)."""
        return list(await asyncio.gather(*(self.poll(t, s) for t, s in jobs)))

    def close(self) -> None:
        self.engine.close_dispatcher()


async def _with_poller(
    credentials: SnmpCredentials,
    settings: PollSettings,
    work: Callable[[Poller], Awaitable[Any]],
) -> Any:
    poller = Poller(credentials, settings)
    try:
        return await work(poller)
    finally:
        poller.close()


def poll_all(
    credentials: SnmpCredentials,
    settings: PollSettings,
    jobs: Sequence[tuple[Target, PollSpec]],
) -> list[DeviceData]:
    """Synchronous entry point for a run: one loop, one engine, every device concurrently."""
    return asyncio.run(_with_poller(credentials, settings, lambda p: p.poll_many(jobs)))


class PollerThread:
    """One event loop in a daemon thread with one Poller, shared by any number of threads.

    Nornir's threaded runner calls `poll()` from its workers; each call is scheduled on the one
    loop with `run_coroutine_threadsafe`, so all hosts share one engine.
    """

    def __init__(self, credentials: SnmpCredentials, settings: PollSettings | None = None) -> None:
        self.settings = settings or PollSettings()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="snmp-poller",
                                        daemon=True)
        self._thread.start()
        self.poller: Poller = self._call(self._make(credentials))

    async def _make(self, credentials: SnmpCredentials) -> Poller:
        return Poller(credentials, self.settings)

    def _call(self, coro: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()  # type: ignore[arg-type]

    def poll(self, target: Target, spec: PollSpec) -> DeviceData:
        return self._call(self.poller.poll(target, spec))

    def close(self) -> None:
        if self._loop.is_closed():
            return

        async def _close() -> None:
            self.poller.close()

        self._call(_close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> PollerThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
