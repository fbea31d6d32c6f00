"""Intended vs running configuration -> the ordered commands that turn one into the other.

Why not a generic remediation library: VLAN lists must be set differences (adding VLAN 108 to
`100 to 107` must never undo the standing range: that would cut every unit off), and VRP and
Comware need a platform order (VLANs before trunks; a trunk becomes access before it becomes
hybrid; an old trunk list is undone before the link type changes). Pure: no I/O.

Lines are compared with their secrets scrubbed (`config_tree.scrub_secrets`), so a rendered
`%ADMIN_SECRET%` placeholder equals the device's cipher and a re-push is a no-op. Placeholders
stay in the change set; `substitute_secrets` fills them from the environment only for the line
that is sent, so a printed or logged change set never holds a secret.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from shaoshan_net.config_tree import (
    ALL_VLANS,
    ConfigTree,
    Node,
    scrub_secrets,
    vlan_chunks,
)
from shaoshan_net.errors import InputError
from shaoshan_net.platforms import PLACEHOLDERS, PLATFORMS

Kind = Literal["add", "undo"]

PLACEHOLDER = re.compile(r"%([A-Z][A-Z0-9_]*)%")

# Settings that hold one value: a new value replaces the old one, no undo needed; their undo
# takes the bare prefix (`undo description`, not `undo description To core`). Other lines whose
# undo takes only leading words are declared per platform (`PlatformSpec.undo_forms`).
# Not here: VRP `ip binding vpn-instance` (its undo needs the VRF name).
SINGLE_VALUED: dict[str, tuple[str, ...]] = {
    "huawei_vrp": (
        "sysname", "description", "port link-type", "port default vlan", "port trunk pvid vlan",
        "clock timezone", "snmp-agent sys-info contact", "snmp-agent sys-info location",
        "idle-timeout", "stp mode", "header login", "protocol inbound", "authentication-mode",
    ),
    "h3c_comware": (
        "sysname", "description", "port link-type", "port access vlan", "port trunk pvid vlan",
        "clock timezone", "snmp-agent sys-info contact", "snmp-agent sys-info location",
        "idle-timeout", "ip binding vpn-instance", "stp mode", "header login",
        "protocol inbound", "authentication-mode",
    ),
    "cisco_ios": (
        "hostname", "description", "switchport mode", "switchport access vlan",
        "switchport trunk native vlan", "clock timezone", "snmp-server contact",
        "snmp-server location", "exec-timeout", "vrf forwarding", "ip vrf forwarding",
        "ip domain-name", "ip domain name", "spanning-tree mode", "transport input",
    ),
}

# Sections that can be deleted whole (`undo interface Vlanif10`); any other section (physical
# interfaces, aaa, user-interface, line) is cleaned child by child instead.
_REMOVABLE = re.compile(
    r"^(interface (Vlanif|Vlan-interface|Vlan|LoopBack|Loopback|Eth-Trunk|Bridge-Aggregation|"
    r"Port-channel|Tunnel)\S*|vlan \d+|ip vpn-instance \S+|vrf definition \S+|ip vrf \S+|"
    r"acl .*|ip access-list .*|route-map .*|ip prefix-list .*|local-user \S+ class \S+)$"
)
# Top-level lines and sections that create (or delete) VLANs: created before anything uses them.
_VLAN_LINE = re.compile(r"^(?:(?:undo|no) )?vlan (?:batch |\d+$)")


def undo_word(dialect: str) -> str:
    return "no" if dialect == "cisco_ios" else "undo"


def _single_key(line: str, dialect: str) -> str | None:
    for key in SINGLE_VALUED[dialect]:
        if line == key or line.startswith(key + " "):
            return key
    return None


def undo_command(line: str, dialect: str) -> str:
    """The command that removes `line`: `undo X` / `no X`, and the reverse for a negated line."""
    word = undo_word(dialect)
    if line.startswith(word + " "):
        return line[len(word) + 1 :]
    key = _single_key(line, dialect)
    return f"{word} {key or PLATFORMS[dialect].undo_form(line)}"


@dataclass(frozen=True, slots=True)
class Change:
    """One command, sent inside the sections named by `path` (headers from the top)."""

    path: tuple[str, ...]
    command: str
    kind: Kind
    enters: bool = False  # the command opens a section (a new interface, VLAN, VRF ...)
    # re-sends a kept line that an earlier short undo removed: must stay after that undo
    after_undo: bool = False


@dataclass(slots=True)
class ChangeSet:
    dialect: str
    changes: list[Change] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    @property
    def added(self) -> int:
        return sum(1 for c in self.changes if c.kind == "add")

    @property
    def undone(self) -> int:
        return sum(1 for c in self.changes if c.kind == "undo")

    def commands(self) -> list[str]:
        """The command stream for configuration mode: enter sections, change, leave them."""
        leave = "exit" if self.dialect == "cisco_ios" else "quit"
        out: list[str] = []
        ctx: list[str] = []
        for ch in self.changes:
            target = list(ch.path)
            while ctx != target[: len(ctx)]:
                out.append(leave)
                ctx.pop()
            for header in target[len(ctx) :]:
                out.append(header)
                ctx.append(header)
            out.append(ch.command)
            if ch.enters:
                ctx.append(ch.command)
        out.extend(leave for _ in ctx)
        return out

    def display(self) -> list[str]:
        """Human-readable: sections as context, `+` for an addition, `-` for an undo."""
        out: list[str] = []
        shown: tuple[str, ...] = ()
        for ch in self.changes:
            if ch.path != shown:
                common = 0
                while common < min(len(shown), len(ch.path)) and shown[common] == ch.path[common]:
                    common += 1
                for depth in range(common, len(ch.path)):
                    out.append("  " + " " * depth + ch.path[depth])
                shown = ch.path
            mark = "+" if ch.kind == "add" else "-"
            out.append(f"{mark} " + " " * len(ch.path) + ch.command)
            if ch.enters:
                shown = (*ch.path, ch.command)
        return out


def _key(node: Node, dialect: str) -> tuple[str, bool]:
    return (scrub_secrets(node.line, dialect), node.vlans is not None)


class _Planner:
    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.word = undo_word(dialect)

    # -- VLAN lists -------------------------------------------------------------------------
    def vlan_list(
        self, path: tuple[str, ...], key: str, want: frozenset[int] | None,
        have: frozenset[int] | None,
    ) -> list[Change]:
        d = self.dialect
        if want == have:
            return []
        if d == "cisco_ios":
            if want is None:
                return [Change(path, f"no {key}", "undo")]
            if have is None or have == ALL_VLANS or not want & have:
                # no line means "all" on IOS: set the list (in chunks: first sets, rest add)
                chunks = vlan_chunks(want, d) or ["none"]
                return [Change(path, f"{key} {chunks[0]}", "add")] + [
                    Change(path, f"{key} add {c}", "add") for c in chunks[1:]
                ]
            out = [Change(path, f"{key} remove {c}", "undo") for c in vlan_chunks(have - want, d)]
            out += [Change(path, f"{key} add {c}", "add") for c in vlan_chunks(want - have, d)]
            return out
        want_s, have_s = want or frozenset(), have or frozenset()
        out = [Change(path, f"undo {key} {c}", "undo") for c in vlan_chunks(have_s - want_s, d)]
        out += [Change(path, f"{key} {c}", "add") for c in vlan_chunks(want_s - have_s, d)]
        return out

    # -- sections ---------------------------------------------------------------------------
    def add_node(self, path: tuple[str, ...], node: Node) -> list[Change]:
        """A whole new line or section."""
        if node.vlans is not None:
            return self.vlan_list(path, node.line, node.vlans, None)
        out = [Change(path, node.line, "add", enters=bool(node.children))]
        inner = (*path, node.line)
        for child in node.children:
            out += self.add_node(inner, child)
        return out

    def remove_node(self, path: tuple[str, ...], node: Node) -> list[Change]:
        """A line or section the intended configuration no longer has."""
        if node.vlans is not None:
            return self.vlan_list(path, node.line, None, node.vlans)
        physical = node.line.startswith("interface ") and not _REMOVABLE.match(node.line)
        if physical or (node.children and not _REMOVABLE.match(node.line)):
            # a physical port never goes away (the device lists it, configured or not)
            inner = (*path, node.line)
            out: list[Change] = []
            for child in reversed(node.children):
                out += self.remove_node(inner, child)
            return out
        return [Change(path, undo_command(node.line, self.dialect), "undo")]

    def section(
        self, path: tuple[str, ...], want: list[Node], have: list[Node]
    ) -> list[Change]:
        """Changes inside one section: undo what goes first (reverse order), then add."""
        d = self.dialect
        # each line's key once (scrubbing is the costly part of a no-change plan)
        have_keys = [_key(n, d) for n in have]
        want_keys = [_key(n, d) for n in want]
        have_by = dict(zip(have_keys, have, strict=True))
        want_by = set(want_keys)
        undo: list[Change] = []
        if not want_by.issuperset(have_by):  # some line goes
            new_single = {
                _single_key(n.line, d)
                for n, k in zip(want, want_keys, strict=True) if k not in have_by
            } - {None}
            for node, key in zip(reversed(have), reversed(have_keys), strict=True):
                if key in want_by:
                    continue
                if node.vlans is None and not node.children and (
                    _single_key(node.line, d) in new_single
                ):
                    continue  # replaced by the new value
                undo += self.remove_node(path, node)
            undo = self._dedupe(undo)
        removed = [p for p in self._removed_prefixes(path, undo) if p]
        add: list[Change] = []
        for node, key in zip(want, want_keys, strict=True):
            old = have_by.get(key)
            if old is not None and removed and self._collateral(node, removed):
                # a kept line that a short undo removes too (VRP `undo snmp-agent usm-user v3
                # U` drops every line of the user): sent again after it
                add.append(Change(path, node.line, "add", after_undo=True))
            elif old is None:
                add += self._link_type_bridge(path, node, have)
                add += self.add_node(path, node)
            elif node.vlans is not None:
                add += self.vlan_list(path, node.line, node.vlans, old.vlans)
            elif node.children or old.children:
                add += self.section((*path, node.line), node.children, old.children)
        if not undo:
            return add
        # undo first: VRP/Comware refuse a new link type while the old trunk list stands
        return undo + self._after_undo(path, undo, add)

    @staticmethod
    def _dedupe(undo: list[Change]) -> list[Change]:
        """One `undo ssh user U` for the user's two lines: the device may refuse the second."""
        seen: set[tuple[tuple[str, ...], str]] = set()
        out: list[Change] = []
        for ch in undo:
            if (ch.path, ch.command) not in seen:
                seen.add((ch.path, ch.command))
                out.append(ch)
        return out

    def _removed_prefixes(self, path: tuple[str, ...], undo: list[Change]) -> list[list[str]]:
        """What each undo of this section removes on the device: lines starting with its words."""
        return [
            ch.command.split()[1:] for ch in undo
            if ch.path == path and ch.command.startswith(self.word + " ")
        ]

    def _after_undo(
        self, path: tuple[str, ...], undo: list[Change], add: list[Change]
    ) -> list[Change]:
        """Additions an undo would also remove (`group NEW` after `undo snmp-agent usm-user v3
        u`) are marked to stay after it, also where the top level sorts undos last."""
        prefixes = [p for p in self._removed_prefixes(path, undo) if p]
        out = []
        for ch in add:
            words = ch.command.split()
            if ch.path == path and any(words[: len(p)] == p for p in prefixes):
                ch = Change(ch.path, ch.command, ch.kind, ch.enters, after_undo=True)
            out.append(ch)
        return out

    @staticmethod
    def _collateral(node: Node, removed: list[list[str]]) -> bool:
        words = node.line.split()
        return not node.children and node.vlans is None and any(
            words[: len(p)] == p for p in removed
        )

    def _link_type_bridge(
        self, path: tuple[str, ...], node: Node, have: list[Node]
    ) -> list[Change]:
        """VRP/Comware refuse trunk -> hybrid directly: pass through access first."""
        if self.dialect == "cisco_ios" or node.line != "port link-type hybrid":
            return []
        if any(h.line == "port link-type trunk" for h in have):
            return [Change(path, "port link-type access", "add")]
        return []

    def top(self, want: ConfigTree, have: ConfigTree) -> list[Change]:
        """VLANs are created first and deleted last; everything else keeps the section order."""
        changes = self.section((), want.children, have.children)

        def rank(ch: Change) -> int:
            if ch.path:
                return 0 if _VLAN_LINE.match(ch.path[0]) else 1
            if _VLAN_LINE.match(ch.command):
                return 0 if ch.kind == "add" else 3
            return 2 if ch.kind == "undo" or ch.after_undo else 1

        return sorted(changes, key=rank)  # stable: order inside a rank is kept


