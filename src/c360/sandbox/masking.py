"""Masking rules for the sandbox: tokenize direct identifiers, generalize quasi-identifiers.

- `token`: keyed HMAC-SHA256 of the value (key: `Settings.sandbox_key`), hex, 32 chars.
  The same value gives the same token in every sandbox table, so sandbox tables join
  on tokenized `customer_id`, but nobody without the key can reverse or recompute it.
- `postal_prefix`: a 5-digit postal code becomes its 3-digit prefix (a US ZIP3 region).
- `drop`: the column is left out (exact age and birth date, city, free text). Birth
  date is generalized by the profile's `age_band`, kept as is.
- `keep`: copied unchanged.

Every column must be covered: non-boolean columns named like an identifier (name,
email, phone, address, birth, national id, postal code, city, note, search term,
device, exact age) are refused unless a rule other than `keep` names them, so a new
column cannot leak by default. This module is Python 3.9 compatible (Glue Python shell).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import pyarrow as pa
import pyarrow.compute as pc

RULES = ("token", "postal_prefix", "drop", "keep")
IDENTIFYING = re.compile(
    r"(^|_)(first_name|last_name|holder_name|caller_name|email|phone|address|address_line|"
    r"birth|birth_date|national_id|postal_code|zip|city|note|search_term|device_id|"
    r"session_key|ip_hash|age)($|_)"
)
ALLOWED_IDENTIFYING_KEEP = frozenset({"age_band"})


class MaskingError(ValueError):
    """A table's masking policy is incomplete or unsafe; the message names the column."""


@dataclass(frozen=True)
class Policy:
    """How to mask one analytics table into its `sbx_` copy."""

    source: str
    rules: Dict[str, str] = field(default_factory=dict)
    row_filter: Optional[str] = None
    """Optional Spark SQL predicate on the source (e.g. only the latest snapshot)."""

    @property
    def target(self) -> str:
        return f"sbx_{self.source}"

    def rule_for(self, column: str, dtype: pa.DataType) -> str:
        rule = self.rules.get(column, "keep")
        if rule not in RULES:
            raise MaskingError(f"{self.target}.{column}: unknown rule {rule!r}")
        suspicious = IDENTIFYING.search(column) and column not in ALLOWED_IDENTIFYING_KEEP
        if rule == "keep" and suspicious and not pa.types.is_boolean(dtype):
            raise MaskingError(
                f"{self.target}.{column}: looks like an identifier; give it a rule "
                f"(token, postal_prefix or drop) in the sandbox policy"
            )
        return rule


def token(key: bytes, value: str) -> str:
    """HMAC-SHA256 of `value` under `key`, as 32 hex characters."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _tokens(key: bytes, values: List[Optional[str]]) -> List[Optional[str]]:
    """`token(key, v)` of each value (None stays None).

    The keyed HMAC state is built once and copied per value (`hmac` copies its inner
    and outer SHA-256 states): half the time of `hmac.new` per value on the hundreds of
    thousands of distinct ids a sandbox table holds.
    """
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    out: List[Optional[str]] = []
    keep = out.append
    for value in values:
        if value is None:
            keep(None)
            continue
        mac = keyed.copy()
        mac.update(value.encode("utf-8"))
        keep(mac.hexdigest()[:32])
    return out


def _tokenize(key: bytes, column: pa.ChunkedArray) -> pa.Array:
    """Token per row, computing each distinct value's HMAC once (dictionary encoding)."""
    encoded = pc.dictionary_encode(pc.cast(column, pa.string()).combine_chunks())
    tokens = _tokens(key, encoded.dictionary.to_pylist())
    return pc.take(pa.array(tokens, pa.string()), encoded.indices)


def _postal_prefix(column: pa.ChunkedArray) -> pa.Array:
    text = pc.cast(column, pa.string())
    prefix = pc.utf8_slice_codeunits(text, 0, 3)
    valid = pc.match_substring_regex(text, r"^[0-9]{5}$")
    return pc.if_else(valid, prefix, pa.scalar(None, pa.string())).combine_chunks()


def mask_table(table: pa.Table, policy: Policy, key: bytes) -> pa.Table:
    """Apply `policy` to every column of `table` (column order kept, dropped ones removed)."""
    names = []
    arrays = []
    for name in table.column_names:
        column = table.column(name)
        rule = policy.rule_for(name, column.type)
        if rule == "drop":
            continue
        if rule == "token":
            names.append(name)
            arrays.append(_tokenize(key, column))
        elif rule == "postal_prefix":
            names.append("postal_prefix" if name == "postal_code" else f"{name}_prefix")
            arrays.append(_postal_prefix(column))
        else:
            names.append(name)
            arrays.append(column)
    return pa.table(dict(zip(names, arrays)))  # noqa: B905 - Python 3.9 (Glue Python shell)


PROFILE_RULES: Dict[str, str] = {
    "customer_id": "token",
    "first_name": "token",
    "last_name": "token",
    "email": "token",
    "phone": "token",
    "address_line": "token",
    "national_id": "token",
    "birth_date": "drop",
    "age": "drop",
    "city": "drop",
    "postal_code": "postal_prefix",
    "top_search_term_30d": "drop",
}

POLICIES: Tuple[Policy, ...] = (
    Policy(
        "c360_customer_profile",
        PROFILE_RULES,
        row_filter="snapshot_date = (select max(snapshot_date) from c360_customer_profile)",
    ),
    Policy("fct_transactions_monthly", {"customer_id": "token"}),
    Policy(
        "fct_digital_sessions",
        {"customer_id": "token", "device_id": "token", "session_key": "token",
         "top_search_term": "drop"},
    ),
)
"""The sandbox copies: every `sbx_<table>` comes from one policy here."""
