"""SQL models: one file per produced table, authored in the dialect of its AWS engine.

- `sql/spark/<table>.sql`  Spark SQL, run by Glue/EMR Spark steps
- `sql/athena/<table>.sql` Trino SQL, run by Athena (CTAS/INSERT)
- `jobs/emr/hive/<table>.hql` HiveQL, run by the EMR Hive step

A model is a single SELECT. Its inputs are the tables it reads, found by parsing
it (lineage is derived, never declared twice). Run parameters are named
placeholders (`:logical_date`, `:run_id`) bound as literals before execution.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlglot
from sqlglot import exp

from c360.resources import resource_dir, sql_dir

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
        """Tables this model reads (CTE names excluded), sorted."""
        tree = self.parse()
        ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
        names = {t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes}
        return tuple(sorted(names))

    def parse(self) -> exp.Expression:
        try:
            tree = sqlglot.parse_one(self.sql, read=self.dialect)
        except sqlglot.errors.ParseError as exc:
            raise ModelError(f"{self.path or self.table}: cannot parse {self.dialect} SQL: {exc}") from None
        if tree is None:
            raise ModelError(f"{self.path or self.table}: empty model")
        return tree

    def render(self, dialect: str, params: Mapping[str, object] | None = None) -> str:
        """The model's SQL in `dialect` with placeholders bound to literals."""
        tree = bind(self.parse(), params or {})
        return tree.sql(dialect=dialect, pretty=False)


def bind(tree: exp.Expression, params: Mapping[str, object]) -> exp.Expression:
    """Replace `:name` placeholders with literal values; unknown names are an error."""
    wanted = {p.name for p in tree.find_all(exp.Placeholder) if p.name}
    missing = wanted - set(params)
    if missing:
        raise ModelError(f"model needs parameter(s) {', '.join(sorted(missing))}")
    literals = {k: _literal(v) for k, v in params.items() if k in wanted}
    return exp.replace_placeholders(tree.copy(), **literals)


def _literal(value: object) -> exp.Expression:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, date):
        return exp.Literal.string(value.isoformat())
    return exp.Literal.string(str(value))


def load_model(kind: str, table: str, partition_by: tuple[str, ...] = ()) -> Model:
    """Load `sql/<kind>/<table>.<ext>`; kind is spark, athena or hive."""
    if kind not in MODEL_DIALECTS:
        raise ModelError(f"unknown model kind {kind!r}; use one of {', '.join(MODEL_DIALECTS)}")
    dialect, ext = MODEL_DIALECTS[kind]
    folder = resource_dir("hive") if kind == "hive" else sql_dir() / kind
    path = folder / f"{table}{ext}"
    if not path.is_file():
        raise ModelError(f"model file {path} not found for table {table!r}")
    text = path.read_text(encoding="utf-8").strip().rstrip(";")
    return Model(table=table, sql=text, dialect=dialect, path=path, partition_by=partition_by)
