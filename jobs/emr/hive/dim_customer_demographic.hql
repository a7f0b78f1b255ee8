-- dim_customer_demographic: who the customer is. One row per customer_id.
-- HiveQL, run as an EMR Hive step in AWS (shipped as jobs/emr/hive/).
-- age_band / life_stage from birth date at the logical date; region from state.
with golden as (
    select
        customer_id,
        birth_date,
        state,
        postal_code,
        floor(datediff(cast(:logical_date as date), birth_date) / 365.25) as age
    from int_customer_golden
),
crm as (
    select x.customer_id, max(c.occupation) as occupation, max(c.annual_income) as annual_income
    from stg_crm_customers c
    join int_customer_xref x
        on x.source_system = 'crm' and x.source_key = c.crm_customer_id
    group by x.customer_id
),
final as (
    select
        g.customer_id,
        cast(g.age as int) as age,
        case
            when g.age is null then 'unknown'
            when g.age < 25 then '18-24'
            when g.age < 35 then '25-34'
            when g.age < 45 then '35-44'
            when g.age < 55 then '45-54'
            when g.age < 65 then '55-64'
            else '65+'
        end as age_band,
        case
            when g.age is null then 'unknown'
            when g.age < 30 then 'young_adult'
            when g.age < 45 then 'family_building'
            when g.age < 60 then 'established'
            when g.age < 70 then 'pre_retirement'
            else 'retired'
        end as life_stage,
        case
            when c.annual_income is null then 'unknown'
            when c.annual_income < 30000 then 'low'
            when c.annual_income < 75000 then 'middle'
            when c.annual_income < 150000 then 'upper_middle'
            else 'high'
        end as income_band,
        case
            when g.state in ('CT', 'ME', 'MA', 'NH', 'RI', 'VT', 'NJ', 'NY', 'PA') then 'northeast'
            when g.state in ('IL', 'IN', 'MI', 'OH', 'WI', 'IA', 'KS', 'MN', 'MO', 'NE', 'ND', 'SD')
                then 'midwest'
            when g.state in ('DE', 'FL', 'GA', 'MD', 'NC', 'SC', 'VA', 'DC', 'WV', 'AL', 'KY', 'MS',
                'TN', 'AR', 'LA', 'OK', 'TX') then 'south'
            when g.state is null then 'unknown'
            else 'west'
        end as region,
        g.state,
        coalesce(c.occupation, 'unknown') as occupation
    from golden g
    left join crm c on c.customer_id = g.customer_id
)
select * from final
