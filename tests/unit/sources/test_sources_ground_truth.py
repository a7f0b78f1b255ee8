"""The ground truth names the true person of every person-bearing record, exactly once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import sources_testkit as kit

from c360.sources import reference as ref


def _source_keys(out: Path) -> dict[str, list[str]]:
    """Keys of every person-bearing record, read from the source files themselves."""
    _, cards, _ = kit.cards_file(out)
    return {
        "crm": [r["id"] for r in kit.crm_records(out)],
        "core_banking": [
            r["customer_number"] for r in kit.read_csv(out / "core_banking" / "customers.csv")
        ],
        "mainframe_loyalty": [r["member_number"] for r in kit.loyalty_details(out)],
        "mainframe_cards": [f"{r['national_id']}:{r['card_number_last4']}" for r in cards],
        "call_center": [r["contact_id"] for r in kit.contacts(out)],
        "clickstream_device": sorted(
            {e["device_id"] for e in kit.events(out) if e["user_agent"] not in ref.BOT_USER_AGENTS}
        ),
    }


def test_ground_truth_maps_every_person_bearing_record_exactly_once(out: Path) -> None:
    in_truth: dict[str, Counter[str]] = {}
    for row in kit.truth(out):
        in_truth.setdefault(row["source_system"], Counter())[row["source_key"]] += 1

    for system, keys in _source_keys(out).items():
        assert len(keys) == len(set(keys)), system
        assert in_truth[system] == Counter(keys), system


def test_ground_truth_only_names_persons_of_the_population(out: Path) -> None:
    known = set(kit.persons(out))

    assert {r["person_id"] for r in kit.truth(out)} <= known


def test_every_person_is_in_core_banking_or_crm(out: Path) -> None:
    systems: dict[str, set[str]] = {}
    for row in kit.truth(out):
        systems.setdefault(row["person_id"], set()).add(row["source_system"])

    assert len(systems) == len(kit.persons(out))
    assert all(s & {"core_banking", "crm"} for s in systems.values())


def test_bot_devices_are_not_in_ground_truth(out: Path) -> None:
    bots = {e["device_id"] for e in kit.events(out) if e["user_agent"] in ref.BOT_USER_AGENTS}
    devices = set(kit.person_of(out, "clickstream_device"))

    assert bots
    assert not bots & devices
