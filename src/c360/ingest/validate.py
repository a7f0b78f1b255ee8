"""File-level checks at the door of RAW: land, quarantine whole, or skip — with a reason.

Two kinds of bad input are told apart:
- a *file* that cannot be read as its contract says (corrupt gzip, not UTF-8,
  a header without required columns, rows wider than the header, a trailer
  whose record count or control total disagrees with the detail records) is
  quarantined whole: conform would crash on it or silently lose part of it;
- a *record* that is bad (an invalid JSON line, a missing required field, an
  unknown extra field) does not stop its file: the file lands, the manifest
  notes what was seen, and conform puts the record in `quarantine_*` with its
  reason.
A file with no records is skipped with a reason. Nothing here raises on bad
input; every outcome is a `FileCheck`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import operator
import re
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import Any, Literal, cast

from c360.contracts import Contract

Verdict = Literal["land", "quarantine", "skip"]
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class FileCheck:
    """What to do with one delivered file, and why."""

    rows: int
    """Data records in the file (no header, trailer or blank lines)."""
    verdict: Verdict = "land"
    reason: str = ""
    notes: tuple[str, ...] = ()


def quarantine(reason: str, rows: int = 0) -> FileCheck:
    return FileCheck(rows=rows, verdict="quarantine", reason=reason)


def skip(reason: str) -> FileCheck:
    return FileCheck(rows=0, verdict="skip", reason=reason)


# -- control totals of the mainframe files ---------------------------------------------


@dataclass(frozen=True)
class FixedWidthTrailer:
    """Trailer `T` record: detail count and the sum of one numeric detail field."""

    record_type: str
    count: tuple[int, int]
    """(start, length), 1-based, of the record count."""
    total: tuple[int, int]
    """(start, length), 1-based, of the control total."""
    sum_of: str
    """Layout field summed by the control total."""
    header_type: str = "H"


@dataclass(frozen=True)
class CsvTrailer:
    """`TRL,<count>,<total>` after a CSV body framed by `HDR,...` (total = sum of a column)."""

    header_marker: str
    trailer_marker: str
    sum_of: str


# The mainframe's framing (see c360.sources.mainframe: LOYALTY_TRAILER_LAYOUT and the
# cards writer). Kept here, beside the check, until the contracts carry trailer layouts.
CONTROL_TOTALS: dict[str, FixedWidthTrailer | CsvTrailer] = {
    "mainframe_loyalty": FixedWidthTrailer(record_type="T", count=(2, 9), total=(11, 15),
                                           sum_of="points_balance"),
    "mainframe_cards": CsvTrailer(header_marker="HDR", trailer_marker="TRL",
                                  sum_of="statement_balance"),
}


# -- entry point -----------------------------------------------------------------------


def check_file(contract: Contract, path: Path) -> FileCheck:
    """Decide whether `path`, a delivery of `contract`'s dataset, can land in RAW."""
    fmt = contract.raw.format
    if fmt == "parquet":
        return _check_parquet(contract, path)
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            return quarantine(f"corrupt gzip: {exc}")
    if fmt == "jsonl":
        parsed = _parse_json_lines(data)
        if parsed is not None:  # else: a rare shape the text path below reads exactly
            if not parsed[0]:
                return skip("empty file (no records)")
            return _judge_jsonl(contract, *parsed)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        return quarantine(f"not valid UTF-8: byte 0x{bad} at offset {exc.start}")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text or text.isspace():  # `not text.strip()` without copying the text
        return skip("empty file (no records)")
    checker: Callable[[Contract, str], FileCheck] = {
        "jsonl": _check_jsonl,
        "csv": _check_csv,
        "fixed_width": _check_fixed_width,
    }[fmt]
    return checker(contract, text)


def checker_for(contract: Contract) -> Callable[[Path], FileCheck]:
    """`check_file` bound to `contract`; picklable, so a process pool can run it."""
    return partial(check_file, contract)


# -- JSON lines ------------------------------------------------------------------------
#
# Hourly clickstream batches are millions of lines a day, so the per-line work is kept
# small: orjson parses (a line it refuses is re-read with the standard `json` module, so
# a line counts as a JSON object exactly when `json.loads` reads one: NaN, huge numbers,
# lone surrogates), and the per-field counts run over columns (`map`, `list.count`,
# `Counter`), each column taken once, instead of per-record Python loops.
#
# Lines are those of `str.splitlines` on the decoded text. The usual batch is read
# without decoding it: its bytes are split at b"\n" and orjson parses each line's bytes.
# That gives the same lines whenever the file holds no other line break `splitlines`
# knows (\r, \x0b, \x0c, \x1c-\x1e, U+0085, U+2028, U+2029) and no byte-order mark;
# \r is looked for up front, and so are the three non-ASCII ones when the file is not
# ASCII (such a file is also decoded once, so its UTF-8 is checked exactly as the text
# path checks it). The other breaks are not JSON (orjson and `json` refuse them
# anywhere in a document), so they are looked for only in the lines orjson refuses.
# Any of these shapes hands the file to the text path, which decides it.

