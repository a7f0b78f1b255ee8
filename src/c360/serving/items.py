"""Profile rows ⇄ DynamoDB items (low-level attribute values), JSON-safe on the way out.

A row is one `c360_customer_profile` record as a mapping (pyarrow's
`to_pylist()` gives Decimal, date, datetime, bool, int, float, str, list, None).
Money stays exact: Decimal is written as a DynamoDB number from its own text.
Dates and timestamps become ISO-8601 strings; NaN/inf become NULL.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from c360.serving import keys

_INTEGER = re.compile(r"^-?[0-9]+$")
RESERVED = ("pk", "sk", "lookup_keys")
"""Attribute names the table design owns; a profile column may not use them."""


class ItemError(ValueError):
    """A profile row cannot become an item; the message names the customer and column."""


def to_attribute(value: Any) -> dict[str, Any]:
    """A Python value as a DynamoDB attribute value (`{"S": ...}`, `{"N": ...}`, ...)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, Decimal):
        return {"N": str(value)} if value.is_finite() else {"NULL": True}
    if isinstance(value, float):
        return {"N": repr(value)} if math.isfinite(value) else {"NULL": True}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, (datetime, date)):
        return {"S": value.isoformat()}
    if isinstance(value, bytes):
        return {"B": value}
    if isinstance(value, Mapping):
        return {"M": {str(k): to_attribute(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [to_attribute(v) for v in value]}
    raise ItemError(f"cannot store a {type(value).__name__} value in DynamoDB: {value!r}")


def from_attribute(attribute: Mapping[str, Any]) -> Any:
    """A DynamoDB attribute value as a JSON-safe Python value (numbers as int or float)."""
    (kind, value), = attribute.items()
    if kind == "NULL":
        return None
    if kind in ("S", "BOOL"):
        return value
    if kind == "N":
        return int(value) if _INTEGER.match(value) else float(value)
    if kind == "L":
        return [from_attribute(v) for v in value]
    if kind == "M":
        return {k: from_attribute(v) for k, v in value.items()}
    if kind == "SS":
        return sorted(value)
    if kind == "NS":
        return sorted(float(v) for v in value)
    raise ItemError(f"unsupported DynamoDB attribute type {kind!r}")


def lookup_pks(row: Mapping[str, Any]) -> list[str]:
    """The lookup partitions a profile belongs to (email, phone), sorted, no duplicates."""
    found = set()
    email = keys.normalize_email(row.get("email"))
    if email:
        found.add(keys.email_pk(email))
    phone = keys.normalize_phone(row.get("phone"))
    if phone:
        found.add(keys.phone_pk(phone))
    return sorted(found)


def profile_item(row: Mapping[str, Any]) -> dict[str, Any]:
    """The profile item: every column as an attribute, plus the lookup keys it owns."""
    customer_id = row.get("customer_id")
    if not isinstance(customer_id, str) or not keys.is_customer_id(customer_id):
        raise ItemError(f"profile row has no valid customer_id: {customer_id!r}")
    clash = [name for name in RESERVED if name in row]
    if clash:
        raise ItemError(f"customer {customer_id}: column(s) {', '.join(clash)} are reserved")
    item = {name: to_attribute(value) for name, value in row.items()}
    item.update({k: {"S": v} for k, v in keys.profile_key(customer_id).items()})
    item["lookup_keys"] = {"L": [{"S": pk} for pk in lookup_pks(row)]}
    return item


def lookup_items(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One lookup item per email/phone partition of the profile."""
    customer_id = str(row["customer_id"])
    return [
        {**{k: {"S": v} for k, v in keys.lookup_key(pk, customer_id).items()},
         "customer_id": {"S": customer_id}}
        for pk in lookup_pks(row)
    ]


def profile_from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """The profile as JSON-safe values, without the table's own attributes."""
    return {k: from_attribute(v) for k, v in sorted(item.items()) if k not in RESERVED}
