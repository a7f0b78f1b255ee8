"""Small, realistic CRM customer records (the API's shape) and helpers to compare what landed."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

FIRST = ["Maria", "James", "Aisha", "Tom", "Li", "Sofia", "Noah", "Emma", "Omar", "Ines"]
LAST = ["Garcia", "Smith", "Khan", "Müller", "Wang", "Rossi", "Brown", "Dubois", "Haddad", "Silva"]


def crm_record(n: int, updated_at: str) -> dict[str, Any]:
    """Customer CRM-<n>, last changed at `updated_at` (ISO, UTC)."""
    first, last = FIRST[n % 10], LAST[(n * 3) % 10]
    return {
        "id": f"CRM-{n:07d}",
        "first_name": first,
        "last_name": last,
        "email": f"{first.lower()}.{n}@example.com",
        "email_verified": n % 3 == 0,
        "phone": f"+1 555-01{n % 100:02d}-{n:04d}",
        "birth_date": f"19{60 + n % 40}-0{1 + n % 9}-1{n % 10}",
        "address": {"line1": f"{n} Oak St", "city": "Springfield", "state": "IL",
                    "postal_code": f"6270{n % 10}"},
        "national_id": None if n % 2 else f"{100 + n:03d}-45-{6789 - n:04d}",
        "marketing_consent": {"email": n % 2 == 0, "sms": False, "phone": n % 5 == 0,
                              "post": True},
        "consent_updated_at": "2024-01-02T03:04:05Z",
        "preferred_channel": ["email", "sms", "phone", "branch", "app"][n % 5],
        "interests": ["travel", "cars"][: n % 3],
        "occupation": "Teacher",
        "annual_income": None if n % 4 == 0 else 40_000 + 1_000 * n,
        "created_at": "2023-05-06T07:08:09Z",
        "updated_at": updated_at,
    }


def crm_records(count: int) -> list[dict[str, Any]]:
    """`count` customers; every third one shares its `updated_at` with the previous one."""
    out = []
    for n in range(1, count + 1):
        minute = n - n // 3
        out.append(crm_record(n, f"2026-11-20T{minute // 60:02d}:{minute % 60:02d}:00Z"))
    return out


def content_hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def identity(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(id, content hash) per record, sorted: what "exactly the same records" compares."""
    return sorted((r["id"], content_hash(r)) for r in records)


def landed_records(raw: Path) -> list[dict[str, Any]]:
    """Every CRM record in RAW, across all deliveries, duplicates kept."""
    out: list[dict[str, Any]] = []
    for path in sorted((raw / "crm" / "customers").rglob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            out.extend(json.loads(line) for line in handle if line.strip())
    return out
