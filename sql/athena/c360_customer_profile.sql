-- c360_customer_profile: the customer 360, one denormalized row per customer_id.
-- Partitioned by snapshot_date (the logical date): Athena INSERTs the day's partition in
-- AWS, DuckDB or Spark write it locally; a rerun replaces that partition. Every
-- perspective is a left join on customer_id, so a customer missing from a dimension
-- keeps its row with that perspective empty. Columns: docs/dimensions.md.
with golden as (
    select * from int_customer_golden
),

sources as (
    select
        customer_id,
        count(*) as source_record_count,
        array_join(array_sort(array_agg(distinct source_system)), ',') as source_systems
    from int_customer_xref
    group by customer_id
),

joined as (
    select
        g.customer_id,
        g.first_name,
        g.last_name,
        g.birth_date,
        g.email,
        g.phone,
        g.address_line,
        g.city,
        g.state,
        g.postal_code,
        s.source_record_count,
        s.source_systems,
        d.age,
        d.age_band,
        d.life_stage,
        d.income_band,
        d.region,
        d.occupation,
        l.relationship_start_date,
        l.tenure_months,
        l.tenure_band,
        l.first_interaction_at,
        l.last_interaction_at,
        l.last_interaction_channel,
        l.days_since_last_interaction,
        l.active_months_12m,
        l.avg_monthly_interactions_12m,
        l.loyalty_tier,
        l.loyalty_points,
        l.churn_risk_score,
        l.churn_risk_band,
        p.product_count,
        p.products_held,
        p.open_account_count,
        p.holds_checking,
        p.holds_savings,
        p.holds_credit_card,
        p.holds_mortgage,
        p.holds_personal_loan,
        p.holds_investment,
        p.holds_insurance,
        p.deposit_balance,
        p.investment_balance,
        p.loan_balance,
        p.card_balance,
        p.card_limit,
        p.credit_utilisation,
        p.card_max_days_past_due,
        t.avg_monthly_spend,
        t.avg_monthly_income,
        t.spend_trend,
        t.spend_change_ratio,
        t.top_spend_category,
        t.spend_groceries,
        t.spend_dining,
        t.spend_travel,
        t.spend_housing,
        t.spend_utilities,
        t.spend_shopping,
        t.spend_entertainment,
        t.spend_health,
        t.spend_other,
        t.salary_detected,
        t.salary_stable,
        t.salary_last_month,
        v.contacts_90d,
        v.complaints_90d,
        v.unresolved_complaints_90d,
        v.avg_sentiment_90d,
        v.top_reason_90d,
        v.top_reasons_90d,
        v.last_contact_at,
        v.last_contact_reason,
        v.last_contact_outcome,
        w.sessions_30d,
        w.active_days_30d,
        w.app_share_30d,
        w.primary_digital_channel,
        w.avg_session_seconds_30d,
        w.product_views_30d,
        w.top_product_interest_30d,
        w.top_search_term_30d,
        w.top_page_30d,
        w.applications_started_30d,
        w.abandoned_application_sessions_30d,
        w.last_session_at,
        m.consent_email,
        m.consent_sms,
        m.consent_phone,
        m.consent_post,
        m.contactable_email,
        m.contactable_sms,
        m.contactable_phone,
        m.contactable_post,
        m.is_marketable,
        m.preferred_channel,
        m.preferred_channel_source,
        r.declared_interests,
        r.segment_id,
        r.segment_name,
        r.next_best_product,
        r.next_best_product_score
    from golden as g
    left join sources as s on s.customer_id = g.customer_id
    left join dim_customer_demographic as d on d.customer_id = g.customer_id
    left join dim_customer_loyalty as l on l.customer_id = g.customer_id
    left join dim_customer_products as p on p.customer_id = g.customer_id
    left join dim_customer_transactions as t on t.customer_id = g.customer_id
    left join dim_customer_service as v on v.customer_id = g.customer_id
    left join dim_customer_digital as w on w.customer_id = g.customer_id
    left join dim_customer_marketing as m on m.customer_id = g.customer_id
    left join dim_customer_preferences as r on r.customer_id = g.customer_id
),

final as (
    select
        j.*,
        -- Change detection for c360_customer_profile_history (SCD2): the attributes that
        -- define a new version; counters that move every day are not among them.
        lower(to_hex(md5(to_utf8(concat_ws(
            '|',
            coalesce(first_name, '<null>'),
            coalesce(last_name, '<null>'),
            coalesce(cast(birth_date as varchar), '<null>'),
            coalesce(email, '<null>'),
            coalesce(phone, '<null>'),
            coalesce(address_line, '<null>'),
            coalesce(city, '<null>'),
            coalesce(state, '<null>'),
            coalesce(postal_code, '<null>'),
            coalesce(age_band, '<null>'),
            coalesce(life_stage, '<null>'),
            coalesce(income_band, '<null>'),
            coalesce(region, '<null>'),
            coalesce(occupation, '<null>'),
            coalesce(tenure_band, '<null>'),
            coalesce(loyalty_tier, '<null>'),
            coalesce(churn_risk_band, '<null>'),
            coalesce(cast(product_count as varchar), '<null>'),
            coalesce(products_held, '<null>'),
            coalesce(spend_trend, '<null>'),
            coalesce(cast(salary_detected as varchar), '<null>'),
            coalesce(primary_digital_channel, '<null>'),
            coalesce(cast(consent_email as varchar), '<null>'),
            coalesce(cast(consent_sms as varchar), '<null>'),
            coalesce(cast(consent_phone as varchar), '<null>'),
            coalesce(cast(consent_post as varchar), '<null>'),
            coalesce(preferred_channel, '<null>'),
            coalesce(segment_name, '<null>'),
            coalesce(next_best_product, '<null>')
        ))))) as tracked_attributes_hash,
        cast(:logical_date as date) as snapshot_date
    from joined as j
)

select * from final
