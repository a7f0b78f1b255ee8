-- int_customer_golden: the golden record, one row per customer_id.
-- Survivorship per attribute: the most trusted source that has a value
-- (core_banking > crm > mainframe_loyalty > mainframe_cards > call_center),
-- then the most recent observation. `*_source` columns give provenance.
with records as (
    select
        x.customer_id,
        r.*,
        case r.source_system
            when 'core_banking' then 1
            when 'crm' then 2
            when 'mainframe_loyalty' then 3
            when 'mainframe_cards' then 4
            when 'call_center' then 5
            else 9
        end as source_priority
    from int_person_records as r
    join int_customer_xref as x
        on x.source_system = r.source_system and x.source_key = r.source_key
),
ranked as (
    select
        customer_id,
        first_value(first_name) ignore nulls over w as first_name,
        first_value(case when first_name is not null then source_system end) ignore nulls over w
            as first_name_source,
        first_value(last_name) ignore nulls over w as last_name,
        first_value(birth_date) ignore nulls over w as birth_date,
        first_value(case when birth_date is not null then source_system end) ignore nulls over w
            as birth_date_source,
        first_value(national_id) ignore nulls over w as national_id,
        first_value(email) ignore nulls over w as email,
        first_value(case when email is not null then source_system end) ignore nulls over w
            as email_source,
        first_value(phone) ignore nulls over w as phone,
        first_value(address_line) ignore nulls over w as address_line,
        first_value(city) ignore nulls over w as city,
        first_value(state) ignore nulls over w as state,
        first_value(postal_code) ignore nulls over w as postal_code,
        first_value(case when postal_code is not null then source_system end) ignore nulls over w
            as postal_code_source,
        row_number() over (partition by customer_id order by source_priority, observed_at desc,
            source_key) as row_in_customer
    from records
    window w as (
        partition by customer_id
        order by source_priority, observed_at desc, source_key
        rows between unbounded preceding and unbounded following
    )
),
final as (
    select
        customer_id, first_name, first_name_source, last_name, birth_date, birth_date_source,
        national_id, email, email_source, phone, address_line, city, state, postal_code,
        postal_code_source
    from ranked
    where row_in_customer = 1
)
select * from final
