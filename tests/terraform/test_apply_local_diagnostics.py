"""What `terraform/scripts/apply_local.py` tells the reader when an apply fails.

CI keeps only the printed output: the error must carry terraform's own error
(not its progress ticks) and the emulator's server errors, which are the
usual reason the provider retried a request.
"""

from __future__ import annotations

from pathlib import Path

from .scripts import load_apply_local_script

script = load_apply_local_script()


def test_failure_output_leaves_out_the_progress_ticks_and_keeps_the_error() -> None:
    lines = [
        'module.c360.aws_s3_bucket_lifecycle_configuration.this["raw"]: Creating...\n',
        'module.c360.aws_s3_bucket_lifecycle_configuration.this["raw"]: '
        "Still creating... [50s elapsed]\n",
        'module.c360.aws_glue_job.conform: Still destroying... [10s elapsed]\n',
        "Error: creating Secrets Manager Secret (c360-local/core-banking/extract): "
        "ResourceExistsException\n",
    ]

    assert script._without_progress(lines) == lines[0] + lines[3]


def test_emulator_log_summary_counts_requests_and_shows_only_server_errors(
        tmp_path: Path) -> None:
    log = tmp_path / "emulator.log"
    log.write_text(
        '127.0.0.1 - - [26/Nov/2026 21:23:55] "GET / HTTP/1.1" 200 -\n'
        '127.0.0.1 - - [26/Nov/2026 21:23:55] "\x1b[33mHEAD /nope HTTP/1.1\x1b[0m" 404 -\n'
        '127.0.0.1 - - [26/Nov/2026 21:23:56] "\x1b[35mPOST / HTTP/1.1\x1b[0m" 500 -\n'
        "Traceback (most recent call last):\n"
        "RuntimeError: dictionary changed size during iteration\n")

    summary = script._emulator_log_summary(log)

    assert summary == (
        f"emulator log: {log} (3 requests), last server errors:\n"
        '127.0.0.1 - - [26/Nov/2026 21:23:56] "\x1b[35mPOST / HTTP/1.1\x1b[0m" 500 -\n'
        "Traceback (most recent call last):\n"
        "RuntimeError: dictionary changed size during iteration")


def test_emulator_log_summary_says_so_when_the_server_logged_no_error(tmp_path: Path) -> None:
    log = tmp_path / "emulator.log"
    log.write_text('127.0.0.1 - - [26/Nov/2026 21:23:55] "GET / HTTP/1.1" 200 -\n')

    assert script._emulator_log_summary(log) == (
        f"emulator log: {log} (1 request), last server errors:\n(no server errors logged)")


def test_emulator_log_summary_keeps_sdk_retries_and_leaves_out_moto_step_functions_notes(
        tmp_path: Path) -> None:
    log = tmp_path / "emulator.log"
    log.write_text(
        "Unsupported Optimised service integration for service_name 'athena' in resource: "
        "'arn:aws:states:::athena:startQueryExecution'. Attempting to forward request to "
        "service.\n"
        '127.0.0.1 - - [27/Nov/2026 15:32:05] "POST / HTTP/1.1" 200 -\n'
        "sdk retry: attempt 2 of POST / AWSGlue.CreateTable: the first try answered 200 OK; "
        "the same answer again\n")

    assert script._emulator_log_summary(log) == (
        f"emulator log: {log} (1 request), last server errors:\n"
        "sdk retry: attempt 2 of POST / AWSGlue.CreateTable: the first try answered 200 OK; "
        "the same answer again")