_UNICODE_LINE_BREAKS = ("\x85".encode(), "\u2028".encode(), "\u2029".encode())
_NON_JSON_LINE_BREAKS = (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e")


def _present(record: dict[str, object], source: str) -> bool:
    value: object = record
    for part in source.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return value is not None and value != ""


Parsed = tuple[int, list[dict[str, object]], int, list[int]]
"""(records, the JSON objects, invalid lines, up to MAX_EXAMPLES invalid line numbers)."""


class _TextPathNeeded(Exception):
    """A line of a file read as bytes holds a break `str.splitlines` would split at."""


def _classify(lines: list[Any], text_of: Callable[[Any], str]) -> Parsed:
    """Each line: blank (not a record), a JSON object, or invalid.

    orjson parses first; a line it refuses is read again as text (`text_of`) with the
    standard module, so a line counts as a JSON object exactly when `json.loads`
    reads one (NaN, huge numbers, lone surrogates).
    """
    import orjson

    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    objects: list[dict[str, object]] = []
    keep = objects.append
    blank = invalid = 0
    invalid_lines: list[int] = []
    for number, line in enumerate(lines, start=1):
        try:
            record = loads(line)
        except decode_error:
            text = text_of(line)
            if not text.strip():
                blank += 1
                continue
            try:
                record = json.loads(text)
            except ValueError:
                record = None
        if isinstance(record, dict):
            keep(record)
        else:
            invalid += 1
            if len(invalid_lines) < MAX_EXAMPLES:
                invalid_lines.append(number)
    return len(lines) - blank, objects, invalid, invalid_lines


def _parse_json_objects(lines: list[str]) -> Parsed:
    """`_classify` of text lines. Blank lines are not records; any other line that is not
    a JSON object is invalid."""
    return _classify(lines, str)


def _line_text(line: bytes) -> str:
    """A refused line read as bytes, as text; `_TextPathNeeded` when it holds a break."""
    if any(mark in line for mark in _NON_JSON_LINE_BREAKS):
        raise _TextPathNeeded
    return line.decode("utf-8")  # valid: the file is ASCII or was decoded before


def _parse_json_lines(data: bytes) -> Parsed | None:
    """`_parse_json_objects` of the decoded text's lines, read from `data` without decoding
    it; None when the text path must read the file (see the comment above)."""
    import orjson

    if not data or data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
        return None
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if any(mark in data for mark in _UNICODE_LINE_BREAKS):
            return None
    lines = data.split(b"\n")
    if not lines[-1]:  # the text ends with a line break: no line after it
        lines.pop()
    try:  # the usual batch: every line a JSON document
        objects: list[dict[str, object]] = list(map(orjson.loads, lines))
    except orjson.JSONDecodeError:
        pass
    else:
        if all(map(dict.__instancecheck__, objects)):
            return len(lines), objects, 0, []
    try:
        return _classify(lines, _line_text)
    except _TextPathNeeded:
        return None


class _Columns(dict[str, list[object]]):
    """`record.get(key)` of every record, per key; each column taken once, when first asked."""

    def __init__(self, records: list[dict[str, object]]) -> None:
        super().__init__()
        self.records = records

    def __missing__(self, key: str) -> list[object]:
        values = self[key] = _values(self.records, key)
        return values


def _values(records: list[dict[str, object]], key: str) -> list[object]:
    """`record.get(key)` of every record, in order (one C-level pass)."""
    return list(map(dict.get, records, repeat(key)))


def _missing(records: list[dict[str, object]], source: str, columns: _Columns) -> int:
    """Records in which `source` (dotted = nested) is absent, null or empty."""
    if "." in source:
        return sum(1 for record in records if not _present(record, source))
    values = columns[source]
    return values.count(None) + values.count("")


def _check_jsonl(contract: Contract, text: str) -> FileCheck:
    return _judge_jsonl(contract, *_parse_json_objects(text.splitlines()))


def _judge_jsonl(contract: Contract, rows: int, records: list[dict[str, object]], invalid: int,
                 invalid_lines: list[int]) -> FileCheck:
    """The file's check from its parsed lines (see `_parse_json_objects`)."""
    known = {c.source.split(".")[0] for c in contract.columns}
    required = [c for c in contract.columns if not c.nullable]
    if rows and invalid == rows:
        return quarantine(f"no line is a JSON object ({rows} lines, first bad at line "
                          f"{invalid_lines[0]})", rows)
    unknown = {key: sum(map(operator.contains, records, repeat(key)))
               for key in set().union(*records) - known}
    columns = _Columns(records)
    missing: dict[str, int] = {}
    for column in required:
        count = _missing(records, column.source, columns)
        if count:
            missing[column.source] = missing.get(column.source, 0) + count
    notes: list[str] = []
    if invalid:
        notes.append(f"{invalid} invalid JSON line(s) (e.g. line {invalid_lines}); "
                     "conform quarantines them")
    if unknown:
        notes.append("unknown field(s) ignored: " + ", ".join(
            f"{k} ({n})" for k, n in sorted(unknown.items())))
    if missing:
        notes.append("required field(s) missing; conform quarantines those records: " + ", ".join(
            f"{k} ({n})" for k, n in sorted(missing.items())))
    if contract.dataset == "clickstream_events":
        notes.extend(clickstream_notes(records, columns))
    return FileCheck(rows=rows, notes=tuple(notes))


BOT_USER_AGENT = re.compile(r"bot|crawler|spider|slurp|headless", re.IGNORECASE)


def _is_bot(agent: object) -> bool:
    return isinstance(agent, str) and BOT_USER_AGENT.search(agent) is not None


def _bot_events(agents: list[object]) -> int:
    """Events whose user agent names a bot; the regex runs once per distinct agent."""
    try:
        distinct = Counter(agents)
    except TypeError:  # an unhashable agent (a JSON list or object): not a string anyway
        return sum(1 for agent in agents if _is_bot(agent))
    return sum(n for agent, n in distinct.items() if _is_bot(agent))


def _late_events(events: list[object], received: list[object]) -> int:
    """Events received in a later hour than they happened (`YYYY-MM-DDTHH` compared)."""
    happened, came, hour = cast(list[str], events), cast(list[str], received), slice(13)
    try:  # all strings (JSON gives plain `str`): one C-level pass
        return sum(map(str.__gt__, map(str.__getitem__, came, repeat(hour)),
                       map(str.__getitem__, happened, repeat(hour))))
    except TypeError:  # a value that is not a string: `str.__getitem__` refuses it
        pass
    return sum(1 for event, came in zip(events, received, strict=True)
               if isinstance(event, str) and isinstance(came, str) and came[:13] > event[:13])


def clickstream_notes(records: list[dict[str, object]], columns: _Columns | None = None
                      ) -> list[str]:
    """Late and bot events are kept (conform and models handle them); the manifest counts them.

    `columns`: the records' columns already taken (by the file check), reused.
    """
    columns = _Columns(records) if columns is None else columns
    late = _late_events(columns["event_time"], columns["received_at"])
    bots = _bot_events(columns["user_agent"])
    notes = []
    if late:
        notes.append(f"{late} late event(s) (received in a later hour than they happened)")
    if bots:
        notes.append(f"{bots} event(s) with a bot user agent")
    return notes


# -- CSV -------------------------------------------------------------------------------


def _columns_note(contract: Contract, header: list[str]) -> tuple[str | None, list[str]]:
    """(reason to quarantine, notes) from comparing a header with the contract."""
    expected = {c.source for c in contract.columns}
    required = [c.source for c in contract.columns if not c.nullable]
    present = set(header)
    missing_required = [c for c in required if c not in present]
    if missing_required:
        return f"header lacks required column(s): {', '.join(missing_required)}", []
    notes = []
    missing = sorted(expected - present)
    if missing:
        notes.append(f"column(s) missing, read as empty: {', '.join(missing)}")
    unknown = [h for h in header if h not in expected]
    if unknown:
        notes.append(f"unknown column(s) ignored: {', '.join(unknown)}")
    return None, notes


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))


