"""Standardization: the one shape every identity pass compares."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import sqlglot

from c360.identity.standardize import standardize_sql


def standardized_addresses(addresses: list[str | None]) -> list[str | None]:
    """`address_line` of each input address as standardize_sql gives it on DuckDB."""
    con = duckdb.connect()
    try:
        con.register("people", pa.table({
            "record_id": [str(i) for i in range(len(addresses))],
            "address_line": pa.array(addresses, pa.string())}))
        con.register("nicknames", pa.table({"name": pa.array([], pa.string()),
                                            "formal": pa.array([], pa.string())}))
        sql = sqlglot.transpile(standardize_sql("people", {"address_line"}, "nicknames"),
                                read="spark", write="duckdb")[0]
        rows = con.execute(f"select record_id, address_line from ({sql}) as s").fetchall()
    finally:
        con.close()
    return [value for _, value in sorted(rows, key=lambda row: int(row[0]))]


def test_address_words_become_usps_abbreviations_and_hash_becomes_apt():
    assert standardized_addresses(["12 Main Street #4", "1 North Avenue", "Suite 5, Unit 2"]) == [
        "12 main st apt 4", "1 n ave", "ste 5 apt 2"]


def test_address_without_street_words_is_only_lower_cased_and_spaced():
    assert standardized_addresses(["77  Elm-Grove", "", None]) == ["77 elm grove", None, None]
