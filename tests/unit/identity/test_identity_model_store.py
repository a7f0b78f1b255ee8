"""The trained Splink model is kept in int_identity_model and reused by daily runs."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from c360.identity import model_store
from c360.identity.model_store import StoredModel, fingerprint, why_not_reused
from c360.identity.resolve import resolve_identity
from c360.identity.settings import IdentitySettings

MONDAY, TUESDAY, NEXT_MONDAY = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 30)
FIRST = ["Anna", "Ben", "Carla", "David", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas",
         "Katrin", "Lukas", "Maria", "Nils", "Olga", "Peter", "Rosa", "Stefan", "Tanja", "Uwe"]
LAST = ["Berg", "Costa", "Dahl", "Engel", "Fischer", "Gomez", "Hansen", "Ivanova", "Jensen",
        "Keller", "Lopez", "Meyer", "Nowak", "Olsen", "Perez", "Quinn", "Rossi", "Schmidt"]


@pytest.fixture
def trainable(shipped: IdentitySettings) -> IdentitySettings:
    """The shipped settings, training on inputs of this test's size."""
    training = replace(shipped.probabilistic.training, min_records=50)
    return replace(shipped, probabilistic=replace(shipped.probabilistic, training=training))


def population(persons: int = 150, seed: int = 7) -> pa.Table:
    """Core-banking customers, each also known to CRM with a typo or a new phone."""
    rng = random.Random(seed)
    rows = []
    for n in range(persons):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        born = date(1950 + rng.randrange(50), 1 + rng.randrange(12), 1 + rng.randrange(28))
        phone = f"555{rng.randrange(10**7):07d}"
        postal = f"{10000 + rng.randrange(500):05d}"
        rows.append(("core_banking", str(1000 + n), first, last, born, phone, postal))
        crm_last = last if rng.random() < 0.7 else last[:-1] + "x"
        crm_phone = phone if rng.random() < 0.6 else f"555{rng.randrange(10**7):07d}"
        rows.append(("crm", f"CRM{n:04d}", first, crm_last, born, crm_phone, postal))
    k = len(rows)
    return pa.table({
        "source_system": [r[0] for r in rows], "source_key": [r[1] for r in rows],
        "first_name": [r[2] for r in rows], "last_name": [r[3] for r in rows],
        "birth_date": pa.array([r[4] for r in rows], pa.date32()),
        "national_id": pa.nulls(k, pa.string()), "email": pa.nulls(k, pa.string()),
        "email_verified": pa.array([False] * k), "phone": [r[5] for r in rows],
        "address_line": pa.nulls(k, pa.string()), "city": pa.nulls(k, pa.string()),
        "state": pa.nulls(k, pa.string()), "postal_code": [r[6] for r in rows],
        "customer_number": pa.array([int(r[1]) if r[0] == "core_banking" else None
                                     for r in rows], pa.int64()),
        "observed_at": pa.array([datetime(2026, 11, 1, tzinfo=UTC)] * k,
                                pa.timestamp("us", tz="UTC")),
    })


def stored_on(day: date, settings: IdentitySettings) -> StoredModel:
    return StoredModel(levels={}, prior=1e-4, fingerprint=fingerprint(settings),
                       trained_run_id=f"weekly-{day.isoformat()}", trained_on=day)


def test_a_daily_run_reuses_a_model_trained_within_the_reuse_window(shipped):
    assert why_not_reused(stored_on(MONDAY, shipped), shipped, TUESDAY, retrain=False) is None


def test_a_weekly_run_always_trains(shipped):
    assert why_not_reused(stored_on(MONDAY, shipped), shipped, TUESDAY, retrain=True) == (
        "this run retrains (weekly)")


def test_a_lake_without_a_model_trains_one(shipped):
    assert why_not_reused(None, shipped, TUESDAY, retrain=False) == "no stored model"


def test_a_model_older_than_the_reuse_window_is_not_reused(shipped):
    old = stored_on(date(2026, 11, 15), shipped)
    assert why_not_reused(old, shipped, TUESDAY, retrain=False) == (
        "trained on 2026-11-15, 9 days from this run (reused for up to 8)")


def test_a_model_trained_with_other_comparisons_is_not_reused(shipped):
    changed = replace(shipped, probabilistic=replace(
        shipped.probabilistic, comparisons=shipped.probabilistic.comparisons[:-1]))
    assert why_not_reused(stored_on(MONDAY, shipped), changed, TUESDAY, retrain=False) == (
        "the comparison settings changed since it was trained")


def test_a_changed_match_threshold_keeps_the_model(shipped):
    stricter = replace(shipped, probabilistic=replace(shipped.probabilistic, threshold=0.999))
    assert fingerprint(stricter) == fingerprint(shipped)


