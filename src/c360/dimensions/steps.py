"""ANALYTICS steps: facts, `dim_customer_*` perspectives, the profile, its history, sandbox.

Each step runs where it fits in AWS (ARCHITECTURE §2), and every SQL model runs on
both local engines:

| step                          | kind        | AWS resource                 | schedules     |
|-------------------------------|-------------|------------------------------|---------------|
| int_customer_changes          | emr_spark   | run_model (Spark SQL)        | hourly        |
| fct_transactions_monthly      | emr_spark   | aggregate_transactions       | daily, weekly |
| fct_digital_sessions          | emr_spark   | run_model (Spark SQL)        | all (sessions)|
| fct_contacts                  | athena      | CTAS (Trino)                 | daily, weekly |
| dim_customer_demographic      | emr_hive    | Hive step (HiveQL)           | daily, weekly |
| dim_customer_loyalty, _products, _transactions, _service | athena | CTAS | daily, weekly |
| dim_customer_digital, _marketing | athena   | CTAS (Trino)                 | all (merge)   |
| dim_customer_preferences      | emr_spark   | customer_preferences (numpy) | daily, weekly |
| c360_customer_profile         | athena      | INSERT snapshot partition    | all (merge)   |
| c360_customer_profile_history | athena      | SCD2 rewrite (Trino)         | all           |
| sbx_*                         | glue_python | sandbox_export (HMAC)        | daily, weekly |

"all (merge)": on hourly runs the step recomputes only the customers in
`int_customer_changes` and merges them into its previous output. The preferences
step re-fits segments weekly and assigns with the stored model daily. "all (sessions)":
on hourly runs the step recomputes only the sessions this run's events belong to.
"""

from __future__ import annotations

from dataclasses import replace

from c360.dimensions.history import PROFILE, build_history
from c360.dimensions.history import TABLE as HISTORY_TABLE
from c360.dimensions.incremental import (
    CHANGES_TABLE,
    hourly_merge_model_step_run,
    hourly_session_merge_run,
)
from c360.dimensions.preferences import (
    EVALUATION_TABLE,
    MODEL_TABLE,
    build_preferences,
)
from c360.dimensions.preferences import (
    INPUTS as PREFERENCES_INPUTS,
)
from c360.dimensions.preferences import (
    TABLE as PREFERENCES_TABLE,
)
from c360.models import load_model
from c360.pipeline.definition import ALL, DAILY_UP, Schedule, Step, StepKind
from c360.pipeline.model_steps import MODEL_KIND, model_step
from c360.sandbox.steps import sandbox_steps

HOURLY: frozenset[Schedule] = frozenset({"hourly"})


def hourly_merge_step(table: str, step_kind: StepKind, partition_by: tuple[str, ...] = (),
                      description: str = "") -> Step:
    """A one-model step that runs on every schedule; hourly it merges touched customers."""
    kind = MODEL_KIND[step_kind]
    step = model_step(table, step_kind, ALL, partition_by, description)
    return replace(
        step,
        input_tables=lambda: tuple(sorted({*load_model(kind, table).inputs, CHANGES_TABLE})),
        run=hourly_merge_model_step_run(kind, table, partition_by),
    )


def analytics_steps() -> list[Step]:
    return [
        model_step(CHANGES_TABLE, "emr_spark", HOURLY,
                   description="Customers this run brought new CRM or clickstream data for"),
        replace(
            model_step("fct_transactions_monthly", "emr_spark",
                       description="Money booked per customer, month, category, direction"),
            resource="aggregate_transactions",
        ),
        replace(model_step("fct_digital_sessions", "emr_spark", ALL,
                           description="Web/app sessions of known customers, bots excluded"),
                run=hourly_session_merge_run),
        model_step("fct_contacts", "athena", description="Call-center contacts, no caller PII"),
        model_step("dim_customer_demographic", "emr_hive", description="Who the customer is"),
        model_step("dim_customer_loyalty", "athena",
                   description="Tenure, activity, churn-risk inputs and band"),
        model_step("dim_customer_products", "athena",
                   description="Products held, balances, credit use"),
        model_step("dim_customer_transactions", "athena",
                   description="Spend by category, trend, income, salary"),
        model_step("dim_customer_service", "athena",
                   description="Contacts, reasons, sentiment, complaints"),
        hourly_merge_step("dim_customer_digital", "athena",
                          description="Sessions, channels, pages and searches of interest"),
        hourly_merge_step("dim_customer_marketing", "athena",
                          description="Consents, contactability, preferred channel"),
        Step(
            name=PREFERENCES_TABLE, kind="emr_spark", input_tables=PREFERENCES_INPUTS,
            outputs=(PREFERENCES_TABLE, MODEL_TABLE, EVALUATION_TABLE), schedules=DAILY_UP,
            run=build_preferences, resource="customer_preferences",
            description="Interests, look-alike segment, next-best product (weekly re-fit)",
        ),
        hourly_merge_step("c360_customer_profile", "athena", partition_by=("snapshot_date",),
                          description="The customer 360: one row per customer, daily snapshot"),
        Step(
            name=HISTORY_TABLE, kind="athena", input_tables=(PROFILE,), outputs=(HISTORY_TABLE,),
            schedules=ALL, run=build_history, resource=HISTORY_TABLE,
            arguments=(("--model", f"athena/{HISTORY_TABLE}"),),
            description="Profile changes as SCD type 2",
        ),
        *sandbox_steps(),
    ]
