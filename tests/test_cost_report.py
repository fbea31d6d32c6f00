"""The report formats: every one shows the same fen; the workbook reads back as the JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from shaoshan_net import cost_report, costs
from shaoshan_net.model import Network
from tests.test_costs import RATES, make_unit

UNITS = [
    make_unit("ib", "in_building", unit_id=1),
    make_unit("ib2", "in_building", unit_id=2, activated=(date(2012, 7, 1), date(2012, 7, 1))),
    make_unit("out", "outside", unit_id=3, activated=(date(2012, 8, 1),)),
    make_unit("twn", "outside", unit_id=4, township=True),
]


@pytest.fixture(scope="module")
def report() -> costs.CostReport:
    return costs.build_report(UNITS, RATES)


def fen(value: Any) -> Decimal:
    """A cell or JSON value as exact fen (openpyxl hands numbers back as int/float)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_json_money_is_exact_decimal_text(report: costs.CostReport) -> None:
    data = json.loads(cost_report.to_json(report))
    out = next(u for u in data["summary"]["units"] if u["code"] == "out")
    assert out["by_year"]["2012"] == "10390.33"  # 1458.33 fiber + 8932 switch
    assert data["total"] == "113628.00"


def test_json_total_is_hand_computed_sum(report: costs.CostReport) -> None:
    data = json.loads(cost_report.to_json(report))
    expected = 22_232 + (2 * 13_300 + 8_932) + 27_932 + 27_932
    assert Decimal(data["total"]) == expected


def test_json_subtotals_split_in_building_outside_townships(report: costs.CostReport) -> None:
    sub = json.loads(cost_report.to_json(report))["summary"]["subtotals"]
    assert sub["in_building"]["total"] == "57764.00"  # 22232 + 35532
    assert sub["outside"]["total"] == "55864.00"
    assert sub["township"]["total"] == "27932.00"
    assert sub["county"]["total"] == "113628.00"


def test_csv_county_rows_add_up_to_the_summary_total(report: costs.CostReport) -> None:
    rows = list(csv.DictReader(io.StringIO(cost_report.to_csv(report))))
    per_year = [r for r in rows if r["section"] == "schedule" and r["code"] == "[county]"]
    summary = next(r for r in rows if r["section"] == "summary" and r["code"] == "[county]")
    assert len(per_year) == len(report.years)
    assert sum(Decimal(r["total"]) for r in per_year) == Decimal(summary["total"]) == report.total


def test_csv_unit_rows_match_the_schedule(report: costs.CostReport) -> None:
    rows = list(csv.DictReader(io.StringIO(cost_report.to_csv(report))))
    got = {
        (r["fiscal_year"], r["code"]): r["total"]
        for r in rows
        if r["section"] == "schedule" and not r["code"].startswith("[")
    }
    want = {
        (str(fy.year), r.code): cost_report.money(r.amounts.total)
        for fy in report.fiscal_years
        for r in fy.rows
    }
    assert got == want


def test_text_table_columns_line_up_with_chinese_names(report: costs.CostReport) -> None:
    table = cost_report.schedule_tables(report)[0].plain().splitlines()
    body = [line for line in table[1:] if not line.startswith("-")]
    widths = {cost_report.display_width(line) for line in body}
    assert len(widths) == 1, table


def test_text_shows_subtotals_and_county_total(report: costs.CostReport) -> None:
    text = cost_report.to_text(report)
    for label in cost_report.SUBTOTAL_LABELS.values():
        assert label in text
    assert "113,628.00" in text


def test_text_for_a_year_without_charges_says_so() -> None:
    empty = costs.build_report(UNITS, RATES, years=[2030])
    assert cost_report.to_text(empty) == "nothing to withhold in 2030\n"


def test_text_without_summary_has_only_the_year(report: costs.CostReport) -> None:
    one = costs.build_report(UNITS, RATES, years=[2013])
    text = cost_report.to_text(one, with_summary=False)
    assert "2013年度" in text and "合同期汇总" not in text


# --------------------------------------------------------------------------- xlsx


def workbook(report: costs.CostReport, per_year: bool = False) -> Any:
    return load_workbook(io.BytesIO(cost_report.to_xlsx(report, per_year_sheets=per_year)))


def schedule_rows(ws: Any) -> dict[tuple[int, str], tuple[Any, ...]]:
    """Unit rows of a schedule sheet: (year, code) -> (lines, months, fiber, switch, total)."""
    out = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        year, code = row[0], row[1]
        if isinstance(year, int) and code:
            out[(year, code)] = (row[4], row[5], fen(row[7]), fen(row[8]), fen(row[9]))
    return out


def json_rows(data: dict[str, Any]) -> dict[tuple[int, str], tuple[Any, ...]]:
    return {
        (fy["fiscal_year"], u["code"]): (
            u["lines"],
            u["months"],
            fen(u["fiber"]),
            fen(u["switch"]),
            fen(u["total"]),
        )
        for fy in data["schedule"]
        for u in fy["units"]
    }


def test_xlsx_schedule_reads_back_as_the_json(report: costs.CostReport) -> None:
    data = json.loads(cost_report.to_json(report))
    assert schedule_rows(workbook(report)["代扣明细"]) == json_rows(data)


