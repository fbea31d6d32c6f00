"""The withholding report in the finance bureau's formats: table, CSV, JSON and an xlsx workbook.

Renders a `costs.CostReport` and computes nothing itself, so every format shows the same fen.
Outputs are built in memory (str or bytes); the caller writes them atomically. No contact data:
a cost report names units, never people. openpyxl is imported only for xlsx.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shaoshan_net.costs import Amounts, CostReport, Subtotals

CENT = Decimal("0.01")
LOCATION_LABELS: dict[str, str] = {"in_building": "楼内", "outside": "楼外"}
SUBTOTAL_LABELS: dict[str, str] = {
    "in_building": "楼内单位小计",
    "outside": "楼外单位小计",
    "township": "其中：乡镇小计",
    "county": "全市合计（统一支付电信）",
}
SCHEDULE_HEADERS: tuple[str, ...] = (
    "年度",
    "单位代码",
    "单位名称",
    "位置",
    "线路数",
    "月数",
    "单价",
    "光纤费用",
    "交换机费用",
    "代扣合计",
)
MONEY_FORMAT = "#,##0.00"
RULE_TEXT = (
    "合同年度自每条线路开通之月起算（1日开通当月计入，其他日期自次月起算）；"
    "跨两个财政年度的合同年度按整月拆分：前一年度付 单价×月数÷12（四舍五入到分），"
    "后一年度付该合同年度余额；交换机费用在单位首条线路开通年度一次性代扣。"
)


def subtotal_labels(report: CostReport) -> dict[str, str]:
    """The row labels; a filtered report's total is not the county's, so it says what it is."""
    if not report.scope:
        return SUBTOTAL_LABELS
    return {**SUBTOTAL_LABELS, "county": f"合计（{report.scope}）"}


def money(value: Decimal) -> str:
    """Exact fen as text, the JSON/CSV representation of money."""
    return str(value.quantize(CENT))


def location_label(location: str, township: bool) -> str:
    return LOCATION_LABELS.get(location, location) + ("（乡镇）" if township else "")


def rates_label(rates: Sequence[int]) -> str:
    return "/".join(str(r) for r in rates)


# --------------------------------------------------------------------------- JSON / CSV


def _amounts_json(a: Amounts) -> dict[str, Any]:
    return {
        "lines": a.lines,
        "months": a.months,
        "fiber": money(a.fiber),
        "switch": money(a.switch),
        "total": money(a.total),
    }


def _subtotals_json(s: Subtotals) -> dict[str, Any]:
    return {key: _amounts_json(getattr(s, key)) for key in SUBTOTAL_LABELS}


def to_data(report: CostReport) -> dict[str, Any]:
    """The report as plain JSON types; money as exact decimal strings ("1458.33")."""
    return {
        "currency": report.currency,
        "scope": report.scope or "county",
        "years": list(report.years),
        "schedule": [
            {
                "fiscal_year": fy.year,
                "units": [
                    {
                        "unit_id": r.unit_id,
                        "code": r.code,
                        "name": r.name,
                        "location": r.location,
                        "township": r.township,
                        "rates": list(r.rates),
                        **_amounts_json(r.amounts),
                    }
                    for r in fy.rows
                ],
                "subtotals": _subtotals_json(fy.subtotals),
            }
            for fy in report.fiscal_years
        ],
        "summary": {
            "units": [
                {
                    "unit_id": s.unit_id,
                    "code": s.code,
                    "name": s.name,
                    "location": s.location,
                    "township": s.township,
                    "by_year": {str(y): money(v) for y, v in sorted(s.by_year.items())},
                    **_amounts_json(s.amounts),
                }
                for s in report.summary
            ],
            "subtotals": _subtotals_json(report.subtotals),
        },
        "total": money(report.total),
    }


def to_json(report: CostReport) -> str:
    return json.dumps(to_data(report), ensure_ascii=False, indent=2) + "\n"


CSV_FIELDS: tuple[str, ...] = (
    "section",
    "fiscal_year",
    "code",
    "name",
    "location",
    "township",
    "lines",
    "months",
    "rates",
    "fiber",
    "switch",
    "total",
)


def _csv_rows(report: CostReport) -> Iterator[dict[str, Any]]:
    labels = subtotal_labels(report)
    span = f"{report.years[0]}-{report.years[-1]}" if report.years else ""
    for fy in report.fiscal_years:
        for r in fy.rows:
            yield {
                "section": "schedule",
                "fiscal_year": fy.year,
                "code": r.code,
                "name": r.name,
                "location": r.location,
                "township": int(r.township),
                "rates": rates_label(r.rates),
                **_amounts_json(r.amounts),
            }
        for key in SUBTOTAL_LABELS:
            yield {
                "section": "schedule",
                "fiscal_year": fy.year,
                "code": f"[{key}]",
                "name": labels[key],
                **_amounts_json(getattr(fy.subtotals, key)),
            }
    for s in report.summary:
        yield {
            "section": "summary",
            "fiscal_year": span,
            "code": s.code,
            "name": s.name,
            "location": s.location,
            "township": int(s.township),
            **_amounts_json(s.amounts),
        }
    for key in SUBTOTAL_LABELS:
        yield {
            "section": "summary",
            "fiscal_year": span,
            "code": f"[{key}]",
            "name": labels[key],
            **_amounts_json(getattr(report.subtotals, key)),
        }


def to_csv(report: CostReport) -> str:
    """One flat table: schedule rows per unit and fiscal year, then the summary; subtotal rows
    carry a bracketed code ([in_building], [outside], [township], [county])."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in _csv_rows(report):
        writer.writerow(row)
    return buf.getvalue()


