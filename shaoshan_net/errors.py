"""Errors a user can act on: each names the file, the unit and the field, in one line."""

from __future__ import annotations


class ShaoshanError(Exception):
    """Base of every error the CLI turns into a one-line message and a non-zero exit."""


class InputError(ShaoshanError):
    """Bad input data: `file: unit X: field Y: message` (line number when known).

    >>> str(InputError("topology.yaml", "qingxi", "core_port", "not in core.unit_ports"))
    'topology.yaml: unit qingxi: field core_port: not in core.unit_ports'
    """

    def __init__(
        self,
        file: str,
        unit: str | None,
        field: str | None,
        message: str,
        line: int | None = None,
    ) -> None:
        self.file, self.unit, self.field, self.message, self.line = file, unit, field, message, line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where]
        if self.unit:
            parts.append(f"unit {self.unit}")
        if self.field:
            parts.append(f"field {self.field}")
        parts.append(self.message)
        return ": ".join(parts)


class LockHeld(ShaoshanError):
    """Another push or audit holds the run lock."""
