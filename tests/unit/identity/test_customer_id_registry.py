"""Persistent customer ids: clusters keep their ids; merges and splits are events."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from c360.identity.registry import (
    IdFormat,
    RegistryUpdate,
    _find_rows,
    _id_numbers,
    _in_order,
    _render,
    update_registry,
)

DAY1, DAY2, DAY3 = date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)
IDS = IdFormat("C", 4)


def run(records: dict[str, int], previous: RegistryUpdate | None, day: date) -> RegistryUpdate:
    """One identity run: `records` maps `system:key` to this run's cluster label."""
    keys = list(records)
    return update_registry(
        systems=[k.split(":")[0] for k in keys], keys=[k.split(":")[1] for k in keys],
        clusters=[records[k] for k in keys], rules=["probabilistic"] * len(keys),
        probabilities=[0.999] * len(keys),
        previous_xref=previous.xref if previous else None,
        previous_events=previous.events if previous else None,
        id_format=IDS, run_id=f"daily-{day}", logical_date=day,
    )


def ids(update: RegistryUpdate) -> dict[str, str]:
    current = update.xref.filter(pa.compute.is_null(update.xref["valid_to"]))
    return {f"{s}:{k}": c for s, k, c in zip(current["source_system"].to_pylist(),
                                             current["source_key"].to_pylist(),
                                             current["customer_id"].to_pylist(), strict=True)}


def events(update: RegistryUpdate, day: date) -> list[tuple[str, str, list[str]]]:
    rows = update.events.filter(pa.compute.equal(update.events["logical_date"], day)).to_pylist()
    return [(e["event_type"], e["customer_id"], e["previous_customer_ids"]) for e in rows]


def test_first_run_numbers_clusters_in_order_of_their_smallest_record():
    first = run({"crm:1": 0, "core:7": 0, "crm:2": 2}, None, DAY1)
    assert ids(first) == {"crm:1": "C0001", "core:7": "C0001", "crm:2": "C0002"}
    assert events(first, DAY1) == [("new", "C0001", []), ("new", "C0002", [])]


def test_rerun_with_the_same_people_keeps_every_id_and_records_no_event():
    first = run({"crm:1": 0, "core:7": 0, "crm:2": 2}, None, DAY1)
    # Labels differ between runs; membership decides.
    second = run({"crm:1": 5, "core:7": 5, "crm:2": 1}, first, DAY2)
    assert ids(second) == ids(first)
    assert events(second, DAY2) == []
    assert second.stats["id_stability"] == 1.0


def test_new_person_gets_the_next_number_never_a_retired_one():
    first = run({"crm:1": 0, "crm:2": 1, "crm:3": 2}, None, DAY1)
    merged = run({"crm:1": 0, "crm:2": 0, "crm:3": 2}, first, DAY2)  # C0002 retired
    third = run({"crm:1": 0, "crm:2": 0, "crm:3": 2, "crm:4": 3}, merged, DAY3)
    assert ids(third)["crm:4"] == "C0004"
    assert events(third, DAY3) == [("new", "C0004", [])]


def test_merge_keeps_the_id_most_members_held_and_records_both_ids():
    first = run({"core:1": 0, "crm:1": 0, "cards:1": 0, "crm:9": 3}, None, DAY1)
    assert ids(first)["crm:9"] == "C0002"
    second = run({"core:1": 0, "crm:1": 0, "cards:1": 0, "crm:9": 0}, first, DAY2)
    assert set(ids(second).values()) == {"C0001"}
    assert events(second, DAY2) == [("merge", "C0001", ["C0001", "C0002"])]


def test_merge_of_equal_halves_keeps_the_older_id():
    first = run({"crm:1": 0, "crm:2": 1}, None, DAY1)
    second = run({"crm:1": 0, "crm:2": 0}, first, DAY2)
    assert ids(second) == {"crm:1": "C0001", "crm:2": "C0001"}


def test_split_lets_the_larger_part_keep_the_id_and_records_both_ids():
    first = run({"core:1": 0, "crm:1": 0, "call:1": 0}, None, DAY1)
    second = run({"core:1": 0, "crm:1": 0, "call:1": 2}, first, DAY2)
    assert ids(second) == {"core:1": "C0001", "crm:1": "C0001", "call:1": "C0002"}
    assert events(second, DAY2) == [("split", "C0002", ["C0001"])]


