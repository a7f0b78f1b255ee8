"""The serving step: the latest profile snapshot goes to DynamoDB after the pipeline.

It runs only in AWS (the Glue Python shell job `load_profiles`, last step of the
daily and weekly state machines). Locally there is no DynamoDB in the run:
`c360 demo` loads the profiles into the embedded emulator instead.
"""

from __future__ import annotations

from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import DAILY_UP, Step

SERVING_STEP = "ddb_customer_profile"
"""The DynamoDB copy of `c360_customer_profile` (profile + email/phone lookup items)."""


def _aws_only(ctx: StepContext) -> StepResult:
    raise RuntimeError(f"{SERVING_STEP} runs in AWS (Glue job load_profiles); locally use "
                       "`c360 demo`, which loads profiles into the embedded emulator")


def serving_steps() -> list[Step]:
    return [
        Step(
            name=SERVING_STEP, kind="glue_python", input_tables=("c360_customer_profile",),
            outputs=(SERVING_STEP,), schedules=DAILY_UP, run=_aws_only,
            resource="load_profiles",
            description="Load the latest profile snapshot into the DynamoDB profiles table",
        )
    ]
