"""The identifiers that tie a record to a person: their kinds, normalization and columns.

Erasure finds a person's rows by identifier, never by name (names are shared by
many people and spelled many ways): a row belongs to an erased person when one
of its identifier columns holds one of that person's identifiers. Columns are
recognised by name, the same in every layer (naming is lineage), and each maps
to a kind whose normalization makes the RAW text, the staged value and the
ledger agree ("+1 555-201-3344", "(555) 201 3344" and 15552013344 are one phone).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

EMAIL = "email"
PHONE = "phone"
NATIONAL_ID = "national_id"
CUSTOMER_ID = "customer_id"
CRM_CUSTOMER_ID = "crm_customer_id"
CUSTOMER_NUMBER = "customer_number"
MEMBER_NUMBER = "member_number"
CONTACT_ID = "contact_id"
DEVICE_ID = "device_id"
ACCOUNT_ID = "account_id"
SANDBOX_CUSTOMER = "sandbox_customer"
"""A customer id as the sandbox tokenizes it (`c360.sandbox.masking.token`)."""

KINDS = (EMAIL, PHONE, NATIONAL_ID, CUSTOMER_ID, CRM_CUSTOMER_ID, CUSTOMER_NUMBER,
         MEMBER_NUMBER, CONTACT_ID, DEVICE_ID, ACCOUNT_ID, SANDBOX_CUSTOMER)
CONTACT_KINDS = frozenset({EMAIL, PHONE, NATIONAL_ID})
"""Kinds that are personal data in themselves (the others are system keys)."""

COLUMN_KINDS: Mapping[str, str] = {
    "email": EMAIL,
    "phone": PHONE,
    "phone_number": PHONE,
    "national_id": NATIONAL_ID,
    "customer_id": CUSTOMER_ID,
    "crm_customer_id": CRM_CUSTOMER_ID,
    "customer_number": CUSTOMER_NUMBER,
    "login_customer_number": CUSTOMER_NUMBER,
    "member_number": MEMBER_NUMBER,
    "contact_id": CONTACT_ID,
    "device_id": DEVICE_ID,
    "account_id": ACCOUNT_ID,
}
"""Column name (RAW, STAGE, ANALYTICS) → identifier kind."""

SANDBOX_COLUMN_KINDS: Mapping[str, str] = {"customer_id": SANDBOX_CUSTOMER}
"""In SANDBOX, identifiers are tokens: rows are found by their tokenized customer id."""

SYSTEM_KINDS: Mapping[str, str] = {
    "crm": CRM_CUSTOMER_ID,
    "core_banking": CUSTOMER_NUMBER,
    "mainframe_loyalty": MEMBER_NUMBER,
    "mainframe_cards": NATIONAL_ID,
    "call_center": CONTACT_ID,
    "clickstream_device": DEVICE_ID,
}
"""Identity `source_system` → the kind of its `source_key` (cards: `<national id>:<last4>`)."""

_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+$")
_NUMBER_KINDS = frozenset({CUSTOMER_NUMBER, MEMBER_NUMBER, ACCOUNT_ID})


def normalize(kind: str, value: object) -> str | None:
    """The canonical text of an identifier, or None when `value` holds none.

    email: trimmed, lower case; phone: its digits, a leading US country code 1
    dropped from 11 digits; national id: trimmed (of a card key, its national id
    part); numeric keys: digits without leading zeros (a zero-padded mainframe
    field and a bigint agree); other keys: trimmed text.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if kind == EMAIL:
        text = text.lower()
        return text if _EMAIL_SHAPE.match(text) else None
    if kind == PHONE:
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        return digits if len(digits) >= 7 else None
    if kind in _NUMBER_KINDS:
        if text.endswith(".0"):  # a float-typed copy of an integer key
            text = text[:-2]
        if not text.isdigit():
            return text
        return text.lstrip("0") or "0"
    if kind == NATIONAL_ID:  # a card key "<national id>:<last4>" stands for its national id
        return text.split(":", 1)[0]
    return text


def source_key_identifier(source_system: str, source_key: str) -> tuple[str, str | None] | None:
    """(kind, normalized value) an identity record key stands for, None for unknown systems."""
    kind = SYSTEM_KINDS.get(source_system)
    if kind is None:
        return None
    return kind, normalize(kind, source_key)


def record_id_identifier(record_id: str) -> tuple[str, str | None] | None:
    """Same for an identity record id `<source_system>:<source_key>`."""
    system, sep, key = record_id.partition(":")
    if not sep:
        return None
    return source_key_identifier(system, key)
