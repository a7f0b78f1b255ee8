-- fct_transactions_monthly: booked money per customer, calendar month, category and direction.
-- Grain: one row per (customer_id, month, category, direction). EMR Spark step
-- (`jobs/emr/aggregate_transactions.py`): the heaviest aggregation of the pipeline, it
-- reads every booked transaction once so that the dimensions read only this fact.
-- Direction comes from the booking's own `direction` column (never inferred from
-- another row); amounts are absolute DECIMAL(18,2) so the engines agree to the cent.
with accounts as (
    select a.account_id, x.customer_id
    from stg_core_banking_accounts as a
    join int_customer_xref as x
        on x.source_system = 'core_banking'
        and x.source_key = cast(a.customer_number as string)
),

transactions as (
    select
        acc.customer_id,
        cast(date_trunc('month', t.booked_at) as date) as month,
        coalesce(t.category, 'uncategorized') as category,
        t.direction,
        t.amount,
        t.booked_at
    from stg_core_banking_transactions as t
    join accounts as acc on acc.account_id = t.account_id
),

final as (
    select
        customer_id,
        month,
        category,
        direction,
        count(*) as transaction_count,
        cast(sum(abs(amount)) as decimal(18, 2)) as total_amount,
        min(booked_at) as first_booked_at,
        max(booked_at) as last_booked_at
    from transactions
    group by customer_id, month, category, direction
)

select * from final
