"""The cost model: what each unit owes per fiscal year for its fiber lines and its switch.

Pure logic over `model.CostRates` and `model.Unit`; no I/O, so the finance report, the checks and
the tests share one computation. Money is `Decimal` (integer yuan in, fen out), never float.

Rules (from the notice and costs.yaml):
- A line's contract years are counted from its first whole month in service: a line activated
  on the 1st is in service from that month; activated on any other day, from the 1st of the next
  month (the days before are not billed). Contract year k covers the 12 months starting
  12*(k-1) months after that.
- Rate per line per contract year by location class from the bands of costs.yaml; after the
  last contract year nothing is charged unless `renewal` gives a rate.
- A contract year that straddles two fiscal (calendar) years is split by whole months: the first
  fiscal year pays round(rate * months / 12) to the fen (ROUND_HALF_UP), the second pays the rest
  of that contract year's rate. Proration moves money between fiscal years, never creates or
  loses any: a line's contract total is exactly the sum of its bands' rates.
- The switch is charged once, in the fiscal year of the unit's first line activation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from shaoshan_net.errors import InputError
from shaoshan_net.model import LOCATIONS, CostRates, FiberLine, Unit

PRORATION_RULES: tuple[str, ...] = ("whole_months",)
ZERO = Decimal(0)


# --------------------------------------------------------------------------- validation


def _is_amount(value: object) -> bool:
    """Integer yuan: an int (not a bool) or a Decimal without fraction."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value()


def check_rates(rates: CostRates, file: str = "costs.yaml") -> None:
    """Refuse a rate table we cannot bill from: the loader checks too, the money code re-checks."""
    if not isinstance(rates.contract_years, int) or rates.contract_years < 1:
        raise InputError(
            file,
            None,
            "contract.years",
            f"must be a positive integer, got {rates.contract_years!r}",
        )
    if rates.proration not in PRORATION_RULES:
        raise InputError(
            file,
            None,
            "proration",
            f"unknown rule {rates.proration!r} (known: {', '.join(PRORATION_RULES)})",
        )
    _check_amount(rates.switch_price, file, "switch_price")
    bands = sorted(rates.bands, key=lambda b: b.first_year)
    if not bands:
        raise InputError(file, None, "line_rates", "no rate bands")
    expected = 1
    for i, band in enumerate(bands):
        where = f"line_rates[{i}]"
        if band.first_year > band.last_year:
            raise InputError(
                file,
                None,
                f"{where}.years",
                f"first year {band.first_year} after last year {band.last_year}",
            )
        if band.first_year > expected:
            raise InputError(
                file,
                None,
                f"{where}.years",
                f"gap: contract years {expected}..{band.first_year - 1} have no rate",
            )
        if band.first_year < expected:
            raise InputError(
                file,
                None,
                f"{where}.years",
                f"overlap: contract year {band.first_year} is in two bands",
            )
        for loc in LOCATIONS:
            _check_amount(getattr(band, loc), file, f"{where}.{loc}")
        expected = band.last_year + 1
    if expected - 1 != rates.contract_years:
        raise InputError(
            file,
            None,
            "line_rates",
            f"bands cover years 1..{expected - 1}, contract has {rates.contract_years} years",
        )
    if rates.renewal is not None:
        for loc in LOCATIONS:
            _check_amount(getattr(rates.renewal, loc), file, f"renewal.{loc}")


def _check_amount(value: object, file: str, field_name: str) -> None:
    if not _is_amount(value):
        raise InputError(file, None, field_name, f"must be whole yuan, got {value!r}")
    if value < 0:  # type: ignore[operator]
        raise InputError(file, None, field_name, f"must not be negative, got {value!r}")


def check_units(units: Iterable[Unit], file: str = "inventory/hosts.yaml") -> None:
    """Every billed unit needs a known location class and dated lines."""
    for unit in units:
        if unit.location not in LOCATIONS:
            raise InputError(
                file,
                unit.code,
                "location",
                f"unknown location class {unit.location!r} (known: {', '.join(LOCATIONS)})",
            )
        if not unit.lines:
            raise InputError(file, unit.code, "lines", "no fiber line, so no activation date")
        for i, line in enumerate(unit.lines):
            if not isinstance(line.activated, date):
                raise InputError(
                    file,
                    unit.code,
                    f"lines[{i}].activated",
                    f"missing or invalid activation date {line.activated!r}",
                )


# --------------------------------------------------------------------------- one line


