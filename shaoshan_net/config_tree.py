"""Parse a switch configuration (VRP, Comware or IOS) into an ordered tree.

Why a tree and not lines: a change must be sent inside its section (interface, VLAN, VRF), and
a line's meaning depends on its parents. Why sets: VLAN lists (`vlan batch`, `port trunk
allow-pass vlan`, `port trunk permit vlan`, `switchport trunk allowed vlan`, Comware/IOS
`vlan 10 to 20`) are wrapped and ranged differently by each platform and by each device; as
sets, `100 to 107` plus `108` equals `100 to 108`, so a diff can emit only the delta.

Pure: no I/O. Dialects are our platform names: `huawei_vrp`, `h3c_comware`, `cisco_ios`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from shaoshan_net.platforms import PLATFORMS

DIALECTS: tuple[str, ...] = ("huawei_vrp", "h3c_comware", "cisco_ios")
ALL_VLANS: frozenset[int] = frozenset(range(1, 4095))

# Lines that hold a VLAN list (prefix -> the list follows). Matched on the stripped line.
# TODO(platforms): move to shaoshan_net.platforms once it declares the VLAN-list keys.
VLAN_LIST_KEYS: dict[str, tuple[str, ...]] = {
    "huawei_vrp": (
        "vlan batch",
        "port trunk allow-pass vlan",
        "port hybrid tagged vlan",
        "port hybrid untagged vlan",
    ),
    "h3c_comware": ("port trunk permit vlan",),
    "cisco_ios": ("switchport trunk allowed vlan",),
}

# Lines that only separate, open or close a block: never part of the tree.
_SKIP: dict[str, re.Pattern[str]] = {
    "huawei_vrp": re.compile(r"^(#.*|!.*|return|quit)$"),
    "h3c_comware": re.compile(r"^(#.*|return|quit)$"),
    "cisco_ios": re.compile(
        r"^(!.*|end|exit|exit-address-family|Building configuration\.\.\.|"
        r"Current configuration\s*:.*|version \S+|boot-(start|end)-marker)$"
    ),
}

# A top-level `vlan 10 to 20` (Comware) or `vlan 10,20-22` (IOS): expanded into sections.
_VLAN_RANGE_HEADER = re.compile(r"^vlan (\d[\d\s,\-to]*)$")


def _check(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")


def parse_vlans(text: str, dialect: str) -> frozenset[int]:
    """`10 20 to 22` (VRP/Comware) or `10,20-22` (IOS) -> {10, 20, 21, 22}; `all` -> 1-4094."""
    text = text.strip()
    if text in ("all", ""):
        return ALL_VLANS if text == "all" else frozenset()
    if text == "none":
        return frozenset()
    return frozenset(PLATFORMS[dialect].parse_vlans(text))


def format_vlans(vlans: Iterable[int], dialect: str) -> str:
    """The platform's own list syntax: `10 20 to 22` (VRP/Comware) or `10,20-22` (IOS)."""
    return PLATFORMS[dialect].format_vlans(vlans)


def vlan_chunks(vlans: Iterable[int], dialect: str) -> list[str]:
    """A list split into commands the device accepts (VRP/Comware: 10 ranges per command)."""
    return PLATFORMS[dialect].format_vlan_lines(vlans)


@dataclass(slots=True)
class Node:
    """One configuration line and the lines of its section (for VLAN lists: the prefix + set)."""

    line: str
    children: list[Node] = field(default_factory=list)
    vlans: frozenset[int] | None = None  # set when the line is a VLAN list

    @property
    def is_vlan_list(self) -> bool:
        return self.vlans is not None

    def child(self, line: str) -> Node | None:
        return next((c for c in self.children if c.line == line), None)

    def text(self, dialect: str) -> str:
        """The line as the platform shows it (VLAN list formatted in its syntax)."""
        if self.vlans is None:
            return self.line
        return f"{self.line} {format_vlans(self.vlans, dialect)}".rstrip()


@dataclass(slots=True)
class ConfigTree:
    """A whole configuration: top-level nodes in the order the device (or template) shows them."""

    dialect: str
    children: list[Node] = field(default_factory=list)

    def child(self, line: str) -> Node | None:
        return next((c for c in self.children if c.line == line), None)

    def lines(self) -> list[str]:
        """Indented text lines (one space per level), VLAN lists in the platform's syntax."""
        return list(_walk_lines(self.children, self.dialect, 0))

    def render(self) -> str:
        sep = "!" if self.dialect == "cisco_ios" else "#"
        out: list[str] = []
        for node in self.children:
            out.extend(_walk_lines([node], self.dialect, 0))
            if node.children:
                out.append(sep)
        return "\n".join(out) + "\n"


