"""The true persons behind every source record: one population, drawn once per run.

Sources never invent people; they render (and mess up) persons from here. This is
what makes the ground truth exact: every source record carries the index of the
person it was rendered from. Attributes are correlated the way a retail bank sees
them: income with age and occupation, products with age and income, digital habits
with age.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from c360.sources import reference as ref
from c360.sources.messiness import Messiness
from c360.sources.noise import ascii_upper
from c360.sources.writing import stage_rng

ObjArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
DateArray = npt.NDArray[np.datetime64]

MALE = tuple(dict.fromkeys(ref.MALE_FIRST_NAMES))
FEMALE = tuple(dict.fromkeys(ref.FEMALE_FIRST_NAMES))
SURNAMES = tuple(dict.fromkeys(ref.SURNAMES))
STREETS = tuple(dict.fromkeys(ref.STREET_NAMES))
CHANNELS = ("email", "sms", "phone", "branch", "app")


def zipf_weights(n: int, offset: float) -> FloatArray:
    """Weights 1/(i + offset): earlier entries of a frequency-ordered list are likelier."""
    w = 1.0 / (np.arange(n, dtype=np.float64) + offset)
    return w / w.sum()


def weighted_sample(rng: np.random.Generator, weights: FloatArray, k: int) -> IntArray:
    """k distinct indices drawn with probability proportional to weights (Efraimidis-Spirakis).

    Vectorised: one uniform per candidate, keep the k largest u**(1/w); ties are
    broken by index so the result is deterministic.
    """
    n = len(weights)
    k = max(0, min(k, int((weights > 0).sum())))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    u = rng.random(n)
    with np.errstate(divide="ignore"):
        keys = np.where(weights > 0, np.log(u) / np.where(weights > 0, weights, 1.0), -np.inf)
    order = np.lexsort((np.arange(n), -keys))
    return np.sort(order[:k]).astype(np.int64)


def categorical(rng: np.random.Generator, group: IntArray, table: FloatArray) -> IntArray:
    """One category per row, drawn from the probability row `table[group[row]]`.

    One uniform per row and a binary search in the group's cumulative distribution:
    no per-row probability matrix, so millions of rows stay cheap.
    """
    u = rng.random(len(group))
    out = np.zeros(len(group), dtype=np.int64)
    cum = np.cumsum(table, axis=1)
    for g in range(len(table)):
        sel = group == g
        out[sel] = np.searchsorted(cum[g] / cum[g, -1], u[sel], side="right")
    return np.minimum(out, table.shape[1] - 1)


def unique_integers(
    rng: np.random.Generator,
    n: int,
    draw: Callable[[np.random.Generator, int], npt.ArrayLike],
    taken: set[int] | None = None,
) -> IntArray:
    """n distinct integers from `draw(rng, size)`, redrawing only the collisions."""
    values = np.asarray(draw(rng, n), dtype=np.int64)
    blocked = np.array(sorted(taken), dtype=np.int64) if taken else np.zeros(0, dtype=np.int64)
    for _ in range(100):
        _, first = np.unique(values, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        dup |= np.isin(values, blocked)
        if not dup.any():
            return values
        values[dup] = np.asarray(draw(rng, int(dup.sum())), dtype=np.int64)
    raise RuntimeError("could not draw distinct integers: the value space is too small")


@dataclass(frozen=True)
class Population:
    """Column arrays of the true persons, one row per person (index = person index).

    Address fields come in a current and a previous version (`prev_*`, meaningful
    where `moved`); emails likewise (`previous_email`, None where unchanged).
    Membership flags say which sources know the person.
    """

    logical_date: dt.date
    person_id: ObjArray
    sex: ObjArray
    first_name: ObjArray
    last_name: ObjArray
    birth_date: DateArray
    national_id: ObjArray
    email: ObjArray
    previous_email: ObjArray
    mobile: ObjArray
    landline: ObjArray
    street_number: IntArray
    street_name: ObjArray
    street_suffix: IntArray
    unit: ObjArray
    city_index: IntArray
    postal_code: ObjArray
    moved: BoolArray
    prev_street_number: IntArray
    prev_street_name: ObjArray
    prev_street_suffix: IntArray
    prev_unit: ObjArray
    prev_city_index: IntArray
    prev_postal_code: ObjArray
    household: IntArray
    partner: IntArray
    namesake_of: IntArray
    income: FloatArray
    employed: BoolArray
    occupation: ObjArray
    employer: ObjArray
    salary_day: IntArray
    interests: BoolArray
    consent: BoolArray
    preferred_channel: ObjArray
    customer_since: DateArray
    in_core: BoolArray
    in_crm: BoolArray
    in_loyalty: BoolArray
    has_card: BoolArray
    is_caller: BoolArray
    has_login_device: BoolArray
    has_anon_device: BoolArray

    @property
    def n(self) -> int:
        """Number of persons."""
        return len(self.person_id)

    def age_years(self) -> FloatArray:
        """Age in years on the logical date."""
        today = np.datetime64(self.logical_date, "D")
        return (today - self.birth_date).astype(np.float64) / 365.25

    def city(self, index: IntArray) -> ObjArray:
        """City names for city indexes."""
        return np.array([ref.CITIES[i][0] for i in index], dtype=object)

    def state(self, index: IntArray) -> ObjArray:
        """State codes for city indexes."""
        return np.array([ref.CITIES[i][1] for i in index], dtype=object)


def build_population(n: int, seed: int, logical_date: dt.date, m: Messiness) -> Population:
    """Draw n persons: names, birth dates, ids, contacts, addresses, finances, memberships."""
    rng = stage_rng(seed, "population")
    today = np.datetime64(logical_date, "D")
    idx = np.arange(n, dtype=np.int64)

    # Who they are.
    sex = np.where(rng.random(n) < 0.51, "F", "M").astype(object)
    female = sex == "F"
    first = np.empty(n, dtype=object)
    first[female] = np.array(FEMALE, dtype=object)[
        rng.choice(len(FEMALE), int(female.sum()), p=zipf_weights(len(FEMALE), 8.0))
    ]
    first[~female] = np.array(MALE, dtype=object)[
        rng.choice(len(MALE), int((~female).sum()), p=zipf_weights(len(MALE), 8.0))
    ]
    last = np.array(SURNAMES, dtype=object)[
        rng.choice(len(SURNAMES), n, p=zipf_weights(len(SURNAMES), 30.0))
    ]
    age_days = ((18.0 + 72.0 * rng.beta(2.0, 3.0, n)) * 365.25).astype(np.int64)
    birth = today - age_days.astype("timedelta64[D]")

    # Where they live (city weights: larger cities first in the list).
    n_cities = len(ref.CITIES)
    city = rng.choice(n_cities, n, p=zipf_weights(n_cities, 6.0)).astype(np.int64)
    street_no = np.exp(rng.uniform(0.0, np.log(9999.0), n)).astype(np.int64) + 1
    street = np.array(STREETS, dtype=object)[rng.integers(0, len(STREETS), n)]
    suffix = rng.choice(len(ref.STREET_SUFFIXES), n, p=zipf_weights(len(ref.STREET_SUFFIXES), 2.0))
    unit = _units(rng, n)
    postal = _postal_codes(rng, city)

    moved = rng.random(n) < m.mover_rate
    prev_city = np.where(
        rng.random(n) < 0.6, city, rng.choice(n_cities, n, p=zipf_weights(n_cities, 6.0))
    )
    prev_street_no = np.exp(rng.uniform(0.0, np.log(9999.0), n)).astype(np.int64) + 1
    prev_street = np.array(STREETS, dtype=object)[rng.integers(0, len(STREETS), n)]
    prev_suffix = rng.choice(
        len(ref.STREET_SUFFIXES), n, p=zipf_weights(len(ref.STREET_SUFFIXES), 2.0)
    )
    prev_unit = _units(rng, n)
    prev_postal = _postal_codes(rng, prev_city)

    # Households: pairs of partners share address (current and previous) and landline.
    perm = rng.permutation(n)
    n_pairs = int(n * m.household_rate) // 2
    a, b = perm[0 : 2 * n_pairs : 2], perm[1 : 2 * n_pairs : 2]
    household = idx.copy()
    partner = np.full(n, -1, dtype=np.int64)
    household[b] = a
    partner[a], partner[b] = b, a
    for arr in (city, street_no, suffix, postal, prev_city, prev_street_no, prev_suffix):
        arr[b] = arr[a]
    for obj in (street, unit, prev_street, prev_unit, prev_postal):
        obj[b] = obj[a]
    moved[b] = moved[a]
    share = rng.random(n_pairs) < m.household_same_surname_rate
    last[b[share]] = last[a[share]]
    # Partners are close in age but never share a birth date.
    gap = np.rint(rng.normal(0.0, 3.0 * 365.25, n_pairs)).astype(np.int64)
    gap[gap == 0] = 1
    partner_birth = birth[a] + gap.astype("timedelta64[D]")
    partner_birth = np.minimum(
        np.maximum(partner_birth, today - np.timedelta64(90 * 365, "D")),
        today - np.timedelta64(18 * 365 + 5, "D"),
    )
    same = partner_birth == birth[a]
    partner_birth[same] = partner_birth[same] - np.timedelta64(1, "D")
    birth[b] = partner_birth

    # Namesakes: outside households, B takes A's first and last name (sometimes birth date).
    singles = perm[2 * n_pairs :]
    n_names = min(int(round(n * m.namesake_rate / 2)), len(singles) // 2)
    na, nb = singles[0 : 2 * n_names : 2], singles[1 : 2 * n_names : 2]
    namesake_of = np.full(n, -1, dtype=np.int64)
    namesake_of[nb], namesake_of[na] = na, nb
    first[nb], last[nb], sex[nb] = first[na], last[na], sex[na]
    same_birth = rng.random(n_names) < m.namesake_same_birth_date_rate
    birth[nb[same_birth]] = birth[na[same_birth]]

    ages = (today - birth).astype(np.float64) / 365.25

    # Identifiers and contacts, unique per person.
    national = _national_ids(rng, n)
    email = _emails(rng, first, last, birth, ref.EMAIL_DOMAINS, taken=set())
    changed = rng.random(n) < m.email_change_rate
    previous_email = np.full(n, None, dtype=object)
    previous_email[changed] = _emails(
        rng,
        first[changed],
        last[changed],
        birth[changed],
        ref.OLD_EMAIL_DOMAINS,
        taken=set(email.tolist()),
        old_style=True,
    )
    area = np.array([ref.CITIES[i][3] for i in np.where(moved, prev_city, city)], dtype=np.int64)
    mobile_num = unique_integers(
        rng, n, lambda r, k: r.integers(200, 1000, k) * 10_000 + r.integers(0, 10_000, k)
    )
    mobile = np.array(
        [f"{a_}{s:07d}" for a_, s in zip(area.tolist(), mobile_num.tolist(), strict=True)],
        dtype=object,
    )
    heads = np.flatnonzero(household == idx)
    has_landline = rng.random(len(heads)) < m.landline_rate
    landline = np.full(n, None, dtype=object)
    line_heads = heads[has_landline]
    line_num = unique_integers(
        rng,
        len(line_heads),
        lambda r, k: r.integers(200, 1000, k) * 10_000 + r.integers(0, 10_000, k),
        taken=set(mobile_num.tolist()),
    )
    home_area = np.array([ref.CITIES[i][3] for i in city[line_heads]], dtype=np.int64)
    landline[line_heads] = [
        f"{a_}{s:07d}" for a_, s in zip(home_area.tolist(), line_num.tolist(), strict=True)
    ]
    landline[b] = landline[a]

    # Work and money.
    p_emp = np.select([ages < 23, ages < 62, ages < 67], [0.55, 0.86, 0.5], 0.06)
    employed = rng.random(n) < p_emp
    occ_idx = rng.integers(0, len(ref.OCCUPATIONS), n)
    occupation = np.array(ref.OCCUPATIONS, dtype=object)[occ_idx]
    not_emp = ~employed
    occupation[not_emp & (ages >= 62)] = "Retired"
    occupation[not_emp & (ages < 25)] = "Student"
    other = not_emp & (ages >= 25) & (ages < 62)
    occupation[other] = np.where(rng.random(int(other.sum())) < 0.5, "Homemaker", "Unemployed")
    self_employed = employed & np.isin(occupation, ref.SELF_EMPLOYED_OCCUPATIONS)
    employer = np.full(n, None, dtype=object)
    salaried = employed & ~self_employed
    employer[salaried] = np.array(ref.EMPLOYERS, dtype=object)[
        rng.choice(
            len(ref.EMPLOYERS), int(salaried.sum()), p=zipf_weights(len(ref.EMPLOYERS), 10.0)
        )
    ]
    salary_day = rng.choice(
        np.array([1, 15, 25, 28, 5, 10, 20, 3], dtype=np.int64),
        n,
        p=np.array([0.3, 0.25, 0.15, 0.1, 0.05, 0.05, 0.05, 0.05]),
    )
    curve = np.clip(1.0 - ((ages - 50.0) / 25.0) ** 2, -1.0, 1.0)
    mu = np.where(
        employed,
        np.log(52_000.0) + 0.35 * curve,
        np.where(ages >= 62, np.log(30_000.0), np.log(12_000.0)),
    )
    income = np.round(np.exp(rng.normal(mu, 0.55)), -2).astype(np.float64)

    # Interests, consents, channel preference.
    rich, high = income > 100_000, income > 60_000
    probs = np.column_stack(
        [
            0.25 + 0.15 * (income > 80_000),
            0.08 + 0.30 * rich + 0.10 * high,
            np.where((ages >= 28) & (ages <= 50), 0.30, 0.08),
            0.05 + 0.35 * (ages >= 50),
            np.where(ages < 30, 0.30, 0.08),
            np.full(n, 0.18),
            0.10 + 0.15 * ((ages >= 35) & (ages <= 70)),
            np.where(ages < 40, 0.20, 0.04),
            0.12 + 0.08 * (ages >= 40),
            0.06 + 0.25 * self_employed,
        ]
    )
    interests = rng.random((n, len(ref.INTERESTS))) < probs
    consent = rng.random((n, 4)) < np.array([0.62, 0.40, 0.25, 0.45])
    band = np.select([ages < 35, ages < 60], [0, 1], 2)
    channel_table = np.array(
        [
            [0.25, 0.15, 0.03, 0.02, 0.55],
            [0.35, 0.12, 0.08, 0.10, 0.35],
            [0.30, 0.05, 0.25, 0.30, 0.10],
        ]
    )
    preferred = np.array(CHANNELS, dtype=object)[categorical(rng, band, channel_table)]

    # Relationship start with the bank: recent more likely, never before age 18.
    years_ago = np.minimum(rng.exponential(7.0, n), ages - 18.0)
    since = today - np.maximum(1, (years_ago * 365.25).astype(np.int64)).astype("timedelta64[D]")

    # Source memberships (see Messiness: coverage).
    in_core = rng.random(n) < m.core_coverage
    p_crm_core = (
        1.0
        if m.core_coverage == 0
        else float(np.clip((m.crm_coverage - (1.0 - m.core_coverage)) / m.core_coverage, 0.0, 1.0))
    )
    in_crm = np.where(in_core, rng.random(n) < p_crm_core, True)
    in_loyalty = rng.random(n) < m.loyalty_coverage
    has_card = np.zeros(n, dtype=bool)
    has_card[
        weighted_sample(
            rng, np.where(in_core, np.sqrt(income), 0.0), int(round(n * m.card_coverage))
        )
    ] = True
    is_caller = rng.random(n) < m.caller_coverage
    login_w = np.where(in_core, np.where(ages < 50, 1.5, np.where(ages < 70, 1.0, 0.5)), 0.0)
    has_login = np.zeros(n, dtype=bool)
    has_login[weighted_sample(rng, login_w, int(round(n * m.login_device_coverage)))] = True
    has_anon = ~has_login & (rng.random(n) < m.anonymous_device_rate)

    return Population(
        logical_date=logical_date,
        person_id=np.array([f"P{i + 1:07d}" for i in range(n)], dtype=object),
        sex=sex,
        first_name=first,
        last_name=last,
        birth_date=birth,
        national_id=national,
        email=email,
        previous_email=previous_email,
        mobile=mobile,
        landline=landline,
        street_number=street_no,
        street_name=street,
        street_suffix=suffix.astype(np.int64),
        unit=unit,
        city_index=city,
        postal_code=postal,
        moved=moved,
        prev_street_number=prev_street_no,
        prev_street_name=prev_street,
        prev_street_suffix=prev_suffix.astype(np.int64),
        prev_unit=prev_unit,
        prev_city_index=prev_city.astype(np.int64),
        prev_postal_code=prev_postal,
        household=household,
        partner=partner,
        namesake_of=namesake_of,
        income=income,
        employed=employed,
        occupation=occupation,
        employer=employer,
        salary_day=salary_day,
        interests=interests,
        consent=consent,
        preferred_channel=preferred,
        customer_since=since,
        in_core=in_core,
        in_crm=in_crm,
        in_loyalty=in_loyalty,
        has_card=has_card,
        is_caller=is_caller,
        has_login_device=has_login,
        has_anon_device=has_anon,
    )


def _units(rng: np.random.Generator, n: int) -> ObjArray:
    """Apartment designators ("Apt 4B") for about a quarter of addresses, else ""."""
    has = rng.random(n) < 0.25
    floors = rng.integers(1, 30, n)
    letters = rng.integers(0, 6, n)
    out = np.full(n, "", dtype=object)
    for i in np.flatnonzero(has):
        out[i] = f"Apt {floors[i]}{'ABCDEF'[letters[i]]}"
    return out


def _postal_codes(rng: np.random.Generator, city: IntArray) -> ObjArray:
    """Five-digit postal codes inside each city's range."""
    base = np.array([ref.CITIES[i][2] for i in city], dtype=np.int64)
    codes = base + rng.integers(0, 40, len(city))
    return np.array([f"{c:05d}" for c in codes.tolist()], dtype=object)


