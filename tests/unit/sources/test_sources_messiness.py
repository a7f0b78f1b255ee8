"""Each kind of mess is present at its default rate and absent when its rate is 0."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path

import pytest
import sources_testkit as kit

from c360.sources.generator import GenerationResult
from c360.sources.messiness import Messiness
from c360.sources.noise import ascii_upper


def _crm_names(run: GenerationResult) -> list[tuple[str, str, str, str]]:
    """(first, last, true first, true last) for every CRM record."""
    truth = kit.person_of(run.out_dir, "crm")
    people = kit.persons(run.out_dir)
    return [
        (
            r["first_name"],
            r["last_name"],
            people[truth[r["id"]]]["first_name"],
            people[truth[r["id"]]]["last_name"],
        )
        for r in kit.crm_records(run.out_dir)
    ]


def test_zero_name_mess_makes_crm_names_equal_ground_truth(
    names_clean_run: GenerationResult,
) -> None:
    rows = _crm_names(names_clean_run)

    assert rows
    assert all((f, s) == (tf, ts) for f, s, tf, ts in rows)


def test_zero_name_mess_makes_core_banking_names_equal_ground_truth(
    names_clean_run: GenerationResult,
) -> None:
    out = names_clean_run.out_dir
    truth, people = kit.person_of(out, "core_banking"), kit.persons(out)

    for r in kit.read_csv(out / "core_banking" / "customers.csv"):
        person = people[truth[r["customer_number"]]]
        assert (r["first_name"], r["last_name"]) == (person["first_name"], person["last_name"])


def test_zero_name_mess_makes_mainframe_names_the_upper_case_ascii_truth(
    names_clean_run: GenerationResult,
) -> None:
    out = names_clean_run.out_dir
    truth, people = kit.person_of(out, "mainframe_loyalty"), kit.persons(out)

    for d in kit.loyalty_details(out):
        person = people[truth[d["member_number"]]]
        assert d["last_name"].rstrip() == ascii_upper(person["last_name"])[:20]
        assert d["first_name"].rstrip() == ascii_upper(person["first_name"])[:15]


def test_zero_name_mess_makes_caller_names_equal_ground_truth(
    names_clean_run: GenerationResult,
) -> None:
    out = names_clean_run.out_dir
    truth, people = kit.person_of(out, "call_center"), kit.persons(out)

    named = [r for r in kit.contacts(out) if r["caller_name"]]
    assert named
    for r in named:
        person = people[truth[r["contact_id"]]]
        assert r["caller_name"] == f"{person['first_name']} {person['last_name']}"


def test_default_mess_produces_names_that_differ_from_ground_truth(
    default_run: GenerationResult,
) -> None:
    rows = _crm_names(default_run)
    differing = [r for r in rows if (r[0], r[1]) != (r[2], r[3])]

    assert 0.05 < len(differing) / len(rows) < 0.5


def test_zero_transposition_rate_keeps_every_birth_date_true(clean_run: GenerationResult) -> None:
    out = clean_run.out_dir
    truth, people = kit.person_of(out, "crm"), kit.persons(out)

    for r in kit.crm_records(out):
        assert r["birth_date"] == people[truth[r["id"]]]["birth_date"]


def test_zero_duplicate_rates_give_one_record_per_person_in_crm_and_core(
    clean_run: GenerationResult,
) -> None:
    rows = kit.truth(clean_run.out_dir)
    for system in ("crm", "core_banking"):
        counts = Counter(r["person_id"] for r in rows if r["source_system"] == system)
        assert max(counts.values()) == 1, system


def test_clean_sources_hold_current_emails_and_canonical_phones(
    clean_run: GenerationResult,
) -> None:
    out = clean_run.out_dir
    truth, people = kit.person_of(out, "crm"), kit.persons(out)

    for r in kit.crm_records(out):
        person = people[truth[r["id"]]]
        assert r["email"] == person["email"]
        assert r["phone"].startswith("+1 ") and len(r["phone"]) == 15


def test_clean_crm_has_no_missing_national_id_email_or_income(clean_run: GenerationResult) -> None:
    records = kit.crm_records(clean_run.out_dir)

    assert all(r["national_id"] and r["email"] and r["annual_income"] for r in records)


def test_messiness_rejects_a_rate_above_one() -> None:
    with pytest.raises(ValueError, match="typo_rate"):
        Messiness(typo_rate=1.5)


def test_messiness_rejects_a_negative_bot_count() -> None:
    with pytest.raises(ValueError, match="bot_devices"):
        Messiness(bot_devices=-1)


def test_messiness_clean_zeroes_noise_but_keeps_coverage() -> None:
    clean, default = Messiness.clean(), Messiness()

    assert (clean.typo_rate, clean.crm_duplicate_rate, clean.bot_devices) == (0.0, 0.0, 0)
    assert clean.core_coverage == default.core_coverage
    assert clean.household_rate == default.household_rate


def test_messiness_to_dict_holds_every_field_sorted() -> None:
    values = Messiness().to_dict()

    assert list(values) == sorted(f.name for f in dataclasses.fields(Messiness))


def test_docs_table_lists_every_messiness_field_with_its_default() -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "sources.md"
    section = docs.read_text(encoding="utf-8").split("## Messiness", 1)[1]
    rows = re.findall(r"^\| `(\w+)` \| ([0-9.]+) \|", section, re.M)

    documented = {name: float(default) for name, default in rows}
    assert documented == {k: float(v) for k, v in Messiness().to_dict().items()}


def test_default_phones_come_in_several_formats(default_run: GenerationResult) -> None:
    phones = [r["phone"] for r in kit.crm_records(default_run.out_dir) if r["phone"]]
    shapes = {re.sub(r"\d", "9", p) for p in phones}

    assert {"+9 999-999-9999", "(999) 999 9999", "9999999999", "999.999.9999"} <= shapes


def test_zero_stale_and_format_rates_give_current_canonical_addresses(
    clean_run: GenerationResult,
) -> None:
    out = clean_run.out_dir
    truth, people = kit.person_of(out, "crm"), kit.persons(out)

    for r in kit.crm_records(out):
        person = people[truth[r["id"]]]
        assert r["address"]["line1"] == person["address_line"]
        assert r["address"]["postal_code"] == person["postal_code"]


def test_default_mess_leaves_some_movers_at_their_previous_address(
    default_run: GenerationResult,
) -> None:
    out = default_run.out_dir
    truth, people = kit.person_of(out, "core_banking"), kit.persons(out)
    rows = kit.read_csv(out / "core_banking" / "customers.csv")

    stale = [
        r
        for r in rows
        if people[truth[r["customer_number"]]]["previous_postal_code"]
        and r["postal_code"] == people[truth[r["customer_number"]]]["previous_postal_code"]
        and r["postal_code"] != people[truth[r["customer_number"]]]["postal_code"]
    ]
    assert stale
