"""`shaoshan-net cost` end to end on the shipped county and on broken copies of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shaoshan_net.cli import main

ROOT = Path(__file__).resolve().parents[1]


def cost(capsys: pytest.CaptureFixture[str], *args: str, root: Path = ROOT) -> tuple[int, str, str]:
    rc = main(["--root", str(root), "cost", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def test_table_for_2012_shows_hand_computed_county_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _ = cost(capsys, "--year", "2012")
    # 23 in-building lines x 6 months of 2300; 40 outside lines x 6 of 3500, 2 x 5 of 3500;
    # 64 switches x 8932
    total = 23 * 1150 + 40 * 1750 + 2 * Decimal("1458.33") + 64 * 8932
    assert rc == 0
    assert total == Decimal("671014.66")
    county_line = next(line for line in out.splitlines() if "全市合计" in line)
    assert county_line.split()[-1] == "671,014.66"
    assert "合同期汇总" not in out


def test_json_county_total_over_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = cost(capsys, "--format", "json")
    data = json.loads(out)
    assert rc == 0
    assert Decimal(data["total"]) == 42 * 27_932 + 22 * 22_232 + 13_300  # xxzx has two lines
    assert data["years"] == [2012, 2013, 2014, 2015, 2016, 2017]


def test_outside_group_pays_1173144(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = cost(capsys, "--group", "outside", "--format", "json")
    data = json.loads(out)
    assert rc == 0 and len(data["summary"]["units"]) == 42
    assert data["total"] == "1173144.00"


def test_unit_filter_shows_august_unit_by_year(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = cost(capsys, "--unit", "yanglin", "--format", "json")
    unit = json.loads(out)["summary"]["units"][0]
    assert rc == 0
    assert unit["by_year"] == {
        "2012": "10390.33",
        "2013": "3500.00",
        "2014": "3708.34",
        "2015": "4000.00",
        "2016": "4000.00",
        "2017": "2333.33",
    }
    assert unit["total"] == "27932.00"


def test_filtered_total_is_not_labelled_county_total(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = cost(capsys, "--group", "township", "--year", "2013")
    assert rc == 0
    assert "全市合计" not in out
    total_line = next(line for line in out.splitlines() if "合计（group township）" in line)
    assert total_line.split()[-1] == "14,000.00"  # 4 townships x 12 months of 3500


def test_csv_to_stdout_has_header_and_county_rows(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = cost(capsys, "--format", "csv", "--year", "2013")
    lines = out.splitlines()
    assert rc == 0 and lines[0].startswith("section,fiscal_year,code")
    assert any(line.startswith("schedule,2013,[county],") for line in lines)


def test_xlsx_written_to_out_reads_back_as_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "finance" / "withholding.xlsx"
    rc, _, err = cost(capsys, "--format", "xlsx", "--out", str(target), "--per-year-sheets")
    assert rc == 0 and "1675548.00" in err
    _, out, _ = cost(capsys, "--format", "json")
    data = json.loads(out)
    wb = load_workbook(target)
    assert wb.sheetnames[:2] == ["汇总", "代扣明细"] and "2015年度" in wb.sheetnames
    got = {
        (r[0], r[1]): Decimal(str(r[9])).quantize(Decimal("0.01"))
        for r in wb["代扣明细"].iter_rows(min_row=2, values_only=True)
        if isinstance(r[0], int) and r[1]
    }
    want = {
        (fy["fiscal_year"], u["code"]): Decimal(u["total"])
        for fy in data["schedule"]
        for u in fy["units"]
    }
    assert got == want
    assert list(tmp_path.joinpath("finance").iterdir()) == [target]  # no temp file left


def test_xlsx_without_out_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = cost(capsys, "--format", "xlsx")
    assert rc == 2 and out == "" and "--out" in err


def test_per_year_sheets_without_xlsx_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = cost(capsys, "--per-year-sheets")
    assert rc == 2 and "xlsx" in err


def test_unknown_unit_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = cost(capsys, "--unit", "nosuch")
    assert rc == 2 and out == ""
    assert err.count("\n") == 1 and "unit nosuch" in err and "hosts.yaml" in err


def test_year_after_contract_has_nothing_to_withhold(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = cost(capsys, "--year", "2018")
    assert rc == 0 and out == "nothing to withhold in 2018\n"


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_report_prints_no_contact_data(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    rc, out, _ = cost(capsys, "--format", fmt)
    assert rc == 0
    for personal in (
        "13800000001",
        "13900000001",
        "0731-556",
        "example.org",
        "示例领导",
        "示例信息员",
        "10000001",
    ):
        assert personal not in out


def test_cost_imports_neither_netmiko_nor_napalm() -> None:
    code = (
        "import sys\n"
        "from shaoshan_net.cli import main\n"
        f"rc = main(['--root', {str(ROOT)!r}, 'cost', '--format', 'json'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('netmiko', 'napalm', 'nornir', 'paramiko'))\n"
        "print(rc, heavy, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this tree, whatever the venv points at
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert proc.stderr.strip().splitlines()[-1] == "0 []", proc.stderr


# --------------------------------------------------------------------------- bad input

COSTS_BREAKS = {
    "gap": ("{years: [3, 5]", "{years: [4, 5]", "line_rates[1].years: gap"),
    "overlap": ("{years: [1, 2]", "{years: [1, 3]", "line_rates[1].years: overlap"),
    "negative": ("outside: 3500}", "outside: -3500}", "line_rates[0].outside"),
    "non_integer": ("in_building: 2900,", "in_building: 2900.5,", "line_rates[1].in_building"),
    "unknown_location": ("outside: 3500}", "outside: 3500, rooftop: 100}", "line_rates[0].rooftop"),
    "fractional_switch": ("switch_price: 8932", "switch_price: 8932.5", "switch_price"),
}


def break_file(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_refused(capsys: pytest.CaptureFixture[str], root: Path, file: str, field: str) -> None:
    """Exit 2, one line naming file and field, and neither a new nor a half-replaced file."""
    fresh, kept = root / "out" / "new.xlsx", root / "old.xlsx"
    kept.write_bytes(b"last year's workbook")
    for target in (fresh, kept):
        rc, out, err = cost(capsys, "--format", "xlsx", "--out", str(target), root=root)
        assert rc == 2 and out == ""
        assert err.count("\n") == 1 and file in err and field in err, err
    assert not fresh.exists() and not (root / "out").exists()
    assert kept.read_bytes() == b"last year's workbook"
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("case", sorted(COSTS_BREAKS))
def test_bad_costs_yaml_is_refused_without_writing(
    capsys: pytest.CaptureFixture[str], project_copy: Path, case: str
) -> None:
    old, new, field = COSTS_BREAKS[case]
    break_file(project_copy / "costs.yaml", old, new)
    assert_refused(capsys, project_copy, "costs.yaml", field)


def test_line_without_activation_date_is_refused_without_writing(
    capsys: pytest.CaptureFixture[str], project_copy: Path
) -> None:
    break_file(
        project_copy / "inventory" / "hosts.yaml",
        "{circuit: XT-SS-BF-038, activated: 2012-08-01}",
        "{circuit: XT-SS-BF-038}",
    )
    assert_refused(
        capsys, project_copy, "hosts.yaml", "unit yanglin: field data.lines[0].activated"
    )


def test_unit_without_location_class_is_refused_without_writing(
    capsys: pytest.CaptureFixture[str], project_copy: Path
) -> None:
    groups = project_copy / "inventory" / "groups.yaml"
    groups.write_text(
        groups.read_text(encoding="utf-8") + "rooftop:\n  data:\n    x: 1\n", encoding="utf-8"
    )
    break_file(
        project_copy / "inventory" / "hosts.yaml",
        "groups: [outside, township]\n  data:\n    unit_id: 38",
        "groups: [rooftop]\n  data:\n    unit_id: 38",
    )
    assert_refused(capsys, project_copy, "hosts.yaml", "unit yanglin: field groups")
