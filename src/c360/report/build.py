"""`c360 report`: a static HTML report of the latest run (inline SVG, no scripts from a CDN).

Reads the lake with DuckDB whatever engine built it: the latest profile snapshot,
the run manifest (`_runs/latest.json`: data quality, quarantine counts, identity
accuracy when the run was scored), the next-best-product evaluation, and the
pipeline declaration for the lineage graph (table names + step inputs). Writes
`index.html` and one page per sampled customer under `customers/`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from c360.engine.duckdb_engine import DuckDBEngine
from c360.lake import Lake, layer_of
from c360.pipeline.steps import build_steps
from c360.report.svg import bar_chart, lineage_graph

PROFILE = "c360_customer_profile"
EVALUATION = "fct_next_best_product_evaluation"
PRODUCTS = ("checking", "savings", "credit_card", "mortgage", "personal_loan", "investment",
            "insurance")
PERSPECTIVES: dict[str, tuple[str, ...]] = {
    "Identity": ("customer_id", "first_name", "last_name", "birth_date", "email", "phone",
                 "address_line", "city", "state", "postal_code", "source_systems",
                 "source_record_count"),
    "Demographic": ("age", "age_band", "life_stage", "income_band", "region", "occupation"),
    "Loyalty and history": ("relationship_start_date", "tenure_months", "tenure_band",
                            "first_interaction_at", "last_interaction_at",
                            "last_interaction_channel", "days_since_last_interaction",
                            "active_months_12m", "avg_monthly_interactions_12m", "loyalty_tier",
                            "loyalty_points", "churn_risk_score", "churn_risk_band"),
    "Products and balances": ("product_count", "products_held", "open_account_count",
                              "deposit_balance", "investment_balance", "loan_balance",
                              "card_balance", "card_limit", "credit_utilisation",
                              "card_max_days_past_due"),
    "Transactions and spend": ("avg_monthly_spend", "avg_monthly_income", "spend_trend",
                               "spend_change_ratio", "top_spend_category", "spend_groceries",
                               "spend_dining", "spend_travel", "spend_housing",
                               "spend_utilities", "spend_shopping", "spend_entertainment",
                               "spend_health", "spend_other", "salary_detected",
                               "salary_stable", "salary_last_month"),
    "Interactions and service": ("contacts_90d", "complaints_90d", "unresolved_complaints_90d",
                                 "avg_sentiment_90d", "top_reasons_90d", "last_contact_at",
                                 "last_contact_reason", "last_contact_outcome"),
    "Digital": ("sessions_30d", "active_days_30d", "app_share_30d", "primary_digital_channel",
                "avg_session_seconds_30d", "product_views_30d", "top_product_interest_30d",
                "top_search_term_30d", "top_page_30d", "applications_started_30d",
                "abandoned_application_sessions_30d", "last_session_at"),
    "Marketing and consent": ("consent_email", "consent_sms", "consent_phone", "consent_post",
                              "contactable_email", "contactable_sms", "contactable_phone",
                              "contactable_post", "is_marketable", "preferred_channel",
                              "preferred_channel_source"),
    "Preferences and look-alikes": ("declared_interests", "segment_id", "segment_name",
                                    "next_best_product", "next_best_product_score"),
}

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}
td.n{text-align:right}.grid{display:flex;flex-wrap:wrap;gap:24px}.scroll{overflow-x:auto}
.note{color:#666;font-size:12px}
"""


@dataclass(frozen=True)
class ReportResult:
    index: Path
    customer_pages: tuple[Path, ...]


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="n">{escape(_show(v))}</td>' if isinstance(v, int | float)
            and not isinstance(v, bool) else f"<td>{escape(_show(v))}</td>" for v in row
        ) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _show(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}"
        # Proves the page was parsed and scripts run (the browser test reads it back).
        "<script>document.body.dataset.rendered='ok';</script></body></html>"
    )


def _counts(engine: DuckDBEngine, column: str) -> dict[str, float]:
    rows = engine.con.execute(
        f"select coalesce(cast({column} as varchar), 'unknown') as k, count(*) as n "
        f"from latest group by 1 order by n desc, k"
    ).fetchall()
    return {str(k): float(n) for k, n in rows}


