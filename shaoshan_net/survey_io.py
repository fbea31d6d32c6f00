"""Survey forms on disk: xlsx templates out, filled xlsx forms in, hosts.yaml edited in place.

The inventory is hand-maintained and reviewed in git, so an import must touch only the fields a
form changes: hosts.yaml is edited with ruamel.yaml's round-trip mode (comments, key order,
quoting and flow style kept) and the result is checked line by line before it is written, so
a surprise in the emitter fails the import instead of reformatting the file.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from shaoshan_net.errors import InputError
from shaoshan_net.survey import (
    CODE_CELL,
    FIELDS,
    FORM_MARKER,
    FORM_TITLE,
    LABELS,
    MARKER_CELL,
    MERGED_INPUTS,
    NAME_CELL,
    VISIBLE_CODE_CELL,
    WEBSITE_KEYS,
    Value,
    cell_text,
    flatten_survey,
    survey_from_mapping,
)

# Order of keys in a unit's `data.survey` mapping, for inserting a key that was missing.
SURVEY_KEYS = ("address", "leader", "it_staff", "website", "access", "applications", "devices")
CONTACT_KEYS = ("name", "title", "mobile", "office_phone", "qq", "email")
WEBSITE_FIELDS = tuple(k.split(".", 1)[1] for k in WEBSITE_KEYS)

# --- xlsx: writing templates ------------------------------------------------------------------

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="DDEBF7")
_WIDTHS = {"A": 14, "B": 14, "C": 12, "D": 15, "E": 16, "F": 13, "G": 24}


def sheet_title(code: str, name: str) -> str:
    """A legal, readable sheet name (31 characters, none of []:*?/\\)."""
    return re.sub(r"[\[\]:*?/\\]", "_", f"{code} {name}")[:31]


def file_name(code: str, name: str) -> str:
    """One form file per unit: the code keeps it unique, the name tells the unit which is theirs."""
    return re.sub(r'[\\/:*?"<>|\s]', "_", f"{code}-{name}") + ".xlsx"


def fill_sheet(ws: Worksheet, code: str, name: str, values: Mapping[str, Value]) -> None:
    """Lay one unit's form out on `ws`, like the notice's 韶山市电子政务外网建设情况统计表."""
    for col, width in _WIDTHS.items():
        ws.column_dimensions[col].width = width
    for row in range(1, 15):
        for col in "ABCDEFG":
            cell = ws[f"{col}{row}"]
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    for ref, text, merge in LABELS:
        ws[ref] = text
        ws[ref].font = Font(bold=True)
        if ref != "A16":
            ws[ref].fill = _LABEL_FILL
        if merge:
            ws.merge_cells(merge)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[16].height = 45
    ws["A16"].alignment = Alignment(wrap_text=True, vertical="top")
    ws[NAME_CELL] = name
    ws[VISIBLE_CODE_CELL] = code
    for f in FIELDS:
        cell = ws[f.cell]
        cell.value = cell_text(values.get(f.key, "")) or None
        cell.number_format = "@"  # text: Excel must not turn 13612343751 into 1.36E+10
        cell.protection = Protection(locked=False)
    for merge in MERGED_INPUTS:
        ws.merge_cells(merge)
    # The identity of the form: a hidden, locked column that import trusts.
    ws[MARKER_CELL] = FORM_MARKER
    ws[CODE_CELL] = code
    ws.column_dimensions[coordinate_from_string(CODE_CELL)[0]].hidden = True
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.print_title_rows = "1:1"


def template_bytes(forms: Iterable[tuple[str, str, Mapping[str, Value]]]) -> bytes:
    """An xlsx workbook with one form sheet per (code, name, values)."""
    wb = Workbook()
    wb.remove(wb.active)
    for code, name, values in forms:
        fill_sheet(wb.create_sheet(sheet_title(code, name)), code, name, values)
    wb.properties.title = FORM_TITLE
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- xlsx: reading filled forms ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FormSheet:
    """One filled form as read from a workbook: where it came from, whom it is for, its cells."""

    file: str
    sheet: str
    code: str | None
    name: str
    cells: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FormProblem:
    """One refused cell (or file): `file: sheet S: cell C: reason`, one line each."""

    file: str
    sheet: str | None
    cell: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if self.cell:
            parts.append(f"cell {self.cell}")
        parts.append(self.message)
        return ": ".join(parts)


def _top_left(ws: Worksheet, ref: str) -> Any:
    return ws[ref].value


def read_workbook(path: Path) -> tuple[list[FormSheet], list[FormProblem]]:
    """Every survey form sheet of one xlsx file; sheets that are not forms are skipped."""
    name = str(path)
    try:
        wb = load_workbook(path, data_only=True)
    except FileNotFoundError:
        return [], [FormProblem(name, None, None, "file not found")]
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        return [], [FormProblem(name, None, None, f"not a readable xlsx file ({exc})")]
    forms: list[FormSheet] = []
    problems: list[FormProblem] = []
    for ws in wb.worksheets:
        marker = _top_left(ws, MARKER_CELL)
        title = _top_left(ws, "A1")
        if marker != FORM_MARKER:
            if title == FORM_TITLE:
                problems.append(
                    FormProblem(name, ws.title, MARKER_CELL, "form identity cell is missing or "
                                "altered; export a fresh template with `survey template`")
                )
            continue
        code = _top_left(ws, CODE_CELL)
        cells = {f.cell: _top_left(ws, f.cell) for f in FIELDS}
        forms.append(
            FormSheet(name, ws.title, str(code).strip() if code else None,
                      str(_top_left(ws, NAME_CELL) or ""), cells)
        )
    if not forms and not problems:
        problems.append(FormProblem(name, None, None, f"no {FORM_TITLE} form sheet found"))
    return forms, problems


# --- hosts.yaml: round-trip editing -----------------------------------------------------------


def _round_trip_yaml(text: str) -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 1 << 16  # never fold a long flow mapping
    y.indent(mapping=2, sequence=4, offset=2)
    y.explicit_start = text.lstrip().startswith("---")
    return y


def _needs_quotes(value: str) -> bool:
    """True if a plain scalar would not read back as this same string under YAML 1.1 (PyYAML).

    ruamel (YAML 1.2) writes `yes` or `0731` plain, which our PyYAML loader reads as a bool or
    an int: quote such values.
    """
    if value == "":
        return True
    try:
        loaded = yaml.safe_load(f"k: {value}\n")
    except yaml.YAMLError:
        return True
    return not (isinstance(loaded, dict) and loaded.get("k") == value)


def _scalar(value: str, old: Any = None) -> Any:
    """A new string value in the old value's quoting style, quoted whenever plain is ambiguous."""
    if isinstance(old, SingleQuotedScalarString) or _needs_quotes(value):
        return SingleQuotedScalarString(value)
    if old is not None and type(old) is not str and isinstance(old, str):
        return type(old)(value)
    return value


