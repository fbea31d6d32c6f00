"""`shaoshan-net survey`: template -> fill (openpyxl) -> import round trip on a project copy."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from shaoshan_net.cli import main
from shaoshan_net.loader import load_network
from shaoshan_net.survey import CODE_CELL, FIELD_BY_KEY, FORM_MARKER, MARKER_CELL
from shaoshan_net.survey_io import file_name

HOSTS = Path("inventory") / "hosts.yaml"


def cli(root: Path, *args: str) -> int:
    return main(["--root", str(root), "survey", *args])


def template(root: Path, out: Path, *units: str) -> dict[str, Path]:
    """Forms for these units (code -> file), written by the real subcommand."""
    for code in units:
        assert cli(root, "template", "--unit", code, "--out", str(out)) == 0
    network = load_network(root)
    return {c: out / file_name(c, network.unit(c).name) for c in units}


def fill(path: Path, values: dict[str, Any], sheet: int = 0) -> None:
    """What a unit does: type into the form's cells (by field key) and save."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[sheet]
    for key, value in values.items():
        ws[FIELD_BY_KEY[key].cell] = value
    wb.save(path)


def in_block(text: str, code: str, old: str, new: str) -> str:
    """Replace the first `old` after the host line of `code` (what a careful human would edit)."""
    start = text.index(f"\n{code}:")
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :]


def line_of(text: str, code: str, key: str) -> str:
    """The full line `      key: ...` inside host `code`."""
    start = text.index(f"\n{code}:")
    at = text.index(f"      {key}:", start)
    return text[at : text.index("\n", at) + 1]


def test_template_all_writes_one_owner_only_form_per_unit(
    project_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "forms"
    assert cli(project_copy, "template", "--all", "--out", str(out)) == 0
    files = sorted(out.glob("*.xlsx"))
    assert len(files) == len(load_network(project_copy).units)
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}


def test_template_form_records_unit_code_in_hidden_locked_cell(
    project_copy: Path, tmp_path: Path
) -> None:
    path = template(project_copy, tmp_path / "forms", "qingxi")["qingxi"]
    ws = openpyxl.load_workbook(path).worksheets[0]
    column = CODE_CELL.rstrip("0123456789")
    assert (ws[MARKER_CELL].value, ws[CODE_CELL].value) == (FORM_MARKER, "qingxi")
    assert ws.column_dimensions[column].hidden and ws.protection.sheet
    assert ws[CODE_CELL].protection.locked and not ws["D5"].protection.locked


def test_template_is_prefilled_from_the_inventory(project_copy: Path, tmp_path: Path) -> None:
    path = template(project_copy, tmp_path / "forms", "swb")["swb"]
    ws = openpyxl.load_workbook(path).worksheets[0]
    unit = load_network(project_copy).unit("swb")
    assert (ws["B2"].value, ws["D5"].value, ws["B13"].value) == (
        unit.name,
        unit.survey.leader.mobile,
        "、".join(unit.survey.applications),
    )