# --------------------------------------------------------------------------- text table


def display_width(text: str) -> int:
    """Columns on a terminal: CJK (wide/fullwidth) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(CENT):,}"


@dataclass(frozen=True, slots=True)
class TextTable:
    """Rows of display strings with a title; rendered plain or with rich."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: tuple[bool, ...]
    emphasis: tuple[bool, ...]  # subtotal/total rows

    def plain(self) -> str:
        widths = [display_width(h) for h in self.headers]
        for row in self.rows:
            widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
        sep = "  "
        lines = [
            self.title,
            sep.join(
                _pad(h, w, r) for h, w, r in zip(self.headers, widths, self.right, strict=True)
            ).rstrip(),
            sep.join("-" * w for w in widths),
        ]
        previous = False
        for row, strong in zip(self.rows, self.emphasis, strict=True):
            if strong and not previous:
                lines.append(sep.join("-" * w for w in widths))
            previous = strong
            lines.append(
                sep.join(
                    _pad(c, w, r) for c, w, r in zip(row, widths, self.right, strict=True)
                ).rstrip()
            )
        return "\n".join(lines) + "\n"


def _amount_cells(a: Amounts) -> tuple[str, ...]:
    return (_yuan(a.fiber), _yuan(a.switch), _yuan(a.total))


def schedule_tables(report: CostReport) -> list[TextTable]:
    """One table per fiscal year: unit rows, then the subtotals and the county total."""
    headers = SCHEDULE_HEADERS[1:]
    right = (False, False, False, True, True, True, True, True, True)
    tables = []
    labels = subtotal_labels(report)
    for fy in report.fiscal_years:
        rows: list[tuple[str, ...]] = []
        strong: list[bool] = []
        for r in fy.rows:
            rows.append(
                (
                    r.code,
                    r.name,
                    location_label(r.location, r.township),
                    str(r.amounts.lines),
                    str(r.amounts.months),
                    rates_label(r.rates),
                    *_amount_cells(r.amounts),
                )
            )
            strong.append(False)
        for key, label in labels.items():
            a: Amounts = getattr(fy.subtotals, key)
            rows.append(("", label, "", str(a.lines), str(a.months), "", *_amount_cells(a)))
            strong.append(True)
        tables.append(
            TextTable(
                f"{fy.year}年度 财政代扣明细 (fiscal year {fy.year}, yuan)"
                + (f" — {report.scope}" if report.scope else ""),
                headers,
                tuple(rows),
                right,
                tuple(strong),
            )
        )
    return tables