@dataclass(frozen=True, slots=True)
class LineCharge:
    """One contract year's share falling into one fiscal year."""

    circuit: str
    contract_year: int
    fiscal_year: int
    months: int
    rate: int
    amount: Decimal


def service_start(activated: date) -> tuple[int, int]:
    """(year, month) of the first whole month in service: the 1st counts, later days don't."""
    if activated.day == 1:
        return activated.year, activated.month
    if activated.month == 12:
        return activated.year + 1, 1
    return activated.year, activated.month + 1


def rate_for(rates: CostRates, location: str, contract_year: int) -> int | None:
    """Yuan per line for that contract year, or None once the contract (and renewal) is over."""
    for band in rates.bands:
        if band.first_year <= contract_year <= band.last_year:
            return int(getattr(band, location))
    if rates.renewal is not None and contract_year > rates.contract_years:
        r = rates.renewal
        open_ended = r.last_year < r.first_year or r.last_year <= rates.contract_years
        if open_ended or r.first_year <= contract_year <= r.last_year:
            return int(getattr(r, location))
    return None


def line_charges(line: FiberLine, location: str, rates: CostRates) -> Iterator[LineCharge]:
    """The line's charges in time order; endless when a renewal is set (take what you need)."""
    year, month = service_start(line.activated)
    start = year * 12 + month - 1  # month index of contract year 1's first month
    k = 1
    while (rate := rate_for(rates, location, k)) is not None:
        first = start + 12 * (k - 1)
        fy, m1 = first // 12, 12 - first % 12
        if m1 == 12:
            yield LineCharge(line.circuit, k, fy, 12, rate, Decimal(rate))
        else:
            part = (Decimal(rate) * m1 / 12).quantize(rates.rounding, rounding=ROUND_HALF_UP)
            yield LineCharge(line.circuit, k, fy, m1, rate, part)
            yield LineCharge(line.circuit, k, fy + 1, 12 - m1, rate, Decimal(rate) - part)
        k += 1


def contract_charges(line: FiberLine, location: str, rates: CostRates) -> list[LineCharge]:
    """The charges of contract years 1..contract_years only (no renewal)."""
    return [
        c for c in line_charges(line, location, rates) if c.contract_year <= rates.contract_years
    ]


def contract_total(location: str, rates: CostRates) -> int:
    """Yuan one line pays over the whole contract: the band sum, whatever the activation date."""
    return sum(int(getattr(b, location)) * (b.last_year - b.first_year + 1) for b in rates.bands)


# --------------------------------------------------------------------------- units and years


@dataclass(frozen=True, slots=True)
class Amounts:
    """Sums for a unit, a subtotal or the county; `total` is what the finance bureau withholds."""

    lines: int = 0
    months: int = 0  # line-months in service (a 2-line unit for a whole year: 24)
    fiber: Decimal = ZERO
    switch: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.fiber + self.switch

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(
            self.lines + other.lines,
            self.months + other.months,
            self.fiber + other.fiber,
            self.switch + other.switch,
        )