def _lineage() -> str:
    steps = build_steps()
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []
    for step in steps:
        for table in (*step.inputs, *step.outputs):
            nodes[table] = layer_of(table)
        # Every output (e.g. stg_x and quarantine_x) is drawn from the step's inputs.
        edges.extend((source, table) for table in step.outputs for source in step.inputs)
    return lineage_graph(nodes, edges)


def _manifest(lake: Lake) -> dict[str, Any]:
    path = lake.root / "_runs" / "latest.json"
    if not path.exists():
        raise FileNotFoundError(f"no finished run in {lake.root} (missing {path})")
    return json.loads(path.read_text(encoding="utf-8"))


def _quality_section(manifest: Mapping[str, Any]) -> str:
    rows = [
        (s["step"], s["rows_in"], s["rows_out"], s["rows_quarantined"],
         f"{s['rows_quarantined'] / s['rows_in']:.2%}" if s["rows_in"] else "—")
        for s in manifest["steps"] if str(s["step"]).startswith("stg_")
    ]
    quarantined = {r[0]: float(r[3]) for r in rows if r[3]}
    chart = bar_chart(quarantined, "Rows quarantined per dataset") if quarantined else (
        "<p>No row was quarantined.</p>")
    return (
        "<h2 id='quality'>Data quality and quarantine</h2>"
        f"<p>Rows in = rows staged + rows quarantined for every dataset "
        f"(quarantined in total: {manifest.get('totals', {}).get('rows_quarantined', 0):,}).</p>"
        + chart + _table(("dataset", "rows in", "staged", "quarantined", "share"), rows)
    )


def _identity_section(manifest: Mapping[str, Any]) -> str:
    for step in manifest["steps"]:
        accuracy = (step.get("details") or {}).get("accuracy")
        if isinstance(accuracy, Mapping):
            rows = [(k, v) for k, v in accuracy.items() if isinstance(v, int | float)]
            return (f"<h2 id='identity'>Identity accuracy</h2><p>Scored by step "
                    f"{escape(step['step'])} against the generator's ground truth.</p>"
                    + _table(("measure", "value"), rows))
    return ("<h2 id='identity'>Identity accuracy</h2><p class='note'>This run was not scored "
            "against a ground truth.</p>")


def _evaluation_section(engine: DuckDBEngine, lake: Lake) -> str:
    if not lake.exists(EVALUATION):
        return "<h2 id='nbp'>Next-best product</h2><p>No evaluation yet (weekly run).</p>"
    engine.register_table(EVALUATION)
    rows = engine.con.execute(
        f"select model_version, method, k, customers_evaluated, hits, hit_rate from {EVALUATION} "
        "order by k, method"
    ).fetchall()
    chart = bar_chart({f"{m} @ top-{k}": float(r) for _, m, k, _, _, r in rows},
                      "Hold-out hit rate", value_format="percent")
    return (
        "<h2 id='nbp'>Next-best product: hold-out evaluation</h2>"
        "<p>One customer in five is held out; one product each holds is hidden; a hit is the "
        "hidden product among the top-k suggestions. Baseline: most popular products.</p>"
        + chart + _table(("model", "method", "k", "customers", "hits", "hit rate"), rows)
    )


def _customer_page(profile: Mapping[str, Any], snapshot: str) -> str:
    sections = []
    for title, columns in PERSPECTIVES.items():
        rows = [(c, profile.get(c)) for c in columns if c in profile]
        sections.append(f"<h2>{escape(title)}</h2>" + _table(("attribute", "value"), rows))
    name = " ".join(str(profile.get(k) or "") for k in ("first_name", "last_name")).strip()
    return _page(
        f"Customer {profile['customer_id']}",
        "<p><a href='../index.html'>← report</a></p>"
        f"<h1>Customer {escape(str(profile['customer_id']))} {escape(name)}</h1>"
        f"<p class='note'>Snapshot {escape(snapshot)}.</p>"
        + "".join(sections),
    )


