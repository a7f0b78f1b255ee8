"""The sandbox export's arrow -> Glue/Hive column types, and its Python 3.9 floor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from botocore.exceptions import ClientError

from c360.resources import repo_root
from c360.sandbox.aws import (
    SandboxExportError,
    glue_columns,
    glue_type,
    policy_for,
    register_table,
)

GLUE_SHELL_FILES = (
    "jobs/glue/sandbox_export.py",
    "src/c360/__init__.py",
    "src/c360/sandbox/__init__.py",
    "src/c360/sandbox/aws.py",
    "src/c360/sandbox/masking.py",
    "src/c360/serving/__init__.py",
    "src/c360/serving/source.py",
)


@pytest.mark.parametrize(("dtype", "expected"), [
    (pa.string(), "string"),
    (pa.large_string(), "string"),
    (pa.bool_(), "boolean"),
    (pa.int8(), "tinyint"),
    (pa.int16(), "smallint"),
    (pa.int32(), "int"),
    (pa.int64(), "bigint"),
    (pa.float32(), "float"),
    (pa.float64(), "double"),
    (pa.date32(), "date"),
    (pa.timestamp("us", tz="UTC"), "timestamp"),
    (pa.timestamp("ms"), "timestamp"),
    (pa.decimal128(18, 2), "decimal(18,2)"),
    (pa.decimal128(38, 0), "decimal(38,0)"),
    (pa.binary(), "binary"),
    (pa.list_(pa.string()), "array<string>"),
    (pa.large_list(pa.int64()), "array<bigint>"),
    (pa.list_(pa.list_(pa.decimal128(10, 4))), "array<array<decimal(10,4)>>"),
    (pa.struct([("code", pa.string()), ("score", pa.float64())]),
     "struct<code:string,score:double>"),
    (pa.map_(pa.string(), pa.int32()), "map<string,int>"),
])
def test_arrow_types_map_to_these_glue_types(dtype: pa.DataType, expected: str) -> None:
    assert glue_type(dtype, "c") == expected


@pytest.mark.parametrize(("dtype", "shown"), [
    (pa.uint64(), "uint64"),
    (pa.time64("us"), "time64[us]"),
    (pa.decimal256(40, 2), "decimal256(40, 2)"),
    (pa.dictionary(pa.int32(), pa.string()), "dictionary<values=string, indices=int32"),
])
def test_an_unmapped_type_fails_naming_the_column(dtype: pa.DataType, shown: str) -> None:
    with pytest.raises(SandboxExportError) as raised:
        glue_columns(pa.schema([("customer_id", pa.string()), ("odd_column", dtype)]))
    assert str(raised.value).startswith(f"column odd_column: arrow type {shown}")
    assert str(raised.value).endswith("has no Glue/Hive type")


def test_a_nested_unmapped_type_names_the_nested_field() -> None:
    with pytest.raises(SandboxExportError, match=r"^column tags\.at: arrow type time32\[s\] "):
        glue_type(pa.struct([("at", pa.time32("s"))]), "tags")


def test_columns_keep_the_schema_order() -> None:
    schema = pa.schema([("customer_id", pa.string()), ("month", pa.date32()),
                        ("total_amount", pa.decimal128(18, 2)),
                        ("first_booked_at", pa.timestamp("us", tz="UTC"))])
    assert glue_columns(schema) == [
        {"Name": "customer_id", "Type": "string"},
        {"Name": "month", "Type": "date"},
        {"Name": "total_amount", "Type": "decimal(18,2)"},
        {"Name": "first_booked_at", "Type": "timestamp"},
    ]


class RecordingGlue:
    """Answers each call with the next scripted error code (None = success)."""

    def __init__(self, answers: list[str | None]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, str, str]] = []

    def _call(self, operation: str, DatabaseName: str, TableInput: dict[str, Any]) -> None:
        self.calls.append((operation, DatabaseName, TableInput["Name"]))
        code = self.answers.pop(0)
        if code is not None:
            raise ClientError({"Error": {"Code": code, "Message": "scripted"}}, operation)

    def create_table(self, **kwargs: Any) -> None:
        self._call("CreateTable", **kwargs)

    def update_table(self, **kwargs: Any) -> None:
        self._call("UpdateTable", **kwargs)


def test_a_table_dropped_between_create_and_update_is_created_again() -> None:
    glue = RecordingGlue(["AlreadyExistsException", "EntityNotFoundException", None])
    assert register_table(glue, "c360_sandbox", {"Name": "sbx_t"}) == "created"
    assert glue.calls == [("CreateTable", "c360_sandbox", "sbx_t"),
                          ("UpdateTable", "c360_sandbox", "sbx_t"),
                          ("CreateTable", "c360_sandbox", "sbx_t")]


def test_a_missing_database_fails_naming_it_and_other_errors_pass_through() -> None:
    with pytest.raises(SandboxExportError, match=r"^Glue database c360_sandbox not found$"):
        register_table(RecordingGlue(["EntityNotFoundException"]), "c360_sandbox",
                       {"Name": "sbx_t"})
    with pytest.raises(ClientError, match="AccessDeniedException"):
        register_table(RecordingGlue(["AlreadyExistsException", "AccessDeniedException"]),
                       "c360_sandbox", {"Name": "sbx_t"})


def test_an_unknown_table_names_the_known_ones() -> None:
    assert policy_for("fct_digital_sessions").target == "sbx_fct_digital_sessions"
    with pytest.raises(SandboxExportError) as raised:
        policy_for("dim_customer_loyalty")
    assert str(raised.value) == (
        "no sandbox masking policy for --table 'dim_customer_loyalty'; known tables: "
        "c360_customer_profile, fct_transactions_monthly, fct_digital_sessions")


def test_the_sandbox_export_job_and_what_it_imports_need_at_most_python_3_9() -> None:
    vermin = Path(sys.executable).with_name("vermin")
    files = [str(repo_root() / f) for f in GLUE_SHELL_FILES]
    done = subprocess.run([str(vermin), "-t=3.9-", "--no-tips", "--violations", *files],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_sandbox_export_imports_nothing_beyond_boto3_and_pyarrow() -> None:
    allowed = {"boto3", "botocore", "pyarrow", "c360", "__future__"}
    for name in GLUE_SHELL_FILES:
        for line in (repo_root() / name).read_text().splitlines():
            words = line.split()
            if words[:1] == ["import"] or (words[:1] == ["from"] and "import" in words):
                top = words[1].split(".")[0]
                assert top in sys.stdlib_module_names or top in allowed, (name, line)
                assert not words[1].startswith(("c360.engine", "c360.pipeline", "c360.logs",
                                                "c360.config")), (name, line)
