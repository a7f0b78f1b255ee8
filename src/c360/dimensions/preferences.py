"""`dim_customer_preferences`: interests, look-alike segment and next-best product.

Computed in Python (numpy) from the other perspectives and written with
`Engine.write_arrow`; in AWS it is the driver-side part of an EMR Spark step (the
feature table is one small row per customer).

Schedules: the weekly run re-fits the segments (`int_segment_model`) and evaluates
the next-best-product suggestion on a hold-out (`fct_next_best_product_evaluation`);
daily runs assign every customer to the nearest segment of the stored model and score
with its holding rates, so new customers get a segment without moving everyone else.
A daily run without a stored model fits one.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.dimensions.lookalike import FEATURE_LABELS, Scaler, Segmentation, fit_segments
from c360.dimensions.next_best_product import PRODUCT_TYPES, HoldingRates, evaluate, suggest
from c360.engine import Engine
from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import schedule_of

TABLE = "dim_customer_preferences"
MODEL_TABLE = "int_segment_model"
EVALUATION_TABLE = "fct_next_best_product_evaluation"
SEGMENTS = 6
SEED = 42
FEATURES: tuple[str, ...] = tuple(FEATURE_LABELS)

# Trino, like the Athena models: one row per customer with the raw behaviour inputs.
FEATURES_SQL = """
with crm_interests as (
    select customer_id, interests
    from (
        select
            x.customer_id,
            regexp_replace(c.interests, '[\\[\\]" ]', '') as interests,
            row_number() over (
                partition by x.customer_id order by c.updated_at desc, c.crm_customer_id desc
            ) as rn
        from stg_crm_customers as c
        join int_customer_xref as x
            on x.source_system = 'crm' and x.source_key = c.crm_customer_id
        where c.interests is not null
    ) as ranked
    where rn = 1
)
select
    g.customer_id,
    d.age,
    l.tenure_months,
    p.deposit_balance,
    p.investment_balance,
    p.loan_balance,
    t.avg_monthly_spend,
    t.avg_monthly_income,
    t.salary_detected,
    t.spend_travel,
    t.spend_dining,
    t.spend_housing,
    t.spend_shopping,
    w.sessions_30d,
    w.app_share_30d,
    v.contacts_90d,
    p.credit_utilisation,
    p.holds_checking,
    p.holds_savings,
    p.holds_credit_card,
    p.holds_mortgage,
    p.holds_personal_loan,
    p.holds_investment,
    p.holds_insurance,
    w.top_product_interest_30d,
    i.interests as declared_interests