def _national_ids(rng: np.random.Generator, n: int) -> ObjArray:
    """Distinct SSN-like ids "AAA-GG-SSSS" (area 001-899 without 666, group and serial > 0)."""

    def draw(r: np.random.Generator, k: int) -> IntArray:
        area = r.integers(1, 899, k)
        area[area == 666] = 667
        return area * 1_000_000 + r.integers(1, 100, k) * 10_000 + r.integers(1, 10_000, k)

    values = unique_integers(rng, n, draw)
    return np.array(
        [f"{v // 1_000_000:03d}-{v // 10_000 % 100:02d}-{v % 10_000:04d}" for v in values.tolist()],
        dtype=object,
    )


def email_local(first: str, last: str) -> tuple[str, str]:
    """ASCII, lower-case first and last name parts usable in an email local part."""
    f = "".join(c for c in ascii_upper(first).lower() if c.isalnum())
    s = "".join(c for c in ascii_upper(last).lower() if c.isalnum())
    return f or "x", s or "x"


def _emails(
    rng: np.random.Generator,
    first: ObjArray,
    last: ObjArray,
    birth: DateArray,
    domains: tuple[str, ...],
    taken: set[str],
    old_style: bool = False,
) -> ObjArray:
    """Distinct emails in common patterns (first.last@, flast@, firstlast84@, ...)."""
    n = len(first)
    pattern = rng.integers(0, 6, n)
    dom = rng.choice(len(domains), n, p=zipf_weights(len(domains), 2.0))
    digits = rng.integers(1, 1000, n)
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    out = np.empty(n, dtype=object)
    for i in range(n):
        f, s = email_local(first[i], last[i])
        p = int(pattern[i]) if not old_style else 3 + int(pattern[i]) % 3
        if p == 0:
            local = f"{f}.{s}"
        elif p == 1:
            local = f"{f[0]}{s}"
        elif p == 2:
            local = f"{f}{s}"
        elif p == 3:
            local = f"{f}{s}{years[i] % 100:02d}"
        elif p == 4:
            local = f"{f}_{s}{digits[i]}"
        else:
            local = f"{s}.{f}{digits[i] % 100}"
        candidate = f"{local}@{domains[dom[i]]}"
        bump = 1
        while candidate in taken:
            bump += 1
            candidate = f"{local}{bump}@{domains[dom[i]]}"
        taken.add(candidate)
        out[i] = candidate
    return out
