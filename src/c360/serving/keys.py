"""The DynamoDB table design: one table, string keys `pk`/`sk`, three item types.

| item         | pk                                   | sk              | attributes             |
|--------------|--------------------------------------|-----------------|------------------------|
| profile      | `CUSTOMER#<customer_id>`             | `PROFILE`       | columns, `lookup_keys` |
| email lookup | `EMAIL#<sha256 of normalized email>` | `CUSTOMER#<id>` | `customer_id`          |
| phone lookup | `PHONE#<sha256 of phone digits>`     | `CUSTOMER#<id>` | `customer_id`          |

A lookup partition holds one item per customer sharing that email or phone, so
`Query(pk=EMAIL#...)` finds all of them. Keys never carry an email or phone in
clear: keys show up in metrics, logs and CloudTrail, item bodies do not.
Normalization: email = trimmed and lower-cased; phone = its digits only. The
API normalizes a query the same way, so stored and queried values meet.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

PROFILE_SK = "PROFILE"
CUSTOMER_PREFIX = "CUSTOMER#"
EMAIL_PREFIX = "EMAIL#"
PHONE_PREFIX = "PHONE#"

CUSTOMER_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_CHARS = re.compile(r"^[0-9+()\-. ]+$")
MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 15
MAX_EMAIL_LENGTH = 254


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_email(email: str | None) -> str | None:
    """Trimmed, lower-cased email, or None when it is not a plausible address."""
    if email is None:
        return None
    value = email.strip().lower()
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL_PATTERN.match(value):
        return None
    return value


def normalize_phone(phone: str | None) -> str | None:
    """The phone's digits (7 to 15 of them, E.164 length), or None."""
    if phone is None:
        return None
    value = phone.strip()
    if not value or not _PHONE_CHARS.match(value):
        return None
    digits = "".join(ch for ch in value if ch.isdigit())
    if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        return None
    return digits


def is_customer_id(value: str) -> bool:
    return bool(CUSTOMER_ID_PATTERN.match(value))


def profile_key(customer_id: str) -> dict[str, str]:
    return {"pk": CUSTOMER_PREFIX + customer_id, "sk": PROFILE_SK}


def email_pk(normalized_email: str) -> str:
    return EMAIL_PREFIX + _sha256(normalized_email)


def phone_pk(phone_digits: str) -> str:
    return PHONE_PREFIX + _sha256(phone_digits)


def lookup_key(lookup_pk: str, customer_id: str) -> dict[str, str]:
    return {"pk": lookup_pk, "sk": CUSTOMER_PREFIX + customer_id}


def table_definition(table_name: str) -> dict[str, Any]:
    """`CreateTable` arguments for the profiles table (Terraform's serving module mirrors them)."""
    return {
        "TableName": table_name,
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
