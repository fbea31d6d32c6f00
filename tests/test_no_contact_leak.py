"""No subcommand prints a contact's phone, QQ or e-mail unmasked in its default output.

The subcommands are discovered from `shaoshan_net.cli.COMMANDS`: every one that exists and runs
without the lab is run (as a real process, on a copy of the shipped project) with its default
output and its unit-listing formats, and stdout, stderr and any file it writes are searched for
every placeholder contact value of inventory/hosts.yaml.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from shaoshan_net.cli import COMMANDS
from shaoshan_net.survey import FIELD_BY_KEY
from tests.fixtures.model import copy_project

ROOT = Path(__file__).resolve().parents[1]
# Need root, namespaces or live devices: not run here (their output is covered by their tests).
NEEDS_LAB = {"lab", "push"}
# Arguments per subcommand: the default output plus every format that lists units. A command
# missing here runs with no arguments. {forms} / {filled} are paths prepared by the fixture.
INVOCATIONS: dict[str, list[list[str]]] = {
    "check": [[]],
    "show": [["swb"], ["swb", "--format", "json"], ["zfb"], ["core"]],
    "units": [[], ["--format", "csv"], ["--format", "json"], ["--websites"]],
    "render": [[]],
    "lint": [[]],
    "backups": [["list"]],
    "audit": [["history"]],
    "cost": [[], ["--format", "csv"], ["--format", "json"], ["--unit", "swb"]],
    "survey": [["template", "--all", "--out", "{forms}"], ["import", "--dry-run", "{filled}"]],
}
# New contacts typed into one form, so the import diff has old and new values to (not) show.
NEW_CONTACTS = {
    "leader.mobile": "13712345678",
    "leader.office_phone": "0731-55998877",
    "leader.qq": "99887766",
    "leader.email": "newleader@example.org",
}
TIMEOUT = 180


def contact_values(hosts: Path) -> set[str]:
    """Every phone, QQ and e-mail of the shipped inventory (placeholders, but treated as real)."""
    data = yaml.safe_load(hosts.read_text(encoding="utf-8"))
    values: set[str] = set()
    for host in data.values():
        survey = ((host or {}).get("data") or {}).get("survey") or {}
        for who in ("leader", "it_staff"):
            person = survey.get(who) or {}
            for key in ("mobile", "office_phone", "qq", "email"):
                if person.get(key):
                    values.add(str(person[key]))
    return values


def leak_patterns(values: set[str]) -> list[re.Pattern[str]]:
    """A value counts as leaked when it appears whole (not as part of a longer number)."""
    patterns = []
    for v in sorted(values):
        if "@" in v:
            patterns.append(re.compile(re.escape(v), re.IGNORECASE))
        else:
            for form in {v, v.replace("-", "")}:
                patterns.append(re.compile(rf"(?<!\d){re.escape(form)}(?!\d)"))
    return patterns


def find_leaks(text: str, patterns: list[re.Pattern[str]]) -> list[str]:
    return sorted({m.group(0) for p in patterns for m in p.finditer(text)})


SHIPPED = contact_values(ROOT / "inventory" / "hosts.yaml")
PATTERNS = leak_patterns(SHIPPED | set(NEW_CONTACTS.values()))


def cases() -> list[tuple[str, list[str]]]:
    return [
        (name, args)
        for name in COMMANDS
        if name not in NEEDS_LAB
        for args in INVOCATIONS.get(name, [[]])
    ]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def paths(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Forms for the survey cases: a template folder and one filled form with new contacts."""
    forms = tmp_path_factory.mktemp("forms")
    filled = tmp_path_factory.mktemp("filled")
    done = run(project, "survey", ["template", "--unit", "swb", "--out", str(filled)])
    assert done.returncode == 0, done.stderr
    (form,) = filled.glob("*.xlsx")
    wb = openpyxl.load_workbook(form)
    for key, value in NEW_CONTACTS.items():
        wb.worksheets[0][FIELD_BY_KEY[key].cell] = value
    wb.save(form)
    return {"forms": str(forms), "filled": str(form)}


def run(root: Path, name: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAOSHAN_")}
    return subprocess.run(
        [sys.executable, "-m", "shaoshan_net.cli", "--root", str(root), name, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def snapshot(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def written_text(root: Path, before: dict[Path, int]) -> str:
    """Text of every file the command created or changed (reports, rendered configs)."""
    out = []
    for path, mtime in snapshot(root).items():
        if before.get(path) == mtime or path.suffix == ".xlsx":
            continue
        out.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(out)


def test_shipped_inventory_has_contacts_to_protect() -> None:
    assert len(SHIPPED) >= 100 and any("@" in v for v in SHIPPED)


def test_detector_finds_a_value_and_ignores_its_mask() -> None:
    value = sorted(v for v in SHIPPED if v.startswith("1") and len(v) == 11)[0]
    masked = value[:3] + "****" + value[-4:]
    assert find_leaks(f"a {value} b {masked}", PATTERNS) == [value]


def test_detector_catches_show_contacts_output(project: Path, paths: dict[str, str]) -> None:
    """Positive control: the same import with --show-contacts does print contacts."""
    done = run(project, "survey", ["import", "--dry-run", "--show-contacts", paths["filled"]])
    assert done.returncode == 0, done.stderr
    assert "13712345678" in find_leaks(done.stdout, PATTERNS)


def case_id(value: str | list[str]) -> str:
    return value if isinstance(value, str) else " ".join(value) or "default"


@pytest.mark.parametrize(("name", "args"), cases(), ids=case_id)
def test_default_output_has_no_unmasked_contact(
    project: Path, paths: dict[str, str], name: str, args: list[str]
) -> None:
    module = COMMANDS[name][0]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} not written yet")
    argv = [a.format(**paths) for a in args]
    before = snapshot(project)
    done = run(project, name, argv)
    text = "\n".join((done.stdout, done.stderr, written_text(project, before)))
    assert find_leaks(text, PATTERNS) == [], f"{name} {' '.join(argv)} printed contact data"
    # A crash or a usage error prints nothing useful and would pass vacuously: insist the
    # command ran. A non-zero exit with its own message (lint findings, "no audit history
    # yet") is a run; a traceback, an argparse usage error or silence is not.
    ran = (
        "Traceback" not in done.stderr
        and not done.stderr.startswith("usage:")
        and (done.stdout.strip() or done.stderr.strip())
    )
    assert ran, f"{name} {' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}"
