"""CRM: the SaaS CRM's REST API responses, one JSON file per page.

Writes `crm/customers/page-NNNNN.json`, exactly what `GET /customers?updated_since=`
would return page by page: records sorted by (`updated_at`, `id`), 500 per page, each
page pointing to the next one with an opaque cursor. The CRM knows customers and
prospects (persons without a bank account), holds marketing consents, interests and
self-reported income, and is the messiest source for identity: national ids often
missing, duplicate registrations, stale emails.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import numpy as np

from c360.sources import noise, render
from c360.sources import reference as ref
from c360.sources.messiness import Messiness
from c360.sources.population import Population
from c360.sources.writing import Sink, iso_utc, stage_rng

PAGE_SIZE = 500
CRM_LAUNCH = dt.date(2014, 3, 1)


def cursor(updated_at: str, record_id: str) -> str:
    """Opaque continuation token: base64url of the last (updated_at, id) served."""
    raw = f"{updated_at}|{record_id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def generate_crm(sink: Sink, pop: Population, seed: int, m: Messiness) -> None:
    """Write the CRM API pages and the CRM ground truth."""
    rng = stage_rng(seed, "crm")
    today = np.datetime64(pop.logical_date, "D")
    now = today.astype("datetime64[s]")
    launch = np.datetime64(min(CRM_LAUNCH, pop.logical_date - dt.timedelta(days=365)), "D")
    persons = np.flatnonzero(pop.in_crm).astype(np.int64)
    dup_persons = persons[noise.mask(rng, len(persons), m.crm_duplicate_rate)]
    rec = np.concatenate([persons, dup_persons])
    is_dup = np.concatenate([np.zeros(len(persons), bool), np.ones(len(dup_persons), bool)])
    k = len(rec)

    # When the record was created and last touched.
    created = np.empty(k, dtype="datetime64[s]")
    base = np.maximum(pop.customer_since[rec], launch)
    customer = pop.in_core[rec]
    created[:] = render.random_times(rng, base, base + np.timedelta64(30, "D"))
    prospect = ~customer
    created[prospect] = render.random_times(
        rng,
        np.full(prospect.sum(), today - np.timedelta64(1095, "D")),
        np.full(prospect.sum(), today),
    )
    created = np.minimum(created, now - np.timedelta64(3600, "s"))
    original_created = dict(zip(rec[~is_dup].tolist(), created[~is_dup].tolist(), strict=True))
    dup_base = np.array([original_created[p] for p in rec[is_dup].tolist()], dtype="datetime64[s]")
    created[is_dup] = render.random_times(rng, dup_base, np.full(is_dup.sum(), now))
    since_update = (rng.exponential(180.0 * 86_400.0, k)).astype(np.int64).astype("timedelta64[s]")
    updated = np.maximum(now - np.timedelta64(1, "s") - since_update, created)
    consent_at = render.random_times(rng, created, updated + np.timedelta64(1, "s"))

    # Identity attributes, with the CRM's mess.
    first, last = render.names(rng, pop, rec, m)
    dup_first, dup_last = render.duplicate_names(rng, pop, rec[is_dup], m)
    first[is_dup], last[is_dup] = dup_first, dup_last
    email, clean, _ = render.emails(rng, pop, rec, m, m.crm_email_missing_rate)
    verified = clean & (rng.random(k) < 0.75)
    phone = render.phones(rng, pop, rec, m, 0.2, m.crm_phone_missing_rate)
    birth = render.birth_dates(rng, pop, rec, m)
    addr = render.address(rng, pop, rec, m)
    national = noise.national_id_typos(rng, pop.national_id[rec], m.national_id_typo_rate)
    national[noise.mask(rng, k, m.crm_national_id_missing_rate)] = None
    income = np.round(pop.income[rec], -3).astype(np.int64)
    income_missing = noise.mask(rng, k, m.income_missing_rate)

    order = np.lexsort((rng.random(k), created))
    ids = np.empty(k, dtype=object)
    ids[order] = [f"CRM-{i + 1:07d}" for i in range(k)]
    created_s, updated_s, consent_s = iso_utc(created), iso_utc(updated), iso_utc(consent_at)
    birth_s = np.datetime_as_string(birth, unit="D").tolist()
    records: list[tuple[str, str, dict[str, object]]] = []
    for i in range(k):
        p = int(rec[i])
        records.append(
            (
                updated_s[i],
                ids[i],
                {
                    "id": ids[i],
                    "first_name": first[i],
                    "last_name": last[i],
                    "email": email[i],
                    "email_verified": bool(verified[i]),
                    "phone": phone[i],
                    "birth_date": birth_s[i],
                    "address": {
                        "line1": addr.line[i],
                        "city": addr.city[i],
                        "state": addr.state[i],
                        "postal_code": addr.postal_code[i],
                    },
                    "national_id": national[i],
                    "marketing_consent": {
                        "email": bool(pop.consent[p, 0]),
                        "sms": bool(pop.consent[p, 1]),
                        "phone": bool(pop.consent[p, 2]),
                        "post": bool(pop.consent[p, 3]),
                    },
                    "consent_updated_at": consent_s[i],
                    "preferred_channel": pop.preferred_channel[p],
                    "interests": [
                        name for j, name in enumerate(ref.INTERESTS) if pop.interests[p, j]
                    ],
                    "occupation": pop.occupation[p],
                    "annual_income": None if income_missing[i] else int(income[i]),
                    "created_at": created_s[i],
                    "updated_at": updated_s[i],
                },
            )
        )
    records.sort(key=lambda r: (r[0], r[1]))

    pages = max(1, -(-k // PAGE_SIZE))
    for page in range(pages):
        chunk = records[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        last_page = page == pages - 1
        body = {
            "data": [r[2] for r in chunk],
            "page": page + 1,
            "page_size": PAGE_SIZE,
            "total": k,
            "next_cursor": None if last_page else cursor(chunk[-1][0], chunk[-1][1]),
        }
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"
        sink.write_bytes(
            "crm_customers",
            f"crm/customers/page-{page + 1:05d}.json",
            text.encode("utf-8"),
            len(chunk),
        )
        sink.report("crm", page + 1, pages)
    sink.add_truth("crm", [str(x) for x in ids.tolist()], rec)
