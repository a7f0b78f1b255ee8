"""EMR Spark step `identity_link`: identity resolution on the lake (Splink's Spark backend).

Thin adapter: arguments in, `c360.identity.job.run` does the work (see its
docstring for the arguments), one JSON line of figures out. It runs the same
package code as the local pipeline step; EMR itself cannot run on this
machine, so the local test drives `c360.identity.job.run` on local Spark.
"""

import json
import sys


def main() -> None:
    from c360.identity.job import run

    print(json.dumps(run(sys.argv[1:]), default=str))


if __name__ == "__main__":
    main()
