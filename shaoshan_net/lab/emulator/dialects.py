"""The platform registry: our platform names (as in topology.yaml) -> emulator dialects."""

from __future__ import annotations

from .comware import COMWARE
from .dialect import Dialect
from .ios import IOS
from .vrp import VRP

DIALECTS: dict[str, Dialect] = {d.name: d for d in (VRP, COMWARE, IOS)}
