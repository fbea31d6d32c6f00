"""What a platform is to the emulator: a page of declarations plus its printing conventions.

A dialect module (vrp.py, comware.py, ios.py) builds one `Dialect` from tables of `Cmd`
declarations per view. The engine (`session.py`) never branches on the platform name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .config import Config, Section
from .grammar import Failure, Pattern, Token, expand


@dataclass(frozen=True)
class Cmd:
    """One command a view accepts.

    act: "set" stores the canonical line in the current section (`key` leading words identify
    it; None = whole line; `replaces` drops lines starting with those words); "enter" opens
    the section `header` (default: the canonical line) and moves to `view` with prompt `label`
    (a format over the argument names and `{line}`); "op:NAME" runs an engine operation.
    undo: syntax of the negated form without the `undo`/`no` word ("=" repeats `syntax`);
    by default it removes standing lines/sections that start with the canonical words;
    `undo_op` names an engine operation instead.
    """

    syntax: str
    act: str = "set"
    key: int | None = None
    replaces: tuple[str, ...] = ()
    undo: str | None = None
    undo_op: str | None = None
    view: str | None = None
    label: str = ""
    header: str | None = None
    needs: str | None = None  # precondition name checked by the engine (e.g. "trunk")
    # The command restores the device default, which the device does not print: `replaces`
    # lines are dropped and nothing is stored (Comware `ip http enable`, IOS `switchport`).
    default: bool = False
    # Lines a new section gets on creation, as the device adds them (Comware local users get
    # the network-operator role).
    creates: tuple[str, ...] = ()


def Line(syntax: str, key: int | None = None, undo: str | None = None, **kw: object) -> Cmd:
    """A configuration line stored as typed (canonical)."""
    return Cmd(syntax, "set", key=key, undo=undo, **kw)  # type: ignore[arg-type]


def Enter(syntax: str, view: str, label: str, undo: str | None = None, **kw: object) -> Cmd:
    """A command that opens a nested view (and its config section)."""
    return Cmd(syntax, "enter", view=view, label=label, undo=undo, **kw)  # type: ignore[arg-type]


def Op(syntax: str, op: str, undo: str | None = None, **kw: object) -> Cmd:
    """A command whose effect is an engine operation (VLAN sets, save, views, display)."""
    return Cmd(syntax, f"op:{op}", undo=undo, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class IfType:
    """An interface type: canonical name, number regex, the view its section opens."""

    name: str
    number: str
    view: str
    short: tuple[str, ...] = ()  # extra accepted spellings (`GE`, `Gi`)
    order: int = 50  # rendering order group


@dataclass
class Dialect:
    """A platform: views, grammar, prompts, error texts, rendering."""

    name: str
    neg: str  # "undo" or "no"
    root_view: str  # the global configuration view (fall-through stops here)
    login_view: str
    views: dict[str, list[Cmd]]
    parents: dict[str, str]  # sub-view -> view whose commands also work there (fall-through)
    anywhere: list[Cmd]  # commands valid in every configuration view (display / do show)
    ifaces: list[IfType]
    errors: dict[str, str]  # failure kind -> message
    caret: dict[str, bool]  # failure kind -> print the `^` marker line
    default_hostname: str
    comment: str  # a line starting with this is a comment ("#" or "!")
    prompt_fn: Callable[[str, str, str], str]  # (hostname, view, label) -> prompt
    render_fn: Callable[[Dialect, Config], str]
    vlan_fn: Callable[[Dialect, Config], str]
    version_text: str
    cipher_prefix: str
    default_link_type: str = ""
    replay_skip: str = r"^$"
    # (regex, replacement) applied to a stored line: the form the device prints for what was
    # typed (Comware shows `password simple X` as `password hash $h$6$...`).
    shown_as: tuple[tuple[str, str], ...] = ()
    # IOS takes `no` in front of the whole command as well as its short undo form
    # (`no storm-control broadcast level 5.00` = `no storm-control broadcast`); VRP and Comware
    # accept only the declared undo syntax.
    undo_full: bool = False
    # Sections a factory-new switch already has and always prints (IOS `line vty 0 4`, VRP
    # `aaa`): a rollback that empties them leaves them, so the factory state has them too.
    factory: tuple[str, ...] = ()
    patterns: dict[str, list[Pattern]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.patterns = {}
        for view, cmds in self.views.items():
            self.patterns[view] = self._compile(cmds)
        self.patterns["*"] = self._compile(self.anywhere)

    def _compile(self, cmds: list[Cmd]) -> list[Pattern]:
        out: list[Pattern] = []
        for c in cmds:
            out += [Pattern(tuple(e), c) for e in expand(c.syntax)]
            if c.undo is not None:
                undo = c.syntax if c.undo == "=" else c.undo
                out += [Pattern(tuple(e), c, negated=True) for e in expand(f"{self.neg} {undo}")]
                if self.undo_full and c.act == "set" and c.undo != "=":
                    out += [Pattern(tuple(e), c, negated=True)
                            for e in expand(f"{self.neg} {c.syntax}")]
        return out

    def cipher(self, secret: str) -> str:
        """The stored form of a secret: never the clear text (one-way, deterministic)."""
        if secret.startswith(self.cipher_prefix):
            return secret
        digest = hashlib.sha256(f"shaoshan-emu:{secret}".encode()).hexdigest()[:40]
        return f"{self.cipher_prefix}{digest}"

    def parse_ifname(self, tok: str, nxt: str | None) -> tuple[int, str] | None:
        """(tokens consumed, canonical name) for `Gi0/0/1`, `GigabitEthernet 0/0/1`..."""
        m = re.fullmatch(r"([A-Za-z][A-Za-z\-]*?)(\d[\d/:.]*)?", tok)
        if not m:
            return None
        word, number, consumed = m.group(1), m.group(2), 1
        if number is None:
            if nxt is None or not re.fullmatch(r"\d[\d/:.]*", nxt):
                return None
            number, consumed = nxt, 2
        it = self.iftype(word)
        if it is None or not re.fullmatch(it.number, number):
            return None
        return consumed, f"{it.name}{number}"

    def iftype(self, word: str) -> IfType | None:
        """The interface type a (possibly abbreviated) word names, if unambiguous."""
        w = word.lower()
        exact = [t for t in self.ifaces if w == t.name.lower() or w in (s.lower() for s in t.short)]
        if exact:
            return exact[0]
        cands = [t for t in self.ifaces if t.name.lower().startswith(w)]
        return cands[0] if len(cands) == 1 else None

    def iftype_of(self, ifname: str) -> IfType:
        m = re.match(r"[A-Za-z\-]+?(?=\d)", ifname)
        assert m
        t = self.iftype(m.group(0))
        assert t
        return t

    def prompt(self, hostname: str, view: str, label: str) -> str:
        return self.prompt_fn(hostname, view, label)

    def error(self, failure: Failure, tokens: list[Token], line: str, prompt: str) -> str:
        """The vendor's rejection text for a line (marker line first where the vendor has one)."""
        msg = self.errors[failure.kind]
        if "{line}" in msg:
            msg = msg.format(line=line.strip())
        if not self.caret.get(failure.kind, True):
            return msg
        at_end = failure.index >= len(tokens)
        col = len(line.rstrip()) + 1 if at_end else tokens[failure.index].col
        return " " * (len(prompt) + col) + "^\r\n" + msg

    def render(self, cfg: Config) -> str:
        return self.render_fn(self, cfg)

    def display_vlans(self, cfg: Config) -> str:
        return self.vlan_fn(self, cfg)


def section_body(
    sec: Section, depth: int, trunk_lines: Callable[[Section], list[str]]
) -> list[str]:
    """A section's lines and nested sections, indented one space per depth (VRP/Comware/IOS)."""
    pad = " " * depth
    out: list[str] = []
    trunk = trunk_lines(sec)
    placed = not trunk
    for line in sec.lines.values():
        out.append(pad + line)
        if not placed and line.split()[:2] in (["port", "link-type"], ["switchport", "mode"]):
            out += [pad + t for t in trunk]
            placed = True
    if not placed:
        out += [pad + t for t in trunk]
    for sub in sec.sections.values():
        out.append(pad + sub.header)
        out += section_body(sub, depth + 1, trunk_lines)
    return out
