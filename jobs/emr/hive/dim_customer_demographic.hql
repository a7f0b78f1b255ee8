-- dim_customer_demographic: who the customer is. One row per customer_id.
-- HiveQL, run as an EMR Hive step in AWS (shipped as jobs/emr/hive/); locally the
-- selected engine runs it after sqlglot transpiles it from the hive dialect.
-- age: whole years at the logical date (the birthday counts from its day on);
-- occupation and income: the newest CRM record that states them; region: US census
-- region of the golden state.
with golden as (
    select
        customer_id,
        birth_date,
        state,
        year(cast(:logical_date as date)) - year(birth_date)
            - case
                when month(cast(:logical_date as date)) * 100 + day(cast(:logical_date as date))
                    < month(birth_date) * 100 + day(birth_date) then 1
                else 0
            end as age
    from int_customer_golden
),

crm_records as (
    select
        x.customer_id,
        c.occupation,
        c.annual_income,
        c.updated_at,
        c.crm_customer_id
    from stg_crm_customers c
    join int_customer_xref x
        on x.source_system = 'crm' and x.source_key = c.crm_customer_id
),

occupation as (
    select customer_id, occupation
    from (
        select
            customer_id,
            occupation,
            row_number() over (
                partition by customer_id order by updated_at desc, crm_customer_id desc
            ) as rn
        from crm_records
        where occupation is not null
    ) ranked
    where rn = 1
),

income as (
    select customer_id, annual_income
    from (
        select
            customer_id,
            annual_income,
            row_number() over (
                partition by customer_id order by updated_at desc, crm_customer_id desc
            ) as rn
        from crm_records
        where annual_income is not null
    ) ranked
    where rn = 1
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
            when i.annual_income is null then 'unknown'
            when i.annual_income < 30000 then 'low'
            when i.annual_income < 75000 then 'middle'
            when i.annual_income < 150000 then 'upper_middle'
            else 'high'
        end as income_band,
        case
            when g.state in ('CT', 'ME', 'MA', 'NH', 'RI', 'VT', 'NJ', 'NY', 'PA') then 'northeast'
            when g.state in ('IL', 'IN', 'MI', 'OH', 'WI', 'IA', 'KS', 'MN', 'MO', 'NE', 'ND', 'SD')
                then 'midwest'
            when g.state in ('DE', 'FL', 'GA', 'MD', 'NC', 'SC', 'VA', 'DC', 'WV', 'AL', 'KY', 'MS',
                'TN', 'AR', 'LA', 'OK', 'TX') then 'south'
            when g.state in ('AZ', 'CO', 'ID', 'MT', 'NV', 'NM', 'UT', 'WY', 'AK', 'CA', 'HI', 'OR',
                'WA') then 'west'
            else 'unknown'
        end as region,
        g.state,
        coalesce(o.occupation, 'unknown') as occupation
    from golden g
    left join occupation o on o.customer_id = g.customer_id
    left join income i on i.customer_id = g.customer_id
)

select * from final
