-- dim_customer_products: products held and balances. One row per customer_id.
-- Trino SQL, run by Athena (CTAS) in AWS and by DuckDB locally.
with accounts as (
    select
        x.customer_id,
        a.account_id,
        a.status,
        a.balance,
        a.credit_limit,
        p.product_type
    from stg_core_banking_accounts as a
    join stg_core_banking_products as p on p.product_code = a.product_code
    join int_customer_xref as x
        on x.source_system = 'core_banking'
        and x.source_key = cast(a.customer_number as varchar)
),
open_accounts as (
    select * from accounts where status = 'open'
),
customers as (
    select distinct customer_id from int_customer_xref
),
per_customer as (
    select
        customer_id,
        count(distinct product_type) as product_count,
        count(*) as open_account_count,
        array_join(array_sort(array_agg(distinct product_type)), ',') as products_held,
        cast(sum(case when product_type in ('checking', 'savings', 'investment')
                      then balance else 0 end) as decimal(18, 2)) as deposit_balance,
        cast(sum(case when product_type in ('mortgage', 'personal_loan')
                      then -balance else 0 end) as decimal(18, 2)) as loan_balance,
        cast(sum(case when product_type = 'credit_card' then -balance else 0 end)
             as decimal(18, 2)) as card_balance,
        cast(sum(case when product_type = 'credit_card' then credit_limit else 0 end)
             as decimal(18, 2)) as card_limit
    from open_accounts
    group by customer_id
),
final as (
    select
        c.customer_id,
        coalesce(p.product_count, 0) as product_count,
        coalesce(p.open_account_count, 0) as open_account_count,
        coalesce(p.products_held, '') as products_held,
        coalesce(p.deposit_balance, cast(0 as decimal(18, 2))) as deposit_balance,
        coalesce(p.loan_balance, cast(0 as decimal(18, 2))) as loan_balance,
        coalesce(p.card_balance, cast(0 as decimal(18, 2))) as card_balance,
        case
            when coalesce(p.card_limit, 0) > 0
                then cast(p.card_balance / p.card_limit as decimal(9, 4))
        end as credit_utilisation
    from customers as c
    left join per_customer as p on p.customer_id = c.customer_id
)
select * from final
