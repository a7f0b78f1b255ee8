"""Remove erased persons' records from one RAW file, keeping everything else byte for byte.

RAW is immutable except for erasure. A RAW file (as delivered, or as a later
delivery is about to land) is rewritten without the records the ledger erases:
- JSON lines (`.jsonl[.gz]`): lines whose fields hold an erased identifier go;
- CSV, plain or framed by `HDR`/`TRL` records: erased records go (a quoted
  field may span lines, so records are cut by quote parity, not by line), and
  a trailer's record count and control total are recomputed so the file still
  passes its control-total check;
- fixed width (`.dat`): erased detail records go, the trailer is recomputed;
- Parquet: erased rows go (same schema, snappy).
Lines and records that stay are not re-serialized, so an untouched record
keeps its exact bytes. gzip is rewritten with `mtime=0` (deterministic).
Which fields are identifiers comes from the dataset's contract: columns named
like an identifier (`identifiers.COLUMN_KINDS`) and where they sit in the raw
record (`column.source`, or the fixed-width layout).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from c360.contracts import Column, Contract
from c360.ingest.validate import CONTROL_TOTALS, CsvTrailer, FixedWidthTrailer
from c360.privacy.identifiers import COLUMN_KINDS
from c360.privacy.ledger import Matcher


@dataclass(frozen=True)
class Redacted:
    """A RAW file after erasure: its new bytes, and how many records it had and lost."""

    data: bytes
    records: int
    removed: int

    @property
    def changed(self) -> bool:
        return self.removed > 0


def identifier_fields(contract: Contract) -> list[tuple[Column, str]]:
    """(column, kind) for every identifier column of the contract."""
    return [(c, COLUMN_KINDS[c.name]) for c in contract.columns if c.name in COLUMN_KINDS]


def redact(contract: Contract, name: str, data: bytes, matcher: Matcher) -> Redacted:
    """`data` (a RAW file of `contract`'s dataset called `name`) without erased records."""
    fmt = contract.raw.format
    if fmt == "parquet" or name.endswith(".parquet"):
        # Arrow is imported only for Parquet: the ingest Lambdas (JSON/CSV only) ship without it.
        import pyarrow as pa

        try:
            return _parquet(contract, data, matcher)
        except (pa.ArrowException, OSError):
            return Redacted(data, 0, 0)  # unreadable (quarantined whole): nothing to match
    gzipped = name.endswith(".gz")
    try:
        text = (gzip.decompress(data) if gzipped else data).decode("utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError):
        return Redacted(data, 0, 0)  # not text as the contract says: nothing to match
    if fmt == "jsonl":
        out, records, removed = _jsonl(contract, text, matcher)
    elif fmt == "csv":
        out, records, removed = _csv(contract, text, matcher)
    elif fmt == "fixed_width":
        out, records, removed = _fixed_width(contract, text, matcher)
    else:
        raise ValueError(f"{contract.dataset}: no erasure for raw format {fmt!r}")
    if not removed:
        return Redacted(data, records, 0)
    body = out.encode("utf-8")
    if gzipped:
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
            gz.write(body)
        body = buf.getvalue()
    return Redacted(body, records, removed)


# -- JSON lines ------------------------------------------------------------------------


def _path_value(record: object, source: str) -> object:
    value = record
    for part in source.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _jsonl(contract: Contract, text: str, matcher: Matcher) -> tuple[str, int, int]:
    fields = identifier_fields(contract)
    kept: list[str] = []
    records = removed = 0
    for line in text.splitlines(keepends=True):
        if not line.strip():
            kept.append(line)
            continue
        records += 1
        try:
            record = json.loads(line)
        except ValueError:
            kept.append(line)  # unreadable: conform quarantines it; nothing to match
            continue
        if any(matcher.matches(kind, _path_value(record, col.source)) for col, kind in fields):
            removed += 1
            continue
        kept.append(line)
    return "".join(kept), records, removed


# -- CSV -------------------------------------------------------------------------------


def _records(text: str) -> Iterator[str]:
    """Physical CSV records (with their line ends): a quoted field may span lines."""
    pending = ""
    for line in text.splitlines(keepends=True):
        pending += line
        if pending.count('"') % 2 == 0:
            yield pending
            pending = ""
    if pending:
        yield pending


def _fields(record: str, delimiter: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter))
    return rows[0] if rows else []


def _csv(contract: Contract, text: str, matcher: Matcher) -> tuple[str, int, int]:
    delimiter = contract.raw.delimiter
    found = CONTROL_TOTALS.get(contract.dataset)
    control = found if isinstance(found, CsvTrailer) else None
    chunks = list(_records(text))
    head: list[str] = []
    trailer: str | None = None
    body = chunks
    if control and body and _fields(body[0], delimiter)[:1] == [control.header_marker]:
        head, body = [body[0]], body[1:]
    if control:
        for index in range(len(body) - 1, -1, -1):
            if not body[index].strip():
                continue
            if _fields(body[index], delimiter)[:1] == [control.trailer_marker]:
                trailer, body = body[index], body[:index] + body[index + 1:]
            break
    if not body:
        return text, 0, 0
    header_chunk, rows = body[0], body[1:]
    header = _fields(header_chunk, delimiter)
    positions = [(header.index(col.source), kind) for col, kind in identifier_fields(contract)
                 if col.source in header]
    kept: list[str] = []
    kept_fields: list[list[str]] = []
    records = removed = 0
    for chunk in rows:
        if not chunk.strip():
            kept.append(chunk)
            continue
        records += 1
        values = _fields(chunk, delimiter)
        if any(i < len(values) and matcher.matches(kind, values[i]) for i, kind in positions):
            removed += 1
            continue
        kept.append(chunk)
        kept_fields.append(values)
    if not removed:
        return text, records, 0
    if trailer is not None and control is not None:
        trailer = _csv_trailer(trailer, delimiter, header, kept_fields, control)
    return "".join([*head, header_chunk, *kept, *([trailer] if trailer else [])]), records, removed


def _csv_trailer(trailer: str, delimiter: str, header: list[str], rows: list[list[str]],
                 control: CsvTrailer) -> str:
    """`TRL,<count>,<total>` recomputed over the records that stay (same number format)."""
    fields = _fields(trailer, delimiter)
    ending = trailer[len(trailer.rstrip("\r\n")):]
    column = header.index(control.sum_of) if control.sum_of in header else -1
    total = Decimal(0)
    for row in rows:
        try:
            total += Decimal((row[column] if 0 <= column < len(row) else "").strip() or "0")
        except InvalidOperation:
            pass
    places = _places(fields[2]) if len(fields) > 2 else 2
    fields[1:3] = [str(len(rows)), f"{total:.{places}f}"]
    return delimiter.join(fields) + ending


def _places(number: str) -> int:
    return len(number.strip().partition(".")[2])


# -- fixed width -----------------------------------------------------------------------


def _fixed_width(contract: Contract, text: str, matcher: Matcher) -> tuple[str, int, int]:
    detail = contract.raw.record_type_detail or ""
    layout = {f.name: f for f in contract.raw.layout}
    fields = [(layout[col.source], kind) for col, kind in identifier_fields(contract)
              if col.source in layout]
    control = CONTROL_TOTALS.get(contract.dataset)
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    records = removed = 0
    for line in lines:
        if not line.startswith(detail) or not line.strip():
            kept.append(line)
            continue
        records += 1
        values = [(kind, line[f.start - 1:f.start - 1 + f.length]) for f, kind in fields]
        if any(matcher.matches(kind, value) for kind, value in values):
            removed += 1
            continue
        kept.append(line)
    if removed and isinstance(control, FixedWidthTrailer):
        kept = _fixed_width_trailer(contract, kept, detail, control)
    return "".join(kept), records, removed


def _fixed_width_trailer(contract: Contract, lines: list[str], detail: str,
                         control: FixedWidthTrailer) -> list[str]:
    body = [line for line in lines if line.startswith(detail)]
    field = next(f for f in contract.raw.layout if f.name == control.sum_of)
    total = 0
    for line in body:
        raw = line[field.start - 1:field.start - 1 + field.length].strip()
        total += int(raw) if raw.isdigit() else 0
    out = list(lines)
    for index in range(len(out) - 1, -1, -1):
        line = out[index]
        if line.startswith(control.record_type) and not line.startswith(detail):
            out[index] = _put(_put(line, control.count, len(body)), control.total, total)
            break
    return out


def _put(line: str, where: tuple[int, int], number: int) -> str:
    start, length = where
    return line[:start - 1] + str(number).rjust(length, "0")[-length:] + line[start - 1 + length:]


# -- Parquet ---------------------------------------------------------------------------


def _parquet(contract: Contract, data: bytes, matcher: Matcher) -> Redacted:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from c360.privacy.tables import purge

    table = pq.read_table(pa.BufferReader(data))
    renamed = {c.source: c.name for c in contract.columns if c.name in COLUMN_KINDS}
    view = table.rename_columns([renamed.get(n, n) for n in table.column_names])
    result = purge(view, matcher)
    if not result.rows_removed:
        return Redacted(data, table.num_rows, 0)
    kept = result.table.rename_columns(table.column_names)
    sink = io.BytesIO()
    pq.write_table(kept, sink, compression="snappy")
    return Redacted(sink.getvalue(), table.num_rows, result.rows_removed)