def test_xlsx_subtotal_rows_read_back_as_the_json(report: costs.CostReport) -> None:
    data = json.loads(cost_report.to_json(report))
    ws = workbook(report)["代扣明细"]
    labels = {v: k for k, v in cost_report.SUBTOTAL_LABELS.items()}
    got = {
        (r[0], labels[r[2]]): fen(r[9])
        for r in ws.iter_rows(min_row=2, values_only=True)
        if r[2] in labels
    }
    want = {
        (fy["fiscal_year"], k): fen(v["total"])
        for fy in data["schedule"]
        for k, v in fy["subtotals"].items()
    }
    assert got == want


def test_xlsx_summary_reads_back_as_the_json(report: costs.CostReport) -> None:
    data = json.loads(cost_report.to_json(report))
    ws = workbook(report)["汇总"]
    header = [c.value for c in ws[1]]
    got = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0]:
            by_year = {
                h[:4]: fen(v) for h, v in zip(header, row, strict=True) if h.endswith("年度") and v
            }
            got[row[0]] = (by_year, fen(row[-3]), fen(row[-2]), fen(row[-1]))
    want = {
        u["code"]: (
            {y: fen(v) for y, v in u["by_year"].items()},
            fen(u["fiber"]),
            fen(u["switch"]),
            fen(u["total"]),
        )
        for u in data["summary"]["units"]
    }
    assert got == want


def evaluate(ws: Any, formula: str) -> Decimal:
    """Just enough of Excel for our check rows: cell refs, SUM(A1:A9), +, -, parentheses."""
    from openpyxl.utils import column_index_from_string

    def cell(ref: str) -> Decimal:
        value = ws[ref].value
        return Decimal(str(value)) if value is not None else Decimal(0)

    def total(match: re.Match[str]) -> str:
        c1, r1, c2, r2 = match.groups()
        s = Decimal(0)
        for col in range(column_index_from_string(c1), column_index_from_string(c2) + 1):
            for r in range(int(r1), int(r2) + 1):
                value = ws.cell(row=r, column=col).value
                s += Decimal(str(value)) if value is not None else 0
        return f"Decimal('{s}')"

    expr = re.sub(r"SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)", total, formula.lstrip("="))
    expr = re.sub(r"(?<!')\b([A-Z]+\d+)\b", lambda m: f"Decimal('{cell(m.group(1))}')", expr)
    assert re.fullmatch(r"[\sDecimal()'0-9.+\-]*", expr), expr
    return eval(expr, {"Decimal": Decimal})  # only Decimal literals and + - ( ) remain


def formulas(wb: Any) -> list[tuple[Any, str]]:
    return [
        (ws, c.value)
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]


def test_xlsx_check_rows_evaluate_to_zero(report: costs.CostReport) -> None:
    found = formulas(workbook(report, per_year=True))
    assert len(found) > 10
    assert [(ws.title, f) for ws, f in found if evaluate(ws, f) != 0] == []


def test_xlsx_check_row_catches_a_wrong_total(report: costs.CostReport) -> None:
    wb = workbook(report)
    ws = wb["汇总"]
    county = next(
        r
        for r in range(1, ws.max_row + 1)
        if ws.cell(row=r, column=2).value == cost_report.SUBTOTAL_LABELS["county"]
    )
    ws.cell(row=county, column=ws.max_column).value += 1
    assert any(evaluate(w, f) != 0 for w, f in formulas(wb) if w.title == "汇总")


def test_xlsx_has_chinese_headers_frozen(report: costs.CostReport) -> None:
    ws = workbook(report)["代扣明细"]
    assert [c.value for c in ws[1]] == list(cost_report.SCHEDULE_HEADERS)
    for name in (
        "单位名称",
        "位置",
        "线路数",
        "年度",
        "月数",
        "单价",
        "光纤费用",
        "交换机费用",
        "代扣合计",
    ):
        assert name in cost_report.SCHEDULE_HEADERS
    assert ws.freeze_panes == "A2"


def test_xlsx_money_cells_use_the_yuan_format(report: costs.CostReport) -> None:
    ws = workbook(report)["代扣明细"]
    money = [ws.cell(row=r, column=c) for r in range(2, ws.max_row + 1) for c in (8, 9, 10)]
    assert {c.number_format for c in money} == {cost_report.MONEY_FORMAT}


def test_xlsx_column_widths_fit_names(report: costs.CostReport) -> None:
    ws = workbook(report)["代扣明细"]
    longest = max(
        cost_report.display_width(str(ws.cell(row=r, column=3).value or ""))
        for r in range(1, ws.max_row + 1)
    )
    assert ws.column_dimensions["C"].width >= longest


def test_xlsx_per_year_sheets_only_when_asked(report: costs.CostReport) -> None:
    assert workbook(report).sheetnames == ["汇总", "代扣明细", "说明"]
    per_year = workbook(report, per_year=True).sheetnames
    assert per_year[2:-1] == [f"{y}年度" for y in report.years]


def test_xlsx_year_sheet_holds_that_year_only(report: costs.CostReport) -> None:
    wb = workbook(report, per_year=True)
    rows = schedule_rows(wb["2014年度"])
    assert rows and {year for year, _ in rows} == {2014}
    assert rows == {k: v for k, v in schedule_rows(wb["代扣明细"]).items() if k[0] == 2014}


def test_shipped_county_xlsx_reads_back_as_json(network: Network) -> None:
    report = costs.build_report(network.units, network.costs)
    data = json.loads(cost_report.to_json(report))
    assert schedule_rows(workbook(report)["代扣明细"]) == json_rows(data)
    assert data["total"] == "1675548.00"  # 42*27932 + 22*22232 + one extra in-building line 13300
