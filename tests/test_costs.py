"""The cost model against the notice's figures, hand-computed here."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shaoshan_net import costs
from shaoshan_net.errors import InputError
from shaoshan_net.model import CostRates, FiberLine, Network, RateBand, Survey, Unit

RATES = CostRates(
    contract_start=date(2012, 7, 1),
    contract_years=5,
    bands=(RateBand(1, 2, 2300, 3500), RateBand(3, 5, 2900, 4000)),
    switch_price=8932,
    proration="whole_months",
    renewal=None,
)


def make_unit(
    code: str = "u1",
    location: str = "outside",
    activated: tuple[date, ...] = (date(2012, 7, 1),),
    unit_id: int = 1,
    township: bool = False,
) -> Unit:
    groups = (location, "township") if township else (location,)
    return Unit(
        unit_id=unit_id,
        code=code,
        name=f"单位{code}",
        location=location,  # type: ignore[arg-type]
        category="B",
        platform="huawei_vrp",
        groups=groups,
        lines=tuple(FiberLine(f"C-{code}-{i}", d) for i, d in enumerate(activated)),
        dedicated=None,
        survey=Survey(),
    )


def unit_total(unit: Unit, rates: CostRates = RATES) -> Decimal:
    report = costs.build_report([unit], rates)
    return report.total


def test_outside_unit_from_contract_start_pays_27932() -> None:
    fiber = 3500 + 3500 + 4000 + 4000 + 4000
    assert fiber == 19_000
    assert unit_total(make_unit(location="outside")) == Decimal(fiber + 8932) == 27_932


def test_in_building_unit_from_contract_start_pays_22232() -> None:
    fiber = 2300 + 2300 + 2900 + 2900 + 2900
    assert fiber == 13_300
    assert unit_total(make_unit(location="in_building")) == Decimal(fiber + 8932) == 22_232


def test_july_line_pays_half_of_each_contract_year_per_fiscal_year() -> None:
    report = costs.build_report([make_unit()], RATES)
    by_year = {fy.year: fy.subtotals.county for fy in report.fiscal_years}
    assert sorted(by_year) == [2012, 2013, 2014, 2015, 2016, 2017]
    assert by_year[2012].fiber == Decimal(1750) and by_year[2012].switch == Decimal(8932)
    assert by_year[2013].fiber == Decimal(3500)  # 6 months of year 1 + 6 of year 2
    assert by_year[2014].fiber == Decimal(1750 + 2000)  # year 2 ends June, year 3 starts July
    assert by_year[2017].fiber == Decimal(2000) and by_year[2017].months == 6


def test_august_line_pays_five_months_of_year_one_rate_in_first_fiscal_year() -> None:
    unit = make_unit(activated=(date(2012, 8, 1),))
    charges = list(costs.contract_charges(unit.lines[0], "outside", RATES))
    first = charges[0]
    assert (first.fiscal_year, first.contract_year, first.months) == (2012, 1, 5)
    assert first.amount == Decimal("1458.33")  # round(3500 * 5 / 12) = 1458.333.. -> 1458.33


def test_august_line_year_two_spans_two_fiscal_years() -> None:
    unit = make_unit(activated=(date(2012, 8, 1),))
    year2 = [
        c for c in costs.contract_charges(unit.lines[0], "outside", RATES) if c.contract_year == 2
    ]
    assert [(c.fiscal_year, c.months, c.amount) for c in year2] == [
        (2013, 5, Decimal("1458.33")),
        (2014, 7, Decimal("2041.67")),
    ]


def test_august_line_fiscal_2013_holds_rest_of_year_one_and_start_of_year_two() -> None:
    report = costs.build_report([make_unit(activated=(date(2012, 8, 1),))], RATES)
    fy2013 = next(fy for fy in report.fiscal_years if fy.year == 2013)
    row = fy2013.rows[0]
    assert row.amounts.fiber == Decimal("2041.67") + Decimal("1458.33") == Decimal(3500)
    assert row.amounts.months == 12 and row.rates == (3500,)


def test_august_line_fiscal_2014_bills_two_rates() -> None:
    report = costs.build_report([make_unit(activated=(date(2012, 8, 1),))], RATES)
    row = next(fy for fy in report.fiscal_years if fy.year == 2014).rows[0]
    assert row.rates == (3500, 4000)
    assert row.amounts.fiber == Decimal("2041.67") + Decimal("1666.67")


def test_mid_month_activation_starts_service_next_month() -> None:
    assert costs.service_start(date(2012, 8, 15)) == (2012, 9)
    assert costs.service_start(date(2012, 12, 2)) == (2013, 1)
    assert costs.service_start(date(2012, 8, 1)) == (2012, 8)


def test_december_activation_after_first_moves_whole_contract_to_next_years() -> None:
    charges = costs.contract_charges(FiberLine("c", date(2012, 12, 20)), "outside", RATES)
    assert [(c.fiscal_year, c.months) for c in charges] == [(y, 12) for y in range(2013, 2018)]


@given(
    st.dates(min_value=date(2012, 1, 1), max_value=date(2040, 12, 31)),
    st.sampled_from(["in_building", "outside"]),
)
def test_proration_never_creates_or_loses_money(activated: date, location: str) -> None:
    charges = costs.contract_charges(FiberLine("c", activated), location, RATES)
    expected = {"in_building": 13_300, "outside": 19_000}[location]
    assert sum(c.amount for c in charges) == Decimal(expected)
    for k in range(1, 6):
        part = [c for c in charges if c.contract_year == k]
        assert sum(c.months for c in part) == 12
        assert sum(c.amount for c in part) == Decimal(costs.rate_for(RATES, location, k) or 0)


@pytest.mark.parametrize("location", ["in_building", "outside"])
def test_every_activation_day_of_a_leap_year_keeps_the_band_sum(location: str) -> None:
    expected = Decimal({"in_building": 13_300, "outside": 19_000}[location])
    day, wrong = date(2012, 1, 1), []
    while day.year == 2012:
        total = sum(c.amount for c in costs.contract_charges(FiberLine("c", day), location, RATES))
        if total != expected:
            wrong.append((day, total))
        day += timedelta(days=1)
    assert wrong == []


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=28))
def test_unit_total_is_band_sum_plus_switch_for_every_activation_month_and_day(
    month: int, day: int
) -> None:
    unit = make_unit(activated=(date(2012, month, day),))
    assert unit_total(unit) == Decimal(27_932)


def test_switch_charged_once_in_first_activation_year() -> None:
    unit = make_unit(activated=(date(2013, 3, 1), date(2012, 9, 1)))
    report = costs.build_report([unit], RATES)
    switch = {fy.year: fy.subtotals.county.switch for fy in report.fiscal_years}
    assert switch[2012] == Decimal(8932)
    assert sum(switch.values()) == Decimal(8932)


def test_two_line_unit_counts_lines_and_line_months() -> None:
    unit = make_unit(location="in_building", activated=(date(2012, 7, 1), date(2012, 7, 1)))
    report = costs.build_report([unit], RATES)
    row = next(fy for fy in report.fiscal_years if fy.year == 2013).rows[0]
    assert (row.amounts.lines, row.amounts.months) == (2, 24)
    assert report.total == Decimal(2 * 13_300 + 8932)


def test_nothing_charged_after_contract_without_renewal() -> None:
    report = costs.build_report([make_unit()], RATES, years=[2018, 2019])
    assert report.total == 0
    assert all(not fy.rows for fy in report.fiscal_years)


def test_renewal_for_year_six_only_bills_year_six() -> None:
    rates = dataclasses.replace(RATES, renewal=RateBand(6, 6, 2900, 4000))
    report = costs.build_report([make_unit()], rates, years=[2018])
    assert report.total == Decimal(2000)  # Jan-Jun 2018 closes year 6; no year 7
    assert [c.contract_year for c in report.fiscal_years[0].rows[0].charges] == [6]


def test_open_ended_renewal_charges_every_later_year() -> None:
    rates = dataclasses.replace(RATES, renewal=RateBand(6, 0, 2900, 4000))
    report = costs.build_report([make_unit()], rates, years=[2030])
    assert report.total == Decimal(4000)


def test_subtotals_split_in_building_outside_and_townships() -> None:
    units = [
        make_unit("a", "in_building", unit_id=1),
        make_unit("b", "outside", unit_id=2),
        make_unit("c", "outside", unit_id=3, township=True),
    ]
    report = costs.build_report(units, RATES)
    s = report.subtotals
    assert s.in_building.total == Decimal(22_232)
    assert s.outside.total == Decimal(2 * 27_932)
    assert s.township.total == Decimal(27_932)
    assert s.county.total == Decimal(22_232 + 2 * 27_932)


def test_totals_reconcile_units_years_and_county() -> None:
    units = [
        make_unit(
            str(i),
            "outside" if i % 2 else "in_building",
            unit_id=i,
            activated=(date(2012, 1 + i % 12, 1 + i % 28),),
        )
        for i in range(1, 30)
    ]
    report = costs.build_report(units, RATES)
    assert costs.reconcile(report) == []
    assert report.total == sum(costs.contract_total(u.location, RATES) + 8932 for u in units)


def test_reconcile_reports_a_tampered_total() -> None:
    report = costs.build_report([make_unit()], RATES)
    s = report.summary[0]
    bad = dataclasses.replace(s, amounts=dataclasses.replace(s.amounts, fiber=Decimal(1)))
    tampered = dataclasses.replace(report, summary=(bad,))
    assert costs.reconcile(tampered)


def test_money_is_decimal_never_float() -> None:
    report = costs.build_report([make_unit(activated=(date(2012, 8, 1),))], RATES)
    for fy in report.fiscal_years:
        for row in fy.rows:
            assert isinstance(row.amounts.fiber, Decimal)
            assert all(isinstance(c.amount, Decimal) for c in row.charges)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((RateBand(1, 2, 2300, 3500), RateBand(4, 5, 2900, 4000)), "gap"),
        ((RateBand(1, 3, 2300, 3500), RateBand(3, 5, 2900, 4000)), "overlap"),
        ((RateBand(1, 2, 2300, 3500), RateBand(3, 4, 2900, 4000)), "cover"),
        ((RateBand(2, 5, 2300, 3500),), "gap"),
    ],
)
def test_bad_bands_are_refused(bands: tuple[RateBand, ...], message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        costs.check_rates(dataclasses.replace(RATES, bands=bands))
    assert "costs.yaml" in str(err.value) and "\n" not in str(err.value)


def test_negative_rate_is_refused() -> None:
    bands = (RateBand(1, 2, 2300, -3500), RateBand(3, 5, 2900, 4000))
    with pytest.raises(InputError, match=r"line_rates\[0\]\.outside.*negative"):
        costs.check_rates(dataclasses.replace(RATES, bands=bands))


def test_fractional_rate_is_refused() -> None:
    bands = (RateBand(1, 2, 2300, 3500), RateBand(3, 5, 2900.5, 4000))  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"line_rates\[1\]\.in_building.*whole yuan"):
        costs.check_rates(dataclasses.replace(RATES, bands=bands))


def test_negative_switch_price_is_refused() -> None:
    with pytest.raises(InputError, match="switch_price"):
        costs.check_rates(dataclasses.replace(RATES, switch_price=-8932))


def test_unknown_proration_rule_is_refused() -> None:
    with pytest.raises(InputError, match="proration"):
        costs.check_rates(dataclasses.replace(RATES, proration="daily"))


def test_unknown_location_class_is_refused() -> None:
    with pytest.raises(InputError, match="unit u1: field location: unknown location class"):
        costs.build_report([make_unit(location="rooftop")], RATES)


def test_unit_without_activation_date_is_refused() -> None:
    unit = dataclasses.replace(make_unit(), lines=(FiberLine("c", None),))  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"unit u1: field lines\[0\]\.activated"):
        costs.build_report([unit], RATES)


def test_unit_without_lines_is_refused() -> None:
    with pytest.raises(InputError, match="unit u1: field lines"):
        costs.build_report([dataclasses.replace(make_unit(), lines=())], RATES)


# --------------------------------------------------------------------------- shipped county


def test_shipped_outside_units_pay_1173144_over_five_years(network: Network) -> None:
    outside = [u for u in network.units if u.location == "outside"]
    assert len(outside) == 42
    assert all(len(u.lines) == 1 for u in outside)
    report = costs.build_report(outside, network.costs)
    assert report.total == Decimal(42 * 27_932) == Decimal(1_173_144)


def test_shipped_august_units_keep_their_contract_total(network: Network) -> None:
    august = [u for u in network.units if u.lines[0].activated == date(2012, 8, 1)]
    assert len(august) == 2
    for unit in august:
        report = costs.build_report([unit], network.costs)
        assert report.total == Decimal(27_932)
        assert report.years == (2012, 2013, 2014, 2015, 2016, 2017)


def test_shipped_county_reconciles(network: Network) -> None:
    report = costs.build_report(network.units, network.costs)
    assert costs.reconcile(report) == []
    assert report.total == sum(
        len(u.lines) * costs.contract_total(u.location, network.costs) + 8932 for u in network.units
    )
