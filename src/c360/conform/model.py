"""Build the conform model for one contract as a sqlglot expression tree.

The generated SELECT reads the raw view (`raw_<dataset>`) and returns every raw
row once with: the typed contract columns, `_reason` (empty when the row is
good; otherwise every failed rule, `; `-joined) and the raw text of each column
(`raw_column`). The engine computes it once (`Engine.materialize`); the stage and
quarantine tables are two projections of it. Among good rows sharing a key
(`duplicates_sql`, usually few) the newest by the contract's `order_by` is staged,
ties broken by every other column so the choice is deterministic; the others are
quarantined as duplicates.

Authored as Spark SQL (the Glue job runs it untranslated); the DuckDB engine
transpiles it. The one construct sqlglot cannot map — "is this line valid
JSON" — is chosen per target dialect in `_json_is_valid`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from sqlglot import exp, parse_one

from c360.contracts import Column, Contract
from c360.sql_cache import compiled

SPARK = "spark"


def _col(name: str) -> exp.Column:
    return exp.column(name, quoted=False)


def _str(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _json_is_valid(line: exp.Expr, target_dialect: str) -> exp.Expr:
    if target_dialect == "duckdb":
        # An unknown (anonymous) function survives Spark → DuckDB transpilation verbatim.
        return exp.Anonymous(this="json_valid", expressions=[line])
    # Spark: get_json_object returns NULL for malformed JSON.
    return exp.Not(this=exp.Is(this=exp.func("get_json_object", line, _str("$"), dialect=SPARK),
                               expression=exp.Null()))


# Each JSON line is parsed once into `_fields`, holding every contract field.
_PARSED_FIELDS = "_fields"
# Spark: the field of `from_json`'s struct that holds a line it could not read as the
# schema says (`columnNameOfCorruptRecord`); NULL when it read the line.
_UNREAD = "_corrupt_record"


def _spark_schema(contract: Contract) -> str:
    """`from_json` schema of the contract's sources, every leaf a STRING (raw text)."""
    tree: dict[str, object] = {}
    for column in contract.columns:
        node = tree
        *parents, leaf = column.source.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ValueError(f"{contract.dataset}: source {column.source} reads inside "
                                 f"{part}, which another column reads as a value")
            node = child
        node[leaf] = "STRING"

    def render(node: dict[str, object], separator: str) -> str:
        # DDL: `name TYPE` at the top level, `name: TYPE` inside STRUCT<...>.
        return ", ".join(
            f"`{name}`{separator}"
            + (f"STRUCT<{render(value, ': ')}>" if isinstance(value, dict) else str(value))
            for name, value in node.items())

    return render(tree, " ")


def _parsed_json_lines(contract: Contract, raw_view: str, target_dialect: str) -> exp.Select:
    """Each non-blank JSON line parsed once into `_fields`, with `_json_valid`.

    One parse per line for all fields (one `get_json_object`/`->>` per field parses it
    once per field): DuckDB `json_extract_string(line, [paths])` gives a list, Spark
    `from_json(line, schema)` a struct whose leaves are STRING (any JSON value as its
    text, as `get_json_object` gives it). On DuckDB the CTE holding this is MATERIALIZED:
    inlined, DuckDB would repeat the parse for every field read from it.
    """
    valid = _json_is_valid(_col("line"), target_dialect)
    if target_dialect != "duckdb":
        return _parsed_json_lines_spark(contract, raw_view, valid)
    paths = exp.Array(expressions=[_str("$." + c.source) for c in contract.columns])
    parse = exp.Anonymous(this="json_extract_string", expressions=[_col("line"), paths])
    # Guarded so a malformed line yields NULLs (and a reason) instead of an error.
    fields = exp.Case(ifs=[exp.If(this=valid.copy(), true=parse)])
    return (exp.select("_source_file", exp.alias_(valid, "_json_valid"),
                       exp.alias_(fields, _PARSED_FIELDS))
            .from_(raw_view).where(_not_blank(_col("line"))))


