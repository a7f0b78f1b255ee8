-- fct_transactions_monthly: spend and income per customer, month and category.
-- Grain: one row per (customer_id, month, category, direction). EMR Spark step:
-- the heaviest aggregation in the pipeline (every booked transaction).
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
        t.amount
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
        cast(sum(abs(amount)) as decimal(18, 2)) as total_amount
    from transactions
    group by customer_id, month, category, direction
)
select * from final
