"""The simulated core-banking source of a local run: one throwaway PostgreSQL per run, each
table loaded once, stopped after the last core-banking step or when the run ends (failed or
interrupted); or started and loaded before the run by the caller; and loaded with every
key, index and foreign key the schema declares."""

from __future__ import annotations

import shutil
import socket
from collections import Counter
from datetime import date
from pathlib import Path

import psycopg
import pytest

from c360.config import Settings
from c360.pipeline.runner import run_pipeline
from c360.sources import postgres
from c360.sources.postgres import create_schema, load_core_banking, simulated_core_banking

pytestmark = pytest.mark.postgres

DAY = date(2026, 11, 25)
TABLES = ("customers", "accounts", "products", "transactions")
CORE_STEPS = {f"raw_core_banking_{t}" for t in TABLES}


class Clusters:
    """Every LocalPostgres started and stopped while the test runs, and every table COPY."""

    def __init__(self) -> None:
        self.started: list[tuple[Path, int]] = []
        self.stopped: list[Path] = []
        self.loaded: list[str] = []


@pytest.fixture
def clusters(monkeypatch: pytest.MonkeyPatch) -> Clusters:
    seen = Clusters()

    class Recorded(postgres.LocalPostgres):
        def start(self) -> postgres.LocalPostgres:
            super().start()
            assert self.root is not None
            seen.started.append((self.root, self.port))
            return self

        def stop(self) -> None:
            if self.root is not None:
                seen.stopped.append(self.root)
            super().stop()

    real_copy = postgres.copy_csv

    def recorded_copy(dsn: str, table: str, csv_path: Path) -> int:
        seen.loaded.append(table)
        return real_copy(dsn, table, csv_path)

    monkeypatch.setattr(postgres, "LocalPostgres", Recorded)
    monkeypatch.setattr(postgres, "copy_csv", recorded_copy)
    return seen


def _gone(root: Path, port: int) -> bool:
    """The cluster folder is deleted and nothing listens on its port any more."""
    with socket.socket() as probe:
        return not root.exists() and probe.connect_ex(("127.0.0.1", port)) != 0


def _run(tmp_path: Path, sources: Path, **settings: object):
    return run_pipeline(Settings(lake_root=tmp_path / "lake", **settings), DAY, sources,  # type: ignore[arg-type]
                        "daily", only=CORE_STEPS)


def test_run_starts_one_database_for_its_core_banking_steps_and_stops_it_at_the_end(
        sources, generated, tmp_path, clusters):
    manifest = _run(tmp_path, sources)
    [(root, port)] = clusters.started
    assert clusters.stopped == [root] and _gone(root, port)
    assert Counter(clusters.loaded) == Counter(TABLES)  # each table loaded once
    steps = {s.step: s for s in manifest.steps}
    assert {name: s.rows_out for name, s in steps.items()} == {
        f"raw_core_banking_{t}": generated.counts[f"core_banking_{t}"] for t in TABLES}
    for table in TABLES:
        assert steps[f"raw_core_banking_{table}"].details["simulated_source"] == (
            f"throwaway PostgreSQL on 127.0.0.1:{port}, one for the whole run (shared by its "
            f"core-banking steps), loaded from {sources / 'core_banking'} "
            f"({generated.counts[f'core_banking_{table}']} {table})")
    assert steps["raw_core_banking_products"].details["simulated_source_seconds"] == 0.0


def test_database_is_stopped_after_the_last_core_banking_step_before_later_steps_run(
        sources, tmp_path, clusters):
    stopped_when_started: dict[str, int] = {}

    def on_step(step, index, total) -> None:
        stopped_when_started.setdefault(step.name, len(clusters.stopped))

    run_pipeline(Settings(lake_root=tmp_path / "lake"), DAY, sources, "daily",
                 only=CORE_STEPS | {"raw_mainframe_loyalty", "raw_call_center_contacts"},
                 on_step=on_step)
    assert stopped_when_started == {
        "raw_core_banking_customers": 0, "raw_core_banking_accounts": 0,
        "raw_core_banking_products": 0, "raw_core_banking_transactions": 0,
        "raw_mainframe_loyalty": 1, "raw_call_center_contacts": 1}
    [(root, port)] = clusters.started
    assert clusters.stopped == [root] and _gone(root, port)


def test_run_that_fails_after_starting_the_database_stops_it(sources, tmp_path, clusters):
    partial = tmp_path / "sources"
    (partial / "core_banking").mkdir(parents=True)
    for table in ("products", "customers", "accounts"):  # transactions.csv was not delivered
        shutil.copy(sources / "core_banking" / f"{table}.csv", partial / "core_banking")
    with pytest.raises(FileNotFoundError, match="core_banking: transactions.csv not found"):
        _run(tmp_path, partial)
    [(root, port)] = clusters.started
    assert clusters.stopped == [root] and _gone(root, port)
    assert Counter(clusters.loaded) == Counter(("products", "customers", "accounts"))


