-- dim_customer_loyalty: relationship history, activity and churn risk.
-- Grain: one row per customer_id. Trino SQL, run by Athena (CTAS) in AWS and by DuckDB
-- locally. Definitions (docs/dimensions.md has the full list):
-- * relationship_start_date: the earliest date any source knows the customer from
--   (core-banking customer_since, account opening, loyalty enrolment, CRM creation).
-- * tenure_months: whole months from relationship_start_date to the logical date.
-- * interactions: booked transactions, call-center contacts and digital sessions.
-- * churn_risk_score (0..6): +2 no interaction in the last 60 days, +1 debit spend of the
--   last 3 complete months <= 70% of the 3 months before, +1 an account closed in the last
--   365 days, +1 a complaint in the last 90 days, +1 exactly one product type held.
--   churn_risk_band: high >= 3, medium 1..2, low 0; not_applicable without any account.
with bounds as (
    select
        cast(:logical_date as date) as as_of,
        year(cast(:logical_date as date)) * 12 + month(cast(:logical_date as date))
            as as_of_month_index,
        cast(date_add('day', -59, cast(:logical_date as date)) as date) as start_60d,
        cast(date_add('day', -89, cast(:logical_date as date)) as date) as start_90d,
        cast(date_add('day', -364, cast(:logical_date as date)) as date) as start_365d
),

customers as (
    select distinct customer_id from int_customer_xref
),

core_customers as (
    select x.customer_id, c.customer_number, c.customer_since
    from stg_core_banking_customers as c
    join int_customer_xref as x
        on x.source_system = 'core_banking'
        and x.source_key = cast(c.customer_number as varchar)
),

accounts as (
    select x.customer_id, a.account_id, a.product_code, a.status, a.opened_at, a.closed_at
    from stg_core_banking_accounts as a
    join int_customer_xref as x
        on x.source_system = 'core_banking'
        and x.source_key = cast(a.customer_number as varchar)
),

loyalty as (
    select x.customer_id, l.tier, l.points_balance, l.enrolled_on
    from stg_mainframe_loyalty as l
    join int_customer_xref as x
        on x.source_system = 'mainframe_loyalty' and x.source_key = l.member_number
),

crm as (
    select x.customer_id, c.created_at
    from stg_crm_customers as c
    join int_customer_xref as x
        on x.source_system = 'crm' and x.source_key = c.crm_customer_id
),

relationship_dates as (
    select customer_id, customer_since as known_since from core_customers
    union all
    select customer_id, opened_at from accounts
    union all
    select customer_id, enrolled_on from loyalty
    union all
    select customer_id, cast(created_at as date) from crm
),

relationship as (
    select customer_id, min(known_since) as relationship_start_date
    from relationship_dates
    where known_since is not null
    group by customer_id
),

monthly_interactions as (
    select customer_id, month, sum(transaction_count) as interactions
    from fct_transactions_monthly
    group by customer_id, month
    union all
    select customer_id, cast(date_trunc('month', contact_date) as date), count(*)
    from fct_contacts
    group by customer_id, cast(date_trunc('month', contact_date) as date)
    union all
    select customer_id, cast(date_trunc('month', session_date) as date), count(*)
    from fct_digital_sessions
    group by customer_id, cast(date_trunc('month', session_date) as date)
),

activity as (
    select
        m.customer_id,
        count(distinct case
            when b.as_of_month_index - (year(m.month) * 12 + month(m.month)) between 1 and 12
                then m.month
        end) as active_months_12m,
        cast(sum(case
            when b.as_of_month_index - (year(m.month) * 12 + month(m.month)) between 1 and 12
                then m.interactions
            else 0
        end) as bigint) as interactions_12m
    from monthly_interactions as m
    cross join bounds as b
    group by m.customer_id
),

-- One row per customer and channel: the window below then ranks a handful of rows per
-- customer, not every month and contact.
interaction_times as (
    select customer_id, channel, min(first_at) as first_at, max(last_at) as last_at
    from (
        select customer_id, 'transaction' as channel, first_booked_at as first_at,
            last_booked_at as last_at
        from fct_transactions_monthly
        union all
        select customer_id, 'call_center', started_at, started_at from fct_contacts
        union all
        select customer_id, 'digital', session_start, session_end from fct_digital_sessions
    ) as interactions
    group by customer_id, channel
),

first_last as (
    select customer_id, min(first_at) as first_interaction_at, max(last_at) as last_interaction_at
    from interaction_times
    group by customer_id
),

last_channel as (
    select customer_id, channel as last_interaction_channel
    from (
        select
            customer_id,
            channel,
            row_number() over (partition by customer_id order by last_at desc, channel) as rn
        from interaction_times
    ) as ranked
    where rn = 1
),

spend as (
    select
        f.customer_id,
        cast(sum(case
            when b.as_of_month_index - (year(f.month) * 12 + month(f.month)) between 1 and 3
                then f.total_amount
            else 0
        end) as decimal(18, 2)) as debit_spend_last_3m,
        cast(sum(case
            when b.as_of_month_index - (year(f.month) * 12 + month(f.month)) between 4 and 6
                then f.total_amount
            else 0
        end) as decimal(18, 2)) as debit_spend_prior_3m
    from fct_transactions_monthly as f
    cross join bounds as b
    where f.direction = 'debit'
    group by f.customer_id
),