def test_template_workbook_has_a_sheet_per_unit(project_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "wb"
    assert cli(project_copy, "template", "--all", "--workbook", "--out", str(out)) == 0
    wb = openpyxl.load_workbook(out / "survey-forms.xlsx")
    codes = [ws[CODE_CELL].value for ws in wb.worksheets]
    assert codes == [u.code for u in load_network(project_copy).units]


def test_template_of_unknown_unit_fails_naming_it(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(project_copy, "template", "--unit", "nosuch", "--out", str(tmp_path)) == 2
    assert "unit nosuch" in capsys.readouterr().err


def test_round_trip_changes_exactly_the_filled_fields(project_copy: Path, tmp_path: Path) -> None:
    hosts = project_copy / HOSTS
    before = hosts.read_text(encoding="utf-8")
    forms = template(project_copy, tmp_path / "forms", "swb", "rdb", "zfb", "yanglin")
    fill(forms["swb"], {"leader.mobile": "13612343751", "it_staff.qq": "87654321"})
    fill(forms["rdb"], {k: None for k in FIELD_BY_KEY if k.startswith("website.")})
    fill(forms["zfb"], {"website.domain": "zfb.shaoshan.gov.example",
                        "website.ip": "10.160.0.200", "website.database": "MySQL"})
    fill(forms["yanglin"], {"applications": "公文交换、视频会议"})

    assert cli(project_copy, "import", *map(str, forms.values())) == 0

    expected = before.replace("mobile: '13800000001'", "mobile: '13612343751'")
    expected = expected.replace("qq: '20000001'", "qq: '87654321'")
    expected = expected.replace(line_of(before, "rdb", "website"), "")
    zfb_staff = line_of(before, "zfb", "it_staff")
    expected = expected.replace(
        zfb_staff,
        zfb_staff
        + "      website: {domain: zfb.shaoshan.gov.example, ip: 10.160.0.200, database: MySQL}\n",
    )
    expected = in_block(expected, "yanglin", "[公文交换, 政务信息报送]", "[公文交换, 视频会议]")
    assert hosts.read_text(encoding="utf-8") == expected


def test_round_trip_result_loads_with_the_new_values(project_copy: Path, tmp_path: Path) -> None:
    forms = template(project_copy, tmp_path / "forms", "zfb")
    fill(forms["zfb"], {"website.domain": "zfb.shaoshan.gov.example", "website.ip": "10.160.0.200",
                        "leader.title": "yes", "address": "0731"})
    assert cli(project_copy, "import", str(forms["zfb"])) == 0
    unit = load_network(project_copy).unit("zfb")
    assert (unit.survey.website.ip if unit.survey.website else None, unit.survey.leader.title,
            unit.survey.address) == ("10.160.0.200", "yes", "0731")


def test_mobile_typed_as_a_number_is_stored_as_a_quoted_string(
    project_copy: Path, tmp_path: Path
) -> None:
    forms = template(project_copy, tmp_path / "forms", "swb")
    fill(forms["swb"], {"leader.mobile": 13612343751})
    assert cli(project_copy, "import", str(forms["swb"])) == 0
    assert "mobile: '13612343751'" in (project_copy / HOSTS).read_text(encoding="utf-8")


def test_import_of_unchanged_forms_leaves_the_file_untouched(
    project_copy: Path, tmp_path: Path
) -> None:
    hosts = project_copy / HOSTS
    before = hosts.stat().st_mtime_ns, hosts.read_bytes()
    out = tmp_path / "wb"
    assert cli(project_copy, "template", "--all", "--workbook", "--out", str(out)) == 0
    assert cli(project_copy, "import", str(out / "survey-forms.xlsx")) == 0
    assert (hosts.stat().st_mtime_ns, hosts.read_bytes()) == before


def test_dry_run_prints_the_diff_and_writes_nothing(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hosts = project_copy / HOSTS
    before = hosts.read_bytes()
    forms = template(project_copy, tmp_path / "forms", "swb")
    fill(forms["swb"], {"access": "双链路千兆接入"})
    assert cli(project_copy, "import", "--dry-run", str(forms["swb"])) == 0
    assert "access: '裸光纤千兆接入' -> '双链路千兆接入'" in capsys.readouterr().out
    assert hosts.read_bytes() == before


def test_diff_masks_contacts_by_default(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forms = template(project_copy, tmp_path / "forms", "swb")
    fill(forms["swb"], {"leader.mobile": "13612343751", "leader.email": "wang5@example.org"})
    assert cli(project_copy, "import", "--dry-run", str(forms["swb"])) == 0
    out = capsys.readouterr().out
    assert "136****3751" in out and "w***@example.org" in out
    assert "13612343751" not in out and "wang5@" not in out


def test_show_contacts_prints_them_unmasked(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forms = template(project_copy, tmp_path / "forms", "swb")
    fill(forms["swb"], {"leader.mobile": "13612343751"})
    assert cli(project_copy, "import", "--dry-run", "--show-contacts", str(forms["swb"])) == 0
    assert "'13800000001' -> '13612343751'" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("leader.mobile", "1381234567"),
        ("it_staff.office_phone", "5560001"),
        ("leader.qq", "12a45"),
        ("it_staff.email", "it@@example.org"),
        ("website.domain", "swb shaoshan"),
        ("website.ip", "10.160.9.9"),
    ],
)
def test_malformed_field_refuses_import_naming_file_sheet_and_cell(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, bad: str
) -> None:
    hosts = project_copy / HOSTS
    before = hosts.read_bytes()
    forms = template(project_copy, tmp_path / "forms", "swb")
    fill(forms["swb"], {key: bad})
    assert cli(project_copy, "import", str(forms["swb"])) == 2
    err = capsys.readouterr().err.splitlines()
    cell = FIELD_BY_KEY[key].cell
    assert [line for line in err if f"cell {cell}:" in line] == [
        line for line in err if line.startswith(f"{forms['swb']}: sheet swb ") and key in line
    ]
    assert any(f"cell {cell}:" in line and key in line for line in err)
    assert hosts.read_bytes() == before


def test_one_bad_form_refuses_the_good_ones_too(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hosts = project_copy / HOSTS
    before = hosts.read_bytes()
    forms = template(project_copy, tmp_path / "forms", "swb", "rdb")
    fill(forms["swb"], {"leader.mobile": "13612343751"})
    fill(forms["rdb"], {"leader.qq": "1"})
    assert cli(project_copy, "import", str(forms["swb"]), str(forms["rdb"])) == 2
    err = capsys.readouterr().err
    assert "cell F5" in err and "nothing written" in err
    assert hosts.read_bytes() == before


def test_error_line_masks_the_bad_value(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forms = template(project_copy, tmp_path / "forms", "swb")
    fill(forms["swb"], {"leader.mobile": "1361234375"})
    assert cli(project_copy, "import", str(forms["swb"])) == 2
    assert "1361234375" not in capsys.readouterr().err


def test_form_with_altered_unit_code_is_refused(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = template(project_copy, tmp_path / "forms", "swb")["swb"]
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0][CODE_CELL] = "nosuch"
    wb.save(path)
    assert cli(project_copy, "import", str(path)) == 2
    assert f"cell {CODE_CELL}: unknown unit code 'nosuch'" in capsys.readouterr().err


def test_two_forms_for_one_unit_are_refused(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = template(project_copy, tmp_path / "a", "swb")["swb"]
    b = template(project_copy, tmp_path / "b", "swb")["swb"]
    assert cli(project_copy, "import", str(a), str(b)) == 2
    assert "second form for unit swb" in capsys.readouterr().err


def test_file_that_is_not_xlsx_is_refused_by_name(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    assert cli(project_copy, "import", str(junk)) == 2
    assert f"{junk}: not a readable xlsx file" in capsys.readouterr().err


def test_workbook_without_a_form_is_refused(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    assert cli(project_copy, "import", str(other)) == 2
    assert f"{other}: no " in capsys.readouterr().err
