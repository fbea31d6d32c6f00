"""`shaoshan-net survey`: export pre-filled unit survey forms (附表2) and import filled ones.

template: one xlsx form per unit (or one workbook, a sheet per unit) pre-filled from the
inventory. import: validate filled forms and update the units' `data.survey` in
inventory/hosts.yaml in place; any bad cell in any form refuses the whole import.
Contact data in diffs and messages is masked unless --show-contacts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shaoshan_net.errors import InputError
from shaoshan_net.model import Network

INPUT_ERROR_EXIT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="survey_command", metavar="ACTION", required=True)
    t = sub.add_parser("template", help="write pre-filled xlsx forms (they hold personal data)")
    which = t.add_mutually_exclusive_group(required=True)
    which.add_argument("--unit", metavar="CODE", help="one unit's form")
    which.add_argument("--all", action="store_true", help="every unit's form")
    t.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    t.add_argument(
        "--workbook", action="store_true", help="one workbook with a sheet per unit"
    )
    i = sub.add_parser("import", help="validate filled forms and update inventory/hosts.yaml")
    i.add_argument("files", nargs="+", type=Path, metavar="FILE", help="filled xlsx forms")
    i.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")
    i.add_argument(
        "--show-contacts", action="store_true", help="print phone, QQ and e-mail unmasked"
    )


def run(args: argparse.Namespace) -> int:
    from shaoshan_net.loader import load_network

    network = load_network(args.root)
    if args.survey_command == "template":
        return _template(args, network)
    return _import(args, network)


def _display(path: Path | str, root: Path) -> str:
    """A path relative to the project when it is inside it (shorter, and no home folders)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(root))
    except ValueError:
        return str(p)


def _template(args: argparse.Namespace, network: Network) -> int:
    from shaoshan_net.files import atomic_write
    from shaoshan_net.survey import flatten_survey
    from shaoshan_net.survey_io import file_name, template_bytes

    units = network.select(unit=args.unit) if args.unit else network.units
    if not units:
        raise InputError(network.sources.hosts, args.unit, None, "no such unit")
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise InputError(str(out), None, None, "--out must be a folder")
    forms = [(u.code, u.name, flatten_survey(u.survey)) for u in units]
    # Owner-only: the forms carry names, phone numbers and e-mail addresses.
    if args.workbook:
        target = out / "survey-forms.xlsx"
        atomic_write(target, template_bytes(forms), mode=0o600)
        print(f"wrote {target} ({len(forms)} sheet(s))")
    else:
        for form in forms:
            target = out / file_name(form[0], form[1])
            atomic_write(target, template_bytes([form]), mode=0o600)
        print(f"wrote {len(forms)} form(s) to {out}")
    print("note: the forms contain personal contact data; send each only to its own unit")
    return 0


def _import(args: argparse.Namespace, network: Network) -> int:
    from shaoshan_net.files import atomic_write
    from shaoshan_net.survey import (
        CODE_CELL,
        FIELD_BY_KEY,
        Value,
        build_update,
        format_changes,
        format_problem_value,
        public_subnet,
        read_form,
    )
    from shaoshan_net.survey_io import FormProblem, FormSheet, HostsDocument, read_workbook

    root: Path = args.root
    hosts = Path(network.sources.hosts)
    doc = HostsDocument(hosts)
    known = {u.code: u for u in network.units}
    problems: list[FormProblem] = []
    accepted: list[tuple[FormSheet, dict[str, Value]]] = []
    seen: dict[str, FormSheet] = {}
    for path in args.files:
        forms, file_problems = read_workbook(path)
        problems.extend(file_problems)
        for form in forms:
            if form.code not in known:
                what = f"unknown unit code {form.code!r}" if form.code else "unit code missing"
                problems.append(FormProblem(form.file, form.sheet, CODE_CELL, what))
                continue
            if form.code in seen:
                first = seen[form.code]
                problems.append(
                    FormProblem(form.file, form.sheet, CODE_CELL,
                                f"second form for unit {form.code} "
                                f"(first: {first.file}, sheet {first.sheet})")
                )
                continue
            seen[form.code] = form
            values, cell_problems = read_form(form.cells, public_subnet(network, form.code))
            for p in cell_problems:
                field = FIELD_BY_KEY[p.key]
                shown = format_problem_value(p.key, form.cells.get(p.cell), args.show_contacts)
                value = f" (value {shown!r})" if shown else ""
                problems.append(FormProblem(
                    form.file, form.sheet, p.cell,
                    f"unit {form.code}: {field.label} [{p.key}]: {p.message}{value}",
                ))
            accepted.append((form, values))
    if problems:
        for p in problems:
            print(str(p), file=sys.stderr)
        forms_bad = len({(p.file, p.sheet) for p in problems})
        print(
            f"survey import: {len(problems)} problem(s) in {forms_bad} form(s); "
            f"nothing written to {_display(hosts, root)}",
            file=sys.stderr,
        )
        return INPUT_ERROR_EXIT

    changed_units = changed_fields = 0
    for form, values in accepted:
        unit = known[form.code]
        changes = build_update(doc.current(form.code), values)
        where = f"{form.file}, sheet {form.sheet}"
        if not changes:
            print(f"{unit.code} {unit.name}: no change ({where})")
            continue
        changed_units += 1
        changed_fields += len(changes)
        print(f"{unit.code} {unit.name}: {len(changes)} change(s) ({where})")
        for line in format_changes(changes, args.show_contacts):
            print(f"  {line}")
        doc.apply(form.code, values)
    summary = f"{changed_units} unit(s), {changed_fields} field(s) changed"
    if args.dry_run:
        print(f"{summary}; dry run: nothing written")
        return 0
    if not changed_units:
        print(f"{summary}; {_display(hosts, root)} left as it was")
        return 0
    new_text = doc.dump()
    if hosts.read_bytes() != doc.original:
        raise InputError(str(hosts), None, None,
                         "changed by someone else during the import; nothing written, run again")
    atomic_write(hosts, new_text)
    print(f"{summary}; wrote {_display(hosts, root)}")
    return 0