def test_split_into_equal_parts_lets_the_part_with_the_smallest_record_keep_the_id():
    first = run({"crm:1": 0, "crm:2": 0, "crm:3": 0, "crm:4": 0}, None, DAY1)
    # Two parts hold C0001 twice each; crm:0 (new, no id yet) makes label 0 the part
    # with the smallest record although crm:1 of the other part comes first.
    second = run({"crm:0": 0, "crm:1": 1, "crm:2": 1, "crm:3": 0, "crm:4": 0}, first, DAY2)
    assert ids(second) == {"crm:0": "C0001", "crm:3": "C0001", "crm:4": "C0001",
                           "crm:1": "C0002", "crm:2": "C0002"}
    assert events(second, DAY2) == [("split", "C0002", ["C0001"])]


def test_changed_id_closes_the_old_row_and_opens_a_new_one():
    first = run({"core:1": 0, "crm:1": 0, "call:1": 0}, None, DAY1)
    second = run({"core:1": 0, "crm:1": 0, "call:1": 2}, first, DAY2)
    rows = [r for r in second.xref.to_pylist() if r["source_key"] == "1"
            and r["source_system"] == "call"]
    assert [(r["customer_id"], r["valid_from"], r["valid_to"]) for r in rows] == [
        ("C0001", DAY1, DAY2), ("C0002", DAY2, None)]


def test_record_gone_from_the_sources_has_its_row_closed():
    first = run({"core:1": 0, "call:1": 0}, None, DAY1)
    second = run({"core:1": 0}, first, DAY2)
    gone = [r for r in second.xref.to_pylist() if r["source_system"] == "call"]
    assert [(r["customer_id"], r["valid_to"]) for r in gone] == [("C0001", DAY2)]
    assert second.stats["records_gone"] == 1


def test_rerunning_a_logical_date_reproduces_its_ids_and_events():
    first = run({"crm:1": 0, "crm:2": 1}, None, DAY1)
    second = run({"crm:1": 0, "crm:2": 0, "crm:3": 2}, first, DAY2)
    again = run({"crm:1": 0, "crm:2": 0, "crm:3": 2}, second, DAY2)
    assert again.xref.equals(second.xref)
    assert again.events.equals(second.events)


def test_id_numbers_reads_ids_in_the_format_and_gives_minus_one_for_the_others():
    numbers = _id_numbers(pa.array(["C0042", "X0042", "C", "C12a", "C\u0663", "C" + "9" * 20]),
                          IDS)
    assert numbers.tolist() == [42, -1, -1, -1, 3, 10**20 - 1]


def test_render_issues_consecutive_zero_padded_ids_wider_when_the_number_needs_it():
    assert _render(9, 3, IDS) == ["C0009", "C0010", "C0011"]
    assert _render(9999, 2, IDS) == ["C9999", "C10000"]


def test_find_rows_matches_system_and_key_together_and_gives_null_when_absent():
    rows = _find_rows(pa.array(["crm", "core", "crm", None]), pa.array(["1", "1", "2", "1"]),
                      pa.array(["core", "crm", "crm"]), pa.array(["1", "2", "1"]))
    assert rows.to_pylist() == [2, 0, 1, None]


def test_find_rows_refuses_a_registry_that_holds_a_record_twice():
    with pytest.raises(ValueError, match="crm:1 more than once"):
        _find_rows(pa.array(["crm"]), pa.array(["1"]), pa.array(["crm", "crm"]),
                   pa.array(["1", "1"]))


def test_in_order_holds_only_for_rows_sorted_by_every_column_without_nulls():
    columns = ["source_system", "source_key"]
    assert _in_order(pa.table({"source_system": ["core", "crm", "crm"],
                               "source_key": ["9", "1", "2"]}), columns)
    assert not _in_order(pa.table({"source_system": ["core", "crm", "crm"],
                                   "source_key": ["9", "2", "1"]}), columns)
    assert not _in_order(pa.table({"source_system": ["core", None],
                                   "source_key": ["1", "2"]}), columns)