def _check_csv(contract: Contract, text: str) -> FileCheck:
    control = CONTROL_TOTALS.get(contract.dataset)
    try:
        lines = _csv_rows(text, contract.raw.delimiter)
    except csv.Error as exc:
        return quarantine(f"not readable as CSV: {exc}")
    lines = [line for line in lines if line]
    trailer: list[str] | None = None
    if isinstance(control, CsvTrailer):
        if not lines or lines[0][0] != control.header_marker:
            return quarantine(f"no {control.header_marker} header record on line 1")
        if lines[-1][0] != control.trailer_marker:
            return quarantine(f"no {control.trailer_marker} trailer record at the end "
                              "(file truncated?)")
        trailer, lines = lines[-1], lines[1:-1]
    if not lines:
        return quarantine("no CSV header line")
    header, body = lines[0], lines[1:]
    reason, notes = _columns_note(contract, header)
    if reason:
        return quarantine(reason, len(body))
    for number, row in enumerate(body, start=2):
        if len(row) > len(header):
            return quarantine(f"record {number} has {len(row)} fields, the header {len(header)}",
                              len(body))
    short = sum(1 for row in body if len(row) < len(header))
    if short:
        notes.append(f"{short} record(s) with fewer fields than the header (missing read as empty)")
    if isinstance(control, CsvTrailer) and trailer is not None:
        column = header.index(control.sum_of) if control.sum_of in header else -1
        amounts = [row[column] if 0 <= column < len(row) else "" for row in body]
        problem = _control_totals(trailer[1:3], len(body), amounts)
        if problem:
            return quarantine(problem, len(body))
    if not body:
        return skip("empty file (header only, no records)")
    return FileCheck(rows=len(body), notes=tuple(notes))


