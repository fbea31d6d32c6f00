"""Declarative command grammar: patterns with typed arguments, matched like a switch CLI does.

A platform declares, per view, a list of `Cmd("port trunk allow-pass vlan <v:vlans>", ...)`.
The syntax language: plain words are keywords (an unambiguous prefix is accepted, as on real
devices), `<name:type>` or `<name:type:param>` is a typed argument, `[...]` is optional,
`{a|b c|<x:int:1-9>}` is a choice. Patterns are expanded once into flat element lists.
A line that matches no pattern fails at the token where the best attempt stopped, with the
kind a real CLI reports: unrecognized keyword, wrong parameter, incomplete, too many.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# --- tokens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One word of a command line and its column (for the `^` marker)."""

    text: str
    col: int


def tokenize(line: str) -> list[Token]:
    """Split on blanks; a double-quoted string is one token (quotes kept)."""
    tokens: list[Token] = []
    for m in re.finditer(r'"[^"]*"|\S+', line):
        tokens.append(Token(m.group(0), m.start()))
    return tokens


# --- argument types -----------------------------------------------------------------------


class ArgFail(Exception):
    """An argument did not parse; `index` is the token where the fault is."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


@dataclass(frozen=True)
class ArgValue:
    """A parsed argument: tokens consumed, canonical text, Python value."""

    consumed: int
    text: str
    value: Any


# Parser: (tokens, i, param, ctx) -> ArgValue; raises ArgFail. ctx is the dialect.
ArgParser = Callable[[Sequence[Token], int, str, Any], ArgValue]
TYPES: dict[str, ArgParser] = {}
SECRET_TYPES = {"secret"}


def argtype(name: str) -> Callable[[ArgParser], ArgParser]:
    """Register an argument type under `name`."""

    def deco(fn: ArgParser) -> ArgParser:
        TYPES[name] = fn
        return fn

    return deco


def _int_in(text: str, lo: int, hi: int) -> int | None:
    if not re.fullmatch(r"\d{1,10}", text):
        return None
    n = int(text)
    return n if lo <= n <= hi else None


def _range(param: str, default: tuple[int, int]) -> tuple[int, int]:
    if not param:
        return default
    lo, _, hi = param.partition("-")
    return int(lo), int(hi)


@argtype("int")
def _t_int(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    lo, hi = _range(param, (0, 2**31 - 1))
    n = _int_in(tokens[i].text, lo, hi)
    if n is None:
        raise ArgFail(i)
    return ArgValue(1, str(n), n)


@argtype("decimal")
def _t_decimal(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    lo, hi = _range(param, (0, 100))
    t = tokens[i].text
    if not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", t) or not lo <= float(t) <= hi:
        raise ArgFail(i)
    return ArgValue(1, f"{float(t):.2f}", float(t))


@argtype("vlan")
def _t_vlan(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    n = _int_in(tokens[i].text, 1, 4094)
    if n is None:
        raise ArgFail(i)
    return ArgValue(1, str(n), n)


@argtype("vlans")
def _t_vlans(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """VRP/Comware list: `10 20 to 30 99`, greedy; value is a set of VLAN ids."""
    vids: set[int] = set()
    j = i
    while j < len(tokens):
        lo = _int_in(tokens[j].text, 1, 4094)
        if lo is None:
            if j == i or re.fullmatch(r"\d+", tokens[j].text):
                raise ArgFail(j)
            break
        j += 1
        if j < len(tokens) and tokens[j].text.lower() == "to":
            if j + 1 >= len(tokens):
                raise ArgFail(j + 1)
            hi = _int_in(tokens[j + 1].text, 1, 4094)
            if hi is None or hi < lo:
                raise ArgFail(j + 1)
            vids.update(range(lo, hi + 1))
            j += 2
        else:
            vids.add(lo)
    return ArgValue(j - i, format_vlans_to(vids), frozenset(vids))


@argtype("vlancsv")
def _t_vlancsv(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """IOS list: `10,20-30`; value is a set of VLAN ids."""
    vids: set[int] = set()
    for part in tokens[i].text.split(","):
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise ArgFail(i)
        lo = _int_in(m.group(1), 1, 4094)
        hi = _int_in(m.group(2), 1, 4094) if m.group(2) else lo
        if lo is None or hi is None or hi < lo:
            raise ArgFail(i)
        vids.update(range(lo, hi + 1))
    return ArgValue(1, format_vlans_csv(vids), frozenset(vids))


def _ranges(vids: set[int] | frozenset[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for v in sorted(vids):
        if out and v == out[-1][1] + 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return out


def format_vlans_to(vids: set[int] | frozenset[int]) -> str:
    """`10 20 to 30`: VRP/Comware spelling (a pair of neighbours is written out, as VRP does)."""
    parts: list[str] = []
    for lo, hi in _ranges(vids):
        if lo == hi:
            parts.append(str(lo))
        elif hi == lo + 1:
            parts += [str(lo), str(hi)]
        else:
            parts.append(f"{lo} to {hi}")
    return " ".join(parts)


def format_vlans_csv(vids: set[int] | frozenset[int]) -> str:
    """`10,20-30`: IOS spelling."""
    return ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in _ranges(vids))


@argtype("ip")
def _t_ip(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    t = tokens[i].text
    if not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", t):
        raise ArgFail(i)
    try:
        addr = ipaddress.IPv4Address(t)
    except ValueError:
        raise ArgFail(i) from None
    return ArgValue(1, str(addr), addr)


def _mask_len(t: str) -> int | None:
    if re.fullmatch(r"\d{1,2}", t):
        n = int(t)
        return n if n <= 32 else None
    if not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", t):
        return None
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{t}").prefixlen
    except ValueError:
        return None


@argtype("mask")
def _t_mask(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """A dotted netmask only (IOS)."""
    t = tokens[i].text
    n = _mask_len(t) if "." in t else None
    if n is None:
        raise ArgFail(i)
    return ArgValue(1, str(ipaddress.IPv4Network(f"0.0.0.0/{n}").netmask), n)


@argtype("netmask")
def _t_netmask(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """Dotted mask or length; shown dotted (VRP style)."""
    n = _mask_len(tokens[i].text)
    if n is None:
        raise ArgFail(i)
    return ArgValue(1, str(ipaddress.IPv4Network(f"0.0.0.0/{n}").netmask), n)


@argtype("prefixlen")
def _t_prefixlen(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """Dotted mask or length; shown as a length (Comware route-static style)."""
    n = _mask_len(tokens[i].text)
    if n is None:
        raise ArgFail(i)
    return ArgValue(1, str(n), n)


@argtype("wildcard")
def _t_wildcard(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """ACL wildcard `0.0.0.255` (or `0` for a host on VRP/Comware)."""
    t = tokens[i].text
    if t == "0":
        return ArgValue(1, "0", 0)
    if not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", t):
        raise ArgFail(i)
    inv = int(ipaddress.IPv4Address(t)) ^ 0xFFFFFFFF
    if _mask_len(str(ipaddress.IPv4Address(inv))) is None:
        raise ArgFail(i)
    return ArgValue(1, t, t)


@argtype("word")
def _t_word(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    lo, hi = _range(param, (1, 64))
    t = tokens[i].text
    if not lo <= len(t) <= hi or '"' in t or not t.isprintable():
        raise ArgFail(i)
    return ArgValue(1, t, t)


@argtype("name")
def _t_name(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """An identifier: letters, digits, `-_.`; starts with a letter or digit."""
    lo, hi = _range(param, (1, 31))
    t = tokens[i].text
    if not lo <= len(t) <= hi or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", t):
        raise ArgFail(i)
    return ArgValue(1, t, t)


@argtype("text")
def _t_text(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """The rest of the line, as typed (one space between words), at most `param` chars."""
    lo, hi = _range(param, (1, 242))
    words = [t.text for t in tokens[i:]]
    text = " ".join(words)
    if not lo <= len(text) <= hi:
        raise ArgFail(i)
    return ArgValue(len(words), text, text)


@argtype("secret")
def _t_secret(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """A password: stored and shown only in the dialect's cipher form, never in clear."""
    lo, hi = _range(param, (1, 128))
    t = tokens[i].text
    if not lo <= len(t) <= hi or not t.isprintable():
        raise ArgFail(i)
    return ArgValue(1, ctx.cipher(t), "******")


