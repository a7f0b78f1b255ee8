"""`c360 identity link INPUT OUTPUT`: the command-line contract, good and bad input."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from c360.cli import app

runner = CliRunner()

GOOD_CSV = """record_id,first_name,last_name,birth_date,national_id,phone,postal_code
r1,Robert,Diaz,1970-05-06,123-45-6789,617 555 0100,02110
r2,Bob,Diaz,19700506,123456789,,02110
r3,Hana,Sato,1979-02-17,333-44-5555,2065550123,98101
r4,Pedro,Alves,not a date,,3125550142,60614
"""


def invoke(*args: str):
    return runner.invoke(app, ["identity", "link", *args])


def test_link_writes_exactly_record_id_and_customer_id_one_row_per_input_record(tmp_path: Path):
    source, target = tmp_path / "people.csv", tmp_path / "out" / "ids.parquet"
    source.write_text(GOOD_CSV)
    result = invoke(str(source), str(target))
    assert result.exit_code == 0, result.output
    out = pq.read_table(target)
    assert out.column_names == ["record_id", "customer_id"]
    ids = dict(zip(out["record_id"].to_pylist(), out["customer_id"].to_pylist(), strict=True))
    assert list(ids) == ["r1", "r2", "r3", "r4"]
    assert ids["r1"] == ids["r2"]
    assert len({ids["r1"], ids["r3"], ids["r4"]}) == 3


def test_link_reads_parquet_and_keeps_the_record_id_type(tmp_path: Path):
    source, target = tmp_path / "people.parquet", tmp_path / "ids.parquet"
    pq.write_table(pa.table({"record_id": [10, 20], "email": ["a@x.org", "b@x.org"]}), source)
    assert invoke(str(source), str(target)).exit_code == 0
    assert pq.read_table(target).schema.field("record_id").type == pa.int64()


def assert_one_error_line_and_no_output(result, target: Path, text: str) -> None:
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and text in lines[0], result.output
    assert not target.exists()
    assert not list(target.parent.glob(f".{target.name}*"))


def test_link_rejects_input_without_a_record_id_column(tmp_path: Path):
    source, target = tmp_path / "people.csv", tmp_path / "ids.parquet"
    source.write_text("id,first_name\n1,Ana\n")
    assert_one_error_line_and_no_output(invoke(str(source), str(target)), target,
                                        "no record_id column")


def test_link_rejects_duplicate_record_ids(tmp_path: Path):
    source, target = tmp_path / "people.csv", tmp_path / "ids.parquet"
    source.write_text("record_id,first_name\n1,Ana\n2,Tom\n1,Eva\n")
    assert_one_error_line_and_no_output(invoke(str(source), str(target)), target,
                                        "1 duplicate record_id value(s), e.g. 1")


def test_link_rejects_a_file_that_is_neither_csv_nor_parquet(tmp_path: Path):
    source, target = tmp_path / "people.parquet", tmp_path / "ids.parquet"
    source.write_bytes(b"PAR1\x00\x01 not really parquet")
    assert_one_error_line_and_no_output(invoke(str(source), str(target)), target,
                                        "cannot read")


def test_link_rejects_a_missing_input_file(tmp_path: Path):
    target = tmp_path / "ids.parquet"
    assert_one_error_line_and_no_output(invoke(str(tmp_path / "nope.csv"), str(target)), target,
                                        "does not exist")