def _parsed_json_lines_spark(contract: Contract, raw_view: str, valid: exp.Expr) -> exp.Select:
    """Spark: `from_json` once per line, the validity test only where it could not read.

    A line `from_json` reads as the schema says is valid JSON; only the lines it cannot
    read (malformed, or JSON of another shape: a scalar, an array, a nested value of
    another type) ask `get_json_object(line, '$')`, the validity test, which parses the
    line once more. Validity and fields are those of testing every line first (the same
    on malformed, scalar, array, nested-mismatch and duplicate-key lines, checked
    against it), at one parse per line instead of two: Spark 100k clickstream conform,
    warm, 11.9-12.1 s -> 10.2-10.4 s (same rows; in new processes within the noise).
    """
    sources = {c.source.split(".")[0] for c in contract.columns}
    if _UNREAD in sources:
        raise ValueError(f"{contract.dataset}: a source field may not be named {_UNREAD}")
    schema = f"{_spark_schema(contract)}, `{_UNREAD}` STRING"
    options = exp.Anonymous(this="map", expressions=[_str("columnNameOfCorruptRecord"),
                                                     _str(_UNREAD)])
    parse = exp.Anonymous(this="from_json", expressions=[_col("line"), _str(schema), options])
    read = exp.Is(this=exp.Dot.build([_col("_parsed"), exp.to_identifier(_UNREAD)]),
                  expression=exp.Null())
    checked = exp.Case(ifs=[exp.If(this=read, true=exp.true())], default=valid)
    # `_parsed` is read twice below: Spark keeps the inner projection (it does not inline
    # an expression as costly as `from_json` into two places).
    parsed = (exp.select("_source_file", "line", exp.alias_(parse, "_parsed"))
              .from_(raw_view).where(_not_blank(_col("line"))))
    fields = exp.Case(ifs=[exp.If(this=checked.copy(), true=_col("_parsed"))])
    return exp.select("_source_file", exp.alias_(checked, "_json_valid"),
                      exp.alias_(fields, _PARSED_FIELDS)).from_(parsed.subquery("lines"))


def _not_blank(line: exp.Expr) -> exp.Expr:
    """Blank lines of a JSON-lines file are not records.

    Blank = empty or spaces only (what `trim` removes on both engines), tested with a
    regex search for a non-space character: `nullif(trim(line), '')` copied every line
    (~40% of DuckDB's conform time on 2M events).
    """
    return exp.RegexpLike(this=line, expression=_str("[^ ]"))


def _json_field(contract: Contract, column: Column, target_dialect: str) -> exp.Expr:
    """One field of `_fields`: a list element (DuckDB) or a struct path (Spark)."""
    if target_dialect == "duckdb":
        index = [c.name for c in contract.columns].index(column.name) + 1
        return exp.Anonymous(this="list_extract",
                             expressions=[_col(_PARSED_FIELDS), exp.Literal.number(index)])
    path = ".".join(f"`{part}`" for part in column.source.split("."))
    return parse_one(f"{_PARSED_FIELDS}.{path}", read=SPARK)


def raw_column(column: Column) -> str:
    """Where the conformed view keeps a column's raw text.

    A string column's typed value is its raw text, so it is kept once, under its own
    name; other columns keep their raw text beside the typed value as `_raw_<name>`.
    """
    return column.name if column.type == "string" else f"_raw_{column.name}"


def _raw_text(contract: Contract, column: Column, target_dialect: str) -> exp.Expr:
    """The column's raw value as trimmed text, NULL when empty."""
    fmt = contract.raw.format
    if fmt == "jsonl":
        value: exp.Expr = _json_field(contract, column, target_dialect)
    elif fmt == "fixed_width":
        field = next(f for f in contract.raw.layout if f.name == column.source)
        value = exp.Substring(
            this=_col("line"),
            start=exp.Literal.number(field.start),
            length=exp.Literal.number(field.length),
        )
    else:
        value = _col(column.source)
    value = _trimmed(value)
    if column.normalize == "upper":
        value = exp.Upper(this=value)
    elif column.normalize == "lower":
        value = exp.Lower(this=value)
    elif column.normalize == "digits":
        value = exp.RegexpReplace(this=value, expression=_str("[^0-9]"), replacement=_str(""))
    return exp.Nullif(this=value, expression=_str(""))


def _trimmed(value: exp.Expr) -> exp.Expr:
    """`trim(value)`, copying only values that start or end with a space.

    Same result as `trim` on both engines (spaces only); most values need no trimming,
    and `trim` copies every one of them (~1/3 of DuckDB's typing time at 5M rows).
    """
    padded = exp.or_(exp.Like(this=value.copy(), expression=_str(" %")),
                     exp.Like(this=value.copy(), expression=_str("% ")))
    return exp.Case(ifs=[exp.If(this=padded, true=exp.Trim(this=value.copy()))],
                    default=value.copy())


_SPARK_DATE_TOKENS = (("%Y", "yyyy"), ("%m", "MM"), ("%d", "dd"), ("%H", "HH"), ("%M", "mm"),
                      ("%S", "ss"))


def _spark_format(fmt: str) -> str:
    for ours, spark in _SPARK_DATE_TOKENS:
        fmt = fmt.replace(ours, spark)
    return fmt


