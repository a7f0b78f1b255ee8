-- int_person_records: every staged record that describes a person, one row per
-- (source_system, source_key), in one shape for identity resolution.
-- Grain: one row per source record. Runs as an EMR Spark step (Spark SQL).
-- Values stay as the source wrote them (identity standardizes for matching; the
-- golden record shows them trimmed). `email_verified`: the source verified the
-- email (CRM only); `customer_number`: a direct reference to a core-banking customer.
with crm as (
    select
        'crm' as source_system,
        crm_customer_id as source_key,
        first_name, last_name, birth_date, national_id, email,
        coalesce(email_verified, false) as email_verified,
        phone, address_line, city, state, postal_code,
        cast(null as bigint) as customer_number,
        updated_at as observed_at
    from stg_crm_customers
),
core as (
    select
        'core_banking' as source_system,
        cast(customer_number as string) as source_key,
        first_name, last_name, birth_date, national_id, email,
        false as email_verified,
        phone, address_line, city, state, postal_code,
        customer_number,
        updated_at as observed_at
    from stg_core_banking_customers
),
loyalty as (
    select
        'mainframe_loyalty' as source_system,
        member_number as source_key,
        first_name, last_name, birth_date, national_id,
        cast(null as string) as email,
        false as email_verified,
        cast(null as string) as phone,
        cast(null as string) as address_line,
        cast(null as string) as city,
        cast(null as string) as state,
        postal_code,
        cast(null as bigint) as customer_number,
        cast(enrolled_on as timestamp) as observed_at
    from stg_mainframe_loyalty
),
cards as (
    select
        'mainframe_cards' as source_system,
        concat(national_id, ':', card_number_last4) as source_key,
        trim(regexp_extract(card_holder_name, ',(.*)$', 1)) as first_name,
        trim(regexp_extract(card_holder_name, '^([^,]*)', 1)) as last_name,
        birth_date, national_id,
        cast(null as string) as email,
        false as email_verified,
        cast(null as string) as phone,
        cast(null as string) as address_line,
        cast(null as string) as city,
        cast(null as string) as state,
        cast(null as string) as postal_code,
        cast(null as bigint) as customer_number,
        cast(statement_date as timestamp) as observed_at
    from stg_mainframe_cards
),
calls as (
    select
        'call_center' as source_system,
        contact_id as source_key,
        nullif(regexp_extract(trim(caller_name), '^([^ ]+)', 1), '') as first_name,
        nullif(trim(regexp_extract(trim(caller_name), '^[^ ]+ +(.*)$', 1)), '') as last_name,
        cast(null as date) as birth_date,
        cast(null as string) as national_id,
        cast(null as string) as email,
        false as email_verified,
        phone_number as phone,
        cast(null as string) as address_line,
        cast(null as string) as city,
        cast(null as string) as state,
        cast(null as string) as postal_code,
        customer_number,
        started_at as observed_at
    from stg_call_center_contacts
),
device_logins as (
    select
        device_id,
        login_customer_number,
        row_number() over (
            partition by device_id order by event_time desc, event_id desc
        ) as login_rank,
        event_time
    from stg_clickstream_events
    where event_type = 'login' and login_customer_number is not null
),
devices as (
    select
        'clickstream_device' as source_system,
        device_id as source_key,
        cast(null as string) as first_name,
        cast(null as string) as last_name,
        cast(null as date) as birth_date,
        cast(null as string) as national_id,
        cast(null as string) as email,
        false as email_verified,
        cast(null as string) as phone,
        cast(null as string) as address_line,
        cast(null as string) as city,
        cast(null as string) as state,
        cast(null as string) as postal_code,
        login_customer_number as customer_number,
        event_time as observed_at
    from device_logins
    where login_rank = 1
),
final as (
    select * from crm
    union all select * from core
    union all select * from loyalty
    union all select * from cards
    union all select * from calls
    union all select * from devices
)
select * from final
