"""Masking of personal contact data: what a report may show of a phone, QQ or e-mail."""

from __future__ import annotations

from shaoshan_net.masking import (
    contact_values,
    mask_contact,
    mask_email,
    mask_phone,
    mask_qq,
    mask_text,
)
from shaoshan_net.model import Contact


def test_mask_phone_keeps_prefix_and_last_four_of_a_mobile() -> None:
    assert mask_phone("13612343751") == "136****3751"


def test_mask_phone_drops_country_code_of_a_mobile() -> None:
    assert mask_phone("+86 13612343751") == "136****3751"


def test_mask_phone_keeps_area_code_and_last_four_of_an_office_phone() -> None:
    assert mask_phone("0731-55600001") == "0731-****0001"


def test_mask_phone_masks_an_unrecognised_number_too() -> None:
    masked = mask_phone("5560000123")
    assert masked != "5560000123" and "*" in masked


def test_mask_phone_of_empty_is_empty() -> None:
    assert mask_phone("") == ""


def test_mask_phone_is_idempotent() -> None:
    assert mask_phone(mask_phone("13612343751")) == "136****3751"


def test_mask_qq_keeps_two_digits_each_end() -> None:
    assert mask_qq("10000001") == "10****01"


def test_mask_qq_of_eleven_digits_hides_seven() -> None:
    assert mask_qq("12345678901") == "12*******01"


def test_mask_email_keeps_first_letter_and_domain() -> None:
    assert mask_email("leader001@example.org") == "l***@example.org"


def test_mask_email_hides_local_part_length() -> None:
    assert mask_email("a@example.org") == mask_email("a" * 30 + "@example.org")


def test_mask_contact_masks_every_channel_and_keeps_name() -> None:
    c = Contact("张三", "主任", "13612343751", "0731-55600001", "10000001", "zs@example.org")
    assert mask_contact(c) == Contact(
        "张三", "主任", "136****3751", "0731-****0001", "10****01", "z***@example.org"
    )


def test_mask_contact_leaves_empty_fields_empty() -> None:
    assert mask_contact(Contact(name="李四")) == Contact(name="李四")


def test_mask_text_masks_mobile_in_a_sentence() -> None:
    assert mask_text("call 13612343751 now") == "call 136****3751 now"


def test_mask_text_masks_office_phone() -> None:
    assert mask_text("tel 0731-55600001.") == "tel 0731-****0001."


def test_mask_text_masks_email_including_qq_mail() -> None:
    assert mask_text("mail 123456789@qq.com") == "mail 1***@qq.com"


def test_mask_text_masks_labelled_qq_numbers() -> None:
    assert mask_text("QQ: 10000001, qq='20000001'") == "QQ: 10****01, qq='20****01'"


def test_mask_text_masks_qq_in_json() -> None:
    assert mask_text('{"qq": "10000001"}') == '{"qq": "10****01"}'


def test_mask_text_leaves_money_dates_and_addresses_alone() -> None:
    text = "total 1234567 yuan, 2012-07-01, 10.160.0.74, VLAN 1001, XT-SS-BF-001"
    assert mask_text(text) == text


def test_mask_text_masks_known_values_without_a_label() -> None:
    assert mask_text("id 10000001 here", known=["10000001"]) == "id 10****01 here"


def test_mask_text_known_value_inside_a_longer_number_is_left() -> None:
    assert mask_text("n 9100000019", known=["10000001"]) == "n 9100000019"


def test_contact_values_lists_every_channel() -> None:
    c = Contact("a", "b", "13612343751", "0731-55600001", "10000001", "a@example.org")
    assert contact_values([c, Contact()]) == (
        "13612343751",
        "0731-55600001",
        "10000001",
        "a@example.org",
    )
