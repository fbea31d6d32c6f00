"""Survey files on disk: the round-trip hosts.yaml editor and its safety net, xlsx reading."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml

from shaoshan_net.errors import InputError
from shaoshan_net.survey import flatten_survey, survey_from_mapping
from shaoshan_net.survey_io import HostsDocument, read_workbook, template_bytes

HOSTS = Path("inventory") / "hosts.yaml"


def test_unedited_document_dumps_byte_identical(project_root: Path) -> None:
    doc = HostsDocument(project_root / HOSTS)
    assert doc.dump() == (project_root / HOSTS).read_text(encoding="utf-8")


def test_current_reads_the_survey_as_form_values(project_root: Path) -> None:
    doc = HostsDocument(project_root / HOSTS)
    raw = yaml.safe_load((project_root / HOSTS).read_text(encoding="utf-8"))
    assert doc.current("swb") == flatten_survey(survey_from_mapping(raw["swb"]["data"]["survey"]))


def test_edit_touches_only_the_edited_unit_lines(project_root: Path) -> None:
    doc = HostsDocument(project_root / HOSTS)
    values = dict(doc.current("qingxi"), access="双纤接入")
    doc.apply("qingxi", values)
    old = doc.text.splitlines()
    new = doc.dump().splitlines()
    first = old.index("qingxi:  # 韶山市清溪镇人民政府")
    last = old.index("yintian:  # 韶山市银田镇人民政府")
    access = [i for i in range(first, last) if old[i] == "      access: 裸光纤千兆接入"]
    assert [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b] == access
    assert len(access) == 1


@pytest.mark.parametrize("value", ["yes", "0731", "2012-07-01", "null", "1e3", "a: b", "#x"])
def test_ambiguous_text_is_quoted_so_pyyaml_reads_it_back(project_root: Path, value: str) -> None:
    doc = HostsDocument(project_root / HOSTS)
    doc.apply("swb", dict(doc.current("swb"), address=value))
    data = yaml.safe_load(doc.dump())
    assert data["swb"]["data"]["survey"]["address"] == value


def test_dump_refuses_a_change_outside_the_edited_units(project_root: Path) -> None:
    doc = HostsDocument(project_root / HOSTS)
    doc.apply("swb", dict(doc.current("swb"), access="双纤接入"))
    doc.data["rdb"]["data"]["survey"]["access"] = "changed behind the editor's back"
    with pytest.raises(InputError, match="outside the edited units"):
        doc.dump()


def test_unknown_unit_is_an_input_error(project_root: Path) -> None:
    with pytest.raises(InputError, match="unit nosuch"):
        HostsDocument(project_root / HOSTS).current("nosuch")


def test_broken_yaml_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "hosts.yaml"
    bad.write_text("swb: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=str(bad)):
        HostsDocument(bad)


def test_read_workbook_skips_sheets_that_are_not_forms(tmp_path: Path) -> None:
    path = tmp_path / "forms.xlsx"
    path.write_bytes(template_bytes([("swb", "中共韶山市委办公室", {"address": "x"})]))
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("notes")["A1"] = "notes by the information center"
    wb.save(path)
    forms, problems = read_workbook(path)
    assert ([f.code for f in forms], problems) == (["swb"], [])


def test_read_workbook_flags_a_form_whose_identity_was_removed(tmp_path: Path) -> None:
    path = tmp_path / "forms.xlsx"
    path.write_bytes(template_bytes([("swb", "中共韶山市委办公室", {})]))
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["I1"] = None
    wb.save(path)
    _, problems = read_workbook(path)
    assert [(p.cell, p.sheet) for p in problems] == [("I1", "swb 中共韶山市委办公室")]
