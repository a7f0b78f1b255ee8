"""EMR Spark step `aggregate_transactions`: every booked transaction → fct_transactions_monthly.

Arguments: --logical-date, --c360-{raw,stage,analytics,sandbox}-uri (see
`c360.dimensions.jobs`); the model is fixed: sql/spark/fct_transactions_monthly.sql.
"""

import json
import sys


def main(argv: list[str]) -> None:
    from c360.dimensions.jobs import run_step_job

    result = run_step_job([*argv, "--model", "spark/fct_transactions_monthly"],
                          "aggregate_transactions")
    print(json.dumps({"rows_out": result.rows_out}))


if __name__ == "__main__":
    main(sys.argv[1:])