def build_report(lake: Lake, out: Path, customers: int = 20) -> ReportResult:
    """Write the report for the latest run into `out` (created; files replaced)."""
    manifest = _manifest(lake)
    out.mkdir(parents=True, exist_ok=True)
    (out / "customers").mkdir(exist_ok=True)
    engine = DuckDBEngine(lake)
    try:
        engine.register_table(PROFILE)
        engine.con.execute(
            f"create or replace temp view latest as select * from {PROFILE} where snapshot_date "
            f"= (select max(snapshot_date) from {PROFILE})"
        )
        total, snapshot = engine.con.execute(
            "select count(*), cast(max(snapshot_date) as varchar) from latest"
        ).fetchone() or (0, "")
        holding = engine.con.execute(
            "select " + ", ".join(f"avg(case when holds_{p} then 1.0 else 0 end)" for p in PRODUCTS)
            + " from latest"
        ).fetchone() or ()
        mix = engine.con.execute(
            "select cast(sum(app_share_30d * sessions_30d) as double), "
            "cast(sum(sessions_30d) as double) from latest"
        ).fetchone() or (0.0, 0.0)
        life_by_segment = engine.con.execute(
            "select coalesce(segment_name, 'unassigned'), life_stage, count(*) from latest "
            "group by all order by 1, 2"
        ).fetchall()
        sample = engine.con.sql(
            "select * from latest order by source_record_count desc, product_count desc, "
            f"customer_id limit {int(customers)}"
        ).to_arrow_table().to_pylist()
        charts = [
            bar_chart(_counts(engine, "segment_name"), "Customers by look-alike segment"),
            bar_chart(_counts(engine, "life_stage"), "Customers by life stage"),
            bar_chart({p: float(v or 0) for p, v in zip(PRODUCTS, holding, strict=True)},
                      "Share of customers holding each product", value_format="percent"),
            bar_chart(dict(sorted(_counts(engine, "product_count").items(),
                              key=lambda kv: int(kv[0]) if kv[0].isdigit() else -1)),
                      "Customers by number of products"),
            bar_chart(_counts(engine, "preferred_channel"), "Preferred communication channel"),
            bar_chart(_counts(engine, "primary_digital_channel"), "Primary digital channel"),
            bar_chart({"app": float(mix[0] or 0), "web": float((mix[1] or 0) - (mix[0] or 0))},
                      "Digital sessions in the last 30 days by channel"),
            bar_chart(_counts(engine, "churn_risk_band"), "Churn risk band"),
        ]
        evaluation = _evaluation_section(engine, lake)
    finally:
        engine.close()
    pages = []
    for profile in sample:
        page = out / "customers" / f"{profile['customer_id']}.html"
        page.write_text(_customer_page(profile, str(snapshot)), encoding="utf-8")
        pages.append(page)
    links = "".join(
        f"<li><a href='customers/{escape(str(p['customer_id']))}.html'>"
        f"{escape(str(p['customer_id']))}</a> — {escape(str(p.get('segment_name')))}</li>"
        for p in sample
    )
    body = (
        f"<h1>Customer 360 report</h1><p>Run <b>{escape(str(manifest['run_id']))}</b> on "
        f"{escape(str(manifest['engine']))}, snapshot {escape(str(snapshot))}: "
        f"{int(total or 0):,} customers.</p>"
        "<h2 id='population'>Population, products and channels</h2>"
        f"<div class='grid'>{''.join(charts)}</div>"
        "<h2 id='segments'>Segment × life stage</h2>"
        + _table(("segment", "life stage", "customers"), life_by_segment)
        + _quality_section(manifest) + _identity_section(manifest) + evaluation
        + "<h2 id='lineage'>Lineage</h2><p class='note'>Derived from the pipeline declaration: "
        "each step reads its inputs and writes the table it is named after.</p>"
        f"<div class='scroll'>{_lineage()}</div>"
        f"<h2 id='customers'>Customer profiles</h2><ul>{links}</ul>"
    )
    index = out / "index.html"
    index.write_text(_page("Customer 360 report", body), encoding="utf-8")
    return ReportResult(index, tuple(pages))
