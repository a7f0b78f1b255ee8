-- dim_customer_transactions: spending, income and salary. One row per customer_id.
-- Trino SQL, run by Athena (CTAS) in AWS and by DuckDB locally, from
-- fct_transactions_monthly. "Last 3 months" = the 3 complete calendar months before the
-- logical date's month; averages divide by 3 whether or not a month had bookings.
-- * spend_trend: last 3 months of debits vs the 3 before: rising (> +10%), falling
--   (< -10%), stable, or new when the earlier 3 months had no debits.
-- * salary_detected: a 'salary' credit in at least 3 of the last 4 complete months;
--   salary_stable when those monthly salary totals vary by at most 10% (max <= 1.1 * min).
with facts as (
    select * from fct_transactions_monthly
),

bounds as (
    select year(cast(:logical_date as date)) * 12 + month(cast(:logical_date as date))
        as as_of_month_index
),

windowed as (
    select
        f.*,
        b.as_of_month_index - (year(f.month) * 12 + month(f.month)) as months_ago,
        case
            when f.category in ('rent', 'mortgage_payment') then 'housing'
            when f.category in ('groceries', 'dining', 'travel', 'utilities', 'shopping',
                                'entertainment', 'health') then f.category
            else 'other'
        end as spend_group
    from facts as f
    cross join bounds as b
),

per_customer as (
    select
        customer_id,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 3
                      then total_amount else 0 end) / 3 as decimal(18, 2)) as avg_monthly_spend,
        cast(sum(case when direction = 'debit' and months_ago between 4 and 6
                      then total_amount else 0 end) / 3 as decimal(18, 2))
            as prior_avg_monthly_spend,
        cast(sum(case when direction = 'credit' and months_ago between 1 and 3
                      then total_amount else 0 end) / 3 as decimal(18, 2)) as avg_monthly_income,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 3
                      and spend_group = 'groceries' then total_amount else 0 end) / 3
             as decimal(18, 2)) as spend_groceries,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 3
                      and spend_group = 'dining' then total_amount else 0 end) / 3
             as decimal(18, 2)) as spend_dining,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 3
                      and spend_group = 'travel' then total_amount else 0 end) / 3
             as decimal(18, 2)) as spend_travel,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 3
                      and spend_group = 'housing' then total_amount else 0 end) / 3
             as decimal(18, 2)) as spend_housing,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 3
                      and spend_group = 'utilities' then total_amount else 0 end) / 3
             as decimal(18, 2)) as spend_utilities,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 3
                      and spend_group = 'shopping' then total_amount else 0 end) / 3
             as decimal(18, 2)) as spend_shopping,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 3
                      and spend_group = 'entertainment' then total_amount else 0 end) / 3
             as decimal(18, 2)) as spend_entertainment,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 3
                      and spend_group = 'health' then total_amount else 0 end) / 3
             as decimal(18, 2)) as spend_health,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 3
                      and spend_group = 'other' then total_amount else 0 end) / 3
             as decimal(18, 2)) as spend_other,
        cast(sum(case when direction = 'debit' and months_ago between 1 and 12
                      then transaction_count else 0 end) as bigint) as debit_count_12m,
        cast(sum(case when direction = 'credit' and months_ago between 1 and 12
                      then transaction_count else 0 end) as bigint) as credit_count_12m,
        max(case when direction = 'debit' then last_booked_at end) as last_debit_at
    from windowed
    group by customer_id
),

salary_months as (
    select customer_id, month, months_ago, total_amount as salary_amount
    from windowed
    where direction = 'credit' and category = 'salary' and months_ago between 1 and 4
),

salary as (
    select
        customer_id,
        count(distinct month) as salary_months_4m,
        min(salary_amount) as min_salary,
        max(salary_amount) as max_salary,
        max(case when months_ago = 1 then salary_amount end) as salary_last_month
    from salary_months
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
        coalesce(p.prior_avg_monthly_spend, cast(0 as decimal(18, 2)))
            as prior_avg_monthly_spend,
        coalesce(p.avg_monthly_income, cast(0 as decimal(18, 2))) as avg_monthly_income,
        case
            when coalesce(p.prior_avg_monthly_spend, 0) = 0 then 'new'
            when p.avg_monthly_spend > p.prior_avg_monthly_spend * 1.1 then 'rising'
            when p.avg_monthly_spend < p.prior_avg_monthly_spend * 0.9 then 'falling'
            else 'stable'
        end as spend_trend,
        case
            when coalesce(p.prior_avg_monthly_spend, 0) > 0
                then cast(p.avg_monthly_spend - p.prior_avg_monthly_spend as double)
                    / cast(p.prior_avg_monthly_spend as double)
        end as spend_change_ratio,
        coalesce(p.spend_groceries, cast(0 as decimal(18, 2))) as spend_groceries,
        coalesce(p.spend_dining, cast(0 as decimal(18, 2))) as spend_dining,
        coalesce(p.spend_travel, cast(0 as decimal(18, 2))) as spend_travel,
        coalesce(p.spend_housing, cast(0 as decimal(18, 2))) as spend_housing,
        coalesce(p.spend_utilities, cast(0 as decimal(18, 2))) as spend_utilities,
        coalesce(p.spend_shopping, cast(0 as decimal(18, 2))) as spend_shopping,
        coalesce(p.spend_entertainment, cast(0 as decimal(18, 2))) as spend_entertainment,
        coalesce(p.spend_health, cast(0 as decimal(18, 2))) as spend_health,
        coalesce(p.spend_other, cast(0 as decimal(18, 2))) as spend_other,
        t.top_spend_category,
        coalesce(s.salary_months_4m, 0) as salary_months_4m,
        coalesce(s.salary_months_4m, 0) >= 3 as salary_detected,
        coalesce(s.salary_months_4m, 0) >= 3 and s.max_salary <= s.min_salary * 1.1
            as salary_stable,
        s.salary_last_month,
        coalesce(p.debit_count_12m, 0) as debit_count_12m,
        coalesce(p.credit_count_12m, 0) as credit_count_12m,
        p.last_debit_at
    from customers as c
    left join per_customer as p on p.customer_id = c.customer_id
    left join top_category as t on t.customer_id = c.customer_id
    left join salary as s on s.customer_id = c.customer_id
)

select * from final
