"""EMR Spark step `run_model`: one Spark SQL model of the pipeline (e.g. fct_digital_sessions).

Arguments: --model <kind>/<table>, --logical-date, --run-id (hourly runs merge the
touched customers), --c360-{raw,stage,analytics,sandbox}-uri (see `c360.dimensions.jobs`).
"""

import json
import sys


def main(argv: list[str]) -> None:
    from c360.dimensions.jobs import run_step_job

    result = run_step_job(argv, "run_model")
    print(json.dumps({"rows_out": result.rows_out, **result.details}, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