def _walk_lines(nodes: list[Node], dialect: str, depth: int) -> Iterator[str]:
    for node in nodes:
        yield " " * depth + node.text(dialect)
        yield from _walk_lines(node.children, dialect, depth + 1)


def _vlan_key(line: str, dialect: str) -> tuple[str, frozenset[int], str] | None:
    """(prefix, vlans, mode) when `line` is a VLAN list; mode is "set", "add" or "remove"."""
    if "vlan" not in line:  # every key names `vlan`: most lines stop here
        return None
    for key in VLAN_LIST_KEYS[dialect]:
        if line == key or line.startswith(key + " "):
            rest = line[len(key) :].strip()
            mode = "set"
            if dialect == "cisco_ios":
                first, _, tail = rest.partition(" ")
                if first in ("add", "remove"):
                    mode, rest = first, tail
                elif first == "except":
                    return key, ALL_VLANS - parse_vlans(tail, dialect), "set"
            try:
                return key, parse_vlans(rest, dialect), mode
            except ValueError:
                return None  # not a list after all (e.g. a keyword): keep the line as it is
    return None


def _add(siblings: list[Node], node: Node) -> Node:
    """Append `node`, merging a repeated VLAN-list key (wrapped lists) or a repeated section."""
    for existing in siblings:
        if existing.line == node.line and (existing.vlans is None) == (node.vlans is None):
            if existing.vlans is not None and node.vlans is not None:
                existing.vlans = existing.vlans | node.vlans
            else:
                for c in node.children:
                    _add(existing.children, c)
            return existing
    siblings.append(node)
    return node


def parse(text: str, dialect: str) -> ConfigTree:
    """Parse `display current-configuration` / `show running-config` (or a rendered config).

    >>> t = parse("vlan batch 10 20 to 22\\n#\\ninterface G0/0/1\\n"
    ...           " port trunk allow-pass vlan 10\\n port trunk allow-pass vlan 20\\n#\\n",
    ...           "huawei_vrp")
    >>> sorted(t.children[0].vlans), sorted(t.children[1].children[0].vlans)
    ([10, 20, 21, 22], [10, 20])
    """
    _check(dialect)
    tree = ConfigTree(dialect)
    ignore = _ignored(dialect)
    separator = "!" if dialect == "cisco_ios" else "#"
    # stack of (indent, siblings, index); the root has indent -1. VRP and Comware print global
    # lines with one leading space after a `#`: indents count from the first line of each
    # block. The index maps (line, is a VLAN list) -> node per sibling list, so a repeated
    # line merges in O(1) instead of a scan of its siblings.
    index: dict[int, dict[tuple[str, bool], Node]] = {id(tree.children): {}}
    root = (-1, tree.children, index[id(tree.children)])
    stack = [root]
    base: int | None = None
    for raw in text.replace("\r", "").split("\n"):
        if raw.startswith(separator):
            stack, base = [root], None
            continue
        stripped = raw.strip()
        if not stripped or ignore.match(raw):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if base is None:
            base = indent
        indent = indent - base if indent > base else 0
        while stack[-1][0] >= indent:
            stack.pop()
        _, siblings, seen = stack[-1]
        # one space between words (as the device prints it); split/join only when needed
        line = " ".join(stripped.split()) if "  " in stripped or "\t" in stripped else stripped
        vk = _vlan_key(line, dialect) if "vlan" in line else None
        if vk is not None:
            key, vlans, mode = vk
            existing = seen.get((key, True))
            if mode == "remove":
                if existing is not None and existing.vlans is not None:
                    existing.vlans = existing.vlans - vlans
                continue
            if existing is not None and existing.vlans is not None:
                existing.vlans = existing.vlans | vlans  # a wrapped list continues
                node = existing
            else:
                node = seen[(key, True)] = Node(key, [], vlans)
                siblings.append(node)
        else:
            node = seen.get((line, False))  # a repeated section: its lines merge
            if node is None:
                node = seen[(line, False)] = Node(line, [], None)
                siblings.append(node)
        children = node.children
        stack.append((indent, children, index.setdefault(id(children), {})))
    tree.children = _expand_vlan_headers(tree.children, dialect)
    return tree


