"""Call center: one CSV of contacts per day for the 30 days before the logical date.

Writes `call_center/contacts_YYYYMMDD.csv`. A contact is tied to a core customer only
when the agent verified the caller (`customer_number` filled); otherwise all identity
resolution has to go on is the calling number (mobile or a household landline shared
by partners) and the name the agent typed. Notes are free text with commas, quotes and
newlines, so readers must honour RFC-4180 quoting.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from c360.sources import noise, render
from c360.sources import reference as ref
from c360.sources.core_banking import CoreBanking
from c360.sources.messiness import Messiness
from c360.sources.population import Population
from c360.sources.writing import Sink, cents_to_decimal, stage_rng, timestamp_array

DAYS = 30
OUTCOMES = ("resolved", "escalated", "callback", "abandoned")
OUTCOME_WEIGHTS = np.array([0.65, 0.10, 0.12, 0.13])
REASON_MOOD = {
    "CARD_LOST": -0.2,
    "DISPUTE": -0.3,
    "BALANCE": 0.2,
    "LOAN_INQUIRY": 0.3,
    "COMPLAINT": -0.6,
    "ADDRESS_CHANGE": 0.2,
    "FRAUD_REPORT": -0.4,
    "ONLINE_ACCESS": -0.1,
    "FEES": -0.3,
    "OTHER": 0.1,
}
OUTCOME_MOOD = {"resolved": 0.3, "escalated": -0.3, "callback": -0.05, "abandoned": -0.2}
PRODUCT_WORDS = ("mortgage", "personal loan", "auto loan", "home equity", "credit card")
_HOURS = np.array(
    [0, 0, 0, 0, 0, 0, 0, 1, 6, 10, 11, 10, 9, 9, 10, 9, 8, 7, 5, 3, 1, 0, 0, 0], dtype=np.float64
)


def generate_call_center(
    sink: Sink, pop: Population, core: CoreBanking, seed: int, m: Messiness
) -> None:
    """Write the 30 daily contact files and the call-center ground truth."""
    rng = stage_rng(seed, "call_center")
    today = np.datetime64(pop.logical_date, "D")
    callers = np.flatnonzero(pop.is_caller).astype(np.int64)
    person = np.repeat(callers, 1 + rng.poisson(0.5, len(callers)))
    k = len(person)

    day = today - rng.integers(1, DAYS + 1, k).astype("timedelta64[D]")
    hour = rng.choice(24, k, p=_HOURS / _HOURS.sum())
    started = day.astype("datetime64[s]") + (hour * 3600 + rng.integers(0, 3600, k)).astype(
        "timedelta64[s]"
    )
    reason = rng.choice(len(ref.CALL_REASONS), k, p=np.array(ref.CALL_REASON_WEIGHTS))
    outcome = rng.choice(len(OUTCOMES), k, p=OUTCOME_WEIGHTS)
    abandoned = outcome == OUTCOMES.index("abandoned")
    duration = np.where(
        abandoned,
        rng.integers(5, 120, k),
        np.exp(rng.normal(np.log(360.0), 0.6, k)).astype(np.int64) + 30,
    )
    mood = (
        np.array([REASON_MOOD[r] for r in ref.CALL_REASONS])[reason]
        + np.array([OUTCOME_MOOD[o] for o in OUTCOMES])[outcome]
    )
    sentiment = np.clip(np.round((mood + rng.normal(0.0, 0.25, k)) * 100), -100, 100).astype(
        np.int64
    )

    # Who the system and the agent think is calling.
    phone = render.phones(rng, pop, person, m, 0.25, m.caller_number_withheld_rate)
    first, last = render.names(rng, pop, person, m, nickname_boost=2.0)
    caller_name = np.array([f"{f} {s}" for f, s in zip(first, last, strict=True)], dtype=object)
    caller_name[
        noise.mask(rng, k, m.caller_name_missing_rate) | (abandoned & (rng.random(k) < 0.8))
    ] = None
    verified = pop.in_core[person] & ~abandoned & (rng.random(k) < m.call_verification_rate)
    number = np.where(
        (core.duplicate_number[person] >= 0) & (rng.random(k) < 0.5),
        core.duplicate_number[person],
        core.primary_number[person],
    )
    n_agents = 40 + pop.n // 2_000
    agent = rng.integers(1, n_agents + 1, k)
    notes = _notes(rng, reason, abandoned)

    order = np.lexsort((rng.random(k), started))
    contact = np.empty(k, dtype=object)
    contact[order] = [f"CT{i + 1:09d}" for i in range(k)]
    day_index = (started.astype("datetime64[D]") - (today - np.timedelta64(DAYS, "D"))).astype(
        np.int64
    )
    for d in range(DAYS):
        rows = order[day_index[order] == d]
        date = today - np.timedelta64(DAYS - d, "D")
        stamp = str(date).replace("-", "")
        table = pa.table(
            {
                "contact_id": pa.array(contact[rows].tolist(), pa.string()),
                "started_at": timestamp_array(started[rows]),
                "phone_number": pa.array(phone[rows].tolist(), pa.string()),
                "caller_name": pa.array(caller_name[rows].tolist(), pa.string()),
                "customer_number": pa.array(number[rows], pa.int64(), mask=~verified[rows]),
                "reason_code": pa.array([ref.CALL_REASONS[r] for r in reason[rows]], pa.string()),
                "duration_seconds": pa.array(duration[rows].astype(np.int64)),
                "outcome": pa.array([OUTCOMES[o] for o in outcome[rows]], pa.string()),
                "sentiment": cents_to_decimal(sentiment[rows]),
                "agent_id": pa.array(
                    [None if abandoned[r] else f"AG{agent[r]:04d}" for r in rows.tolist()],
                    pa.string(),
                ),
                "note": pa.array(notes[rows].tolist(), pa.string()),
            }
        )
        sink.write_csv("call_center_contacts", f"call_center/contacts_{stamp}.csv", table)
        sink.report("call_center", d + 1, DAYS)
    sink.add_truth("call_center", contact[order].tolist(), person[order])


def _notes(rng: np.random.Generator, reason: np.ndarray, abandoned: np.ndarray) -> np.ndarray:
    """Agent notes from templates, filled with a merchant, an amount or a product."""
    merchants = [mm for ms in ref.MERCHANTS.values() for mm in ms]
    out = np.empty(len(reason), dtype=object)
    pick = rng.integers(0, 3, len(reason))
    mer = rng.integers(0, len(merchants), len(reason))
    amount = np.exp(rng.normal(np.log(80.0), 1.0, len(reason)))
    prod = rng.integers(0, len(PRODUCT_WORDS), len(reason))
    for i in range(len(reason)):
        if abandoned[i]:
            out[i] = "Caller hung up before an agent answered" if pick[i] else None
            continue
        template = ref.CALL_NOTES[ref.CALL_REASONS[reason[i]]][pick[i]]
        out[i] = template.format(
            merchant=merchants[mer[i]], amount=f"{amount[i]:,.2f}", product=PRODUCT_WORDS[prod[i]]
        )
    return out
