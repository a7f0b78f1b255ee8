"""Golden record: run `sql/spark/int_customer_golden.sql` with the configured survivorship.

The model is static SQL; which record survives per attribute is data: the
settings file's `survivorship` section becomes two small views
(`identity_survivorship_order`, `identity_survivorship_sources`) that the model
joins. Changing the order of an attribute is a settings change, not a SQL change.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp

from c360.engine import Engine
from c360.identity import lakeio
from c360.identity.settings import IdentitySettings
from c360.models import load_model

ORDER_VIEW = "identity_survivorship_order"
SOURCES_VIEW = "identity_survivorship_sources"


def _values(rows: list[tuple[object, ...]], columns: list[str], types: list[str]) -> str:
    """A typed inline table in Spark SQL (at least one row; a typed empty one otherwise)."""
    def cell(value: object, kind: str) -> exp.Expression:
        literal = (exp.null() if value is None else exp.Literal.number(value)
                   if isinstance(value, int) else exp.Literal.string(str(value)))
        return exp.cast(literal, kind)

    if not rows:
        select = exp.select(*[exp.cast(exp.null(), t).as_(c) for c, t in zip(
            columns, types, strict=True)]).where("1 = 0")
        return select.sql(dialect="spark")
    selects = [
        exp.select(*[cell(v, t).as_(c) for v, c, t in zip(row, columns, types, strict=True)])
        for row in rows
    ]
    union: exp.Expression = selects[0]
    for select in selects[1:]:
        union = exp.union(union, select, distinct=False)
    return union.sql(dialect="spark")


def survivorship_views(settings: IdentitySettings) -> dict[str, str]:
    """Spark SQL for the two survivorship views, from the settings."""
    order_rows: list[tuple[object, ...]] = []
    source_rows: list[tuple[object, ...]] = []
    for attribute, rule in settings.survivorship.items():
        criteria = list(rule.order) + [None] * (3 - len(rule.order))
        order_rows.append((attribute, *criteria))
        source_rows.extend((attribute, source, rank)
                           for rank, source in enumerate(rule.sources, start=1))
    return {
        ORDER_VIEW: _values(order_rows, ["attribute", "criterion_1", "criterion_2",
                                         "criterion_3"], ["string"] * 4),
        SOURCES_VIEW: _values(source_rows, ["attribute", "source_system", "source_rank"],
                              ["string", "string", "int"]),
    }


def build_golden(engine: Engine, settings: IdentitySettings,
                 params: Mapping[str, object]) -> int:
    """Write `int_customer_golden`; return its row count."""
    for view, sql in survivorship_views(settings).items():
        engine.register_view(view, sql, "spark")
    model = load_model("spark", "int_customer_golden")
    for table in ("int_person_records", "int_customer_xref"):
        if not lakeio.register(engine, table):
            raise FileNotFoundError(f"{table} has no data; run its step first")
    return lakeio.write_sql(engine, model.table, model.render(engine.dialect, params))
