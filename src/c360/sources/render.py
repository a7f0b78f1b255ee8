"""Render person attributes as one source record would hold them (stale or current, messy).

Shared by all sources so that "stale address", "nickname" or "phone format" mean the
same thing everywhere; each source only decides which of these it applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from c360.sources import noise
from c360.sources import reference as ref
from c360.sources.messiness import Messiness
from c360.sources.population import Population

ObjArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Address:
    """Address columns of a batch of source records."""

    line: ObjArray
    city: ObjArray
    state: ObjArray
    postal_code: ObjArray
    city_index: IntArray
    stale: BoolArray


def address_lines(
    rng: np.random.Generator,
    number: IntArray,
    street: ObjArray,
    suffix: IntArray,
    unit: ObjArray,
    format_noise_rate: float,
) -> ObjArray:
    """ "12 Oak St Apt 4B"; at the noise rate "12 Oak Street #4B" style variants instead."""
    n = len(number)
    noisy = noise.mask(rng, n, format_noise_rate)
    out = np.empty(n, dtype=object)
    for i in range(n):
        short, long_ = ref.STREET_SUFFIXES[suffix[i]]
        u = unit[i]
        if noisy[i]:
            text = f"{number[i]} {street[i]} {long_}"
            if u:
                text += " #" + u[4:]
        else:
            text = f"{number[i]} {street[i]} {short}"
            if u:
                text += " " + u
        out[i] = text
    return out


def address(
    rng: np.random.Generator,
    pop: Population,
    persons: IntArray,
    m: Messiness,
    stale_bias: float = 1.0,
) -> Address:
    """Current address, or the previous one for movers at `stale_address_rate * stale_bias`."""
    rate = min(1.0, m.stale_address_rate * stale_bias)
    stale = pop.moved[persons] & noise.mask(rng, len(persons), rate)

    def pick(cur: npt.NDArray, prev: npt.NDArray) -> npt.NDArray:
        return np.where(stale, prev[persons], cur[persons])

    city_index = pick(pop.city_index, pop.prev_city_index).astype(np.int64)
    line = address_lines(
        rng,
        pick(pop.street_number, pop.prev_street_number),
        pick(pop.street_name, pop.prev_street_name),
        pick(pop.street_suffix, pop.prev_street_suffix),
        pick(pop.unit, pop.prev_unit),
        m.address_format_noise_rate,
    )
    return Address(
        line=line,
        city=pop.city(city_index),
        state=pop.state(city_index),
        postal_code=pick(pop.postal_code, pop.prev_postal_code),
        city_index=city_index,
        stale=stale,
    )


def emails(
    rng: np.random.Generator,
    pop: Population,
    persons: IntArray,
    m: Messiness,
    missing_rate: float,
    stale_bias: float = 1.0,
) -> tuple[ObjArray, BoolArray, BoolArray]:
    """Email as a source holds it: stale for changers, sometimes missing, mistyped or mixed case.

    Returns (email, is_current_and_clean, typoed); the middle mask is what a source
    may mark as verified.
    """
    n = len(persons)
    rate = min(1.0, m.stale_email_rate * stale_bias)
    has_prev = np.array([v is not None for v in pop.previous_email[persons]], dtype=bool)
    stale = has_prev & noise.mask(rng, n, rate)
    out = np.where(stale, pop.previous_email[persons], pop.email[persons])
    out, typoed = noise.email_noise(rng, out, m.email_typo_rate, m.email_case_noise_rate)
    missing = noise.mask(rng, n, missing_rate)
    out[missing] = None
    clean = ~stale & ~typoed & ~missing
    return out, clean, typoed & ~missing


def phones(
    rng: np.random.Generator,
    pop: Population,
    persons: IntArray,
    m: Messiness,
    landline_share: float,
    missing_rate: float,
) -> ObjArray:
    """A phone number in a source's mixed formats: mobile, or the household landline."""
    n = len(persons)
    land = pop.landline[persons]
    use_land = np.array([v is not None for v in land], dtype=bool) & (
        rng.random(n) < landline_share
    )
    digits = np.where(use_land, land, pop.mobile[persons])
    digits[noise.mask(rng, n, missing_rate)] = None
    return noise.format_phones(rng, digits, m.phone_format_noise_rate)


def names(
    rng: np.random.Generator,
    pop: Population,
    persons: IntArray,
    m: Messiness,
    nickname_boost: float = 1.0,
) -> tuple[ObjArray, ObjArray]:
    """First and last name with the source's name mess (nicknames, typos, case, spaces)."""
    return noise.name_noise(
        rng,
        pop.first_name[persons],
        pop.last_name[persons],
        nickname_rate=min(1.0, m.nickname_rate * nickname_boost),
        typo_rate=m.typo_rate,
        case_rate=m.case_noise_rate,
        whitespace_rate=m.whitespace_noise_rate,
    )


def duplicate_names(
    rng: np.random.Generator, pop: Population, persons: IntArray, m: Messiness
) -> tuple[ObjArray, ObjArray]:
    """Names for a second registration of the same person: always spelled a bit differently.

    A duplicate arises because nobody matched the new registration to the old one, so
    at least one visible difference is forced: a nickname when the first name has one,
    else a typo in the first or last name. With every name-mess rate at 0 the names
    stay exact (then only the id, and maybe the address or email, differs).
    """
    first, last = names(rng, pop, persons, m)
    if m.nickname_rate == 0 and m.typo_rate == 0:
        return first, last
    for i in range(len(persons)):
        f_true = pop.first_name[persons[i]]
        if first[i] != f_true or last[i] != pop.last_name[persons[i]]:
            continue
        options = ref.NICKNAMES.get(f_true)
        if options and m.nickname_rate > 0 and rng.random() < 0.5:
            first[i] = options[int(rng.integers(0, len(options)))]
        elif m.typo_rate > 0 and rng.random() < 0.5:
            first[i] = noise.typo(first[i], rng)
        elif m.typo_rate > 0:
            last[i] = noise.typo(last[i], rng)
    return first, last


def birth_dates(
    rng: np.random.Generator, pop: Population, persons: IntArray, m: Messiness, boost: float = 1.0
) -> npt.NDArray[np.datetime64]:
    """Birth dates with day/month transposed at the configured rate."""
    return noise.transpose_birth_dates(
        rng, pop.birth_date[persons], min(1.0, m.birth_date_transposition_rate * boost)
    )


def random_times(
    rng: np.random.Generator, start: npt.NDArray[np.datetime64], end: npt.NDArray[np.datetime64]
) -> npt.NDArray[np.datetime64]:
    """Uniform datetime64[s] in [start, end) per row (end > start is guaranteed by callers)."""
    s = start.astype("datetime64[s]")
    span = (end.astype("datetime64[s]") - s).astype(np.int64)
    span = np.maximum(span, 1)
    return s + (rng.random(len(s)) * span).astype(np.int64).astype("timedelta64[s]")
