"""Mainframe extracts: the loyalty fixed-width file and the credit-card statement file.

`mainframe/loyalty_YYYYMMDD.dat` is a classic fixed-width extract (header, detail,
trailer with a record count and a control total). `mainframe/cards_YYYYMMDD.csv` is the
card processor's statement file with its own header/trailer lines around a CSV body.
Both are upper-case ASCII, as mainframes write them, and both carry the mainframe's
own keys (member number; national id + last four card digits).
"""

from __future__ import annotations

import csv
import io

import numpy as np
import numpy.typing as npt

from c360.sources import noise, render
from c360.sources.core_banking import CoreBanking
from c360.sources.messiness import Messiness
from c360.sources.population import Population
from c360.sources.writing import Sink, stage_rng

# Loyalty detail record: (field, start column 1-based, length, type).
# Types: "X" alphanumeric, left-aligned, space padded; "9" numeric, zero padded;
# "D" date YYYYMMDD (blank when unknown). Record length 97, lines end with "\n".
LOYALTY_LAYOUT: list[tuple[str, int, int, str]] = [
    ("record_type", 1, 1, "X"),  # "D"
    ("member_number", 2, 10, "9"),  # loyalty member key (ground-truth source_key)
    ("last_name", 12, 20, "X"),  # upper case, accents folded, truncated
    ("first_name", 32, 15, "X"),  # upper case, accents folded, truncated
    ("birth_date", 47, 8, "D"),  # sometimes day/month transposed (mess)
    ("postal_code", 55, 5, "X"),  # may be the previous address's (stale)
    ("tier", 60, 8, "X"),  # BRONZE, SILVER, GOLD, PLATINUM
    ("points_balance", 68, 11, "9"),  # summed in the trailer's control total
    ("enrolled_on", 79, 8, "D"),
    ("national_id", 87, 11, "X"),  # "123-45-6789" or blank
]
LOYALTY_RECORD_LENGTH = 97
# Header: "H", file name (30), file date YYYYMMDD (8), sequence (6, days since 2000-01-01).
LOYALTY_HEADER_LAYOUT: list[tuple[str, int, int, str]] = [
    ("record_type", 1, 1, "X"),  # "H"
    ("file_name", 2, 30, "X"),
    ("file_date", 32, 8, "D"),
    ("sequence", 40, 6, "9"),
]
# Trailer: "T", detail record count (9), sum of points_balance (15).
LOYALTY_TRAILER_LAYOUT: list[tuple[str, int, int, str]] = [
    ("record_type", 1, 1, "X"),  # "T"
    ("record_count", 2, 9, "9"),
    ("points_total", 11, 15, "9"),
]
TIERS = (("BRONZE", 0), ("SILVER", 5_000), ("GOLD", 25_000), ("PLATINUM", 100_000))
CARDS_COLUMNS = (
    "card_number_last4",
    "card_holder_name",
    "national_id",
    "birth_date",
    "credit_limit",
    "statement_balance",
    "minimum_due",
    "statement_date",
    "days_past_due",
)


def sequence_number(day: np.datetime64) -> int:
    """File sequence: days since 2000-01-01, so each daily file gets the next number."""
    return int((day - np.datetime64("2000-01-01", "D")).astype(np.int64))


def fixed_field(value: str, length: int, kind: str) -> str:
    """Render one fixed-width field: numbers zero padded right-aligned, text space padded."""
    if kind == "9":
        text = value.rjust(length, "0")
    else:
        text = value.ljust(length)
    if len(text) > length:
        text = text[:length] if kind != "9" else text[-length:]
    return text


def parse_fixed(line: str, layout: list[tuple[str, int, int, str]]) -> dict[str, str]:
    """Split one fixed-width line by a layout (fields keep their padding)."""
    return {name: line[start - 1 : start - 1 + length] for name, start, length, _ in layout}


def _yyyymmdd(dates: npt.NDArray[np.datetime64]) -> list[str]:
    return [d.replace("-", "") for d in np.datetime_as_string(dates, unit="D").tolist()]