@functools.cache
def _ignored(dialect: str) -> re.Pattern[str]:
    """One regex (matched on the raw line) for what is never part of the tree: a separator,
    block opener or closer (`_SKIP`, on the stripped line) or a banner line of the platform
    before the configuration (`!Software Version`, `version`): one match per line, not two."""
    parts = [rf"\s*(?:{_SKIP[dialect].pattern[1:-1]})\s*$"]  # without its ^ and $
    parts += [f"(?:{p})" for p in PLATFORMS[dialect].preamble_patterns]
    return re.compile("|".join(parts))


def _expand_vlan_headers(nodes: list[Node], dialect: str) -> list[Node]:
    """Comware `vlan 10 to 12` / IOS `vlan 10-12` at top level -> sections `vlan 10` .. `12`."""
    if dialect == "huawei_vrp":
        return nodes
    out: list[Node] = []
    for node in nodes:
        m = _VLAN_RANGE_HEADER.match(node.line)
        if m and not node.line[5:].isdigit():
            try:
                vlans = parse_vlans(m.group(1), dialect)
            except ValueError:
                out.append(node)
                continue
            for v in sorted(vlans):
                copy = Node(f"vlan {v}", [_clone(c) for c in node.children])
                _add(out, copy)
        else:
            _add(out, node)
    return out


def _clone(node: Node) -> Node:
    return Node(node.line, [_clone(c) for c in node.children], node.vlans)


# Secrets: `platforms.PlatformSpec.secret_patterns` find the values; these patterns also drop
# the encoding keyword the device rewrites (`password simple X` is shown as `password hash $h$..`,
# `secret X` as `secret 9 $9$..`), so a rendered line and the device's line scrub to the same.
SECRET = "<secret>"
SECRET_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "huawei_vrp": (
        re.compile(r"(\bpassword )(?:(?:irreversible-cipher|cipher|simple) )?\S+"),
        re.compile(r"(\bauthentication-mode (?:sha|md5|sha2-256) )(?:(?:cipher|simple) )?\S+"),
        re.compile(r"(\bprivacy-mode (?:aes128|aes256|des56|3des) )(?:(?:cipher|simple) )?\S+"),
        re.compile(r"(\bcommunity (?:read|write) )(?:(?:cipher|simple) )?\S+"),
    ),
    "h3c_comware": (
        re.compile(r"(\bpassword )(?:(?:hash|cipher|simple) )?\S+"),
        re.compile(r"(\busm-user v3 \S+(?: \S+)?? )(?:simple|cipher) (authentication-mode)"),
        re.compile(r"(\bauthentication-mode (?:sha|md5) )\S+"),
        re.compile(r"(\bprivacy-mode (?:aes128|aes256|des56|3des) )\S+"),
        re.compile(r"(\bcommunity (?:read|write) )(?:(?:cipher|simple) )?\S+"),
    ),
    "cisco_ios": (
        re.compile(r"(\b(?:secret|password) )(?:\d+ )?\S+"),
        re.compile(r"(\bauth (?:sha|md5) )\S+"),
        re.compile(r"(\bpriv (?:aes(?: \d+)?|des|3des) )\S+"),
        re.compile(r"(\bcommunity )\S+"),
        re.compile(r"(\bkey-string )(?:\d+ )?\S+"),
    ),
}


@functools.lru_cache(maxsize=1 << 16)
def scrub_secrets(line: str, dialect: str) -> str:
    """The line with every secret value replaced by `<secret>`: the same for placeholder,
    plain text and the device's cipher, so lines differing only in a secret compare equal.

    >>> scrub_secrets("username netadmin privilege 15 secret 9 $9$abc", "cisco_ios")
    'username netadmin privilege 15 secret <secret>'
    >>> scrub_secrets("username netadmin privilege 15 secret %ADMIN_SECRET%", "cisco_ios")
    'username netadmin privilege 15 secret <secret>'

    Cached (pure, and the same lines recur across ports, switches and the intended/running
    pair): a plan compares every line's scrubbed key, which dominated a no-change push.
    """
    for spec_pattern in _spec_patterns(dialect):
        line = spec_pattern.sub(
            lambda m: m.group(0)[: m.start(1) - m.start(0)] + SECRET, line
        )
    for pattern in SECRET_PATTERNS[dialect]:
        if pattern.groups == 2:
            line = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}", line)
        else:
            line = pattern.sub(lambda m: f"{m.group(1)}{SECRET}", line)
    return line


@functools.cache
def _spec_patterns(dialect: str) -> tuple[re.Pattern[str], ...]:
    spec = PLATFORMS.get(dialect)
    return tuple(re.compile(p) for p in (spec.secret_patterns if spec else ()))

