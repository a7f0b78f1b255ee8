-- dim_customer_marketing: marketing consents, contactability and the preferred channel.
-- Grain: one row per customer_id. Trino SQL, run by Athena (CTAS) in AWS and by DuckDB
-- locally; recomputed hourly for customers with new CRM changes or clickstream events.
-- Consent per channel: of the customer's CRM records that state a value for that
-- channel, the one with the newest consent_updated_at (then updated_at, then record id)
-- decides; no stated value means no consent. A channel is contactable when consent is
-- given and the address for it is on file. Preferred channel, first that applies:
-- 1. declared: the newest CRM preferred_channel, if usable (email/sms/phone need to be
--    contactable, app needs an app session in the last 90 days, branch always is);
-- 2. observed: app, if the customer used the app in the last 90 days;
-- 3. fallback: the first contactable channel of email, sms, phone, post;
-- 4. none.
with bounds as (
    select
        cast(:logical_date as date) as as_of,
        cast(date_add('day', -89, cast(:logical_date as date)) as date) as start_90d
),

crm as (
    select
        x.customer_id,
        c.crm_customer_id,
        c.consent_email,
        c.consent_sms,
        c.consent_phone,
        c.consent_post,
        c.consent_updated_at,
        c.preferred_channel,
        c.updated_at
    from stg_crm_customers as c
    join int_customer_xref as x
        on x.source_system = 'crm' and x.source_key = c.crm_customer_id
),

stated as (
    select customer_id, crm_customer_id, 'email' as channel, consent_email as consent,
        consent_updated_at, updated_at
    from crm where consent_email is not null
    union all
    select customer_id, crm_customer_id, 'sms', consent_sms, consent_updated_at, updated_at
    from crm where consent_sms is not null
    union all
    select customer_id, crm_customer_id, 'phone', consent_phone, consent_updated_at, updated_at
    from crm where consent_phone is not null
    union all
    select customer_id, crm_customer_id, 'post', consent_post, consent_updated_at, updated_at
    from crm where consent_post is not null
),

latest_consent as (
    select customer_id, channel, consent
    from (
        select
            customer_id,
            channel,
            consent,
            row_number() over (
                partition by customer_id, channel
                order by consent_updated_at desc nulls last, updated_at desc,
                    crm_customer_id desc
            ) as rn
        from stated
    ) as ranked
    where rn = 1
),

consents as (
    select
        customer_id,
        coalesce(max(case when channel = 'email' and consent then 1 end), 0) = 1 as consent_email,
        coalesce(max(case when channel = 'sms' and consent then 1 end), 0) = 1 as consent_sms,
        coalesce(max(case when channel = 'phone' and consent then 1 end), 0) = 1 as consent_phone,
        coalesce(max(case when channel = 'post' and consent then 1 end), 0) = 1 as consent_post
    from latest_consent
    group by customer_id
),

crm_summary as (
    select
        customer_id,
        count(*) as crm_record_count,
        max(consent_updated_at) as consent_updated_at,
        max(updated_at) as crm_updated_at
    from crm
    group by customer_id
),

declared as (
    select customer_id, preferred_channel as declared_channel
    from (
        select
            customer_id,
            preferred_channel,
            row_number() over (
                partition by customer_id order by updated_at desc, crm_customer_id desc
            ) as rn
        from crm
        where preferred_channel is not null
    ) as ranked
    where rn = 1
),

app_users as (
    select s.customer_id
    from fct_digital_sessions as s
    cross join bounds as b
    where s.channel = 'app' and s.session_date between b.start_90d and b.as_of
    group by s.customer_id
),

contact_points as (
    select
        customer_id,
        email is not null as has_email,
        phone is not null as has_phone,
        address_line is not null as has_address
    from int_customer_golden
),

flags as (
    select
        k.customer_id,
        coalesce(c.consent_email, false) as consent_email,
        coalesce(c.consent_sms, false) as consent_sms,
        coalesce(c.consent_phone, false) as consent_phone,
        coalesce(c.consent_post, false) as consent_post,
        coalesce(c.consent_email, false) and k.has_email as contactable_email,
        coalesce(c.consent_sms, false) and k.has_phone as contactable_sms,
        coalesce(c.consent_phone, false) and k.has_phone as contactable_phone,
        coalesce(c.consent_post, false) and k.has_address as contactable_post,
        a.customer_id is not null as app_active_90d,
        d.declared_channel,
        s.crm_record_count,
        s.consent_updated_at,
        s.crm_updated_at
    from contact_points as k
    left join consents as c on c.customer_id = k.customer_id
    left join app_users as a on a.customer_id = k.customer_id
    left join declared as d on d.customer_id = k.customer_id
    left join crm_summary as s on s.customer_id = k.customer_id
),

resolved as (
    select
        f.*,
        case
            when f.declared_channel = 'email' and f.contactable_email then 'email'
            when f.declared_channel = 'sms' and f.contactable_sms then 'sms'
            when f.declared_channel = 'phone' and f.contactable_phone then 'phone'
            when f.declared_channel = 'app' and f.app_active_90d then 'app'
            when f.declared_channel = 'branch' then 'branch'
            when f.app_active_90d then 'app'
            when f.contactable_email then 'email'
            when f.contactable_sms then 'sms'
            when f.contactable_phone then 'phone'
            when f.contactable_post then 'post'
            else 'none'
        end as preferred_channel,
        case
            when f.declared_channel = 'email' and f.contactable_email then 'declared'
            when f.declared_channel = 'sms' and f.contactable_sms then 'declared'
            when f.declared_channel = 'phone' and f.contactable_phone then 'declared'
            when f.declared_channel = 'app' and f.app_active_90d then 'declared'
            when f.declared_channel = 'branch' then 'declared'
            when f.app_active_90d then 'observed'
            when f.contactable_email or f.contactable_sms or f.contactable_phone
                or f.contactable_post then 'fallback'
            else 'none'
        end as preferred_channel_source
    from flags as f
),

final as (
    select
        customer_id,
        consent_email,
        consent_sms,
        consent_phone,
        consent_post,
        contactable_email,
        contactable_sms,
        contactable_phone,
        contactable_post,
        contactable_email or contactable_sms or contactable_phone or contactable_post
            as is_marketable,
        declared_channel as declared_preferred_channel,
        preferred_channel,
        preferred_channel_source,
        app_active_90d,
        coalesce(crm_record_count, 0) as crm_record_count,
        consent_updated_at,
        crm_updated_at
    from resolved
)

select * from final