def generate_loyalty(sink: Sink, pop: Population, seed: int, m: Messiness) -> None:
    """Write `mainframe/loyalty_YYYYMMDD.dat` and the loyalty ground truth."""
    rng = stage_rng(seed, "mainframe_loyalty")
    today = np.datetime64(pop.logical_date, "D")
    stamp = _yyyymmdd(np.array([today]))[0]
    persons = np.flatnonzero(pop.in_loyalty).astype(np.int64)
    k = len(persons)
    member = rng.choice(9_000_000_000, k, replace=False) + 1_000_000_000 if k else np.zeros(0, int)
    order = np.argsort(member, kind="stable")
    persons, member = persons[order], member[order]

    first, last = render.names(rng, pop, persons, m)
    birth = _yyyymmdd(render.birth_dates(rng, pop, persons, m))
    addr = render.address(rng, pop, persons, m)
    points = np.minimum(np.exp(rng.normal(np.log(8_000.0), 1.2, k)).astype(np.int64), 10**11 - 1)
    enrol_start = np.maximum(
        pop.birth_date[persons] + np.timedelta64(18 * 366, "D"),
        today - np.timedelta64(15 * 365, "D"),
    )
    enrolled = _yyyymmdd(
        render.random_times(rng, enrol_start, np.full(k, today)).astype("datetime64[D]")
    )
    national = noise.national_id_typos(rng, pop.national_id[persons], m.national_id_typo_rate)
    national[noise.mask(rng, k, m.loyalty_national_id_missing_rate)] = None

    name = f"loyalty_{stamp}.dat"
    lines = [
        _pad(
            "H"
            + fixed_field(name, 30, "X")
            + stamp
            + fixed_field(str(sequence_number(today)), 6, "9")
        )
    ]
    for i in range(k):
        tier = [t for t, floor in TIERS if points[i] >= floor][-1]
        values = {
            "record_type": "D",
            "member_number": str(member[i]),
            "last_name": noise.ascii_upper(last[i]),
            "first_name": noise.ascii_upper(first[i]),
            "birth_date": birth[i],
            "postal_code": addr.postal_code[i],
            "tier": tier,
            "points_balance": str(points[i]),
            "enrolled_on": enrolled[i],
            "national_id": national[i] or "",
        }
        lines.append(
            "".join(fixed_field(values[f], length, kind) for f, _, length, kind in LOYALTY_LAYOUT)
        )
    total = int(points.sum())
    lines.append(_pad("T" + fixed_field(str(k), 9, "9") + fixed_field(str(total), 15, "9")))
    data = ("\n".join(lines) + "\n").encode("ascii")
    sink.write_bytes("mainframe_loyalty", f"mainframe/{name}", data, k)
    sink.add_truth("mainframe_loyalty", [f"{x:010d}" for x in member.tolist()], persons)


def _pad(line: str) -> str:
    return line.ljust(LOYALTY_RECORD_LENGTH)


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def generate_cards(sink: Sink, pop: Population, core: CoreBanking, seed: int, m: Messiness) -> None:
    """Write `mainframe/cards_YYYYMMDD.csv` (statements of open card accounts) and its truth.

    Ground-truth source_key is "<national_id>:<card_number_last4>" as written in the file.
    """
    rng = stage_rng(seed, "mainframe_cards")
    today = np.datetime64(pop.logical_date, "D")
    stamp = _yyyymmdd(np.array([today]))[0]
    persons = core.card_person
    k = len(persons)
    first, last = render.names(rng, pop, persons, m)
    holder = [f"{noise.ascii_upper(last[i])}, {noise.ascii_upper(first[i])}" for i in range(k)]
    national = noise.national_id_typos(rng, pop.national_id[persons], m.national_id_typo_rate)
    last4 = rng.integers(0, 10_000, k)
    keys = [f"{national[i]}:{last4[i]:04d}" for i in range(k)]
    seen: set[str] = set()
    for i in range(k):  # the key must be unique: redraw the rare colliding card number
        while keys[i] in seen:
            last4[i] = (last4[i] + 1 + int(rng.integers(0, 9_999))) % 10_000
            keys[i] = f"{national[i]}:{last4[i]:04d}"
        seen.add(keys[i])
    birth = _yyyymmdd(render.birth_dates(rng, pop, persons, m))
    statement = today - rng.integers(0, 30, k).astype("timedelta64[D]")
    statement_s = _yyyymmdd(statement)
    owed = np.maximum(core.card_owed_cents, 0)
    minimum = np.minimum(owed, np.maximum(2_500, np.round(owed * 0.02).astype(np.int64)))
    late = rng.random(k) < np.where(core.card_frozen, 0.8, 0.06)
    dpd = np.where(late, rng.choice(np.array([5, 15, 30, 60, 90, 120]), k), 0)
    dpd[owed == 0] = 0

    order = sorted(range(k), key=lambda i: (statement_s[i], national[i], int(last4[i])))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    buf.write(f"HDR,cards,{stamp},{sequence_number(today)}\n")
    writer.writerow(CARDS_COLUMNS)
    for i in order:
        writer.writerow(
            [
                f"{last4[i]:04d}",
                holder[i],
                national[i],
                birth[i],
                _money(int(core.card_limit_cents[i])),
                _money(int(owed[i])),
                _money(int(minimum[i])),
                statement_s[i],
                int(dpd[i]),
            ]
        )
    buf.write(f"TRL,{k},{_money(int(owed.sum()))}\n")
    sink.write_bytes(
        "mainframe_cards", f"mainframe/cards_{stamp}.csv", buf.getvalue().encode("ascii"), k
    )
    sink.add_truth("mainframe_cards", [keys[i] for i in order], persons[order])
