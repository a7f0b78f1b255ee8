"""The EMR step's arguments: where STAGE is, as the state machine passes it."""

from __future__ import annotations

from datetime import date

from c360.identity.job import parse_args


class GlueStub:
    def get_database(self, Name: str) -> dict:  # noqa: N803 — boto3's parameter name
        assert Name == "c360_dev_stage"
        return {"Database": {"Name": Name, "LocationUri": "s3://c360-dev-stage/"}}


def test_stage_database_argument_resolves_to_its_bucket_with_scratch_under_int_prefix():
    args = parse_args(["--stage", "link", "--c360-stage-database", "c360_dev_stage",
                       "--logical-date", "2026-11-25", "--run-id", "daily-2026-11-25",
                       "--unknown-emr-flag"], glue=GlueStub())
    assert (args.stage, args.stage_uri, args.logical_date, args.run_id) == (
        "link", "s3://c360-dev-stage", date(2026, 11, 25), "daily-2026-11-25")
    assert args.scratch_uri == "s3://c360-dev-stage/int_identity_scratch/daily-2026-11-25"
