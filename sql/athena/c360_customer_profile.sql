-- c360_customer_profile: the customer 360, one denormalized row per customer_id,
-- partitioned by snapshot_date. Trino SQL, run by Athena (INSERT into the
-- snapshot partition) in AWS and by DuckDB locally.
with golden as (
    select * from int_customer_golden
),
sources as (
    select
        customer_id,
        count(*) as source_record_count,
        array_join(array_sort(array_agg(distinct source_system)), ',') as source_systems
    from int_customer_xref
    group by customer_id
),
final as (
    select
        g.customer_id,
        g.first_name,
        g.last_name,
        g.birth_date,
        g.email,
        g.phone,
        g.address_line,
        g.city,
        g.state,
        g.postal_code,
        d.age,
        d.age_band,
        d.life_stage,
        d.income_band,
        d.region,
        d.occupation,
        p.product_count,
        p.products_held,
        p.deposit_balance,
        p.loan_balance,
        p.card_balance,
        p.credit_utilisation,
        t.avg_monthly_spend,
        t.avg_monthly_income,
        t.spend_trend,
        t.salary_detected,
        t.top_spend_category,
        s.source_record_count,
        s.source_systems,
        cast(:logical_date as date) as snapshot_date
    from golden as g
    left join dim_customer_demographic as d on d.customer_id = g.customer_id
    left join dim_customer_products as p on p.customer_id = g.customer_id
    left join dim_customer_transactions as t on t.customer_id = g.customer_id
    left join sources as s on s.customer_id = g.customer_id
)
select * from final
