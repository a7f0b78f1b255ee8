"""SQL models: one file per produced table, authored in the dialect of its AWS engine.

- `sql/spark/<table>.sql`  Spark SQL, run by Glue/EMR Spark steps
- `sql/athena/<table>.sql` Trino SQL, run by Athena (CTAS/INSERT)
- `jobs/emr/hive/<table>.hql` HiveQL, run by the EMR Hive step

A model is a single SELECT. Its inputs are the tables it reads, found by parsing
it (lineage is derived, never declared twice). Run parameters are named
placeholders (`:logical_date`, `:run_id`) bound as literals before execution.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlglot
from sqlglot import exp

from c360.resources import resource_dir, sql_dir
from c360.sql_cache import compiled

MODEL_DIALECTS = {"spark": ("spark", ".sql"), "athena": ("trino", ".sql"), "hive": ("hive", ".hql")}


class ModelError(ValueError):
    """A model file is missing or cannot be parsed; the message names it."""


@dataclass(frozen=True)
class Model:
    table: str
    sql: str
    dialect: str
    """sqlglot dialect the model is written in: spark, trino or hive."""
    path: Path | None = None
    partition_by: tuple[str, ...] = ()

    @property
    def inputs(self) -> tuple[str, ...]:
        """Tables this model reads (CTE names excluded), sorted (kept: `c360.sql_cache`)."""
        return compiled("model_inputs", (self.dialect, self.sql), self._inputs, decode=tuple)

    def _inputs(self) -> tuple[str, ...]:
        return tuple(sorted({t.name for t in read_tables(self._tree())}))

    def _tree(self) -> exp.Expr:
        """The parsed model, shared: read it, never change it (`parse()` gives a copy)."""
        try:
            tree = _parse_sql(self.sql, self.dialect)
        except sqlglot.errors.ParseError as exc:
            where = self.path or self.table
            raise ModelError(f"{where}: cannot parse {self.dialect} SQL: {exc}") from None
        if tree is None:
            raise ModelError(f"{self.path or self.table}: empty model")
        return tree

    def parse(self) -> exp.Expr:
        """The parsed model, a tree of the caller's own to change."""
        return self._tree().copy()

    def render(self, dialect: str, params: Mapping[str, object] | None = None) -> str:
        """The model's SQL in `dialect` with placeholders bound to literals.

        The text is kept (`c360.sql_cache`) with every text or date parameter rendered
        as a stand-in string literal, which the values then replace; numbers and
        booleans are part of what is kept. A model with placeholders the parameters do
        not cover fails (`bind`).
        """
        params = dict(params or {})
        textual = sorted(k for k, v in params.items() if _is_textual(v))
        fixed = sorted((k, repr(v)) for k, v in params.items() if not _is_textual(v))
        stand_in = {k: f"{_STAND_IN}{i}_{k}" for i, k in enumerate(textual)}

        def render_with_stand_ins() -> str:
            tree = bind(self._tree(), {**params, **stand_in})
            return sql_in(tree, dialect)

        text = compiled("model_render", (self.dialect, dialect, self.sql, repr(textual),
                                         repr(fixed)), render_with_stand_ins)
        for name in textual:
            quoted = exp.Literal.string(stand_in[name]).sql(dialect=dialect)
            text = text.replace(quoted, _literal(params[name]).sql(dialect=dialect))
        if _STAND_IN in text:  # a dialect rewrote a literal: render it directly
            return sql_in(bind(self._tree(), params), dialect)
        return text


def sql_in(tree: exp.Expr, dialect: str) -> str:
    """`tree` as SQL of `dialect`. Join hints (`/*+ BROADCAST(x) */`) are Spark's: a
    dialect without hints (DuckDB plans its joins itself) gets the query without them,
    instead of sqlglot's "Hints are not supported" warning on every run."""
    if tree.find(exp.Hint) and not sqlglot.Dialect.get_or_raise(
            dialect).generator_class.QUERY_HINTS:
        tree = tree.copy()
        for hint in list(tree.find_all(exp.Hint)):
            hint.pop()
    return tree.sql(dialect=dialect, pretty=False)


def read_tables(tree: exp.Expr) -> Iterator[exp.Table]:
    """The table references of a parsed query that name stored tables: neither a CTE's
    name nor the alias a join hint names (`/*+ BROADCAST(a) */`)."""
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if table.name and table.name not in ctes and table.find_ancestor(exp.Hint) is None:
            yield table


