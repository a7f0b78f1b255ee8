-- fct_digital_sessions: web and app sessions of known customers.
-- Grain: one row per session_key. EMR Spark step: it reads every clickstream event.
-- * Bot traffic is excluded by user agent (crawlers, scripts, headless browsers). The
--   pattern is tested once per distinct user agent (a few dozen in the generated data),
--   not on every event: over 2M events at 100k customers the per-event test cost Spark
--   ~4 s of this step.
-- * A device belongs to a customer when identity resolved it (`int_customer_xref`
--   rows with source_system 'clickstream_device', made from the device's last login);
--   anonymous devices are not customers and are left out.
-- * The collector's session_id is the session; an event without one joins a session
--   made per device by 30 minutes of inactivity (`<device_id>#<n>`).
with user_agents as (
    select
        user_agent,
        lower(user_agent)
        rlike 'bot|crawler|spider|slurp|python-requests|curl/|wget|headlesschrome|scrapy|httpclient'
            as is_bot
    from (select distinct user_agent from stg_clickstream_events) as seen
),

events as (
    -- Distinct agents are few next to events (browser builds, apps, bots): sent to every
    -- task whole instead of shuffling the events by agent.
    select /*+ BROADCAST(a) */
        e.event_id, e.event_time, e.received_at, e.device_id, e.session_id, e.channel,
        e.event_type, e.page, e.search_term, e.product_type
    from stg_clickstream_events as e
    left join user_agents as a on a.user_agent = e.user_agent
    where not coalesce(a.is_bot, false)
),

devices as (
    select source_key as device_id, customer_id
    from int_customer_xref
    where source_system = 'clickstream_device'
),

linked as (
    select d.customer_id, e.*
    from events as e
    join devices as d on d.device_id = e.device_id
),

sessioned as (
    select session_id as session_key, *
    from linked
    where session_id is not null
),

unsessioned as (
    select
        *,
        case
            when lag(event_time) over w is null then 1
            when timestampdiff(SECOND, lag(event_time) over w, event_time) > 1800 then 1
            else 0
        end as starts_session
    from linked
    where session_id is null
    window w as (partition by device_id order by event_time, event_id)
),

gap_sessions as (
    select
        concat(device_id, '#', cast(sum(starts_session) over (
            partition by device_id order by event_time, event_id
            rows between unbounded preceding and current row
        ) as string)) as session_key,
        customer_id, event_id, event_time, received_at, device_id, session_id, channel,
        event_type, page, search_term, product_type
    from unsessioned
),

-- Read four times below: `materialized` makes Spark compute it once (Engine.write_table).
keyed as materialized (
    select * from sessioned
    union all
    select * from gap_sessions
),

-- How often each session searched a term, viewed a page and viewed a product type: one
-- count per (session, kind, value), from one grouping of the three streams.
value_counts as (
    select session_key, kind, value, count(*) as times
    from (
        select session_key, 'search' as kind, search_term as value
        from keyed
        where search_term is not null
        union all
        select session_key, 'page' as kind, page as value
        from keyed
        where page is not null and event_type = 'page_view'
        union all
        select session_key, 'product' as kind, product_type as value
        from keyed
        where product_type is not null and event_type = 'product_view'
    ) as streams
    group by session_key, kind, value
),

-- Each session's most frequent value of each kind; a tie goes to the first value in
-- alphabetical order (the smallest (-times, value)).
top_values as (
    select
        session_key,
        min(case when kind = 'product' then named_struct('fewer', -times, 'value', value) end)
            as top_product,
        min(case when kind = 'search' then named_struct('fewer', -times, 'value', value) end)
            as top_search,
        min(case when kind = 'page' then named_struct('fewer', -times, 'value', value) end)
            as top_page
    from value_counts
    group by session_key
),

sessions as (
    select
        session_key,
        min(customer_id) as customer_id,
        min(device_id) as device_id,
        case
            when count_if(channel = 'app') >= count_if(channel = 'web')
                and count_if(channel = 'app') > 0 then 'app'
            when count_if(channel = 'web') > 0 then 'web'
            else 'unknown'
        end as channel,
        min(event_time) as session_start,
        max(event_time) as session_end,
        count(*) as event_count,
        cast(count_if(event_type = 'page_view') as bigint) as page_views,
        cast(count_if(event_type = 'search') as bigint) as searches,
        cast(count_if(event_type = 'product_view') as bigint) as product_views,
        cast(count_if(event_type = 'login') as bigint) as logins,
        cast(count_if(event_type = 'apply_start') as bigint) as applications_started,
        cast(count_if(event_type = 'apply_submit') as bigint) as applications_submitted,
        cast(count_if(event_type = 'product_view' and product_type = 'checking') as bigint)
            as views_checking,
        cast(count_if(event_type = 'product_view' and product_type = 'savings') as bigint)
            as views_savings,
        cast(count_if(event_type = 'product_view' and product_type = 'credit_card') as bigint)
            as views_credit_card,
        cast(count_if(event_type = 'product_view' and product_type = 'mortgage') as bigint)
            as views_mortgage,
        cast(count_if(event_type = 'product_view' and product_type = 'personal_loan') as bigint)
            as views_personal_loan,
        cast(count_if(event_type = 'product_view' and product_type = 'investment') as bigint)
            as views_investment,
        cast(count_if(event_type = 'product_view' and product_type = 'insurance') as bigint)
            as views_insurance,
        max(received_at) as last_received_at
    from keyed
    group by session_key
),

final as (
    select
        s.session_key,
        s.customer_id,
        s.device_id,
        s.channel,
        cast(s.session_start as date) as session_date,
        s.session_start,
        s.session_end,
        timestampdiff(SECOND, s.session_start, s.session_end) as duration_seconds,
        s.event_count,
        s.page_views,
        s.searches,
        s.product_views,
        s.logins,
        s.applications_started,
        s.applications_submitted,
        s.views_checking,
        s.views_savings,
        s.views_credit_card,
        s.views_mortgage,
        s.views_personal_loan,
        s.views_investment,
        s.views_insurance,
        v.top_product.value as top_product_type,
        v.top_search.value as top_search_term,
        v.top_page.value as top_page,
        s.last_received_at
    from sessions as s
    left join top_values as v on v.session_key = s.session_key
)

select * from final