holdings as (
    select
        a.customer_id,
        count(distinct case when a.status = 'open' then p.product_type end) as open_product_types,
        cast(count_if(a.closed_at between b.start_365d and b.as_of) as bigint)
            as accounts_closed_12m,
        count(*) as accounts_ever
    from accounts as a
    join stg_core_banking_products as p on p.product_code = a.product_code
    cross join bounds as b
    group by a.customer_id
),

complaints as (
    select c.customer_id, count(*) as complaints_90d
    from fct_contacts as c
    cross join bounds as b
    where c.is_complaint and c.contact_date between b.start_90d and b.as_of
    group by c.customer_id
),

loyalty_summary as (
    select
        customer_id,
        case max(case tier
                when 'PLATINUM' then 4 when 'GOLD' then 3 when 'SILVER' then 2
                when 'BRONZE' then 1 else 0 end)
            when 4 then 'PLATINUM' when 3 then 'GOLD' when 2 then 'SILVER'
            when 1 then 'BRONZE' else 'UNKNOWN'
        end as loyalty_tier,
        cast(sum(coalesce(points_balance, 0)) as bigint) as loyalty_points,
        min(enrolled_on) as loyalty_enrolled_on
    from loyalty
    group by customer_id
),

inputs as (
    select
        c.customer_id,
        r.relationship_start_date,
        case
            when r.relationship_start_date is not null then cast(
                (year(b.as_of) * 12 + month(b.as_of))
                - (year(r.relationship_start_date) * 12 + month(r.relationship_start_date))
                - case when day(b.as_of) < day(r.relationship_start_date) then 1 else 0 end
                as integer)
        end as tenure_months,
        fl.first_interaction_at,
        fl.last_interaction_at,
        lc.last_interaction_channel,
        date_diff('day', cast(fl.last_interaction_at as date), b.as_of)
            as days_since_last_interaction,
        coalesce(a.active_months_12m, 0) as active_months_12m,
        coalesce(a.interactions_12m, 0) as interactions_12m,
        coalesce(s.debit_spend_last_3m, cast(0 as decimal(18, 2))) as debit_spend_last_3m,
        coalesce(s.debit_spend_prior_3m, cast(0 as decimal(18, 2))) as debit_spend_prior_3m,
        coalesce(h.open_product_types, 0) as open_product_types,
        coalesce(h.accounts_closed_12m, 0) as accounts_closed_12m,
        coalesce(h.accounts_ever, 0) as accounts_ever,
        coalesce(q.complaints_90d, 0) as complaints_90d,
        ls.loyalty_tier,
        ls.loyalty_points,
        ls.loyalty_enrolled_on,
        b.start_60d
    from customers as c
    cross join bounds as b
    left join relationship as r on r.customer_id = c.customer_id
    left join first_last as fl on fl.customer_id = c.customer_id
    left join last_channel as lc on lc.customer_id = c.customer_id
    left join activity as a on a.customer_id = c.customer_id
    left join spend as s on s.customer_id = c.customer_id
    left join holdings as h on h.customer_id = c.customer_id
    left join complaints as q on q.customer_id = c.customer_id
    left join loyalty_summary as ls on ls.customer_id = c.customer_id
),

scored as (
    select
        i.*,
        coalesce(cast(i.last_interaction_at as date) < i.start_60d, true) as inactive_60d,
        i.debit_spend_prior_3m > 0
            and i.debit_spend_last_3m <= i.debit_spend_prior_3m * 0.70 as spend_drop_30pct,
        i.accounts_closed_12m > 0 as closed_account_12m,
        i.complaints_90d > 0 as complained_90d,
        i.open_product_types = 1 as single_product
    from inputs as i
),

scored_customers as (
    select
        customer_id,
        relationship_start_date,
        tenure_months,
        cast(floor(cast(tenure_months as double) / 12) as integer) as tenure_years,
        case
            when tenure_months is null then 'unknown'
            when tenure_months < 12 then 'new'
            when tenure_months < 36 then '1-3y'
            when tenure_months < 120 then '3-10y'
            else '10y+'
        end as tenure_band,
        first_interaction_at,
        last_interaction_at,
        last_interaction_channel,
        days_since_last_interaction,
        active_months_12m,
        interactions_12m,
        cast(interactions_12m as double) / 12 as avg_monthly_interactions_12m,
        debit_spend_last_3m,
        debit_spend_prior_3m,
        open_product_types,
        accounts_closed_12m,
        complaints_90d,
        inactive_60d,
        spend_drop_30pct,
        closed_account_12m,
        complained_90d,
        single_product,
        (case when inactive_60d then 2 else 0 end)
            + (case when spend_drop_30pct then 1 else 0 end)
            + (case when closed_account_12m then 1 else 0 end)
            + (case when complained_90d then 1 else 0 end)
            + (case when single_product then 1 else 0 end) as churn_risk_score,
        loyalty_tier,
        loyalty_points,
        loyalty_enrolled_on,
        accounts_ever
    from scored
),

final as (
    select
        f.*,
        case
            when f.accounts_ever = 0 then 'not_applicable'
            when f.churn_risk_score >= 3 then 'high'
            when f.churn_risk_score >= 1 then 'medium'
            else 'low'
        end as churn_risk_band
    from scored_customers as f
)

select * from final
