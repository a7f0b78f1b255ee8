"""ANALYTICS steps: facts, `dim_customer_*` perspectives and `c360_customer_profile`."""

from __future__ import annotations

from c360.pipeline.definition import Step
from c360.pipeline.model_steps import model_step


def analytics_steps() -> list[Step]:
    return [
        model_step("fct_transactions_monthly", "emr_spark",
                   description="Spend and income per customer, month and category"),
        model_step("dim_customer_demographic", "emr_hive", description="Who the customer is"),
        model_step("dim_customer_products", "athena", description="Products held, balances"),
        model_step("dim_customer_transactions", "athena", description="Spend, trend, salary"),
        model_step("c360_customer_profile", "athena", partition_by=("snapshot_date",),
                   description="The customer 360: one row per customer, snapshot partition"),
    ]
