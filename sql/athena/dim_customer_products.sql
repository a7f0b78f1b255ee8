-- dim_customer_products: products held, balances and credit use.
-- Grain: one row per customer_id. Trino SQL, run by Athena (CTAS) in AWS and by DuckDB
-- locally. Held = an account with status 'open' in core banking. Balances are signed
-- as core banking books them (loans and cards negative); loan_balance and card_balance
-- are reported as positive amounts owed. credit_utilisation = card_balance / card_limit
-- over open credit-card accounts. The mainframe card file adds statement risk signals.
with accounts as (
    select
        x.customer_id,
        a.account_id,
        a.status,
        a.opened_at,
        a.closed_at,
        a.balance,
        a.credit_limit,
        p.product_type
    from stg_core_banking_accounts as a
    join stg_core_banking_products as p on p.product_code = a.product_code
    join int_customer_xref as x
        on x.source_system = 'core_banking'
        and x.source_key = cast(a.customer_number as varchar)
),

open_accounts as (
    select * from accounts where status = 'open'
),

customers as (
    select distinct customer_id from int_customer_xref
),

all_accounts as (
    select
        customer_id,
        count(*) as accounts_ever,
        cast(count_if(status = 'closed') as bigint) as closed_account_count,
        cast(count_if(status = 'frozen') as bigint) as frozen_account_count,
        min(opened_at) as first_account_opened_on,
        max(opened_at) as last_account_opened_on
    from accounts
    group by customer_id
),

per_customer as (
    select
        customer_id,
        count(distinct product_type) as product_count,
        count(*) as open_account_count,
        array_join(array_sort(array_agg(distinct product_type)), ',') as products_held,
        count_if(product_type = 'checking') > 0 as holds_checking,
        count_if(product_type = 'savings') > 0 as holds_savings,
        count_if(product_type = 'credit_card') > 0 as holds_credit_card,
        count_if(product_type = 'mortgage') > 0 as holds_mortgage,
        count_if(product_type = 'personal_loan') > 0 as holds_personal_loan,
        count_if(product_type = 'investment') > 0 as holds_investment,
        count_if(product_type = 'insurance') > 0 as holds_insurance,
        cast(sum(case when product_type in ('checking', 'savings')
                      then balance else 0 end) as decimal(18, 2)) as deposit_balance,
        cast(sum(case when product_type = 'investment'
                      then balance else 0 end) as decimal(18, 2)) as investment_balance,
        cast(sum(case when product_type in ('mortgage', 'personal_loan')
                      then -balance else 0 end) as decimal(18, 2)) as loan_balance,
        cast(sum(case when product_type = 'credit_card' then -balance else 0 end)
             as decimal(18, 2)) as card_balance,
        cast(sum(case when product_type = 'credit_card' then credit_limit else 0 end)
             as decimal(18, 2)) as card_limit
    from open_accounts
    group by customer_id
),

mainframe_cards as (
    select
        x.customer_id,
        count(*) as mainframe_card_count,
        cast(sum(coalesce(c.minimum_due, 0)) as decimal(18, 2)) as card_minimum_due,
        max(coalesce(c.days_past_due, 0)) as card_max_days_past_due,
        max(c.statement_date) as card_last_statement_date
    from stg_mainframe_cards as c
    join int_customer_xref as x
        on x.source_system = 'mainframe_cards'
        and x.source_key = concat(c.national_id, ':', c.card_number_last4)
    group by x.customer_id
),

final as (
    select
        c.customer_id,
        coalesce(p.product_count, 0) as product_count,
        coalesce(p.open_account_count, 0) as open_account_count,
        coalesce(a.closed_account_count, 0) as closed_account_count,
        coalesce(a.frozen_account_count, 0) as frozen_account_count,
        coalesce(p.products_held, '') as products_held,
        coalesce(p.holds_checking, false) as holds_checking,
        coalesce(p.holds_savings, false) as holds_savings,
        coalesce(p.holds_credit_card, false) as holds_credit_card,
        coalesce(p.holds_mortgage, false) as holds_mortgage,
        coalesce(p.holds_personal_loan, false) as holds_personal_loan,
        coalesce(p.holds_investment, false) as holds_investment,
        coalesce(p.holds_insurance, false) as holds_insurance,
        coalesce(p.deposit_balance, cast(0 as decimal(18, 2))) as deposit_balance,
        coalesce(p.investment_balance, cast(0 as decimal(18, 2))) as investment_balance,
        coalesce(p.loan_balance, cast(0 as decimal(18, 2))) as loan_balance,
        coalesce(p.card_balance, cast(0 as decimal(18, 2))) as card_balance,
        coalesce(p.card_limit, cast(0 as decimal(18, 2))) as card_limit,
        case
            when coalesce(p.card_limit, 0) > 0
                then cast(p.card_balance as double) / cast(p.card_limit as double)
        end as credit_utilisation,
        a.first_account_opened_on,
        a.last_account_opened_on,
        coalesce(m.mainframe_card_count, 0) as mainframe_card_count,
        m.card_minimum_due,
        m.card_max_days_past_due,
        m.card_last_statement_date
    from customers as c
    left join per_customer as p on p.customer_id = c.customer_id
    left join all_accounts as a on a.customer_id = c.customer_id
    left join mainframe_cards as m on m.customer_id = c.customer_id
)

select * from final