@dataclass(frozen=True, slots=True)
class UnitYear:
    """One row of the withholding schedule: one unit in one fiscal year."""

    unit_id: int
    code: str
    name: str
    location: str
    township: bool
    fiscal_year: int
    rates: tuple[int, ...]  # distinct yuan-per-line rates billed this year, in time order
    amounts: Amounts
    charges: tuple[LineCharge, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class Subtotals:
    """In-building, outside (townships included) and of those the townships; county = in + out."""

    in_building: Amounts
    outside: Amounts
    township: Amounts

    @property
    def county(self) -> Amounts:
        return self.in_building + self.outside

    @staticmethod
    def of(rows: Iterable[tuple[str, bool, Amounts]]) -> Subtotals:
        ib = out = tw = Amounts()
        for location, township, a in rows:
            if location == "in_building":
                ib += a
            else:
                out += a
            if township:
                tw += a
        return Subtotals(ib, out, tw)


@dataclass(frozen=True, slots=True)
class FiscalYear:
    year: int
    rows: tuple[UnitYear, ...]  # units owing something this year, by unit id
    subtotals: Subtotals


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """One unit over all reported fiscal years."""

    unit_id: int
    code: str
    name: str
    location: str
    township: bool
    lines: int
    by_year: dict[int, Decimal]  # withholding total per fiscal year
    amounts: Amounts


@dataclass(frozen=True, slots=True)
class CostReport:
    """The withholding schedule and its summary; everything reconciles to the fen."""

    currency: str
    years: tuple[int, ...]
    fiscal_years: tuple[FiscalYear, ...]
    summary: tuple[UnitSummary, ...]
    subtotals: Subtotals
    scope: str = ""  # "" = the whole county; else what was selected, e.g. "group township"

    @property
    def total(self) -> Decimal:
        return self.subtotals.county.total


def _unit_charges(unit: Unit, rates: CostRates, last_year: int) -> list[LineCharge]:
    out: list[LineCharge] = []
    for line in unit.lines:
        for c in line_charges(line, unit.location, rates):
            if c.fiscal_year > last_year:
                break
            out.append(c)
    return out


def switch_year(unit: Unit) -> int:
    """The fiscal year the unit pays its switch: that of its first line activation."""
    return min(line.activated for line in unit.lines).year


def contract_years_span(units: Sequence[Unit], rates: CostRates) -> tuple[int, ...]:
    """Fiscal years from the first activation to the last one holding a contract-year charge."""
    if not units:
        return ()
    first = min(switch_year(u) for u in units)
    last = max(
        (
            c.fiscal_year
            for u in units
            for line in u.lines
            for c in contract_charges(line, u.location, rates)
        ),
        default=first,
    )
    return tuple(range(first, max(first, last) + 1))


def unit_year(unit: Unit, year: int, charges: Sequence[LineCharge], rates: CostRates) -> UnitYear:
    """Fold a unit's charges of one fiscal year into a schedule row."""
    mine = [c for c in charges if c.fiscal_year == year]
    seen: list[int] = []
    for c in mine:
        if c.rate not in seen:
            seen.append(c.rate)
    switch = Decimal(rates.switch_price) if switch_year(unit) == year else ZERO
    amounts = Amounts(
        lines=len({c.circuit for c in mine}),
        months=sum(c.months for c in mine),
        fiber=sum((c.amount for c in mine), ZERO),
        switch=switch,
    )
    return UnitYear(
        unit.unit_id,
        unit.code,
        unit.name,
        unit.location,
        unit.is_township,
        year,
        tuple(seen),
        amounts,
        tuple(mine),
    )


def build_report(
    units: Sequence[Unit],
    rates: CostRates,
    years: Sequence[int] | None = None,
    *,
    rates_file: str = "costs.yaml",
    units_file: str = "inventory/hosts.yaml",
) -> CostReport:
    """The withholding schedule for `years` (default: the whole contract period) and its sums."""
    check_rates(rates, rates_file)
    billed = sorted(units, key=lambda u: u.unit_id)
    check_units(billed, units_file)
    span = tuple(sorted(set(years))) if years else contract_years_span(billed, rates)
    last = max(span) if span else 0
    charges = {u.code: _unit_charges(u, rates, last) for u in billed}
    fiscal: list[FiscalYear] = []
    per_unit: dict[str, dict[int, Amounts]] = {u.code: {} for u in billed}
    for y in span:
        rows = []
        for u in billed:
            row = unit_year(u, y, charges[u.code], rates)
            if row.amounts.total:
                rows.append(row)
                per_unit[u.code][y] = row.amounts
        sub = Subtotals.of((r.location, r.township, r.amounts) for r in rows)
        fiscal.append(FiscalYear(y, tuple(rows), sub))
    summary = []
    for u in billed:
        by_year = per_unit[u.code]
        if not by_year:
            continue
        amounts = Amounts(lines=len(u.lines))
        for a in by_year.values():
            amounts += Amounts(0, a.months, a.fiber, a.switch)
        summary.append(
            UnitSummary(
                u.unit_id,
                u.code,
                u.name,
                u.location,
                u.is_township,
                len(u.lines),
                {y: a.total for y, a in by_year.items()},
                amounts,
            )
        )
    sub = Subtotals.of((s.location, s.township, s.amounts) for s in summary)
    return CostReport(rates.currency, span, tuple(fiscal), tuple(summary), sub)


def reconcile(report: CostReport) -> list[str]:
    """Every way of adding the money up must give the same fen; returns the disagreements."""
    problems = []
    by_units = sum((s.amounts.total for s in report.summary), ZERO)
    by_years = sum((fy.subtotals.county.total for fy in report.fiscal_years), ZERO)
    by_rows = sum((r.amounts.total for fy in report.fiscal_years for r in fy.rows), ZERO)
    if not by_units == by_years == by_rows == report.total:
        problems.append(
            f"county total {report.total}: units {by_units}, fiscal years "
            f"{by_years}, rows {by_rows}"
        )
    for s in report.summary:
        if sum(s.by_year.values(), ZERO) != s.amounts.total:
            problems.append(f"unit {s.code}: years do not add up to {s.amounts.total}")
    return problems
