"""Glue 5.0 Spark job `conform`: RAW → `stg_<dataset>` + `quarantine_<dataset>` for one dataset.

Arguments: --dataset, --logical-date, --c360-{raw,stage,analytics,sandbox}-uri
(see `c360.dimensions.jobs`). The contract drives everything; this file only wires.
"""

import json
import sys


def main(argv: list[str]) -> None:
    from c360.dimensions.jobs import run_step_job

    result = run_step_job(argv, "conform")
    print(json.dumps({"rows_in": result.rows_in, "rows_staged": result.rows_out,
                      "rows_quarantined": result.rows_quarantined}))


if __name__ == "__main__":
    main(sys.argv[1:])
