"""Credentials come from the environment, or from an env file readable by its owner only.

`SHAOSHAN_ENV_FILE` names a file of `KEY=value` lines (mode 0600 or stricter); values in the
real environment win over the file. Nothing here is ever printed: `__repr__` hides secrets.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from shaoshan_net.errors import InputError


def _read_env_file(path: Path) -> dict[str, str]:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError(str(path), None, "SHAOSHAN_ENV_FILE", "file not found") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InputError(
            str(path), None, "mode", f"is {stat.S_IMODE(mode):04o}; must be 0600 (chmod 600)"
        )
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep:
            raise InputError(str(path), None, f"line {number}", "expected KEY=value")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def environment() -> dict[str, str]:
    """The process environment over the env file (if `SHAOSHAN_ENV_FILE` is set)."""
    file = os.environ.get("SHAOSHAN_ENV_FILE")
    values = _read_env_file(Path(file)) if file else {}
    values.update({k: v for k, v in os.environ.items() if k.startswith("SHAOSHAN_")})
    return values


def _require(env: dict[str, str], key: str, purpose: str) -> str:
    value = env.get(key, "")
    if not value:
        raise InputError("environment", None, key, f"not set (needed for {purpose})")
    return value


@dataclass(frozen=True)
class SshCredentials:
    user: str
    password: str | None = field(default=None, repr=False)
    key_file: str | None = None


@dataclass(frozen=True)
class SnmpCredentials:
    """SNMPv3 authPriv (SHA + AES-128) unless `version` is "v2c" (then `community`)."""

    version: str
    user: str = ""
    auth_key: str = field(default="", repr=False)
    priv_key: str = field(default="", repr=False)
    community: str = field(default="", repr=False)


def ssh_credentials() -> SshCredentials:
    env = environment()
    user = _require(env, "SHAOSHAN_SSH_USER", "SSH login")
    key_file = env.get("SHAOSHAN_SSH_KEY_FILE") or None
    password = env.get("SHAOSHAN_SSH_PASSWORD") or None
    if not (key_file or password):
        raise InputError(
            "environment", None, "SHAOSHAN_SSH_PASSWORD", "not set (or SHAOSHAN_SSH_KEY_FILE)"
        )
    return SshCredentials(user=user, password=password, key_file=key_file)


def snmp_credentials() -> SnmpCredentials:
    env = environment()
    if env.get("SHAOSHAN_SNMP_VERSION", "v3") == "v2c":
        community = _require(env, "SHAOSHAN_SNMP_COMMUNITY", "SNMP v2c")
        return SnmpCredentials(version="v2c", community=community)
    return SnmpCredentials(
        version="v3",
        user=_require(env, "SHAOSHAN_SNMP_USER", "SNMPv3"),
        auth_key=_require(env, "SHAOSHAN_SNMP_AUTH_KEY", "SNMPv3 authentication"),
        priv_key=_require(env, "SHAOSHAN_SNMP_PRIV_KEY", "SNMPv3 privacy"),
    )


def secret_values() -> list[str]:
    """Every secret value in force, so writers can assert none leaks into a file."""
    env = environment()
    keys = ("PASSWORD", "AUTH_KEY", "PRIV_KEY", "COMMUNITY", "SECRET")
    return [v for k, v in env.items() if any(k.endswith(s) for s in keys) and v]