def test_run_interrupted_with_ctrl_c_mid_extract_stops_the_database(
        sources, tmp_path, clusters, monkeypatch):
    from c360.ingest import core_banking

    real_extract = core_banking.extract_table

    def interrupted_on_accounts(dsn, contract, *args, **kwargs):
        if contract.entity == "accounts":
            raise KeyboardInterrupt
        return real_extract(dsn, contract, *args, **kwargs)

    monkeypatch.setattr(core_banking, "extract_table", interrupted_on_accounts)
    with pytest.raises(KeyboardInterrupt):
        _run(tmp_path, sources)
    [(root, port)] = clusters.started
    assert clusters.stopped == [root] and _gone(root, port)


def test_database_started_before_the_run_is_read_by_it_and_named_in_its_manifest(
        sources, generated, tmp_path, clusters):
    with simulated_core_banking(sources) as dsn:
        [(root, port)] = clusters.started
        with psycopg.connect(dsn) as conn:
            counts = {t: conn.execute(f"select count(*) from core_banking.{t}").fetchone()[0]  # type: ignore[index]
                      for t in TABLES}
        first = _run(tmp_path / "first", sources, core_banking_dsn=dsn)
        second = _run(tmp_path / "second", sources, core_banking_dsn=dsn)  # a fresh lake
        assert len(clusters.started) == 1  # the runs started none of their own
    assert clusters.stopped == [root] and _gone(root, port)
    assert counts == {t: generated.counts[f"core_banking_{t}"] for t in TABLES}
    for manifest in (first, second):
        assert {s.step: s.rows_out for s in manifest.steps} == {
            f"raw_core_banking_{t}": counts[t] for t in TABLES}
        assert {s.details["simulated_source"] for s in manifest.steps} == {
            f"simulated PostgreSQL on 127.0.0.1:{port}, started and loaded before the run "
            "(c360.sources.postgres.simulated_core_banking) and given as the core-banking DSN"}


def test_configured_real_database_is_reported_as_no_simulation(
        pg_database, sources, tmp_path, clusters):
    load_core_banking(pg_database, sources)
    manifest = _run(tmp_path, sources, core_banking_dsn=pg_database)
    assert clusters.started == []
    assert [s.details["simulated_source"] for s in manifest.steps] == ["no"] * 4
    assert all("simulated_source_seconds" not in s.details for s in manifest.steps)


def _declared(dsn: str) -> list[tuple[str, ...]]:
    """Every constraint and index of the core_banking schema, as the catalogue states it."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "select conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "from pg_constraint where connamespace = 'core_banking'::regnamespace "
            "union all select indrelid::regclass::text, indexrelid::regclass::text, "
            "pg_get_indexdef(indexrelid) from pg_index "
            "where indrelid::regclass::text like 'core_banking.%' order by 1, 2, 3").fetchall()
    return [tuple(r) for r in rows]


def test_loaded_tables_keep_every_key_index_and_foreign_key_the_schema_declares(
        pg_database, sources):
    create_schema(pg_database)
    declared = _declared(pg_database)
    load_core_banking(pg_database, sources)
    assert _declared(pg_database) == declared
    assert ("core_banking.transactions", "transactions_account_id_fkey",
            "FOREIGN KEY (account_id) REFERENCES core_banking.accounts(account_id)") in declared
    assert ("core_banking.transactions", "core_banking.transactions_account",
            "CREATE INDEX transactions_account ON core_banking.transactions "
            "USING btree (account_id)") in declared


def test_load_whose_account_names_an_unknown_customer_fails_and_loads_no_account(
        pg_database, sources, tmp_path):
    bad = tmp_path / "sources" / "core_banking"
    bad.mkdir(parents=True)
    for table in ("products", "customers"):
        shutil.copy(sources / "core_banking" / f"{table}.csv", bad)
    header, first, *_ = (sources / "core_banking" / "accounts.csv").read_text().splitlines()
    column = [c.strip('"') for c in header.split(",")].index("customer_number")
    fields = first.split(",")
    fields[column] = "999999999"  # no such customer
    (bad / "accounts.csv").write_text(f"{header}\n{','.join(fields)}\n")
    load_core_banking(pg_database, tmp_path / "sources", ("products", "customers"))
    declared = _declared(pg_database)
    with pytest.raises(psycopg.errors.ForeignKeyViolation, match="accounts_customer_number_fkey"):
        load_core_banking(pg_database, tmp_path / "sources", ("accounts",))
    with psycopg.connect(pg_database) as conn:
        assert conn.execute("select count(*) from core_banking.accounts").fetchone() == (0,)
    assert _declared(pg_database) == declared