def test_the_first_run_trains_and_keeps_its_model_in_the_lake(duckdb_engine, trainable):
    duckdb_engine.write_arrow("int_person_records", population())
    result = resolve_identity(duckdb_engine, trainable, "daily-2026-11-23", MONDAY)
    assert result.details["model"] == {"used": "estimated", "not_reused": "no stored model"}
    stored = model_store.from_table(
        duckdb_engine.query(f"select * from {model_store.MODEL}", "duckdb"))
    assert stored is not None
    assert (stored.trained_run_id, stored.trained_on) == ("daily-2026-11-23", MONDAY)
    assert stored.fingerprint == fingerprint(trainable)
    learnt = result.details["linkage"]["probabilistic"]
    # The model it learnt links every person's two records, and only those.
    assert (learnt["links_accepted"], result.details["registry"]["customers"]) == (150, 150)
    assert stored.prior == learnt["probability_two_random_records_match"]
    assert stored.levels == {(lv["comparison"], lv["level"]): (lv["m"], lv["u"])
                             for lv in learnt["levels"]}


def test_the_next_daily_run_scores_with_the_stored_model_and_keeps_every_id(duckdb_engine,
                                                                           trainable):
    duckdb_engine.write_arrow("int_person_records", population())
    first = resolve_identity(duckdb_engine, trainable, "daily-2026-11-23", MONDAY)
    ids_before = duckdb_engine.query(
        "select source_system, source_key, customer_id from int_customer_xref "
        "order by 1, 2", "duckdb")
    second = resolve_identity(duckdb_engine, trainable, "daily-2026-11-24", TUESDAY)
    assert second.details["model"] == {"used": "stored", "trained_run_id": "daily-2026-11-23",
                                       "trained_on": "2026-11-23"}
    reused = second.details["linkage"]["probabilistic"]
    learnt = first.details["linkage"]["probabilistic"]
    assert reused["probability_two_random_records_match"] == learnt[
        "probability_two_random_records_match"]
    assert reused["pairs_scored_above_threshold"] == learnt["pairs_scored_above_threshold"]
    assert duckdb_engine.query(
        "select source_system, source_key, customer_id from int_customer_xref "
        "order by 1, 2", "duckdb").equals(ids_before)


def test_a_weekly_run_trains_again_and_replaces_the_stored_model(duckdb_engine, trainable):
    duckdb_engine.write_arrow("int_person_records", population())
    resolve_identity(duckdb_engine, trainable, "daily-2026-11-23", MONDAY)
    weekly = resolve_identity(duckdb_engine, trainable, "weekly-2026-11-30", NEXT_MONDAY,
                              retrain=True)
    assert weekly.details["model"] == {"used": "estimated",
                                       "not_reused": "this run retrains (weekly)"}
    stored = model_store.from_table(
        duckdb_engine.query(f"select * from {model_store.MODEL}", "duckdb"))
    assert stored is not None and stored.trained_run_id == "weekly-2026-11-30"


@pytest.mark.spark
def test_a_model_trained_on_spark_scores_on_duckdb_with_the_same_links(tmp_path, trainable):
    from c360.engine.duckdb_engine import DuckDBEngine
    from c360.engine.spark_engine import SparkEngine
    from c360.lake import Lake

    lake = Lake.local(tmp_path / "lake")
    spark = SparkEngine(lake)
    try:
        spark.write_arrow("int_person_records", population())
        trained = resolve_identity(spark, trainable, "weekly-2026-11-23", MONDAY, retrain=True)
    finally:
        spark.close()
    with DuckDBEngine(lake) as duckdb:
        reused = resolve_identity(duckdb, trainable, "daily-2026-11-24", TUESDAY)
    assert trained.details["model"]["used"] == "estimated"
    assert reused.details["model"] == {"used": "stored", "trained_run_id": "weekly-2026-11-23",
                                       "trained_on": "2026-11-23"}
    assert reused.details["linkage"]["probabilistic"]["links_accepted"] == 150
    assert reused.details["registry"]["id_stability"] == 1.0


@pytest.mark.parametrize("em_term_frequencies", [False, True])
def test_em_with_or_without_term_frequencies_learns_a_model_linking_every_person(
        duckdb_engine, trainable, em_term_frequencies):
    training = replace(trainable.probabilistic.training, em_term_frequencies=em_term_frequencies)
    settings = replace(trainable, probabilistic=replace(trainable.probabilistic,
                                                        training=training))
    duckdb_engine.write_arrow("int_person_records", population())
    result = resolve_identity(duckdb_engine, settings, "daily-2026-11-23", MONDAY)
    learnt = result.details["linkage"]["probabilistic"]
    assert result.details["model"]["used"] == "estimated"
    assert (learnt["links_accepted"], result.details["registry"]["customers"]) == (150, 150)