# -- fixed width -----------------------------------------------------------------------


def _check_fixed_width(contract: Contract, text: str) -> FileCheck:
    control = CONTROL_TOTALS.get(contract.dataset)
    lines = [line for line in text.splitlines() if line.strip()]
    detail = contract.raw.record_type_detail or ""
    width = max(f.start + f.length - 1 for f in contract.raw.layout)
    if not isinstance(control, FixedWidthTrailer):
        body = [line for line in lines if line.startswith(detail)]
        return FileCheck(rows=len(body)) if body else skip("empty file (no detail records)")
    if not lines or not lines[0].startswith(control.header_type):
        return quarantine(f"no header record ({control.header_type}) on line 1")
    if not lines[-1].startswith(control.record_type):
        return quarantine(f"no trailer record ({control.record_type}) at the end "
                          "(file truncated?)")
    body = lines[1:-1]
    strangers = [n for n, line in enumerate(body, start=2) if not line.startswith(detail)]
    if strangers:
        return quarantine(f"record {strangers[0]} is not a detail record ({detail!r})", len(body))
    short = [n for n, line in enumerate(body, start=2) if len(line.rstrip("\r")) < width]
    if short:
        return quarantine(f"record {short[0]} is shorter than the {width}-character layout",
                          len(body))
    field = next(f for f in contract.raw.layout if f.name == control.sum_of)
    amounts = [line[field.start - 1 : field.start - 1 + field.length] for line in body]
    trailer = lines[-1]
    count_text = trailer[control.count[0] - 1 : sum(control.count) - 1]
    total_text = trailer[control.total[0] - 1 : sum(control.total) - 1]
    problem = _control_totals([count_text, total_text], len(body), amounts)
    if problem:
        return quarantine(problem, len(body))
    if not body:
        return skip("empty file (no detail records; trailer agrees)")
    return FileCheck(rows=len(body))


def _control_totals(trailer: list[str], records: int, amounts: list[str]) -> str | None:
    """None when the trailer's (count, total) agrees with the detail records, else why not."""
    if len(trailer) < 2:
        return "trailer record lacks the record count or the control total"
    try:
        count = int(trailer[0].strip())
        total = Decimal(trailer[1].strip())
    except (ValueError, InvalidOperation):
        return f"trailer control fields are not numbers: {trailer[:2]!r}"
    actual = Decimal(0)
    for value in amounts:
        try:
            actual += Decimal(value.strip() or "0")
        except InvalidOperation:
            return (f"control total cannot be verified: detail amount {value.strip()!r} "
                    "is not a number")
    if count != records or total != actual:
        return (f"control totals do not match: trailer says {count} records totalling {total}, "
                f"the file has {records} records totalling {actual}")
    return None


# -- Parquet ---------------------------------------------------------------------------


def _check_parquet(contract: Contract, path: Path) -> FileCheck:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path)
        names = meta.schema_arrow.names
        rows = int(meta.metadata.num_rows)
    except (pa.ArrowException, OSError) as exc:
        return quarantine(f"not readable as Parquet: {exc}")
    reason, notes = _columns_note(contract, names)
    if reason:
        return quarantine(reason, rows)
    if rows == 0:
        return skip("empty file (no rows)")
    return FileCheck(rows=rows, notes=tuple(notes))