def summary_table(report: CostReport) -> TextTable:
    """Per unit over all reported fiscal years, with one column per year."""
    years = report.years
    headers = (
        "单位代码",
        "单位名称",
        "位置",
        "线路数",
        *(f"{y}" for y in years),
        "光纤费用",
        "交换机费用",
        "代扣合计",
    )
    right = (False, False, False, True, *(True for _ in years), True, True, True)
    rows: list[tuple[str, ...]] = []
    strong: list[bool] = []
    for s in report.summary:
        rows.append(
            (
                s.code,
                s.name,
                location_label(s.location, s.township),
                str(s.amounts.lines),
                *(_yuan(s.by_year.get(y, Decimal(0))) for y in years),
                *_amount_cells(s.amounts),
            )
        )
        strong.append(False)
    by_key = {key: {y: Decimal(0) for y in years} for key in SUBTOTAL_LABELS}
    for fy in report.fiscal_years:
        for key in SUBTOTAL_LABELS:
            by_key[key][fy.year] = getattr(fy.subtotals, key).total
    for key, label in subtotal_labels(report).items():
        a: Amounts = getattr(report.subtotals, key)
        rows.append(
            (
                "",
                label,
                "",
                str(a.lines),
                *(_yuan(by_key[key][y]) for y in years),
                *_amount_cells(a),
            )
        )
        strong.append(True)
    span = f"{years[0]}–{years[-1]}" if years else ""
    return TextTable(
        f"合同期汇总 {span} (summary per unit, yuan)", headers, tuple(rows), right, tuple(strong)
    )


def report_tables(report: CostReport, with_summary: bool) -> list[TextTable]:
    tables = schedule_tables(report)
    if with_summary:
        tables.append(summary_table(report))
    return tables


def to_text(report: CostReport, with_summary: bool = True) -> str:
    """Plain aligned text (for pipes, files and cron mail)."""
    if not report.fiscal_years or not any(fy.rows for fy in report.fiscal_years):
        return f"nothing to withhold in {', '.join(map(str, report.years)) or 'any year'}\n"
    return "\n".join(t.plain() for t in report_tables(report, with_summary))


