-- c360_customer_profile_history: the profile's tracked attributes as SCD type 2.
-- Grain: one row per (customer_id, valid_from). Trino SQL (Athena in AWS, DuckDB or Spark
-- locally); it reads its own previous state, so its step registers that state first
-- (empty on the first run).
-- A version is open (valid_to null, is_current true) until the hash of the tracked
-- attributes (the profile's tracked_attributes_hash) changes or the customer leaves the snapshot; then valid_to = the logical
-- date that saw the change, and the new version starts on that date. Idempotent: a
-- rerun for logical date D first rewinds the history to just before D (versions from D
-- on are dropped, versions closed on or after D are reopened), then applies D.
with snapshot as (
    select
        customer_id,
        first_name,
        last_name,
        birth_date,
        email,
        phone,
        address_line,
        city,
        state,
        postal_code,
        age_band,
        life_stage,
        income_band,
        region,
        occupation,
        tenure_band,
        loyalty_tier,
        churn_risk_band,
        product_count,
        products_held,
        spend_trend,
        salary_detected,
        primary_digital_channel,
        consent_email,
        consent_sms,
        consent_phone,
        consent_post,
        preferred_channel,
        segment_name,
        next_best_product,
        tracked_attributes_hash as attr_hash
    from c360_customer_profile
    where snapshot_date = cast(:logical_date as date)
),

rewound as (
    select
        h.*,
        case when h.valid_to >= cast(:logical_date as date) then true else h.is_current end
            as reopened
    from c360_customer_profile_history as h
    where h.valid_from < cast(:logical_date as date)
),

open_versions as (
    select * from rewound where reopened
),

closed_versions as (
    select
        customer_id, first_name, last_name, birth_date, email, phone, address_line, city,
        state, postal_code, age_band, life_stage, income_band, region, occupation,
        tenure_band, loyalty_tier, churn_risk_band, product_count, products_held,
        spend_trend, salary_detected, primary_digital_channel, consent_email, consent_sms,
        consent_phone, consent_post, preferred_channel, segment_name, next_best_product,
        attr_hash, valid_from, valid_to, false as is_current
    from rewound
    where not reopened
),

continued_or_ended as (
    select
        o.customer_id, o.first_name, o.last_name, o.birth_date, o.email, o.phone,
        o.address_line, o.city, o.state, o.postal_code, o.age_band, o.life_stage,
        o.income_band, o.region, o.occupation, o.tenure_band, o.loyalty_tier,
        o.churn_risk_band, o.product_count, o.products_held, o.spend_trend,
        o.salary_detected, o.primary_digital_channel, o.consent_email, o.consent_sms,
        o.consent_phone, o.consent_post, o.preferred_channel, o.segment_name,
        o.next_best_product, o.attr_hash, o.valid_from,
        case
            when s.attr_hash = o.attr_hash then cast(null as date)
            else cast(:logical_date as date)
        end as valid_to,
        coalesce(s.attr_hash = o.attr_hash, false) as is_current
    from open_versions as o
    left join snapshot as s on s.customer_id = o.customer_id
),

started as (
    select
        s.customer_id, s.first_name, s.last_name, s.birth_date, s.email, s.phone,
        s.address_line, s.city, s.state, s.postal_code, s.age_band, s.life_stage,
        s.income_band, s.region, s.occupation, s.tenure_band, s.loyalty_tier,
        s.churn_risk_band, s.product_count, s.products_held, s.spend_trend,
        s.salary_detected, s.primary_digital_channel, s.consent_email, s.consent_sms,
        s.consent_phone, s.consent_post, s.preferred_channel, s.segment_name,
        s.next_best_product, s.attr_hash,
        cast(:logical_date as date) as valid_from,
        cast(null as date) as valid_to,
        true as is_current
    from snapshot as s
    left join open_versions as o on o.customer_id = s.customer_id
    where o.customer_id is null or o.attr_hash <> s.attr_hash
),

final as (
    select * from closed_versions
    union all
    select * from continued_or_ended
    union all
    select * from started
)

select * from final