from int_customer_golden as g
left join dim_customer_demographic as d on d.customer_id = g.customer_id
left join dim_customer_loyalty as l on l.customer_id = g.customer_id
left join dim_customer_products as p on p.customer_id = g.customer_id
left join dim_customer_transactions as t on t.customer_id = g.customer_id
left join dim_customer_digital as w on w.customer_id = g.customer_id
left join dim_customer_service as v on v.customer_id = g.customer_id
left join crm_interests as i on i.customer_id = g.customer_id
order by g.customer_id
"""

INPUTS: tuple[str, ...] = (
    "int_customer_golden", "int_customer_xref", "stg_crm_customers",
    "dim_customer_demographic", "dim_customer_loyalty", "dim_customer_products",
    "dim_customer_transactions", "dim_customer_digital", "dim_customer_service",
)


def _column(table: pa.Table, name: str) -> np.ndarray:
    """A numeric column as float64 with NaN for NULL."""
    column = table.column(name)
    if pa.types.is_boolean(column.type):
        column = pc.cast(column, pa.int8())
    return np.asarray(pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)


def _log_money(values: np.ndarray) -> np.ndarray:
    return np.log1p(np.clip(np.nan_to_num(values, nan=0.0), 0.0, None))


def behaviour_features(table: pa.Table) -> np.ndarray:
    """The FEATURES matrix (rows as in `table`); missing ages/tenures take the mean."""
    spend = np.nan_to_num(_column(table, "avg_monthly_spend"), nan=0.0)

    def share(name: str) -> np.ndarray:
        part = np.nan_to_num(_column(table, name), nan=0.0)
        return np.divide(part, spend, out=np.zeros_like(part), where=spend > 0)

    def mean_filled(name: str) -> np.ndarray:
        values = _column(table, name)
        known = values[~np.isnan(values)]
        return np.where(np.isnan(values), known.mean() if len(known) else 0.0, values)

    columns = {
        "age": mean_filled("age"),
        "tenure_months": mean_filled("tenure_months"),
        "log_deposit_balance": _log_money(_column(table, "deposit_balance")),
        "log_investment_balance": _log_money(_column(table, "investment_balance")),
        "log_loan_balance": _log_money(_column(table, "loan_balance")),
        "log_avg_monthly_spend": _log_money(spend),
        "log_avg_monthly_income": _log_money(_column(table, "avg_monthly_income")),
        "salary_detected": np.nan_to_num(_column(table, "salary_detected"), nan=0.0),
        "share_travel": share("spend_travel"),
        "share_dining": share("spend_dining"),
        "share_housing": share("spend_housing"),
        "share_shopping": share("spend_shopping"),
        "log_sessions_30d": np.log1p(np.nan_to_num(_column(table, "sessions_30d"), nan=0.0)),
        "app_share_30d": np.nan_to_num(_column(table, "app_share_30d"), nan=0.0),
        "log_contacts_90d": np.log1p(np.nan_to_num(_column(table, "contacts_90d"), nan=0.0)),
        "credit_utilisation": np.nan_to_num(_column(table, "credit_utilisation"), nan=0.0),
    }
    return np.column_stack([columns[f] for f in FEATURES]) if len(table) else np.zeros(
        (0, len(FEATURES)))


def holdings_matrix(table: pa.Table) -> np.ndarray:
    return np.column_stack([
        np.nan_to_num(_column(table, f"holds_{p}"), nan=0.0) > 0 for p in PRODUCT_TYPES
    ]) if len(table) else np.zeros((0, len(PRODUCT_TYPES)), dtype=bool)


def _sorted_interests(values: list[str | None]) -> list[str | None]:
    return [",".join(sorted(v for v in s.split(",") if v)) if s else None for s in values]


def model_table(seg: Segmentation, rates: HoldingRates, version: str) -> pa.Table:
    """The fitted model in long form: one row per (kind, segment, name) value."""
    rows: list[tuple[str, int | None, str | None, str, float]] = []
    for i, feature in enumerate(seg.features):
        rows.append(("scaler_mean", None, None, feature, float(seg.scaler.mean[i])))
        rows.append(("scaler_std", None, None, feature, float(seg.scaler.std[i])))
    for s, centroid in enumerate(seg.centroids, start=1):
        for i, feature in enumerate(seg.features):
            rows.append(("centroid", s, seg.names[s - 1], feature, float(centroid[i])))
        for i, product in enumerate(PRODUCT_TYPES):
            rate = rates.segment_rates.get(s)
            rows.append(("product_rate", s, seg.names[s - 1], product,
                         float(rate[i]) if rate is not None else 0.0))
    for i, product in enumerate(PRODUCT_TYPES):
        rows.append(("product_popularity", None, None, product, float(rates.popularity[i])))
    kinds, segments, names, keys, values = (list(c) for c in zip(*rows, strict=True))
    return pa.table({
        "model_version": pa.array([version] * len(rows), pa.string()),
        "kind": pa.array(kinds, pa.string()),
        "segment_id": pa.array(segments, pa.int32()),
        "segment_name": pa.array(names, pa.string()),
        "name": pa.array(keys, pa.string()),
        "value": pa.array(values, pa.float64()),
    })


def load_model(engine: Engine) -> tuple[Segmentation, HoldingRates, str]:
    """Read the stored model back (inverse of `model_table`)."""
    engine.register_table(MODEL_TABLE)
    rows = engine.query(f"select * from {MODEL_TABLE}", engine.dialect).to_pylist()
    version = str(rows[0]["model_version"])
    value = {(r["kind"], r["segment_id"], r["name"]): r["value"] for r in rows}
    names = {r["segment_id"]: r["segment_name"] for r in rows if r["kind"] == "centroid"}
    ids = sorted(names)
    scaler = Scaler(np.array([value[("scaler_mean", None, f)] for f in FEATURES]),
                    np.array([value[("scaler_std", None, f)] for f in FEATURES]))
    centroids = np.array([[value[("centroid", s, f)] for f in FEATURES] for s in ids])
    rates = HoldingRates(
        {s: np.array([value[("product_rate", s, p)] for p in PRODUCT_TYPES]) for s in ids},
        np.array([value[("product_popularity", None, p)] for p in PRODUCT_TYPES]),
    )
    return Segmentation(FEATURES, scaler, centroids, tuple(names[s] for s in ids)), rates, version


def evaluation_table(evaluations: list, version: str, logical_date: date) -> pa.Table:
    return pa.table({
        "model_version": pa.array([version] * len(evaluations), pa.string()),
        "evaluated_on": pa.array([logical_date] * len(evaluations), pa.date32()),
        "method": pa.array([e.method for e in evaluations], pa.string()),
        "k": pa.array([e.k for e in evaluations], pa.int32()),
        "customers_evaluated": pa.array([e.customers_evaluated for e in evaluations], pa.int64()),
        "hits": pa.array([e.hits for e in evaluations], pa.int64()),
        "hit_rate": pa.array([e.hit_rate for e in evaluations], pa.float64()),
    })


def build_preferences(ctx: StepContext) -> StepResult:
    """Assign segments and next-best products; re-fit the model on weekly runs."""
    engine = ctx.engine
    for name in INPUTS:
        engine.register_table(name)
    table = engine.query(FEATURES_SQL, "trino")
    ids = [str(v) for v in table.column("customer_id").to_pylist()]
    x = behaviour_features(table)
    holdings = holdings_matrix(table)
    refit = schedule_of(ctx.run_id) == "weekly" or not ctx.lake.exists(MODEL_TABLE)
    details: dict[str, object] = {"refit": refit}
    if refit:
        version = ctx.logical_date.isoformat()
        segmentation = fit_segments(x, FEATURES, SEGMENTS, SEED)
        segments = segmentation.assign(x)
        evaluations = evaluate(ids, segments, holdings)
        rates = HoldingRates.learn(segments, holdings)
        engine.write_arrow(MODEL_TABLE, model_table(segmentation, rates, version))
        engine.write_arrow(EVALUATION_TABLE, evaluation_table(evaluations, version,
                                                              ctx.logical_date))
        details["evaluation"] = {f"{e.method}@{e.k}": round(e.hit_rate, 4) for e in evaluations}
    else:
        segmentation, rates, version = load_model(engine)
        segments = segmentation.assign(x)
    suggestions = [suggest(rates, int(s), h) for s, h in zip(segments, holdings, strict=True)]
    out = pa.table({
        "customer_id": pa.array(ids, pa.string()),
        "declared_interests": pa.array(
            _sorted_interests(table.column("declared_interests").to_pylist()), pa.string()),
        "observed_product_interest": table.column("top_product_interest_30d").cast(pa.string()),
        "segment_id": pa.array(segments.astype(np.int32), pa.int32()),
        "segment_name": pa.array([segmentation.names[s - 1] for s in segments], pa.string()),
        "segment_model_version": pa.array([version] * len(ids), pa.string()),
        "next_best_product": pa.array([p for p, _ in suggestions], pa.string()),
        "next_best_product_score": pa.array([s for _, s in suggestions], pa.float64()),
    })
    rows = engine.write_arrow(TABLE, out)
    details["segments"] = len(segmentation.names)
    return StepResult(rows_in=len(table), rows_out=rows, details=details)
