"""Structured JSON logs carry run ids, steps and counts — never personal data."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from c360.logs import configure_logging, redact


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    configure_logging("INFO", stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_log_line_is_json_with_run_id_step_and_counts(captured: io.StringIO) -> None:
    logging.getLogger("c360.pipeline").info(
        "step finished", extra={"run_id": "daily-2026-11-25", "step": "stg_crm_customers",
                                "rows_out": 259, "seconds": 0.59})
    (line,) = _lines(captured)
    assert {k: line[k] for k in ("level", "logger", "message", "run_id", "step", "rows_out",
                                 "seconds")} == {
        "level": "INFO", "logger": "c360.pipeline", "message": "step finished",
        "run_id": "daily-2026-11-25", "step": "stg_crm_customers", "rows_out": 259,
        "seconds": 0.59}
    assert str(line["ts"]).endswith("+00:00")


def test_fields_outside_the_safe_list_are_dropped_by_name(captured: io.StringIO) -> None:
    logging.getLogger("c360.identity").info(
        "record linked", extra={"run_id": "r1", "first_name": "Teresa", "row": {"a": 1}})
    (line,) = _lines(captured)
    assert "first_name" not in line and "row" not in line
    assert line["dropped_fields"] == ["first_name", "row"]
    assert "Teresa" not in captured.getvalue()


def test_email_phone_and_national_id_in_a_message_are_masked(captured: io.StringIO) -> None:
    logging.getLogger("c360.ingest").warning(
        "bad record %s / %s / %s", "Teresa.Young@Live.com", "(718) 440 9381", "219-56-1344")
    (line,) = _lines(captured)
    assert line["message"] == "bad record [email] / [phone] / [national_id]"


def test_exception_text_is_masked_too(captured: io.StringIO) -> None:
    try:
        raise ValueError("cannot parse phone +1 718-440-9381 of teresayoung@live.com")
    except ValueError:
        logging.getLogger("c360.conform").exception("conform failed", extra={"step": "s"})
    text = captured.getvalue()
    assert "718-440-9381" not in text and "teresayoung@live.com" not in text
    assert "cannot parse phone [phone] of [email]" in _lines(captured)[0]["exception"]


@pytest.mark.parametrize("phone", ["+1 555-201-3344", "(555) 201 3344", "5552013344",
                                   "555.201.3344", "555-201-3344", "+15552013344"])
def test_every_phone_format_the_sources_use_is_masked(phone: str) -> None:
    assert redact(f"called from {phone}.") == "called from [phone]."


@pytest.mark.parametrize("text", ["run daily-2026-11-25", "at 2026-11-25T10:00:00+00:00",
                                  "customer C0000000123", "rows 1234567", "took 0.59 s"])
def test_run_ids_dates_customer_ids_and_counts_are_kept(text: str) -> None:
    assert redact(text) == text


def test_configuring_twice_keeps_one_handler(captured: io.StringIO) -> None:
    configure_logging("INFO", captured)
    logging.getLogger("c360").info("once")
    assert len(_lines(captured)) == 1


@pytest.fixture
def package_loggers() -> Iterator[None]:
    """Restore the c360 loggers' handlers (the Lambda logger rewires them)."""
    import c360.logs

    names = [n for n in logging.root.manager.loggerDict if n.startswith("c360")]
    saved = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).propagate)
             for n in names}
    yield
    for name in logging.root.manager.loggerDict:
        if name.startswith("c360"):
            handlers, propagate = saved.get(name, ([], True))
            logging.getLogger(name).handlers[:] = handlers
            logging.getLogger(name).propagate = propagate
    c360.logs._LAMBDA_LOGGERS.clear()


def test_lambda_logger_writes_guarded_json_for_the_handler_and_the_package(
        capsys: pytest.CaptureFixture[str], package_loggers: None) -> None:
    from c360.logs import lambda_logger

    class Context:
        aws_request_id = "req-123"
        function_name = "c360-profile-api"

    logger = lambda_logger("c360-test-lambda", Context())
    logger.info("request served", extra={"status": 200, "email": "teresayoung@live.com"})
    logging.getLogger("c360.serving").warning("lookup for %s failed", "(718) 440 9381")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["service"], line["message"]) for line in lines] == [
        ("c360-test-lambda", "request served"),
        ("c360-test-lambda", "lookup for [phone] failed")]
    assert lines[0]["status"] == 200 and lines[0]["dropped_fields"] == ["email"]
    assert lines[0]["function_request_id"] == "req-123"
