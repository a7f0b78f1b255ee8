"""Structured JSON logs for the standard `logging` module, with a PII-redaction guard.

Every c360 process outside Lambda (CLI, Glue and EMR jobs) logs one JSON object
per line: `ts`, `level`, `logger`, `message` and the record's structured fields
(`run_id`, `step`, `rows_out`, ...). Lambdas use aws-lambda-powertools' Logger,
which writes the same shape.

Logs carry run ids, step names and counts — never emails, phones, names or
national ids. Two guards make that hold even when a caller slips:
- only the structured fields named in `SAFE_FIELDS` are emitted; any other
  `extra=` field is dropped (its name is listed under `dropped_fields`), so a
  row or a person's attributes cannot ride along;
- the message, exception text and any string field are passed through
  `redact()`, which masks anything shaped like an email address, a national id
  or a phone number.
Names cannot be recognised by shape; they stay out because no c360 code puts
record values in a message (the reliability tests scan the demo's logs for
every name of the generated population).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import IO, Any

SAFE_FIELDS = frozenset({
    "run_id", "step", "kind", "schedule", "logical_date", "engine", "dataset", "table",
    "layer", "rows_in", "rows_out", "rows_quarantined", "rows_removed", "rows", "files",
    "count", "seconds", "status", "lock", "holder_pid", "waited_seconds", "timeout_seconds",
    "request_id", "items_deleted", "attempt", "duration_ms", "function", "job",
})
"""Structured fields a log line may carry: identifiers of runs and steps, and counts."""

_EMAIL = re.compile(r"[^\s@\"'<>(),;:]+@[^\s@\"'<>(),;:]+\.[A-Za-z]{2,}")
_NATIONAL_ID = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
# US phone numbers in the shapes sources write them: +1 555-201-3344, (555) 201 3344,
# 555.201.3344, 5552013344, +15552013344. ISO dates (4-2-2) do not match.
_PHONE = re.compile(
    r"(?<![\w.-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}(?![\w-])"
)

_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


def redact(text: str) -> str:
    """`text` with emails, national ids and phone numbers masked."""
    text = _EMAIL.sub("[email]", text)
    text = _NATIONAL_ID.sub("[national_id]", text)
    return _PHONE.sub("[phone]", text)


def _safe_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return redact(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message and the safe fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        dropped = []
        for key, value in vars(record).items():
            if key in _STANDARD_ATTRS or key.startswith("_"):
                continue
            if key in SAFE_FIELDS:
                entry[key] = _safe_value(value)
            else:
                dropped.append(key)
        if dropped:
            entry["dropped_fields"] = sorted(dropped)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, sort_keys=False, default=str)


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at emit time (progress bars swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, value: IO[str]) -> None:  # StreamHandler.__init__ assigns it
        pass


HANDLER_NAME = "c360-json"


def configure_logging(level: str | int = "INFO", stream: IO[str] | None = None) -> logging.Handler:
    """Send every log record (root logger) as redacted JSON lines to `stream` (default stderr).

    Idempotent: calling it again replaces the c360 handler instead of adding one.
    """
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _CurrentStderr()
    )
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else level.upper())
    # Chatty libraries stay at WARNING whatever the c360 level.
    for name in ("py4j", "botocore", "boto3", "urllib3", "s3transfer", "filelock"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


# -- Lambda: aws-lambda-powertools -----------------------------------------------------

POWERTOOLS_FIELDS = frozenset({
    "name", "level", "location", "message", "timestamp", "service", "sampling_rate", "cold_start",
    "function_name", "function_memory_size", "function_arn", "function_request_id",
    "xray_trace_id", "exception", "exception_name", "exception_notes", "stack_trace",
})
"""Keys powertools itself writes (Lambda context, location, trace id): always kept."""

_LAMBDA_LOGGERS: dict[str, Any] = {}


def guard_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A structured log entry with only safe keys, every text redacted (see module doc)."""
    kept: dict[str, Any] = {}
    dropped = []
    for key, value in entry.items():
        if key not in POWERTOOLS_FIELDS and key not in SAFE_FIELDS:
            dropped.append(key)
        elif isinstance(value, Mapping | list):  # e.g. a serialized stack trace
            kept[key] = json.loads(redact(json.dumps(value, default=str)))
        else:
            kept[key] = _safe_value(value)
    if dropped:
        kept["dropped_fields"] = sorted(dropped)
    return kept


def lambda_logger(service: str, context: Any = None, level: str = "INFO") -> Any:
    """The powertools `Logger` of a Lambda handler, with the same guard as `JsonFormatter`.

    Made once per service (the first invocation of a cold start); every later call
    only adds the invocation's request id. c360's own loggers (`c360.*`) are wired
    to it, so package code logging through the standard module lands in the same
    JSON stream. Import powertools here only: it is in the Lambdas' requirements,
    not the package's.
    """
    from aws_lambda_powertools import Logger

    logger = _LAMBDA_LOGGERS.get(service)
    if logger is None:
        from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
        from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

        class GuardedFormatter(LambdaPowertoolsFormatter):
            def serialize(self, log: Any) -> str:
                return str(super().serialize(guard_entry(log)))

        logger = Logger(service=service, level=level, logger_formatter=GuardedFormatter(),
                        utc=True)
        logging.getLogger("c360")  # make sure the package's logger tree is registered
        copy_config_to_registered_loggers(source_logger=logger, include={"c360"})
        _LAMBDA_LOGGERS[service] = logger
    if context is not None:
        logger.append_keys(function_request_id=getattr(context, "aws_request_id", None))
    return logger
