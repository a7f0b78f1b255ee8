"""Scoring against the generator's ground truth: pairwise precision/recall, persons."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from c360.cli import app
from c360.identity.evaluate import score

TRUTH = pa.table({
    "source_system": ["crm", "core_banking", "call_center", "crm", "core_banking"],
    "source_key": ["CRM-1", "1001", "CT1", "CRM-2", "1002"],
    "person_id": ["P1", "P1", "P1", "P2", "P2"],
})


def test_score_counts_pairs_within_customers_against_pairs_within_persons():
    # P1's call is wrongly put with P2; P2's two records are together.
    predicted = pa.table({
        "source_system": ["crm", "core_banking", "call_center", "crm", "core_banking"],
        "source_key": ["CRM-1", "1001", "CT1", "CRM-2", "1002"],
        "customer_id": ["C1", "C1", "C2", "C2", "C2"],
    })
    scores = score(predicted, TRUTH)
    # predicted pairs: C1 1 + C2 3 = 4, correct: (CRM-1,1001) + (CRM-2,1002) = 2
    # true pairs: P1 3 + P2 1 = 4
    assert (scores["predicted_pairs"], scores["true_pairs"], scores["correct_pairs"]) == (4, 4, 2)
    assert (scores["precision"], scores["recall"], scores["f1"]) == (0.5, 0.5, 0.5)
    # P2 is all in C2 (complete) but C2 also holds P1's call (not exact).
    assert (scores["persons_exact"], scores["persons_complete"]) == (0.0, 0.5)


def test_evaluate_command_scores_an_identity_link_output(tmp_path: Path):
    sources = tmp_path / "sources"
    (sources / "_ground_truth").mkdir(parents=True)
    (sources / "_ground_truth" / "records.csv").write_text(
        "source_system,source_key,person_id\n"
        + "".join(f"{s},{k},{p}\n" for s, k, p in zip(*TRUTH.to_pydict().values(), strict=True)))
    predicted = tmp_path / "ids.parquet"
    pq.write_table(pa.table({
        "record_id": ["crm:CRM-1", "core_banking:1001", "call_center:CT1", "crm:CRM-2",
                      "core_banking:1002"],
        "customer_id": ["C1", "C1", "C1", "C2", "C2"],
    }), predicted)
    result = CliRunner().invoke(app, ["identity", "evaluate", "--sources", str(sources),
                                      "--predicted", str(predicted), "--json"])
    assert result.exit_code == 0, result.output
    assert '"precision": 1.0' in result.output and '"persons_exact": 1.0' in result.output
