-- dim_customer_digital: web and app behaviour from fct_digital_sessions (bots excluded).
-- Grain: one row per customer_id. Trino SQL, run by Athena (CTAS) in AWS and by DuckDB
-- locally; recomputed hourly for the customers with new clickstream events.
-- Windows end at the logical date (inclusive). Interests over 30 days: the product type
-- with the most product views, the search term and the page that topped the most
-- sessions; ties go to the alphabetically first.
with bounds as (
    select
        cast(:logical_date as date) as as_of,
        cast(date_add('day', -6, cast(:logical_date as date)) as date) as start_7d,
        cast(date_add('day', -29, cast(:logical_date as date)) as date) as start_30d
),

sessions as (
    select s.*, b.as_of, b.start_7d, b.start_30d
    from fct_digital_sessions as s
    cross join bounds as b
    where s.session_date <= b.as_of
),

recent as (
    select * from sessions where session_date >= start_30d
),

customers as (
    select distinct customer_id from int_customer_xref
),

per_customer as (
    select
        customer_id,
        count(*) as sessions_total,
        cast(count_if(session_date >= start_7d) as bigint) as sessions_7d,
        cast(count_if(session_date >= start_30d) as bigint) as sessions_30d,
        count(distinct case when session_date >= start_30d then session_date end)
            as active_days_30d,
        cast(count_if(session_date >= start_30d and channel = 'app') as bigint) as app_sessions_30d,
        cast(count_if(session_date >= start_30d and channel = 'web') as bigint) as web_sessions_30d,
        sum(case when session_date >= start_30d then duration_seconds end)
            as duration_seconds_30d,
        sum(case when session_date >= start_30d then product_views end) as product_views_30d,
        sum(case when session_date >= start_30d then searches end) as searches_30d,
        sum(case when session_date >= start_30d then applications_started end)
            as applications_started_30d,
        sum(case when session_date >= start_30d then applications_submitted end)
            as applications_submitted_30d,
        cast(count_if(
            session_date >= start_30d and applications_started > applications_submitted
        ) as bigint) as abandoned_application_sessions_30d,
        max(session_end) as last_session_at,
        max(as_of) as as_of
    from sessions
    group by customer_id
),

product_views as (
    select customer_id, 'checking' as product_type, sum(views_checking) as views
    from recent group by customer_id
    union all
    select customer_id, 'savings', sum(views_savings) from recent group by customer_id
    union all
    select customer_id, 'credit_card', sum(views_credit_card) from recent group by customer_id
    union all
    select customer_id, 'mortgage', sum(views_mortgage) from recent group by customer_id
    union all
    select customer_id, 'personal_loan', sum(views_personal_loan)
    from recent group by customer_id
    union all
    select customer_id, 'investment', sum(views_investment) from recent group by customer_id
    union all
    select customer_id, 'insurance', sum(views_insurance) from recent group by customer_id
),

top_product as (
    select customer_id, product_type as top_product_interest_30d
    from (
        select
            customer_id,
            product_type,
            row_number() over (
                partition by customer_id order by views desc, product_type
            ) as rn
        from product_views
        where views > 0
    ) as ranked
    where rn = 1
),

top_term as (
    select customer_id, top_search_term as top_search_term_30d
    from (
        select
            customer_id,
            top_search_term,
            row_number() over (
                partition by customer_id order by count(*) desc, top_search_term
            ) as rn
        from recent
        where top_search_term is not null
        group by customer_id, top_search_term
    ) as ranked
    where rn = 1
),

top_page as (
    select customer_id, top_page as top_page_30d
    from (
        select
            customer_id,
            top_page,
            row_number() over (partition by customer_id order by count(*) desc, top_page) as rn
        from recent
        where top_page is not null
        group by customer_id, top_page
    ) as ranked
    where rn = 1
),

final as (
    select
        c.customer_id,
        coalesce(p.sessions_total, 0) as sessions_total,
        coalesce(p.sessions_7d, 0) as sessions_7d,
        coalesce(p.sessions_30d, 0) as sessions_30d,
        coalesce(p.active_days_30d, 0) as active_days_30d,
        coalesce(p.app_sessions_30d, 0) as app_sessions_30d,
        coalesce(p.web_sessions_30d, 0) as web_sessions_30d,
        case
            when p.sessions_30d > 0 then cast(p.app_sessions_30d as double) / p.sessions_30d
        end as app_share_30d,
        case
            when coalesce(p.sessions_30d, 0) = 0 then 'none'
            when p.app_sessions_30d >= p.web_sessions_30d then 'app'
            else 'web'
        end as primary_digital_channel,
        case
            when p.sessions_30d > 0
                then cast(p.duration_seconds_30d as double) / p.sessions_30d
        end as avg_session_seconds_30d,
        cast(coalesce(p.product_views_30d, 0) as bigint) as product_views_30d,
        cast(coalesce(p.searches_30d, 0) as bigint) as searches_30d,
        cast(coalesce(p.applications_started_30d, 0) as bigint) as applications_started_30d,
        cast(coalesce(p.applications_submitted_30d, 0) as bigint) as applications_submitted_30d,
        coalesce(p.abandoned_application_sessions_30d, 0) as abandoned_application_sessions_30d,
        t.top_product_interest_30d,
        s.top_search_term_30d,
        g.top_page_30d,
        p.last_session_at,
        date_diff('day', cast(p.last_session_at as date), p.as_of) as days_since_last_session,
        coalesce(p.sessions_30d, 0) > 0 as digitally_active_30d
    from customers as c
    left join per_customer as p on p.customer_id = c.customer_id
    left join top_product as t on t.customer_id = c.customer_id
    left join top_term as s on s.customer_id = c.customer_id
    left join top_page as g on g.customer_id = c.customer_id
)

select * from final