def print_rich(report: CostReport, with_summary: bool = True) -> None:
    """The same tables drawn by rich, for a terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not report.fiscal_years or not any(fy.rows for fy in report.fiscal_years):
        console.print(to_text(report, with_summary), end="")
        return
    for t in report_tables(report, with_summary):
        table = Table(title=t.title, title_justify="left")
        for h, r in zip(t.headers, t.right, strict=True):
            table.add_column(h, justify="right" if r else "left", no_wrap=True)
        for i, (row, strong) in enumerate(zip(t.rows, t.emphasis, strict=True)):
            closes = not strong and i + 1 < len(t.rows) and t.emphasis[i + 1]
            table.add_row(*row, style="bold" if strong else None, end_section=closes)
        console.print(table)


# --------------------------------------------------------------------------- xlsx


def to_xlsx(report: CostReport, per_year_sheets: bool = False) -> bytes:
    """The finance bureau's workbook: 汇总 (summary), 代扣明细 (schedule), 说明 (rules), and
    with `per_year_sheets` one sheet per fiscal year. Totals are values; check rows hold
    formulas that Excel shows as 0 when the values match the sums."""
    from openpyxl import Workbook

    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    _summary_sheet(summary, report)
    _schedule_sheet(wb.create_sheet("代扣明细"), report, report.fiscal_years)
    if per_year_sheets:
        for fy in report.fiscal_years:
            _schedule_sheet(wb.create_sheet(f"{fy.year}年度"), report, (fy,))
    notes = wb.create_sheet("说明")
    for row in (
        ("项目", "内容"),
        ("币种", report.currency),
        ("金额单位", "元"),
        ("报表年度", ", ".join(str(y) for y in report.years)),
        ("全市合计", report.total),
        ("计费规则", RULE_TEXT),
        ("校验行", "校验 = 合计值 − 明细之和，应为 0"),
    ):
        notes.append(row)
    notes["B5"].number_format = MONEY_FORMAT
    _finish(notes, freeze="A2", wrap_max=60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _summary_sheet(ws: Any, report: CostReport) -> None:
    years = report.years
    headers = [
        "单位代码",
        "单位名称",
        "位置",
        "线路数",
        *(f"{y}年度" for y in years),
        "光纤费用",
        "交换机费用",
        "代扣合计",
    ]
    ws.append(headers)
    first = 2
    for s in report.summary:
        ws.append(
            [
                s.code,
                s.name,
                location_label(s.location, s.township),
                s.amounts.lines,
                *(s.by_year.get(y, Decimal(0)) for y in years),
                s.amounts.fiber,
                s.amounts.switch,
                s.amounts.total,
            ]
        )
    last = ws.max_row
    by_key = {key: {y: Decimal(0) for y in years} for key in SUBTOTAL_LABELS}
    for fy in report.fiscal_years:
        for key in SUBTOTAL_LABELS:
            by_key[key][fy.year] = getattr(fy.subtotals, key).total
    strong = []
    for key, label in subtotal_labels(report).items():
        a: Amounts = getattr(report.subtotals, key)
        ws.append(
            ["", label, "", a.lines, *(by_key[key][y] for y in years), a.fiber, a.switch, a.total]
        )
        strong.append(ws.max_row)
    county_row = ws.max_row
    money_cols = range(5, len(headers) + 1)
    check = ["", "校验（全市合计−各单位之和，应为0）", "", None]
    check += [f"={_col(c)}{county_row}-SUM({_col(c)}{first}:{_col(c)}{last})" for c in money_cols]
    ws.append(check)
    year_cols = f"{_col(5)}{county_row}:{_col(4 + len(years))}{county_row}"
    ws.append(
        [
            "",
            "校验（各年度之和−代扣合计，应为0）",
            "",
            None,
            *([None] * (len(headers) - 5)),
            f"=SUM({year_cols})-{_col(len(headers))}{county_row}",
        ]
    )
    strong += [ws.max_row - 1, ws.max_row]
    _format(ws, money_cols=money_cols, int_cols=(4,), strong_rows=strong)
    _finish(ws, freeze="C2")


def _schedule_sheet(ws: Any, report: CostReport, years: Sequence[Any]) -> None:
    """Blocks per fiscal year: unit rows, subtotals, the year's total, a check row; then, for
    more than one year, the grand total and its check."""
    ws.append(list(SCHEDULE_HEADERS))
    strong: list[int] = []
    year_total_rows: list[int] = []
    for fy in years:
        first = ws.max_row + 1
        for r in fy.rows:
            single = r.rates[0] if len(r.rates) == 1 else rates_label(r.rates)
            ws.append(
                [
                    fy.year,
                    r.code,
                    r.name,
                    location_label(r.location, r.township),
                    r.amounts.lines,
                    r.amounts.months,
                    single,
                    r.amounts.fiber,
                    r.amounts.switch,
                    r.amounts.total,
                ]
            )
        last = ws.max_row
        for key, label in subtotal_labels(report).items():
            a: Amounts = getattr(fy.subtotals, key)
            ws.append([fy.year, "", label, "", a.lines, a.months, None, a.fiber, a.switch, a.total])
            strong.append(ws.max_row)
        total_row = ws.max_row
        year_total_rows.append(total_row)
        ws.append(
            [
                fy.year,
                "",
                "校验（本年度合计−明细之和，应为0）",
                "",
                None,
                None,
                None,
                *(f"={c}{total_row}-SUM({c}{first}:{c}{last})" for c in "HIJ"),
            ]
        )
        strong.append(ws.max_row)
    if len(years) > 1:
        grand = report.subtotals.county
        ws.append(
            [
                "",
                "",
                "全部年度合计",
                "",
                None,
                grand.months,
                None,
                grand.fiber,
                grand.switch,
                grand.total,
            ]
        )
        grand_row = ws.max_row
        ws.append(
            [
                "",
                "",
                "校验（全部年度合计−各年度合计之和，应为0）",
                "",
                None,
                None,
                None,
                *(
                    f"={c}{grand_row}-(" + "+".join(f"{c}{r}" for r in year_total_rows) + ")"
                    for c in "HIJ"
                ),
            ]
        )
        strong += [grand_row, ws.max_row]
    _format(ws, money_cols=(8, 9, 10), int_cols=(5, 6, 7), strong_rows=strong)
    _finish(ws, freeze="A2")


def _format(
    ws: Any, money_cols: Sequence[int] | range, int_cols: Sequence[int], strong_rows: Sequence[int]
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.column in money_cols:
                cell.number_format = MONEY_FORMAT
            elif cell.column in int_cols:
                cell.number_format = "#,##0"
    for r in strong_rows:
        for cell in ws[r]:
            cell.font = bold


def _finish(ws: Any, freeze: str, wrap_max: int = 0) -> None:
    """Frozen header and column widths that fit the longest shown value (CJK counts double)."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            value = cell.value
            if isinstance(value, str) and value.startswith("="):
                text = "0.00"
            elif isinstance(value, Decimal):
                text = _yuan(value)
            else:
                text = str(value)
            widths[cell.column] = max(widths.get(cell.column, 0), display_width(text))
    for col, width in widths.items():
        if wrap_max:
            width = min(width, wrap_max)
        ws.column_dimensions[_col(col)].width = width + 3
    if wrap_max:
        from openpyxl.styles import Alignment

        for row in ws.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = freeze
