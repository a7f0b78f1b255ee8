-- dim_customer_service: call-center interactions and service quality.
-- Grain: one row per customer_id. Trino SQL, run by Athena (CTAS) in AWS and by DuckDB
-- locally. Windows end at the logical date (inclusive): 90 days = the logical date and
-- the 89 days before it. Reasons rank by contacts in the window, then by the most
-- recent contact, then alphabetically; the last contact is the one that started last.
with bounds as (
    select
        cast(:logical_date as date) as as_of,
        cast(date_add('day', -89, cast(:logical_date as date)) as date) as start_90d,
        cast(date_add('day', -364, cast(:logical_date as date)) as date) as start_365d
),

contacts as (
    select c.*, b.as_of, b.start_90d, b.start_365d
    from fct_contacts as c
    cross join bounds as b
    where c.contact_date <= b.as_of
),

customers as (
    select distinct customer_id from int_customer_xref
),

per_customer as (
    select
        customer_id,
        count(*) as contacts_total,
        cast(count_if(contact_date >= start_90d) as bigint) as contacts_90d,
        cast(count_if(is_complaint and contact_date >= start_90d) as bigint) as complaints_90d,
        cast(count_if(is_complaint and contact_date >= start_365d) as bigint) as complaints_12m,
        cast(
            count_if(is_complaint and contact_date >= start_90d and outcome <> 'resolved')
        as bigint)
            as unresolved_complaints_90d,
        cast(count_if(is_escalated and contact_date >= start_90d) as bigint) as escalations_90d,
        cast(count_if(is_abandoned and contact_date >= start_90d) as bigint) as abandoned_calls_90d,
        sum(case when contact_date >= start_90d then sentiment end) as sentiment_sum_90d,
        count(case when contact_date >= start_90d then sentiment end) as sentiment_count_90d
    from contacts
    group by customer_id
),

reason_counts as (
    select customer_id, reason_code, count(*) as contacts, max(started_at) as last_started_at
    from contacts
    where contact_date >= start_90d
    group by customer_id, reason_code
),

ranked_reasons as (
    select
        customer_id,
        reason_code,
        row_number() over (
            partition by customer_id
            order by contacts desc, last_started_at desc, reason_code
        ) as reason_rank
    from reason_counts
),

top_reasons as (
    select
        customer_id,
        max(case when reason_rank = 1 then reason_code end) as top_reason_90d,
        concat_ws(
            ',',
            max(case when reason_rank = 1 then reason_code end),
            max(case when reason_rank = 2 then reason_code end),
            max(case when reason_rank = 3 then reason_code end)
        ) as top_reasons_90d
    from ranked_reasons
    where reason_rank <= 3
    group by customer_id
),

last_contact as (
    select customer_id, started_at, reason_code, outcome, as_of
    from (
        select
            customer_id,
            started_at,
            reason_code,
            outcome,
            as_of,
            row_number() over (
                partition by customer_id order by started_at desc, contact_id desc
            ) as rn
        from contacts
    ) as ranked
    where rn = 1
),

final as (
    select
        c.customer_id,
        coalesce(p.contacts_total, 0) as contacts_total,
        coalesce(p.contacts_90d, 0) as contacts_90d,
        coalesce(p.complaints_90d, 0) as complaints_90d,
        coalesce(p.complaints_12m, 0) as complaints_12m,
        coalesce(p.unresolved_complaints_90d, 0) as unresolved_complaints_90d,
        coalesce(p.escalations_90d, 0) as escalations_90d,
        coalesce(p.abandoned_calls_90d, 0) as abandoned_calls_90d,
        case
            when p.sentiment_count_90d > 0
                then cast(p.sentiment_sum_90d as double) / p.sentiment_count_90d
        end as avg_sentiment_90d,
        r.top_reason_90d,
        coalesce(r.top_reasons_90d, '') as top_reasons_90d,
        l.started_at as last_contact_at,
        l.reason_code as last_contact_reason,
        l.outcome as last_contact_outcome,
        date_diff('day', cast(l.started_at as date), l.as_of) as days_since_last_contact
    from customers as c
    left join per_customer as p on p.customer_id = c.customer_id
    left join top_reasons as r on r.customer_id = c.customer_id
    left join last_contact as l on l.customer_id = c.customer_id
)

select * from final