def plan(intended: ConfigTree, running: ConfigTree) -> ChangeSet:
    """The change set that makes `running` equal `intended`; empty when they already agree.

    Adding VLAN 108 to a trunk carrying `100 to 107` yields only the addition:

    >>> from shaoshan_net.config_tree import parse
    >>> want = parse("interface G0/0/25\\n port trunk allow-pass vlan 100 to 108\\n", "huawei_vrp")
    >>> have = parse("interface G0/0/25\\n port trunk allow-pass vlan 100 to 107\\n", "huawei_vrp")
    >>> plan(want, have).commands()
    ['interface G0/0/25', 'port trunk allow-pass vlan 108', 'quit']
    """
    if intended.dialect != running.dialect:
        raise ValueError(f"dialects differ: {intended.dialect} vs {running.dialect}")
    planner = _Planner(intended.dialect)
    return ChangeSet(intended.dialect, planner.top(intended, running))


def placeholders(text: str) -> set[str]:
    """Placeholder names (`ADMIN_SECRET`) that a rendered configuration leaves for push time."""
    return set(PLACEHOLDER.findall(text))


def is_secret_placeholder(name: str) -> bool:
    """`ADMIN_SECRET`, `SNMP_AUTH_KEY`: yes; `SNMP_USER` (a name, compared as is): no."""
    return any(word in name for word in ("SECRET", "KEY", "PASSWORD", "COMMUNITY"))


def _env_value(name: str, env: Mapping[str, str], host: str | None) -> str:
    variable = PLACEHOLDERS.get(f"%{name}%", f"SHAOSHAN_{name}")
    value = env.get(variable, "")
    if not value:
        raise InputError(
            "environment", host, variable,
            f"not set (the rendered configuration has the placeholder %{name}%)",
        )
    return value


def fill_names(text: str, env: Mapping[str, str], host: str | None = None) -> str:
    """Fill the placeholders that are not secrets (the SNMP user name) before comparing."""
    for name in sorted(placeholders(text)):
        if not is_secret_placeholder(name):
            text = text.replace(f"%{name}%", _env_value(name, env, host))
    return text


def substitute_secrets(
    commands: list[str], env: Mapping[str, str], host: str | None = None
) -> list[str]:
    """Fill every `%NAME%` from the environment (`platforms.PLACEHOLDERS`, else SHAOSHAN_NAME),
    only in the stream about to be sent: the change set itself never holds a secret."""
    out: list[str] = []
    for command in commands:
        for name in PLACEHOLDER.findall(command):
            command = command.replace(f"%{name}%", _env_value(name, env, host))
        out.append(command)
    return out
