"""The true population: ages, households, namesakes, unique identifiers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from c360.sources.messiness import Messiness
from c360.sources.population import build_population

LOGICAL = dt.date(2026, 11, 25)


def test_ages_are_between_18_and_90() -> None:
    pop = build_population(2000, 11, LOGICAL, Messiness())
    ages = pop.age_years()

    assert ages.min() >= 18.0
    assert ages.max() <= 90.0


def test_household_partners_share_address_and_landline_but_not_birth_date() -> None:
    pop = build_population(2000, 11, LOGICAL, Messiness())
    members: dict[int, list[int]] = defaultdict(list)
    for person, household in enumerate(pop.household.tolist()):
        members[household].append(person)
    couples = [m for m in members.values() if len(m) == 2]

    assert len(couples) == 300
    for a, b in couples:
        assert (pop.street_number[a], pop.street_name[a], pop.postal_code[a]) == (
            pop.street_number[b],
            pop.street_name[b],
            pop.postal_code[b],
        )
        assert pop.landline[a] == pop.landline[b]
        assert pop.birth_date[a] != pop.birth_date[b]


def test_namesakes_share_first_and_last_name_and_are_different_persons() -> None:
    pop = build_population(2000, 11, LOGICAL, Messiness())
    pairs = [(i, j) for i, j in enumerate(pop.namesake_of.tolist()) if j > i]

    assert len(pairs) == 20
    for i, j in pairs:
        assert (pop.first_name[i], pop.last_name[i]) == (pop.first_name[j], pop.last_name[j])
        assert pop.national_id[i] != pop.national_id[j]


def test_national_ids_emails_and_mobile_numbers_are_unique() -> None:
    pop = build_population(2000, 11, LOGICAL, Messiness())

    for values in (pop.national_id, pop.email, pop.mobile):
        assert len(set(values.tolist())) == pop.n


def test_coverage_rates_shape_source_membership() -> None:
    pop = build_population(5000, 11, LOGICAL, Messiness())

    assert abs(pop.in_core.mean() - 0.92) < 0.02
    assert abs(pop.in_crm.mean() - 0.85) < 0.02
    assert pop.has_card.sum() == 1750
    assert not (pop.has_card & ~pop.in_core).any()
    assert not (pop.has_login_device & ~pop.in_core).any()
    assert (pop.in_core | pop.in_crm).all()


def test_incomes_are_positive_and_right_skewed() -> None:
    pop = build_population(5000, 11, LOGICAL, Messiness())

    assert pop.income.min() > 0
    assert np.mean(pop.income) > np.median(pop.income)
