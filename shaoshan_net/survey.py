"""The unit survey form (附表2, 韶山市电子政务外网建设情况统计表): layout, validation, updates.

The information center sends each unit a form pre-filled with what the inventory knows and
turns ~70 filled forms back into inventory updates. This module is the pure part: where each
field sits on the sheet, what a valid value looks like, and which inventory fields a filled
form changes. Reading/writing xlsx and YAML lives in `survey_io`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from shaoshan_net.masking import mask_email, mask_phone, mask_qq
from shaoshan_net.model import Contact, Network, Survey, Website

FORM_TITLE = "韶山市电子政务外网建设情况统计表"
FORM_MARKER = "shaoshan-net survey form v1"
# Hidden, locked cells that identify the form: import trusts these, not the sheet's name.
MARKER_CELL = "I1"
CODE_CELL = "I2"
NAME_CELL = "B2"
VISIBLE_CODE_CELL = "F2"
LIST_JOIN = "、"
_LIST_SPLIT = re.compile(r"[、,，;；\n]+")
MAX_TEXT = 200

Value = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FormField:
    """One input cell of the form and the inventory field it maps to (`leader.mobile`)."""

    key: str
    label: str
    cell: str
    kind: str = "text"  # text | mobile | office_phone | qq | email | domain | ip | list

    @property
    def personal(self) -> bool:
        """Contact data: masked in every diff and message unless asked."""
        return self.kind in ("mobile", "office_phone", "qq", "email")


_CONTACT_COLUMNS = (
    ("name", "姓名", "B", "text"),
    ("title", "职务", "C", "text"),
    ("mobile", "手机", "D", "mobile"),
    ("office_phone", "办公电话", "E", "office_phone"),
    ("qq", "QQ", "F", "qq"),
    ("email", "电子邮箱", "G", "email"),
)
_CONTACT_ROWS = (("leader", "分管领导", 5), ("it_staff", "信息管理员", 6))

FIELDS: tuple[FormField, ...] = (
    FormField("address", "单位地址", "B3"),
    *(
        FormField(f"{who}.{attr}", f"{who_label}{label}", f"{col}{row}", kind)
        for who, who_label, row in _CONTACT_ROWS
        for attr, label, col, kind in _CONTACT_COLUMNS
    ),
    FormField("website.domain", "网站域名", "B8", "domain"),
    FormField("website.ip", "网站IP", "F8", "ip"),
    FormField("website.database", "数据库", "B9"),
    FormField("website.system", "操作系统", "F9"),
    FormField("website.hosting", "网站空间", "B10"),
    FormField("website.admin", "网站管理员", "F10"),
    FormField("access", "接入方式", "B12"),
    FormField("applications", "应用系统", "B13", "list"),
    FormField("devices", "网络设备", "B14", "list"),
)
FIELD_BY_KEY: dict[str, FormField] = {f.key: f for f in FIELDS}
WEBSITE_KEYS: tuple[str, ...] = tuple(k for k in FIELD_BY_KEY if k.startswith("website."))

# Static text of the sheet: (cell, text, merged range or None). Columns A..G, like the notice.
LABELS: tuple[tuple[str, str, str | None], ...] = (
    ("A1", FORM_TITLE, "A1:G1"),
    ("A2", "单位名称", None),
    ("E2", "单位代码", None),
    ("A3", "单位地址", None),
    ("A4", "人员", None),
    *((f"{col}4", label, None) for _, label, col, _ in _CONTACT_COLUMNS),
    *((f"A{row}", label, None) for _, label, row in _CONTACT_ROWS),
    ("A7", "网站情况（无网站请留空）", "A7:G7"),
    ("A8", "网站域名", None),
    ("E8", "网站IP", None),
    ("A9", "数据库", None),
    ("E9", "操作系统", None),
    ("A10", "网站空间", None),
    ("E10", "网站管理员", None),
    ("A11", "网络情况", "A11:G11"),
    ("A12", "接入方式", None),
    ("A13", "应用系统", None),
    ("A14", "网络设备", None),
    (
        "A16",
        "填表说明：手机填11位号码；办公电话如 0731-55600001；QQ填5-11位数字；"
        "多项用顿号（、）分隔；无网站请将网站栏留空。本表含个人联系方式，请妥善保管，勿外传。",
        "A16:G16",
    ),
)
# Input cells that span several columns on the sheet.
MERGED_INPUTS: tuple[str, ...] = (
    "B2:D2", "F2:G2", "B3:G3", "B8:D8", "F8:G8", "B9:D9", "F9:G9", "B10:D10", "F10:G10",
    "B12:G12", "B13:G13", "B14:G14",
)

_MOBILE = re.compile(r"1[3-9]\d{9}")
_OFFICE = re.compile(r"0\d{2,3}-\d{7,8}(?:-\d{1,6})?")
# "0731-55600001", "0731 55600001", "(0731)55600001"; a separator is required because
# "01012345678" could be split two ways.
_OFFICE_LOOSE = re.compile(r"(?:\((0\d{2,3})\)\s*|(0\d{2,3})[\s\-]+)(\d{7,8})(-\d{1,6})?")
_QQ = re.compile(r"[1-9]\d{4,10}")
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_EMAIL = re.compile(rf"[A-Za-z0-9._%+\-]+@(?:{_LABEL}\.)+[a-z]{{2,}}", re.IGNORECASE)
_DOMAIN = re.compile(rf"(?=.{{1,253}}$)(?:{_LABEL}\.)+[a-z][a-z0-9\-]*[a-z0-9]")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """Why one cell of a form is refused."""

    cell: str
    key: str
    message: str


@dataclass(frozen=True, slots=True)
class Change:
    """One inventory field a form changes."""

    key: str
    old: Value
    new: Value


class SiteRow(NamedTuple):
    code: str
    name: str
    domain: str
    ip: str
    hosting: str

    @property
    def present(self) -> bool:
        return bool(self.domain)


class SitePresence(NamedTuple):
    """How many units have a website (the notice's goal: every department)."""

    count: int
    total: int
    rows: tuple[SiteRow, ...]

    @property
    def missing(self) -> tuple[SiteRow, ...]:
        return tuple(r for r in self.rows if not r.present)


def _s(value: Any) -> str:
    return "" if value is None else str(value).strip()


def survey_from_mapping(data: Mapping[str, Any] | None) -> Survey:
    """A `Survey` from the `data.survey` mapping of hosts.yaml (missing keys = empty)."""
    data = data or {}

    def contact(d: Any) -> Contact:
        d = d if isinstance(d, Mapping) else {}
        return Contact(**{a: _s(d.get(a)) for a, *_ in _CONTACT_COLUMNS})

    site = data.get("website")
    website = (
        Website(**{k.split(".", 1)[1]: _s(site.get(k.split(".", 1)[1])) for k in WEBSITE_KEYS})
        if isinstance(site, Mapping)
        else None
    )
    return Survey(
        address=_s(data.get("address")),
        leader=contact(data.get("leader")),
        it_staff=contact(data.get("it_staff")),
        website=website,
        access=_s(data.get("access")),
        applications=tuple(_s(a) for a in data.get("applications") or () if _s(a)),
        devices=tuple(_s(a) for a in data.get("devices") or () if _s(a)),
    )


def flatten_survey(survey: Survey) -> dict[str, Value]:
    """The survey as form keys -> values (`leader.mobile` -> '138...'); no website = ''."""
    out: dict[str, Value] = {"address": survey.address}
    for who, _, _ in _CONTACT_ROWS:
        c: Contact = getattr(survey, who)
        for attr, *_ in _CONTACT_COLUMNS:
            out[f"{who}.{attr}"] = getattr(c, attr)
    for key in WEBSITE_KEYS:
        out[key] = getattr(survey.website, key.split(".", 1)[1]) if survey.website else ""
    out["access"] = survey.access
    out["applications"] = tuple(survey.applications)
    out["devices"] = tuple(survey.devices)
    return out


def cell_text(value: Value) -> str:
    """What the template writes into a cell: lists joined with 、."""
    return LIST_JOIN.join(value) if isinstance(value, tuple) else value


def _raw_to_str(raw: Any) -> str:
    """Cell content as text: Excel turns a typed 13612343751 into a number, undo that."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _normalize(field: FormField, text: str) -> tuple[Value, str | None]:
    """(normalized value, problem or None) for one non-empty cell."""
    if any(ord(ch) < 32 and ch != "\n" for ch in text):
        return text, "contains control characters"
    if field.kind == "list":
        items = tuple(i.strip() for i in _LIST_SPLIT.split(text) if i.strip())
        too_long = next((i for i in items if len(i) > MAX_TEXT), None)
        return items, f"item longer than {MAX_TEXT} characters" if too_long else None
    if "\n" in text:
        return text, "must be on one line"
    if len(text) > MAX_TEXT:
        return text, f"longer than {MAX_TEXT} characters"
    if field.kind == "mobile":
        v = re.sub(r"[\s\-]", "", text)
        v = re.sub(r"^\+?86(?=1\d{10}$)", "", v)
        ok = _MOBILE.fullmatch(v)
        return v, None if ok else "not a mobile number (11 digits starting 13-19)"
    if field.kind == "office_phone":
        m = _OFFICE_LOOSE.fullmatch(re.sub(r"[—－–]", "-", text))
        v = f"{m.group(1) or m.group(2)}-{m.group(3)}{m.group(4) or ''}" if m else text
        ok = _OFFICE.fullmatch(v)
        return v, None if ok else "not an office phone (area code-number, e.g. 0731-55600001)"
    if field.kind == "qq":
        ok = _QQ.fullmatch(text)
        return text, None if ok else "not a QQ number (5-11 digits, no leading 0)"
    if field.kind == "email":
        ok = _EMAIL.fullmatch(text)
        return text, None if ok else "not an e-mail address"
    if field.kind == "domain":
        v = re.sub(r"^https?://", "", text.lower()).rstrip("/").rstrip(".")
        ok = _DOMAIN.fullmatch(v) and "/" not in v
        return v, None if ok else "not a domain name (e.g. swb.shaoshan.gov.cn)"
    if field.kind == "ip":
        try:
            return str(ipaddress.IPv4Address(text)), None
        except ValueError:
            return text, "not an IPv4 address"
    return text, None


def read_form(
    cells: Mapping[str, Any], subnet: str | None
) -> tuple[dict[str, Value], list[FieldProblem]]:
    """Validate a form's input cells (cell -> raw value) into form keys -> normalized values.

    `subnet` is the unit's public-zone subnet from its plan: a website must live there
    (the county site cluster serves each unit from its own public subnet).
    """
    values: dict[str, Value] = {}
    problems: list[FieldProblem] = []
    for f in FIELDS:
        text = _raw_to_str(cells.get(f.cell))
        if not text:
            values[f.key] = () if f.kind == "list" else ""
            continue
        value, problem = _normalize(f, text)
        values[f.key] = value
        if problem:
            problems.append(FieldProblem(f.cell, f.key, problem))
    bad = {p.key for p in problems}
    if any(values[k] for k in WEBSITE_KEYS) and not values["website.domain"]:
        msg = "a website needs its domain (or leave the whole section empty)"
        problems.append(FieldProblem(FIELD_BY_KEY["website.domain"].cell, "website.domain", msg))
    ip = values["website.ip"]
    if ip and "website.ip" not in bad:
        problem = _ip_problem(str(ip), subnet)
        if problem:
            problems.append(FieldProblem(FIELD_BY_KEY["website.ip"].cell, "website.ip", problem))
    for who, label, _ in _CONTACT_ROWS:
        details = [values[f"{who}.{a}"] for a in ("mobile", "office_phone", "qq", "email")]
        if any(details) and not values[f"{who}.name"]:
            msg = f"{label} has contact details but no name"
            problems.append(FieldProblem(FIELD_BY_KEY[f"{who}.name"].cell, f"{who}.name", msg))
    problems.sort(key=lambda p: [f.cell for f in FIELDS].index(p.cell))
    return values, problems


def _ip_problem(ip: str, public_subnet: str | None) -> str | None:
    if not public_subnet:
        return "the unit has no public subnet in its plan to check the website IP against"
    net = ipaddress.IPv4Network(public_subnet, strict=False)
    addr = ipaddress.IPv4Address(ip)
    if addr not in net:
        return f"{ip} is outside the unit's public subnet {net}"
    if addr in (net.network_address, net.broadcast_address):
        return f"{ip} is the network or broadcast address of {net}"
    if addr == net.network_address + 1:
        return f"{ip} is the gateway of {net} (on the core), not a server"
    return None


def build_update(current: Mapping[str, Value], form: Mapping[str, Value]) -> tuple[Change, ...]:
    """The fields whose form value differs from the inventory's, in form order."""
    return tuple(
        Change(f.key, current.get(f.key, "" if f.kind != "list" else ()), form[f.key])
        for f in FIELDS
        if f.key in form and form[f.key] != current.get(f.key, "" if f.kind != "list" else ())
    )


def mask_value(key: str, value: Value) -> Value:
    """A field's value fit for a report: contact data masked by kind."""
    field = FIELD_BY_KEY.get(key)
    if field is None or isinstance(value, tuple) or not value:
        return value
    if field.kind in ("mobile", "office_phone"):
        return mask_phone(value)
    if field.kind == "qq":
        return mask_qq(value)
    if field.kind == "email":
        return mask_email(value)
    return value


def _show(key: str, value: Value, show_contacts: bool) -> str:
    v = value if show_contacts else mask_value(key, value)
    text = cell_text(v)
    return repr(text) if text else "(empty)"


def format_changes(changes: Iterable[Change], show_contacts: bool = False) -> list[str]:
    """One line per changed field: `leader.mobile: 138****0001 -> 136****3751`."""
    return [
        f"{c.key}: {_show(c.key, c.old, show_contacts)} -> {_show(c.key, c.new, show_contacts)}"
        for c in changes
    ]


def format_problem_value(key: str, raw: Any, show_contacts: bool = False) -> str:
    """The offending value for an error line; contact data masked like everywhere else."""
    text = _raw_to_str(raw)
    return text if show_contacts else str(mask_value(key, text))


def website_presence(network: Network) -> SitePresence:
    """Which units have a website (for `units --websites`): count, total and one row per unit."""
    rows = tuple(
        SiteRow(
            u.code,
            u.name,
            u.survey.website.domain if u.survey.website else "",
            u.survey.website.ip if u.survey.website else "",
            u.survey.website.hosting if u.survey.website else "",
        )
        for u in network.units
    )
    return SitePresence(sum(r.present for r in rows), len(rows), rows)


def public_subnet(network: Network, code: str) -> str | None:
    """The unit's public-zone subnet from its plan, where its website must live."""
    plan = network.plans.get(code)
    if plan is None:
        return None
    return next((z.subnet for z in plan.zones if z.zone == "public"), None)
