"""A switch's hierarchical configuration: global lines, nested sections, VLANs as a set.

Lines are stored in canonical form (full keywords, normalized arguments, secrets ciphered) so
that `undo`/`no` of a standing line finds it whatever abbreviation was typed. VLAN membership
of the switch and of each trunk is a set, never a line, so that adding or undoing a subset only
changes that subset (the failure hier_config shows on `vlan batch` ranges).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field


@dataclass
class Section:
    """A view's stored content: its lines (key -> line) and nested sections (header -> Section)."""

    header: str = ""
    lines: dict[str, str] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    # Per-section set-valued attributes, e.g. "trunk" -> allowed VLANs, "link-type" -> mode.
    trunk: set[int] | None = None
    attrs: dict[str, str] = field(default_factory=dict)

    def set_line(self, key: str, line: str, replaces: tuple[str, ...] = ()) -> None:
        """Store `line` under `key`, dropping lines whose keys start with any of `replaces`."""
        for prefix in replaces:
            for k in [k for k in self.lines if _starts(k, prefix)]:
                del self.lines[k]
        self.lines[key] = line

    def remove(self, prefix: str) -> int:
        """Remove lines and sections whose text starts with `prefix` (word-wise)."""
        n = 0
        for k in [k for k, v in self.lines.items() if _starts(v, prefix)]:
            del self.lines[k]
            n += 1
        for h in [h for h in self.sections if _starts(h, prefix)]:
            del self.sections[h]
            n += 1
        return n

    def section(self, header: str) -> Section:
        """The nested section `header`, created empty if missing."""
        if header not in self.sections:
            self.sections[header] = Section(header)
        return self.sections[header]

    def is_empty(self) -> bool:
        return not self.lines and not self.sections and self.trunk is None and not self.attrs


def _starts(text: str, prefix: str) -> bool:
    words, pre = text.split(), prefix.split()
    return words[: len(pre)] == pre


@dataclass
class Config:
    """The whole configuration of one switch."""

    hostname: str
    root: Section = field(default_factory=Section)
    vlans: dict[int, Section] = field(default_factory=lambda: {1: Section("vlan 1")})

    def clone(self) -> Config:
        return copy.deepcopy(self)
