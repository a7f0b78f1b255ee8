"""Score identity clusters against the generator's ground truth.

Ground truth (`<sources>/_ground_truth/records.csv`: source_system, source_key,
person_id) never enters the lake; it is read only here. Scores are over the
records present in both the prediction and the truth:
- pairwise precision: of all record pairs put in one customer, the share that
  are truly one person; recall: of all true same-person pairs, the share put in
  one customer; F1 their harmonic mean;
- persons_exact: share of true persons whose records form exactly one customer
  holding nothing else; persons_complete: share whose records are all in one
  customer (other persons' records may have joined it).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

TRUTH_FILE = Path("_ground_truth") / "records.csv"


def read_truth(path: Path) -> pa.Table:
    """The ground-truth table; `path` is the file or the generator's output folder."""
    file = path / TRUTH_FILE if path.is_dir() else path
    if not file.is_file():
        raise FileNotFoundError(f"ground truth {file} does not exist (generate sources first)")
    columns = ["source_system", "source_key", "person_id"]
    table = pacsv.read_csv(file, convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in columns}, include_columns=columns))
    return table


def score(predicted: pa.Table, truth: pa.Table) -> dict[str, float | int]:
    """Pairwise precision/recall/F1 and person-level shares.

    `predicted`: source_system, source_key, customer_id; `truth`: source_system,
    source_key, person_id.
    """
    con = duckdb.connect(config={"threads": 2})
    try:
        con.register("p", predicted.select(["source_system", "source_key", "customer_id"]))
        con.register("t", truth.select(["source_system", "source_key", "person_id"]))
        row = con.execute("""
            with j as (
                select p.customer_id, t.person_id
                from p join t on p.source_system = t.source_system
                    and cast(p.source_key as varchar) = t.source_key
            ),
            pairs_pred as (select sum(n * (n - 1) / 2) as v from
                (select count(*) as n from j group by customer_id)),
            pairs_true as (select sum(n * (n - 1) / 2) as v from
                (select count(*) as n from j group by person_id)),
            pairs_both as (select sum(n * (n - 1) / 2) as v from
                (select count(*) as n from j group by customer_id, person_id)),
            per_person as (
                select person_id, count(distinct customer_id) as customers,
                    min(customer_id) as customer_id
                from j group by person_id
            ),
            persons_in_customer as (
                select customer_id, count(distinct person_id) as persons from j group by customer_id
            ),
            person_shares as (
                select
                    count(*) as persons,
                    count(*) filter (where pp.customers = 1) as complete,
                    count(*) filter (where pp.customers = 1 and pc.persons = 1) as exact
                from per_person as pp
                join persons_in_customer as pc on pc.customer_id = pp.customer_id
            )
            select
                (select count(*) from j) as records,
                (select count(*) from t) as truth_records,
                (select count(*) from p) as predicted_records,
                (select v from pairs_pred) as predicted_pairs,
                (select v from pairs_true) as true_pairs,
                (select v from pairs_both) as correct_pairs,
                persons, complete, exact
            from person_shares
        """).fetchone()
    finally:
        con.close()
    assert row is not None
    (records, truth_records, predicted_records, pred_pairs, true_pairs, both, persons,
     complete, exact) = (int(v or 0) for v in row)
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records_evaluated": records,
        "truth_records": truth_records,
        "predicted_records": predicted_records,
        "predicted_pairs": pred_pairs,
        "true_pairs": true_pairs,
        "correct_pairs": both,
        "precision": round(precision, 6),
        "recall": round(recall, 6),
        "f1": round(f1, 6),
        "persons": persons,
        "persons_exact": round(exact / persons, 6) if persons else 0.0,
        "persons_complete": round(complete / persons, 6) if persons else 0.0,
    }