@functools.lru_cache(maxsize=256)
def _parse_sql(sql: str, dialect: str) -> exp.Expr | None:
    """Parse once per process: a run needs a model's tree for its lineage (building the
    steps) and again to render it; parsing the models was a fixed cost of every run."""
    return sqlglot.parse_one(sql, read=dialect)


def bind(tree: exp.Expr, params: Mapping[str, object]) -> exp.Expr:
    """Replace `:name` placeholders with literal values; unknown names are an error.

    `tree` is left unchanged: a copy is bound (no copy when there is nothing to bind).
    """
    wanted = {p.name for p in tree.find_all(exp.Placeholder) if p.name}
    missing = wanted - set(params)
    if missing:
        raise ModelError(f"model needs parameter(s) {', '.join(sorted(missing))}")
    if not wanted:
        return tree
    literals = {k: _literal(v) for k, v in params.items() if k in wanted}
    return exp.replace_placeholders(tree.copy(), **literals)


def hive_script(model: Model) -> str:
    """The HiveQL script the EMR Hive step runs for a model.

    The authored model is a bare SELECT over unqualified table names (so both
    local engines can run it); on EMR it must write its table into the Glue
    catalog. Tables are qualified with the database of their layer and the
    SELECT is wrapped in `INSERT OVERWRITE TABLE`; databases and run
    parameters become Hive variables (`--hivevar stage_db=… analytics_db=…
    logical_date=… run_id=…`, passed by the state machine).
    """
    from c360.lake import layer_of

    tree = model.parse()
    for table in list(read_tables(tree)):
        table.set("db", exp.to_identifier(f"c360hivevar{layer_of(table.name)}db"))
    params = {p.name: f"c360hivevar{p.name}" for p in tree.find_all(exp.Placeholder) if p.name}
    tree = exp.replace_placeholders(
        tree, **{k: exp.Literal.string(v) for k, v in params.items()})
    body = tree.sql(dialect="hive", pretty=True)
    target = f"c360hivevar{layer_of(model.table)}db.{model.table}"
    script = f"INSERT OVERWRITE TABLE {target}\n{body};\n"
    for layer in ("raw", "stage", "analytics", "sandbox"):
        script = script.replace(f"c360hivevar{layer}db", f"${{hivevar:{layer}_db}}")
    for name in params:
        script = script.replace(f"c360hivevar{name}", f"${{hivevar:{name}}}")
    header = f"-- Generated by c360.build from {model.path.name if model.path else model.table}"
    return f"{header}; do not edit.\n{script}"


_STAND_IN = "c360_parameter_stand_in_"


def _is_textual(value: object) -> bool:
    """Bound as a string literal (see `_literal`)."""
    return not isinstance(value, bool | int | float)


def _literal(value: object) -> exp.Expr:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, date):
        return exp.Literal.string(value.isoformat())
    return exp.Literal.string(str(value))


def model_path(kind: str, table: str) -> Path:
    """Where the model of `table` would be: `sql/<kind>/<table>.<ext>` (hive: its folder)."""
    if kind not in MODEL_DIALECTS:
        raise ModelError(f"unknown model kind {kind!r}; use one of {', '.join(MODEL_DIALECTS)}")
    folder = resource_dir("hive") if kind == "hive" else sql_dir() / kind
    return folder / f"{table}{MODEL_DIALECTS[kind][1]}"


def athena_written(tables: Iterable[str]) -> list[str]:
    """Those of `tables` that Athena writes (a `sql/athena/` model): Iceberg tables in
    AWS, which a Spark or Python job reads from an Athena export (see
    `c360.orchestration.asl`, *Exports*), in the order given."""
    return [t for t in tables if model_path("athena", t).is_file()]


def load_model(kind: str, table: str, partition_by: tuple[str, ...] = ()) -> Model:
    """Load `sql/<kind>/<table>.<ext>`; kind is spark, athena or hive."""
    path = model_path(kind, table)
    dialect = MODEL_DIALECTS[kind][0]
    if not path.is_file():
        raise ModelError(f"model file {path} not found for table {table!r}")
    text = path.read_text(encoding="utf-8").strip().rstrip(";")
    return Model(table=table, sql=text, dialect=dialect, path=path, partition_by=partition_by)
