"""Glue Python job: erase one person from every layer and DynamoDB (right to erasure).

Arguments: --c360-{raw,stage,analytics,sandbox}-bucket, --c360-profiles-table,
--c360-environment, --requested-by, one of --email / --national-id / --customer-id,
optional --c360-locks-table, --c360-sandbox-key-secret-id, --wait-seconds.
Package code: `c360.privacy.aws.erase_job` (the same `c360.privacy.erase` as `c360 erase`).
The report it prints holds counts, never the person's data.
"""

import json
import sys


def main() -> None:
    from c360.logs import configure_logging
    from c360.privacy.aws import erase_job

    configure_logging("INFO")
    print(json.dumps(erase_job(sys.argv[1:])["by_layer"], sort_keys=True))


if __name__ == "__main__":
    main()
