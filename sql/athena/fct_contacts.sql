-- fct_contacts: call-center contacts of customers, without the caller's personal data.
-- Grain: one row per contact_id. Trino SQL, run by Athena (CTAS) in AWS and by DuckDB
-- locally. Every staged contact has a customer_id: identity maps each contact either to
-- the customer an agent verified (customer_number) or to a customer of its own.
-- Caller name, phone and the free-text note stay in STAGE: they are direct identifiers.
with contacts as (
    select
        contact_id, started_at, reason_code, duration_seconds, outcome, sentiment, agent_id
    from stg_call_center_contacts
),

xref as (
    select source_key, customer_id
    from int_customer_xref
    where source_system = 'call_center'
),

final as (
    select
        c.contact_id,
        x.customer_id,
        c.started_at,
        cast(c.started_at as date) as contact_date,
        coalesce(c.reason_code, 'UNKNOWN') as reason_code,
        c.outcome,
        c.duration_seconds,
        c.sentiment,
        c.agent_id,
        coalesce(c.reason_code, '') = 'COMPLAINT' as is_complaint,
        coalesce(c.outcome, '') = 'escalated' as is_escalated,
        coalesce(c.outcome, '') = 'abandoned' as is_abandoned
    from contacts as c
    join xref as x on x.source_key = c.contact_id
)

select * from final
