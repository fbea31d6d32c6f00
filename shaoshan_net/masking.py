"""Masking of personal contact data (phone, QQ, e-mail) for every report, log and diff.

The survey form collects the mobile numbers, QQ numbers and e-mail addresses of each unit's
leader and IT staff. That is personal data: nothing we print shows it unless the user asks with
`--show-contacts`. Masks keep enough to recognise a number you already know
(`136****3751`) and nothing that lets a reader dial it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from shaoshan_net.model import Contact

MASK = "*"

_MOBILE = re.compile(r"^(?:\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})$")
_OFFICE = re.compile(r"^(\+?86[- ]?)?(0\d{2,3})([- ]?)(\d{7,8})$")

# Patterns for free text. Order matters: e-mail first (a QQ mail's local part is digits).
_EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_MOBILE_IN_TEXT = re.compile(r"(?<![\d*])(?:\+?86[- ]?)?1[3-9]\d{9}(?![\d*])")
_OFFICE_IN_TEXT = re.compile(r"(?<![\d*])0\d{2,3}[- ]\d{7,8}(?![\d*])")
# A bare 5-11 digit number is too common (yuan, VLANs, serials) to mask blindly: only mask it
# when it is labelled as QQ ("QQ: 12345", "qq='12345'", '"qq": "12345"').
_QQ_IN_TEXT = re.compile(r"(?i)(qq[\"']?\s*[:=：]?\s*[\"']?\s*)(\d{5,11})(?!\d)")


def _stars(n: int) -> str:
    return MASK * max(n, 1)


def _mask_digits(s: str) -> str:
    """Generic fallback: keep the first 3 and last 4 of a long string, the last 2 of a short one."""
    n = len(s)
    if n >= 9:
        return s[:3] + _stars(n - 7) + s[-4:]
    if n > 4:
        return s[:2] + _stars(n - 4) + s[-2:]
    return _stars(n)


def mask_phone(value: str) -> str:
    """Mask a mobile (`13612343751` -> `136****3751`) or office phone (`0731-****0001`)."""
    s = (value or "").strip()
    if not s or MASK in s:
        return s
    m = _MOBILE.match(s)
    if m:
        return f"{m.group(1)}{_stars(4)}{m.group(3)}"
    m = _OFFICE.match(s)
    if m:
        local = m.group(4)
        return f"{m.group(2)}{m.group(3) or '-'}{_stars(len(local) - 4)}{local[-4:]}"
    return _mask_digits(s)


def mask_qq(value: str) -> str:
    """Mask a QQ number: `10000001` -> `10****01`."""
    s = (value or "").strip()
    if not s or MASK in s:
        return s
    return s[:2] + _stars(len(s) - 4) + s[-2:] if len(s) > 4 else _stars(len(s))


def mask_email(value: str) -> str:
    """Mask an e-mail's local part, keep the domain: `leader001@example.org` -> `l***@example.org`.

    The domain stays: it tells the reader which mail system the unit uses, not who the person is.
    """
    s = (value or "").strip()
    if not s or MASK in s:
        return s
    local, at, domain = s.rpartition("@")
    if not at:
        return _mask_digits(s)
    return f"{local[:1]}{_stars(3)}@{domain}"


def mask_contact(contact: Contact) -> Contact:
    """The same person with mobile, office phone, QQ and e-mail masked (name and title kept)."""
    return replace(
        contact,
        mobile=mask_phone(contact.mobile),
        office_phone=mask_phone(contact.office_phone),
        qq=mask_qq(contact.qq),
        email=mask_email(contact.email),
    )


def mask_text(text: str, known: Iterable[str] = ()) -> str:
    """Mask every phone number, labelled QQ number and e-mail address found in free text.

    `known` adds exact values to mask wherever they appear (e.g. every QQ number of the
    inventory), for output where a QQ number may stand without its label.
    """
    out = _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), text)
    out = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), out)
    out = _OFFICE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), out)
    out = _QQ_IN_TEXT.sub(lambda m: m.group(1) + mask_qq(m.group(2)), out)
    values = {k.strip() for k in known if k and len(k.strip()) >= 5}
    for value in sorted(values, key=len, reverse=True):
        if value in out:
            out = re.sub(rf"(?<![\w*]){re.escape(value)}(?![\w*])", _mask_digits(value), out)
    return out


def contact_values(contacts: Iterable[Contact]) -> tuple[str, ...]:
    """Every phone, QQ and e-mail value of these contacts: what must never appear unmasked."""
    return tuple(
        v
        for c in contacts
        for v in (c.mobile, c.office_phone, c.qq, c.email)
        if v
    )
