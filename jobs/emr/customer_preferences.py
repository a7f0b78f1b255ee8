"""EMR Spark step `customer_preferences`: look-alike segments and next-best product.

The feature table (one small row per customer) is collected to the driver and
clustered with numpy; weekly runs (--run-id weekly-<date>) re-fit the segments.
Arguments: --logical-date, --run-id, --c360-{raw,stage,analytics,sandbox}-uri.
"""

import json
import sys


def main(argv: list[str]) -> None:
    from c360.dimensions.jobs import run_step_job

    result = run_step_job([*argv, "--model", "python/dim_customer_preferences"],
                          "customer_preferences")
    print(json.dumps({"rows_out": result.rows_out, **result.details}, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