def _typed(raw: exp.Expr, column: Column) -> exp.Expr:
    """Raw text → contract type; NULL when it does not parse (never an error)."""
    if column.type == "string":
        return raw
    if column.type in ("date", "timestamp") and column.format:
        func = "to_date" if column.type == "date" else "to_timestamp"
        return exp.func(func, raw, _str(_spark_format(column.format)), dialect=SPARK)
    if column.type == "date":
        # Only ISO dates: a 10-character yyyy-MM-dd prefix (timestamps are accepted too).
        return exp.func("to_date", exp.Substring(this=raw, start=exp.Literal.number(1),
                                                 length=exp.Literal.number(10)),
                        _str("yyyy-MM-dd"), dialect=SPARK)
    type_sql = {"integer": "int"}.get(column.type, column.type)
    return exp.TryCast(this=raw, to=exp.DataType.build(type_sql, dialect=SPARK))


def _failures(column: Column, raw_name: str, typed_name: str) -> list[exp.Expr]:
    """One CASE per rule: the reason text when the rule fails, else NULL."""
    raw, typed = _col(raw_name), _col(typed_name)
    reasons: list[tuple[exp.Expr, str]] = []
    if not column.nullable:
        reasons.append((exp.Is(this=raw, expression=exp.Null()), f"{column.name}: required"))
    if column.type != "string":
        bad = exp.and_(exp.Not(this=exp.Is(this=raw, expression=exp.Null())),
                       exp.Is(this=typed, expression=exp.Null()))
        reasons.append((bad, f"{column.name}: not a valid {column.type}"))
    checks = column.checks
    present = exp.Not(this=exp.Is(this=typed, expression=exp.Null()))
    if "allowed_values" in checks:
        allowed = [_str(str(v)) for v in checks["allowed_values"]]
        inside = exp.In(this=exp.cast(typed, "string"), expressions=allowed)
        reasons.append((exp.and_(present, exp.Not(this=inside)),
                        f"{column.name}: not an allowed value"))
    if "pattern" in checks:
        pattern = _str(str(checks["pattern"]))
        match = exp.RegexpLike(this=exp.cast(typed, "string"), expression=pattern)
        reasons.append((exp.and_(present, exp.Not(this=match)),
                        f"{column.name}: does not match pattern"))
    if "min" in checks:
        reasons.append((exp.and_(present, exp.LT(this=typed, expression=_bound(checks["min"]))),
                        f"{column.name}: below minimum {checks['min']}"))
    if "max" in checks:
        reasons.append((exp.and_(present, exp.GT(this=typed, expression=_bound(checks["max"]))),
                        f"{column.name}: above maximum {checks['max']}"))
    return [exp.Case(ifs=[exp.If(this=cond, true=_str(text))]) for cond, text in reasons]


def _bound(value: object) -> exp.Expr:
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return exp.cast(_str(text), "date")
    return _str(text)


def conform_sql(contract: Contract, raw_view: str, target_dialect: str) -> str:
    """The conform model for `contract` as Spark SQL, for an engine of `target_dialect`.

    The text is Spark SQL (what the Glue job runs); the DuckDB engine transpiles it.
    Built once per contract and kept (`c360.sql_cache`).
    """
    # Keyed by what the query is built from: the contract, not where its file lies.
    content = replace(contract, path=Path(contract.path.name))
    return compiled("conform_sql", (repr(content), raw_view, target_dialect),
                    lambda: _conform_sql(contract, raw_view, target_dialect))


def _conform_sql(contract: Contract, raw_view: str, target_dialect: str) -> str:
    raw_cols = [
        exp.alias_(_raw_text(contract, c, target_dialect), f"_raw_{c.name}")
        for c in contract.columns
    ]
    jsonl = contract.raw.format == "jsonl"
    valid = _col("_json_valid") if jsonl else exp.true()
    source = exp.select(*raw_cols, exp.alias_(valid, "_json_valid"), "_source_file").from_(
        "parsed" if jsonl else raw_view)
    if contract.raw.format == "fixed_width" and contract.raw.record_type_detail:
        marker = exp.Substring(this=_col("line"), start=exp.Literal.number(1),
                               length=exp.Literal.number(len(contract.raw.record_type_detail)))
        source = source.where(exp.EQ(this=marker, expression=_str(contract.raw.record_type_detail)))
    typed_cols = [exp.alias_(_typed(_col(f"_raw_{c.name}"), c), c.name) for c in contract.columns]
    kept_raw = [f"_raw_{c.name}" for c in contract.columns if raw_column(c) != c.name]
    typed = exp.select(*typed_cols, *kept_raw,
                       "_json_valid", "_source_file")
    typed = typed.from_("source")

    failures: list[exp.Expr] = []
    for c in contract.columns:
        failures.extend(_failures(c, raw_column(c), c.name))
    # concat_ws skips NULLs in both Spark and DuckDB: kept anonymous so it is never rewritten.
    row_reason = (
        exp.Anonymous(this="concat_ws", expressions=[_str("; "), *failures])
        if failures else _str("")
    )
    reason = exp.Case(
        ifs=[exp.If(this=exp.Not(this=_col("_json_valid")), true=_str("record: invalid JSON"))],
        default=row_reason,
    )

    checked = exp.select("*", exp.alias_(reason, "_reason")).from_("typed")
    final = exp.select("*").from_("checked")
    if jsonl:
        final = final.with_("parsed", as_=_parsed_json_lines(contract, raw_view, target_dialect),
                            materialized=True if target_dialect == "duckdb" else None)
    final = (
        final.with_("source", as_=source)
        .with_("typed", as_=typed)
        .with_("checked", as_=checked)
    )
    return final.sql(dialect=SPARK)


