"""Shared fixtures. Each fixture family lives in its own module under tests/fixtures/."""

from __future__ import annotations

import importlib.util
import os

# Tests may only ever reach loopback or the lab's own namespaces (see shaoshan_net/safety.py).
os.environ["SHAOSHAN_LAB_ONLY"] = "1"

pytest_plugins = [
    name
    for name in ("tests.fixtures.model", "tests.fixtures.lab", "tests.fixtures.snmpsim")
    if importlib.util.find_spec(name) is not None
]