@argtype("words")
def _t_words(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """One or more of a fixed set of words, each once, any order (`service-type ssh telnet`)."""
    allowed = param.split(",")
    seen: list[str] = []
    j = i
    while j < len(tokens):
        t = tokens[j].text.lower()
        hits = [w for w in allowed if w == t] or [w for w in allowed if w.startswith(t)]
        if len(hits) != 1 or hits[0] in seen:
            break
        seen.append(hits[0])
        j += 1
    if not seen:
        raise ArgFail(i)
    return ArgValue(j - i, " ".join(seen), tuple(seen))


@argtype("rd")
def _t_rd(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """Route distinguisher / VPN target: `ASN:NN` or `IP:NN`."""
    t = tokens[i].text
    m = re.fullmatch(r"(\d{1,10}|\d{1,3}(?:\.\d{1,3}){3}):(\d{1,10})", t)
    if not m:
        raise ArgFail(i)
    return ArgValue(1, t, t)


@argtype("hms")
def _t_hms(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """A time offset `HH:MM:SS` (or `HH:MM`), hours 0-23."""
    t = tokens[i].text
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", t)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59 or int(m.group(3) or 0) > 59:
        raise ArgFail(i)
    return ArgValue(1, f"{int(m.group(1)):02d}:{m.group(2)}:{m.group(3) or '00'}", t)


@argtype("signed")
def _t_signed(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    lo, hi = (-23, 23)
    if param:
        a, b = param.split("..")
        lo, hi = int(a), int(b)
    t = tokens[i].text
    if not re.fullmatch(r"[-+]?\d{1,3}", t) or not lo <= int(t) <= hi:
        raise ArgFail(i)
    return ArgValue(1, str(int(t)), int(t))


@argtype("ifname")
def _t_ifname(tokens: Sequence[Token], i: int, param: str, ctx: Any) -> ArgValue:
    """An interface of the dialect: `GigabitEthernet0/0/1`, `g0/0/1`, `Vlanif 99`..."""
    found = ctx.parse_ifname(tokens[i].text, tokens[i + 1].text if i + 1 < len(tokens) else None)
    if found is None:
        raise ArgFail(i)
    consumed, canonical = found
    return ArgValue(consumed, canonical, canonical)


# --- patterns -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Kw:
    """A keyword element."""

    word: str


@dataclass(frozen=True)
class Arg:
    """A typed argument element."""

    name: str
    type: str
    param: str = ""


Element = Kw | Arg


def _split_top(s: str, sep: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch in "[{<":
            depth += 1
        elif ch in "]}>":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def expand(syntax: str) -> list[list[Element]]:
    """All flat element sequences a syntax string allows."""
    seqs: list[list[Element]] = [[]]
    i = 0
    s = syntax.strip()
    while i < len(s):
        ch = s[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "[{":
            close = "]" if ch == "[" else "}"
            depth, j = 0, i
            while True:
                if s[j] in "[{":
                    depth += 1
                elif s[j] in "]}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            inner = s[i + 1 : j]
            alts: list[list[Element]] = []
            for alt in _split_top(inner, "|"):
                alts += expand(alt)
            if close == "]":
                alts.append([])
            seqs = [a + b for a in seqs for b in alts]
            i = j + 1
            continue
        if ch == "<":
            j = s.index(">", i)
            name, _, rest = s[i + 1 : j].partition(":")
            typ, _, param = rest.partition(":")
            if typ not in TYPES:
                raise ValueError(f"unknown argument type {typ!r} in {syntax!r}")
            seqs = [[*q, Arg(name, typ, param)] for q in seqs]
            i = j + 1
            continue
        m = re.compile(r"[^\s\[\]{}<>|]+").match(s, i)
        if not m:
            raise ValueError(f"bad syntax {syntax!r} at {i}")
        seqs = [[*q, Kw(m.group(0))] for q in seqs]
        i = m.end()
    return seqs


@dataclass(frozen=True)
class Pattern:
    """One flat alternative of a declared command."""

    elements: tuple[Element, ...]
    cmd: Any  # the declaration it came from
    negated: bool = False  # the `undo`/`no` form of `cmd`


@dataclass
class Match:
    """A successful match: canonical line, argument values, tokens per secret (for logs)."""

    pattern: Pattern
    canonical: str
    values: dict[str, Any]
    exact: int
    secret_tokens: set[int] = field(default_factory=set)
    kw_exact: int = 0  # keywords typed in full (a keyword beats a name argument: `default`)
    abbreviated: bool = False


@dataclass(frozen=True)
class Failure:
    """Why a line was rejected: kind in {unrecognized, wrong, incomplete, too_many, ambiguous}."""

    kind: str
    index: int  # token index of the fault (len(tokens) for incomplete)


def _match_one(
    p: Pattern, tokens: Sequence[Token], ctx: Any, abbreviate: bool
) -> Match | tuple[int, str]:
    """Match or (token index reached, kind of fault there)."""
    i = 0
    exact = 0
    kw_exact = 0
    abbreviated = False
    canon: list[str] = []
    values: dict[str, Any] = {}
    secrets: set[int] = set()
    for el in p.elements:
        if i >= len(tokens):
            return (i, "incomplete")
        if isinstance(el, Kw):
            t = tokens[i].text.lower()
            w = el.word.lower()
            if t == w:
                exact += 1
                kw_exact += 1
            elif abbreviate and w.startswith(t):
                abbreviated = True
            else:
                return (i, "unrecognized")
            canon.append(el.word)
            values.setdefault("_kw", []).append(el.word)
            i += 1
        else:
            try:
                av = TYPES[el.type](tokens, i, el.param, ctx)
            except ArgFail as fail:
                return (fail.index, "incomplete" if fail.index >= len(tokens) else "wrong")
            if el.type in SECRET_TYPES:
                secrets.update(range(i, i + av.consumed))
            canon.append(av.text)
            values[el.name] = av.value if el.type not in SECRET_TYPES else av.text
            exact += 1
            i += av.consumed
    if i < len(tokens):
        return (i, "too_many")
    return Match(p, " ".join(canon), values, exact, secrets, kw_exact, abbreviated)


def _ambiguous_at(patterns: Sequence[Pattern], tokens: Sequence[Token], m: Match) -> int | None:
    """First leading-keyword token that abbreviates two different keywords of the view."""
    words = m.canonical.split()
    for i, el in enumerate(m.pattern.elements):
        if not isinstance(el, Kw) or i >= len(tokens):
            return None
        t = tokens[i].text.lower()
        if t == el.word.lower():
            continue
        seen = {
            p.elements[i].word.lower()
            for p in patterns
            if len(p.elements) > i
            and isinstance(p.elements[i], Kw)
            and p.elements[i].word.lower().startswith(t)  # type: ignore[union-attr]
            and all(
                isinstance(e, Kw) and e.word == w
                for e, w in zip(p.elements[:i], words[:i], strict=True)
            )
        }
        if len(seen) > 1:
            return i
    return None


def match_line(
    patterns: Sequence[Pattern], tokens: Sequence[Token], ctx: Any, abbreviate: bool = True
) -> Match | Failure:
    """Best match of a tokenized line against a view's patterns, or the best failure."""
    matches: list[Match] = []
    best: tuple[int, int] = (-1, 0)
    kinds_at: dict[int, set[str]] = {}
    rank = {"unrecognized": 0, "wrong": 1, "too_many": 1, "incomplete": 2}
    for p in patterns:
        r = _match_one(p, tokens, ctx, abbreviate)
        if isinstance(r, Match):
            matches.append(r)
            continue
        idx, kind = r
        kinds_at.setdefault(idx, set()).add(kind)
        if (idx, rank[kind]) > best:
            best = (idx, rank[kind])
    if matches:
        top = max((m.exact, m.kw_exact) for m in matches)
        tops = [m for m in matches if (m.exact, m.kw_exact) == top]
        kw_forms = {tuple(m.values.get("_kw", [])) for m in tops}
        if len(kw_forms) > 1 and any(m.abbreviated for m in tops):
            return Failure("ambiguous", len(tokens) - 1)
        best = tops[0]
        if best.abbreviated:
            at = _ambiguous_at(patterns, tokens, best)
            if at is not None:
                return Failure("ambiguous", at)
        return best
    idx = best[0]
    kinds = kinds_at.get(idx, {"unrecognized"})
    for kind in ("incomplete", "wrong", "too_many", "unrecognized"):
        if kind in kinds:
            # A token that is a wrong parameter for one pattern and an unknown keyword for
            # another reads to the user as a wrong parameter (what VRP/Comware print).
            return Failure(kind, idx)
    return Failure("unrecognized", idx)
