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
-- One aggregation per customer picks every attribute: per attribute the smallest
-- struct (criterion values, then source_system, source_key, then the value itself,
-- which never decides: (source_system, source_key) is unique). A candidate table of
-- (record, attribute) rows ranked and joined back to the records was ~1.6x slower on
-- Spark (one shuffle of every record instead of three of every candidate).
with xref as (
    select source_system, source_key, customer_id
    from int_customer_xref
),
-- The survivorship order as one row: <attribute>_<n> is its n-th criterion.
order_wide as (
    select
        max(case when attribute = 'first_name' then criterion_1 end) as first_name_1,
        max(case when attribute = 'first_name' then criterion_2 end) as first_name_2,
        max(case when attribute = 'first_name' then criterion_3 end) as first_name_3,
        max(case when attribute = 'last_name' then criterion_1 end) as last_name_1,
        max(case when attribute = 'last_name' then criterion_2 end) as last_name_2,
        max(case when attribute = 'last_name' then criterion_3 end) as last_name_3,
        max(case when attribute = 'birth_date' then criterion_1 end) as birth_date_1,
        max(case when attribute = 'birth_date' then criterion_2 end) as birth_date_2,
        max(case when attribute = 'birth_date' then criterion_3 end) as birth_date_3,
        max(case when attribute = 'national_id' then criterion_1 end) as national_id_1,
        max(case when attribute = 'national_id' then criterion_2 end) as national_id_2,
        max(case when attribute = 'national_id' then criterion_3 end) as national_id_3,
        max(case when attribute = 'email' then criterion_1 end) as email_1,
        max(case when attribute = 'email' then criterion_2 end) as email_2,
        max(case when attribute = 'email' then criterion_3 end) as email_3,
        max(case when attribute = 'phone' then criterion_1 end) as phone_1,
        max(case when attribute = 'phone' then criterion_2 end) as phone_2,
        max(case when attribute = 'phone' then criterion_3 end) as phone_3,
        max(case when attribute = 'address' then criterion_1 end) as address_1,
        max(case when attribute = 'address' then criterion_2 end) as address_2,
        max(case when attribute = 'address' then criterion_3 end) as address_3
    from identity_survivorship_order
),
-- Per source system, its rank in each attribute's source list (unlisted: NULL).
source_ranks as (
    select
        source_system,
        max(case when attribute = 'first_name' then source_rank end) as first_name_rank,
        max(case when attribute = 'last_name' then source_rank end) as last_name_rank,
        max(case when attribute = 'birth_date' then source_rank end) as birth_date_rank,
        max(case when attribute = 'national_id' then source_rank end) as national_id_rank,
        max(case when attribute = 'email' then source_rank end) as email_rank,
        max(case when attribute = 'phone' then source_rank end) as phone_rank,
        max(case when attribute = 'address' then source_rank end) as address_rank
    from identity_survivorship_sources
    group by source_system
),
records as (
    select
        x.customer_id,
        x.source_system,
        x.source_key,
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
    from xref as x
    left join int_person_records as r
        on r.source_system = x.source_system and r.source_key = x.source_key
),
-- Each record with its value under each criterion, smaller is better: source_priority
-- the source's rank for the attribute (unlisted 999), recency the negated microseconds
-- (a missing observed_at last), completeness the negated count of person fields.
keyed as (
    select
        r.*,
        o.*,
        cast(coalesce(k.first_name_rank, 999) as bigint) as first_name_by_source,
        cast(coalesce(k.last_name_rank, 999) as bigint) as last_name_by_source,
        cast(coalesce(k.birth_date_rank, 999) as bigint) as birth_date_by_source,
        cast(coalesce(k.national_id_rank, 999) as bigint) as national_id_by_source,
        cast(coalesce(k.email_rank, 999) as bigint) as email_by_source,
        cast(coalesce(k.phone_rank, 999) as bigint) as phone_by_source,
        cast(coalesce(k.address_rank, 999) as bigint) as address_by_source,
        coalesce(-unix_micros(r.observed_at), 9223372036854775807) as by_recency,
        -cast((case when r.first_name is null then 0 else 1 end)
        + (case when r.last_name is null then 0 else 1 end)
        + (case when r.birth_date is null then 0 else 1 end)
        + (case when r.national_id is null then 0 else 1 end)
        + (case when r.email is null then 0 else 1 end)
        + (case when r.phone is null then 0 else 1 end)
        + (case when r.address_line is null then 0 else 1 end)
        + (case when r.postal_code is null then 0 else 1 end) as bigint) as by_completeness
    from records as r
    cross join order_wide as o
    left join source_ranks as k
        on k.source_system = r.source_system
),
-- The surviving record per attribute; an unused criterion is 0 for every record.
-- An address with a street line beats a postal code alone.
picked as (
    select
        customer_id,
        min(case when first_name is not null then named_struct(
            'criterion_1', case first_name_1
                when 'source_priority' then first_name_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_2', case first_name_2
                when 'source_priority' then first_name_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_3', case first_name_3
                when 'source_priority' then first_name_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'source_system', source_system, 'source_key', source_key,
            'first_name', first_name) end) as first_name_pick,
        min(case when last_name is not null then named_struct(
            'criterion_1', case last_name_1
                when 'source_priority' then last_name_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_2', case last_name_2
                when 'source_priority' then last_name_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_3', case last_name_3
                when 'source_priority' then last_name_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'source_system', source_system, 'source_key', source_key,
            'last_name', last_name) end) as last_name_pick,
        min(case when birth_date is not null then named_struct(
            'criterion_1', case birth_date_1
                when 'source_priority' then birth_date_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_2', case birth_date_2
                when 'source_priority' then birth_date_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_3', case birth_date_3
                when 'source_priority' then birth_date_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'source_system', source_system, 'source_key', source_key,
            'birth_date', birth_date) end) as birth_date_pick,
        min(case when national_id is not null then named_struct(
            'criterion_1', case national_id_1
                when 'source_priority' then national_id_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_2', case national_id_2
                when 'source_priority' then national_id_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_3', case national_id_3
                when 'source_priority' then national_id_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'source_system', source_system, 'source_key', source_key,
            'national_id', national_id) end) as national_id_pick,
        min(case when email is not null then named_struct(
            'criterion_1', case email_1
                when 'source_priority' then email_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_2', case email_2
                when 'source_priority' then email_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_3', case email_3
                when 'source_priority' then email_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'source_system', source_system, 'source_key', source_key,
            'email', email) end) as email_pick,
        min(case when phone is not null then named_struct(
            'criterion_1', case phone_1
                when 'source_priority' then phone_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_2', case phone_2
                when 'source_priority' then phone_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_3', case phone_3
                when 'source_priority' then phone_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'source_system', source_system, 'source_key', source_key,
            'phone', phone) end) as phone_pick,
        min(case when address_line is not null or postal_code is not null then named_struct(
            'street_missing', case when address_line is null then 1 else 0 end,
            'criterion_1', case address_1
                when 'source_priority' then address_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_2', case address_2
                when 'source_priority' then address_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'criterion_3', case address_3
                when 'source_priority' then address_by_source when 'recency' then by_recency
                when 'completeness' then by_completeness else cast(0 as bigint) end,
            'source_system', source_system, 'source_key', source_key,
            'address_line', address_line, 'city', city, 'state', state,
            'postal_code', postal_code) end) as address_pick
    from keyed
    group by customer_id
)
select
    customer_id,
    first_name_pick.first_name as first_name,
    last_name_pick.last_name as last_name,
    birth_date_pick.birth_date as birth_date,
    national_id_pick.national_id as national_id,
    email_pick.email as email,
    phone_pick.phone as phone,
    address_pick.address_line as address_line,
    address_pick.city as city,
    address_pick.state as state,
    address_pick.postal_code as postal_code,
    first_name_pick.source_system as first_name_source,
    first_name_pick.source_key as first_name_source_key,
    last_name_pick.source_system as last_name_source,
    last_name_pick.source_key as last_name_source_key,
    birth_date_pick.source_system as birth_date_source,
    birth_date_pick.source_key as birth_date_source_key,
    national_id_pick.source_system as national_id_source,
    national_id_pick.source_key as national_id_source_key,
    email_pick.source_system as email_source,
    email_pick.source_key as email_source_key,
    phone_pick.source_system as phone_source,
    phone_pick.source_key as phone_source_key,
    address_pick.source_system as address_source,
    address_pick.source_key as address_source_key
from picked
