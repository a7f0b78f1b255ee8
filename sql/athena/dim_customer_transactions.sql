-- dim_customer_transactions: spending and income. One row per customer_id.
-- Monthly spend = debits in the last 3 complete months before the logical date,
-- averaged; trend = last 3 months vs the 3 before; salary detected when a
-- 'salary' credit appears in at least 3 of the last 4 months.
with facts as (
    select * from fct_transactions_monthly
),
bounds as (
    select date_trunc('month', cast(:logical_date as date)) as this_month
),
windowed as (
    select
        f.*,
        date_diff('month', f.month, b.this_month) as months_ago
    from facts as f
    cross join bounds as b
),
per_customer as (
    select
        customer_id,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 3
                      then total_amount else 0 end) / 3 as decimal(18, 2)) as avg_monthly_spend,
        cast(sum(case when direction = 'debit' and months_ago between 4 and 6
                      then total_amount else 0 end) / 3 as decimal(18, 2)) as prior_avg_monthly_spend,
        cast(sum(case when direction = 'credit' and months_ago between 1 and 3
                      then total_amount else 0 end) / 3 as decimal(18, 2)) as avg_monthly_income,
        count(distinct case when direction = 'credit' and category = 'salary'
                            and months_ago between 1 and 4 then month end) as salary_months,
        cast(sum(case when direction = 'debit' then transaction_count else 0 end) as bigint)
            as debit_count_12m,
        cast(sum(case when direction = 'credit' then transaction_count else 0 end) as bigint)
            as credit_count_12m
    from windowed
    group by customer_id
),
top_category as (
    select customer_id, category as top_spend_category
    from (
        select
            customer_id,
            category,
            row_number() over (
                partition by customer_id order by sum(total_amount) desc, category
            ) as rn
        from windowed
        where direction = 'debit' and months_ago between 1 and 3
        group by customer_id, category
    ) as ranked
    where rn = 1
),
customers as (
    select distinct customer_id from int_customer_xref
),
final as (
    select
        c.customer_id,
        coalesce(p.avg_monthly_spend, cast(0 as decimal(18, 2))) as avg_monthly_spend,
        coalesce(p.avg_monthly_income, cast(0 as decimal(18, 2))) as avg_monthly_income,
        case
            when coalesce(p.prior_avg_monthly_spend, 0) = 0 then 'new'
            when p.avg_monthly_spend > p.prior_avg_monthly_spend * 1.1 then 'rising'
            when p.avg_monthly_spend < p.prior_avg_monthly_spend * 0.9 then 'falling'
            else 'stable'
        end as spend_trend,
        coalesce(p.salary_months, 0) >= 3 as salary_detected,
        t.top_spend_category,
        coalesce(p.debit_count_12m, 0) as debit_count_12m,
        coalesce(p.credit_count_12m, 0) as credit_count_12m
    from customers as c
    left join per_customer as p on p.customer_id = c.customer_id
    left join top_category as t on t.customer_id = c.customer_id
)
select * from final