def _newest_first(contract: Contract) -> str:
    """ORDER BY of the dedup ranking: the contract's order, then every other column."""
    terms = []
    for term in contract.order_by:
        name, *direction = term.split()
        desc = bool(direction) and direction[0].lower() == "desc"
        terms.append(f"{name} {'desc nulls last' if desc else 'asc nulls first'}")
    terms.extend(f"{raw_column(c)} asc nulls first" for c in contract.columns
                 if c.name not in contract.keys)
    terms.append("_source_file asc nulls first")
    return ", ".join(terms)


def same_key(contract: Contract, left: str, right: str) -> str:
    """`left` and `right` rows hold the same key (null-safe: a null key matches a null)."""
    return " and ".join(f"{left}.{k} <=> {right}.{k}" for k in contract.keys)


def duplicates_sql(contract: Contract, view: str) -> str:
    """Keys held by more than one good row of the conformed `view` (usually few or none)."""
    keys = ", ".join(contract.keys)
    return (f"select {keys} from {view} where _reason = '' group by {keys} "
            "having count(*) > 1")


def _ranked_duplicates(contract: Contract, view: str, duplicates: str) -> str:
    """Good rows whose key is duplicated, with `_rank` (1 = the row that stays)."""
    keys = ", ".join(contract.keys)
    return (f"select v.*, row_number() over (partition by {keys} "
            f"order by {_newest_first(contract)}) as _rank "
            f"from {view} v left semi join {duplicates} d on {same_key(contract, 'v', 'd')} "
            "where v._reason = ''")


def _relative_source_file(raw_root: str) -> str:
    """`_source_file` relative to the RAW root, so outputs do not depend on where the lake is."""
    prefix = exp.Literal.string(raw_root.rstrip("/") + "/").sql(SPARK)
    return f"replace(_source_file, {prefix}, '') as _source_file"


def stage_projection(contract: Contract, view: str, duplicates: str | None,
                     raw_root: str) -> str:
    """Good rows, the newest per key: the stg_* table (contract columns + `_source_file`).

    Only rows whose key is in `duplicates` are ranked (a window over every row would
    sort the whole dataset to pick among the few repeated keys); `None`: no key repeats.
    """
    cols = ", ".join([c.name for c in contract.columns] + [_relative_source_file(raw_root)])
    if duplicates is None:
        return parse_one(f"select {cols} from {view} where _reason = ''", read=SPARK).sql(SPARK)
    unique = (f"select {cols} from {view} v left anti join {duplicates} d "
              f"on {same_key(contract, 'v', 'd')} where v._reason = ''")
    newest = (f"select {cols} from ({_ranked_duplicates(contract, view, duplicates)}) "
              "where _rank = 1")
    return parse_one(f"{unique} union all {newest}", read=SPARK).sql(SPARK)


def quarantine_projection(contract: Contract, view: str, duplicates: str | None,
                          raw_root: str) -> str:
    """Rejected rows with their reason: the quarantine_* table (raw text kept)."""
    cols = ", ".join([f"{raw_column(c)} as {c.name}" for c in contract.columns]
                     + [_relative_source_file(raw_root)])
    keys = ", ".join(contract.keys)
    ranking = ", ".join([*contract.order_by, "the other columns"])  # as `_newest_first`
    dup = exp.Literal.string(
        f"duplicate: a record with the same {keys} ranks first by {ranking}").sql(SPARK)
    rejected = f"select {cols}, _reason from {view} where _reason <> ''"
    if duplicates is None:
        return parse_one(rejected, read=SPARK).sql(SPARK)
    superseded = (f"select {cols}, {dup} as _reason from "
                  f"({_ranked_duplicates(contract, view, duplicates)}) where _rank > 1")
    return parse_one(f"{rejected} union all {superseded}", read=SPARK).sql(SPARK)
