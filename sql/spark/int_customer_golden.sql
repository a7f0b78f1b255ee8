-- int_customer_golden: the golden record, one row per current customer_id.
-- Runs as an EMR Spark step (Spark SQL). Per attribute, one surviving record
-- supplies the value; the order that picks it comes from config/identity.yaml
-- (survivorship), registered by the identity step as two small views:
--   identity_survivorship_order(attribute, criterion_1, criterion_2, criterion_3)
--   identity_survivorship_sources(attribute, source_system, source_rank)
-- Criteria: source_priority (lower rank first, unlisted sources last), recency
-- (newest observed_at first), completeness (most non-null person fields first);
-- remaining ties: source_system, source_key. `address` is one attribute: line,
-- city, state and postal code come from the same record, and a record with a
-- street line is preferred to one with a postal code only.
-- Provenance: `<attribute>_source` and `<attribute>_source_key` name the record.
with xref as (
    select source_system, source_key, customer_id
    from int_customer_xref
),
survivorship_order as (
    select * from identity_survivorship_order
),
survivorship_sources as (
    select * from identity_survivorship_sources
),
records as (
    select
        x.customer_id,
        r.source_system,
        r.source_key,
        r.observed_at,
        nullif(trim(r.first_name), '') as first_name,
        nullif(trim(r.last_name), '') as last_name,
        r.birth_date,
        nullif(trim(r.national_id), '') as national_id,
        nullif(lower(trim(r.email)), '') as email,
        nullif(trim(r.phone), '') as phone,
        nullif(trim(r.address_line), '') as address_line,
        nullif(trim(r.city), '') as city,
        nullif(upper(trim(r.state)), '') as state,
        nullif(trim(r.postal_code), '') as postal_code
    from int_person_records as r
    join xref as x
        on x.source_system = r.source_system and x.source_key = r.source_key
),
-- Read seven times below: `materialized` makes Spark compute the join once.
scored as materialized (
    select
        *,
        (case when first_name is null then 0 else 1 end)
        + (case when last_name is null then 0 else 1 end)
        + (case when birth_date is null then 0 else 1 end)
        + (case when national_id is null then 0 else 1 end)
        + (case when email is null then 0 else 1 end)
        + (case when phone is null then 0 else 1 end)
        + (case when address_line is null then 0 else 1 end)
        + (case when postal_code is null then 0 else 1 end) as completeness
    from records
),
-- One narrow row per (record, attribute it can supply): only what the ranking reads.
candidates as (
    select 'first_name' as attribute, customer_id, source_system, source_key, observed_at,
        completeness, false as street_missing
    from scored where first_name is not null
    union all
    select 'last_name', customer_id, source_system, source_key, observed_at, completeness, false
    from scored where last_name is not null
    union all
    select 'birth_date', customer_id, source_system, source_key, observed_at, completeness, false
    from scored where birth_date is not null
    union all
    select 'national_id', customer_id, source_system, source_key, observed_at, completeness,
        false
    from scored where national_id is not null
    union all
    select 'email', customer_id, source_system, source_key, observed_at, completeness, false
    from scored where email is not null
    union all
    select 'phone', customer_id, source_system, source_key, observed_at, completeness, false
    from scored where phone is not null
    union all
    select 'address', customer_id, source_system, source_key, observed_at, completeness,
        address_line is null
    from scored
    where address_line is not null or postal_code is not null
),
-- Each candidate's value under each criterion, as a number where smaller is better:
-- source_priority its rank (unlisted 999), recency the negated microseconds (a missing
-- observed_at last), completeness its negation.
criteria as (
    select
        c.customer_id,
        c.attribute,
        c.source_system,
        c.source_key,
        -- an address with a street line beats a postal code alone
        case when c.street_missing then 1 else 0 end as street_missing,
        o.criterion_1,
        o.criterion_2,
        o.criterion_3,
        cast(coalesce(s.source_rank, 999) as bigint) as by_source_priority,
        coalesce(-unix_micros(c.observed_at), 9223372036854775807) as by_recency,
        cast(-c.completeness as bigint) as by_completeness
    from candidates as c
    join survivorship_order as o
        on o.attribute = c.attribute
    left join survivorship_sources as s
        on s.attribute = c.attribute and s.source_system = c.source_system
),
-- The surviving record per (customer, attribute): the smallest sort key, taken by one
-- aggregation (a row_number() window sorted every candidate: ~1/3 slower on both
-- engines). An unused criterion is 0 for all; remaining ties: source_system, source_key.
ranked as (
    select
        customer_id,
        attribute,
        min(named_struct(
            'street_missing', street_missing,
            'criterion_1', case criterion_1 when 'source_priority' then by_source_priority
                when 'recency' then by_recency when 'completeness' then by_completeness
                else cast(0 as bigint) end,
            'criterion_2', case criterion_2 when 'source_priority' then by_source_priority
                when 'recency' then by_recency when 'completeness' then by_completeness
                else cast(0 as bigint) end,
            'criterion_3', case criterion_3 when 'source_priority' then by_source_priority
                when 'recency' then by_recency when 'completeness' then by_completeness
                else cast(0 as bigint) end,
            'source_system', source_system,
            'source_key', source_key
        )) as pick
    from criteria
    group by customer_id, attribute
),
-- The winning record of each attribute, with its values ((source_system, source_key)
-- is unique in `scored`).
winners as (
    select w.attribute, r.*
    from ranked as w
    join scored as r
        on r.source_system = w.pick.source_system and r.source_key = w.pick.source_key
),
customers as (
    select distinct customer_id from xref
),
golden as (
    select
        customer_id,
        max(case when attribute = 'first_name' then first_name end) as first_name,
        max(case when attribute = 'first_name' then source_system end) as first_name_source,
        max(case when attribute = 'first_name' then source_key end) as first_name_source_key,
        max(case when attribute = 'last_name' then last_name end) as last_name,
        max(case when attribute = 'last_name' then source_system end) as last_name_source,
        max(case when attribute = 'last_name' then source_key end) as last_name_source_key,
        max(case when attribute = 'birth_date' then birth_date end) as birth_date,
        max(case when attribute = 'birth_date' then source_system end) as birth_date_source,
        max(case when attribute = 'birth_date' then source_key end) as birth_date_source_key,
        max(case when attribute = 'national_id' then national_id end) as national_id,
        max(case when attribute = 'national_id' then source_system end) as national_id_source,
        max(case when attribute = 'national_id' then source_key end) as national_id_source_key,
        max(case when attribute = 'email' then email end) as email,
        max(case when attribute = 'email' then source_system end) as email_source,
        max(case when attribute = 'email' then source_key end) as email_source_key,
        max(case when attribute = 'phone' then phone end) as phone,
        max(case when attribute = 'phone' then source_system end) as phone_source,
        max(case when attribute = 'phone' then source_key end) as phone_source_key,
        max(case when attribute = 'address' then address_line end) as address_line,
        max(case when attribute = 'address' then city end) as city,
        max(case when attribute = 'address' then state end) as state,
        max(case when attribute = 'address' then postal_code end) as postal_code,
        max(case when attribute = 'address' then source_system end) as address_source,
        max(case when attribute = 'address' then source_key end) as address_source_key
    from winners
    group by customer_id
),
final as (
    select
        c.customer_id,
        g.first_name, g.last_name, g.birth_date, g.national_id, g.email, g.phone,
        g.address_line, g.city, g.state, g.postal_code,
        g.first_name_source, g.first_name_source_key,
        g.last_name_source, g.last_name_source_key,
        g.birth_date_source, g.birth_date_source_key,
        g.national_id_source, g.national_id_source_key,
        g.email_source, g.email_source_key,
        g.phone_source, g.phone_source_key,
        g.address_source, g.address_source_key
    from customers as c
    left join golden as g
        on g.customer_id = c.customer_id
)
select * from final