def _flow_map(pairs: Iterable[tuple[str, str]]) -> CommentedMap:
    m = CommentedMap((k, _scalar(v)) for k, v in pairs)
    m.fa.set_flow_style()
    return m


def _flow_seq(items: Iterable[str]) -> CommentedSeq:
    s = CommentedSeq(_scalar(i) for i in items)
    s.fa.set_flow_style()
    return s


def _insert_ordered(mapping: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Insert `key` after the last present key that comes before it in `order`."""
    rank = order.index(key)
    pos = 0
    for i, k in enumerate(mapping.keys()):
        if k in order and order.index(k) < rank:
            pos = i + 1
    mapping.insert(pos, key, value)


class HostsDocument:
    """hosts.yaml held in ruamel's round-trip form, edited unit by unit, dumped and checked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.original = path.read_bytes()
            self.text = self.original.decode("utf-8")
        except FileNotFoundError:
            raise InputError(str(path), None, None, "file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(str(path), None, None, f"cannot read: {exc}") from None
        self._yaml = _round_trip_yaml(self.text)
        try:
            self.data = self._yaml.load(self.text)
        except YAMLError as exc:
            raise InputError(str(path), None, None, f"YAML syntax: {exc}") from None
        if not isinstance(self.data, CommentedMap):
            raise InputError(str(path), None, None, "expected a mapping of hosts")
        self.edited: dict[str, dict[str, Value]] = {}

    def _data(self, code: str) -> CommentedMap:
        host = self.data.get(code)
        if not isinstance(host, CommentedMap) or not isinstance(host.get("data"), CommentedMap):
            raise InputError(str(self.path), code, "data", "unit has no data mapping to update")
        return host["data"]

    def current(self, code: str) -> dict[str, Value]:
        """The unit's survey as form keys -> values, straight from the file."""
        data = self._data(code)
        survey = data.get("survey")
        return flatten_survey(survey_from_mapping(survey if isinstance(survey, dict) else None))

    def apply(self, code: str, values: Mapping[str, Value]) -> None:
        """Set the unit's survey fields that differ from `values` (form keys), nothing else."""
        current = self.current(code)
        changed = {k: v for k, v in values.items() if current.get(k) != v}
        if not changed:
            return
        data = self._data(code)
        survey = data.get("survey")
        if not isinstance(survey, CommentedMap):
            survey = CommentedMap()
            data["survey"] = survey
        for key, value in changed.items():
            if "." not in key:
                self._set_top(survey, key, value)
        for who in ("leader", "it_staff"):
            sub = {k.split(".", 1)[1]: v for k, v in changed.items() if k.startswith(who + ".")}
            if sub:
                self._set_sub(survey, who, sub, CONTACT_KEYS)
        site = {k.split(".", 1)[1]: v for k, v in changed.items() if k.startswith("website.")}
        if site:
            if not any(values[k] for k in WEBSITE_KEYS):
                survey.pop("website", None)  # the unit reports no website
            else:
                self._set_sub(survey, "website", site, WEBSITE_FIELDS)
        self.edited[code] = dict(values)

    @staticmethod
    def _set_top(survey: CommentedMap, key: str, value: Value) -> None:
        if isinstance(value, tuple):
            old = survey.get(key)
            if isinstance(old, CommentedSeq):
                old.clear()
                old.extend(_scalar(v) for v in value)
            else:
                _put(survey, key, _flow_seq(value), SURVEY_KEYS)
        else:
            _put(survey, key, _scalar(value, survey.get(key)), SURVEY_KEYS)

    @staticmethod
    def _set_sub(
        survey: CommentedMap, key: str, values: Mapping[str, Value], order: tuple[str, ...]
    ) -> None:
        sub = survey.get(key)
        if not isinstance(sub, CommentedMap):
            pairs = [(k, str(values[k])) for k in order if values.get(k)]
            _put(survey, key, _flow_map(pairs), SURVEY_KEYS)
            return
        for k in order:
            if k not in values:
                continue
            value = str(values[k])
            if k in sub:
                sub[k] = _scalar(value, sub[k])
            elif value:
                _insert_ordered(sub, k, _scalar(value), order)

    def dump(self) -> str:
        """The edited file, after checking that only the edited units' lines changed."""
        buf = io.StringIO()
        self._yaml.dump(self.data, buf)
        new = buf.getvalue()
        self._check(new)
        return new

    def _check(self, new: str) -> None:
        """Refuse an emitter surprise: a line changed outside the edited units, or a bad value."""
        spans = _host_spans(self.text)
        allowed = [spans[c] for c in self.edited if c in spans]
        old_lines, new_lines = self.text.splitlines(True), new.splitlines(True)
        matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
        for tag, i1, i2, _, _ in matcher.get_opcodes():
            if tag == "equal":
                continue
            first, last = i1, max(i1, i2 - 1)
            if not any(lo <= first and last < hi for lo, hi in allowed):
                raise InputError(str(self.path), None, None,
                                 f"internal: edit would change line {i1 + 1} outside the edited "
                                 "units; nothing written")
        before, after = yaml.safe_load(self.text) or {}, yaml.safe_load(new) or {}
        if set(before) != set(after):
            raise InputError(str(self.path), None, None, "internal: hosts changed; nothing written")
        for code in before:
            if code not in self.edited:
                if before[code] != after[code]:
                    raise InputError(str(self.path), code, None,
                                     "internal: untouched unit changed; nothing written")
                continue
            b, a = dict(before[code]), dict(after[code])
            b_data, a_data = dict(b.pop("data")), dict(a.pop("data"))
            b_data.pop("survey", None)
            got = flatten_survey(survey_from_mapping(a_data.pop("survey", None)))
            if b != a or b_data != a_data or got != self.edited[code]:
                raise InputError(str(self.path), code, "survey",
                                 "internal: edited survey does not read back as the form; "
                                 "nothing written")


def _host_spans(text: str) -> dict[str, tuple[int, int]]:
    """Line range [first, end) of each top-level host block (0-based), comments included."""
    lines = text.splitlines()
    starts = [
        (i, m.group(1))
        for i, line in enumerate(lines)
        if (m := re.match(r"^([A-Za-z0-9_\-]+)\s*:", line))
    ]
    spans: dict[str, tuple[int, int]] = {}
    for n, (i, code) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines) + 1
        spans[code] = (i, end)
    return spans


def _put(mapping: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    if key in mapping:
        mapping[key] = value
    else:
        _insert_ordered(mapping, key, value, order)

