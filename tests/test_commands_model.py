"""check, show and units as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shaoshan_net.cli", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_passes_on_the_shipped_county(project_root: Path) -> None:
    done = cli(project_root, "check")
    assert done.returncode == 0, done.stderr
    assert "outside 42" in done.stdout and "township 4" in done.stdout
    assert "dedicated:party" in done.stdout  # pool usage is listed


def test_show_json_has_the_plan(project_root: Path) -> None:
    info = json.loads(cli(project_root, "show", "qingxi", "--format", "json").stdout)
    assert info["plan"]["mgmt_ip"] == "10.165.0.45"
    assert info["unit"]["survey"]["leader"]["mobile"] == "138****0035"


def test_show_reveals_contacts_only_when_asked(project_root: Path) -> None:
    info = json.loads(
        cli(project_root, "show", "qingxi", "--format", "json", "--show-contacts").stdout
    )
    assert info["unit"]["survey"]["leader"]["mobile"] == "13800000035"


def test_show_unknown_unit_is_an_input_error(project_root: Path) -> None:
    done = cli(project_root, "show", "nosuch")
    assert done.returncode == 2 and "unit nosuch: no such unit" in done.stderr


def test_units_filters_by_group_and_platform(project_root: Path) -> None:
    rows = json.loads(
        cli(
            project_root,
            "units",
            "--group",
            "outside",
            "--platform",
            "cisco_ios",
            "--format",
            "json",
        ).stdout
    )
    assert rows and all(r["location"] == "outside" and r["platform"] == "cisco_ios" for r in rows)


def test_units_csv_masks_contacts(project_root: Path) -> None:
    out = cli(project_root, "units", "--format", "csv").stdout
    assert "13800000001" not in out and "138****0001" in out


def test_units_websites_counts_presence(project_root: Path) -> None:
    out = cli(project_root, "units", "--websites").stdout
    assert "of 64 units have a website" in out
