"""The EMR step's code path (Splink's Spark backend, lake as URIs) on local Spark."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from c360.identity.job import run

pytestmark = [pytest.mark.spark, pytest.mark.slow]

DAY = date(2026, 11, 25)


def person_records() -> pa.Table:
    rows = [
        ("core_banking", "1001", "William", "Johnson", date(1980, 3, 14), "444-55-6666",
         "6175550199", "12 Main Street", "02139", 1001),
        ("mainframe_cards", "444-55-6666:1234", "WILLIAM", "JOHNSON", date(1980, 3, 14),
         "444-55-6666", None, None, None, None),
        ("crm", "CRM-1", "Bill", "Jonhson", date(1980, 3, 14), None, "(617) 555-0199",
         "12 Main St", "02139", None),
        ("call_center", "CT1", None, None, None, None, None, None, None, 1001),
        ("core_banking", "1002", "Hana", "Sato", date(1979, 2, 17), "333-44-5555",
         "2065550123", "300 Pine St", "98101", 1002),
        ("core_banking", "1003", "Pedro", "Alves", date(1991, 11, 5), "222-33-4444",
         "3125550142", "77 Clark St", "60614", 1003),
    ]
    names = ("source_system", "source_key", "first_name", "last_name", "birth_date",
             "national_id", "phone", "address_line", "postal_code", "customer_number")
    columns = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    table = pa.table({
        **{n: pa.array(v, pa.date32() if n == "birth_date" else
                       pa.int64() if n == "customer_number" else pa.string())
           for n, v in columns.items()},
        "email": pa.nulls(len(rows), pa.string()),
        "email_verified": pa.array([False] * len(rows)),
        "city": pa.nulls(len(rows), pa.string()),
        "state": pa.nulls(len(rows), pa.string()),
        "observed_at": pa.array([datetime(2026, 11, 1, tzinfo=UTC)] * len(rows),
                                pa.timestamp("us", tz="UTC")),
    })
    return table


def test_emr_identity_step_links_and_builds_the_golden_record_on_spark(tmp_path: Path):
    from c360.engine.spark_engine import local_spark_session

    stage = tmp_path / "stage"
    (stage / "int_person_records").mkdir(parents=True)
    pq.write_table(person_records(), stage / "int_person_records" / "part-00000.parquet")
    args = ["--c360-stage-uri", stage.as_uri(), "--logical-date", DAY.isoformat()]
    spark = local_spark_session(2)

    linked = run(["--stage", "link", *args], spark)
    golden = run(["--stage", "golden", *args], spark)

    xref = pq.read_table(stage / "int_customer_xref").to_pylist()
    ids = {(r["source_system"], r["source_key"]): r["customer_id"] for r in xref}
    william = {ids[("core_banking", "1001")], ids[("mainframe_cards", "444-55-6666:1234")],
               ids[("crm", "CRM-1")], ids[("call_center", "CT1")]}
    assert william == {"C0000000001"}
    assert len(set(ids.values())) == 3
    assert linked["registry"]["events"] == {"new": 3, "merge": 0, "split": 0}
    assert golden == {"rows_out": 3}
    names = {r["customer_id"]: r["first_name"]
             for r in pq.read_table(stage / "int_customer_golden").to_pylist()}
    assert names["C0000000001"] == "William"
