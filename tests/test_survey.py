"""The survey form's pure rules: layout, field validation, per-unit update, website presence."""

from __future__ import annotations

from typing import Any

import pytest

from shaoshan_net.model import Network
from shaoshan_net.survey import (
    FIELD_BY_KEY,
    FIELDS,
    Change,
    build_update,
    flatten_survey,
    format_changes,
    format_problem_value,
    public_subnet,
    read_form,
    survey_from_mapping,
    website_presence,
)

SUBNET = "10.160.0.64/26"  # swb's public subnet in the shipped plan


def cells(**by_key: Any) -> dict[str, Any]:
    """A form's cells from field keys with '.' written as '__' (leader__mobile=...)."""
    base = {
        "leader.name": "王五",
        "leader.mobile": "13612343751",
        "it_staff.name": "赵六",
        "website.domain": "swb.shaoshan.gov.example",
        "website.ip": "10.160.0.74",
    }
    base.update({k.replace("__", "."): v for k, v in by_key.items()})
    return {FIELD_BY_KEY[k].cell: v for k, v in base.items()}


def problems_of(**by_key: Any) -> list[tuple[str, str]]:
    _, problems = read_form(cells(**by_key), SUBNET)
    return [(p.cell, p.key) for p in problems]


def test_every_field_has_its_own_cell() -> None:
    assert len({f.cell for f in FIELDS}) == len(FIELDS)


def test_a_complete_valid_form_has_no_problem() -> None:
    assert problems_of() == []


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("leader.mobile", "1361234375"),
        ("leader.mobile", "12612343751"),
        ("it_staff.mobile", "136123437510"),
        ("leader.office_phone", "55600001"),
        ("leader.office_phone", "0731-556"),
        ("leader.qq", "1234"),
        ("leader.qq", "012345"),
        ("leader.qq", "123456789012"),
        ("leader.email", "leader.example.org"),
        ("it_staff.email", "a@b"),
        ("website.domain", "not a domain"),
        ("website.domain", "-swb.example.org"),
        ("website.ip", "10.160.0.300"),
        ("website.ip", "10.160.1.74"),
    ],
)
def test_malformed_field_is_rejected_at_its_cell(key: str, bad: str) -> None:
    assert problems_of(**{key.replace(".", "__"): bad}) == [(FIELD_BY_KEY[key].cell, key)]


def test_website_ip_on_the_gateway_is_rejected() -> None:
    assert problems_of(website__ip="10.160.0.65") == [("F8", "website.ip")]


def test_website_ip_needs_a_planned_subnet() -> None:
    _, problems = read_form(cells(), None)
    assert [p.key for p in problems] == ["website.ip"]


def test_website_fields_without_domain_are_rejected() -> None:
    assert problems_of(website__domain="") == [("B8", "website.domain")]


def test_contact_details_without_a_name_are_rejected() -> None:
    assert problems_of(leader__name="") == [("B5", "leader.name")]


def test_multi_line_text_in_a_single_line_field_is_rejected() -> None:
    assert problems_of(address="a\nb") == [("B3", "address")]


def test_mobile_typed_as_a_number_by_excel_is_accepted() -> None:
    values, problems = read_form(cells(leader__mobile=13612343751.0), SUBNET)
    assert problems == [] and values["leader.mobile"] == "13612343751"


def test_mobile_with_spaces_and_country_code_is_normalized() -> None:
    values, _ = read_form(cells(leader__mobile="+86 136 1234 3751"), SUBNET)
    assert values["leader.mobile"] == "13612343751"


def test_office_phone_in_parentheses_is_normalized() -> None:
    values, _ = read_form(cells(leader__office_phone="(0731)55600001"), SUBNET)
    assert values["leader.office_phone"] == "0731-55600001"


def test_domain_with_scheme_is_normalized() -> None:
    values, _ = read_form(cells(website__domain="HTTP://Swb.Shaoshan.gov.cn/"), SUBNET)
    assert values["website.domain"] == "swb.shaoshan.gov.cn"


def test_list_cells_split_on_chinese_and_ascii_separators() -> None:
    values, _ = read_form(cells(applications="公文交换、视频会议,OA；邮件"), SUBNET)
    assert values["applications"] == ("公文交换", "视频会议", "OA", "邮件")


def test_survey_round_trips_through_mapping_and_flat_form() -> None:
    mapping = {
        "address": "韶山市行政中心",
        "leader": {"name": "王五", "mobile": "13612343751"},
        "website": {"domain": "a.example.org", "ip": "10.160.0.74"},
        "applications": ["公文交换"],
    }
    flat = flatten_survey(survey_from_mapping(mapping))
    assert (flat["leader.mobile"], flat["website.ip"], flat["applications"], flat["access"]) == (
        "13612343751",
        "10.160.0.74",
        ("公文交换",),
        "",
    )


def test_build_update_lists_only_changed_fields() -> None:
    current = flatten_survey(survey_from_mapping({"leader": {"mobile": "13800000001"}}))
    form = dict(current, **{"leader.mobile": "13612343751"})
    assert build_update(current, form) == (Change("leader.mobile", "13800000001", "13612343751"),)


def test_format_changes_masks_contacts_by_default() -> None:
    lines = format_changes([Change("leader.mobile", "13800000001", "13612343751")])
    assert lines == ["leader.mobile: '138****0001' -> '136****3751'"]


def test_format_changes_shows_contacts_when_asked() -> None:
    lines = format_changes([Change("leader.qq", "", "10000001")], show_contacts=True)
    assert lines == ["leader.qq: (empty) -> '10000001'"]


def test_problem_value_of_a_bad_mobile_is_masked() -> None:
    assert "1361234375" not in format_problem_value("leader.mobile", "1361234375")


def test_website_presence_counts_units_with_a_domain(network: Network) -> None:
    presence = website_presence(network)
    with_site = [u.code for u in network.units if u.survey.website and u.survey.website.domain]
    assert (presence.count, presence.total, len(presence.missing)) == (
        len(with_site),
        len(network.units),
        len(network.units) - len(with_site),
    )


def test_public_subnet_comes_from_the_unit_plan(network: Network) -> None:
    assert public_subnet(network, "swb") == next(
        z.subnet for z in network.plans["swb"].zones if z.zone == "public"
    )
