"""Reference floor, DuckDB: the core work written by hand, straight against the raw files.

Conform (type, reject untyped rows, deduplicate) core-banking customers, accounts and
transactions and the clickstream events; aggregate transactions per customer, month,
category and direction and events per session; one row per customer. This is the same
work as the pipeline steps stg_core_banking_{customers,accounts,transactions},
stg_clickstream_events, fct_transactions_monthly, fct_digital_sessions and
dim_customer_transactions, minus everything that makes them a pipeline (contracts,
quarantine reasons, identity, lineage). Prints one JSON line of stage timings.

    python bench/floor_duckdb.py --lake <lake root of a finished run> --out <scratch dir>
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import duckdb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    raw = args.lake / "raw"
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    con = duckdb.connect(config={"threads": args.threads})
    con.execute("set TimeZone = 'UTC'")
    timings: dict[str, float] = {}

    def stage(name: str, sql: str) -> None:
        started = time.perf_counter()
        con.execute(f"copy ({sql}) to '{args.out / name}.parquet' (format parquet, "
                    "compression snappy)")
        con.execute(f"create or replace view {name} as select * from "
                    f"'{args.out / name}.parquet'")
        timings[name] = round(time.perf_counter() - started, 3)

    def parquet(path: str) -> str:
        return f"read_parquet('{raw / path}/**/*.parquet', union_by_name = true)"

    stage("customers", f"""
        select * exclude (rn) from (
            select try_cast(customer_number as bigint) as customer_number,
                   try_cast(customer_since as date) as customer_since,
                   try_cast(updated_at as timestamptz) as updated_at,
                   row_number() over (partition by customer_number
                                      order by updated_at desc) as rn
            from {parquet('core_banking/customers')}
        ) where rn = 1 and customer_number is not null""")
    stage("accounts", f"""
        select * exclude (rn) from (
            select try_cast(account_id as bigint) as account_id,
                   try_cast(customer_number as bigint) as customer_number, product_code,
                   lower(status) as status, try_cast(balance as decimal(18, 2)) as balance,
                   row_number() over (partition by account_id order by updated_at desc) as rn
            from {parquet('core_banking/accounts')}
        ) where rn = 1 and account_id is not null""")
    stage("transactions", f"""
        select distinct on (transaction_id) * from (
            select try_cast(transaction_id as bigint) as transaction_id,
                   try_cast(account_id as bigint) as account_id,
                   try_cast(booked_at as timestamptz) as booked_at,
                   try_cast(amount as decimal(18, 2)) as amount, lower(direction) as direction,
                   lower(category) as category
            from {parquet('core_banking/transactions')}
        ) where transaction_id is not null and amount is not null""")
    stage("events", f"""
        select distinct on (event_id) * from (
            select event_id, try_cast(event_time as timestamptz) as event_time,
                   try_cast(received_at as timestamptz) as received_at, device_id, session_id,
                   lower(channel) as channel, lower(event_type) as event_type, product_type,
                   user_agent, try_cast(login_customer_number as bigint) as login_customer_number
            from read_json('{raw}/clickstream/events/**/*.jsonl.gz', format = 'newline_delimited',
                           ignore_errors = true,  -- a line cut off mid-write is skipped
                           columns = {{event_id: 'VARCHAR', event_time: 'VARCHAR',
                                      received_at: 'VARCHAR', device_id: 'VARCHAR',
                                      session_id: 'VARCHAR', channel: 'VARCHAR',
                                      event_type: 'VARCHAR', product_type: 'VARCHAR',
                                      user_agent: 'VARCHAR', login_customer_number: 'VARCHAR'}})
        ) where event_id is not null and event_time is not null
        order by event_id, received_at""")
    stage("transactions_monthly", """
        select a.customer_number, cast(date_trunc('month', t.booked_at) as date) as month,
               coalesce(t.category, 'uncategorized') as category, t.direction,
               count(*) as transaction_count,
               cast(sum(abs(t.amount)) as decimal(18, 2)) as total_amount
        from transactions t join accounts a using (account_id)
        group by all""")
    stage("sessions", """
        with owners as (
            select device_id, max(login_customer_number) as customer_number from events
            where event_type = 'login' group by device_id
        )
        select e.session_id, o.customer_number, min(e.event_time) as session_start,
               max(e.event_time) as session_end, count(*) as events,
               count_if(e.event_type = 'product_view') as product_views
        from events e join owners o using (device_id)
        where not regexp_matches(lower(e.user_agent), 'bot|crawler|spider|python-requests')
        group by all""")
    stage("customer_summary", """
        with spend as (
            select customer_number,
                   cast(sum(total_amount) filter (where direction = 'debit'
                        and month >= date '2026-08-01' and month < date '2026-11-01') / 3
                        as decimal(18, 2)) as avg_monthly_spend,
                   cast(sum(total_amount) filter (where direction = 'credit'
                        and month >= date '2026-08-01' and month < date '2026-11-01') / 3
                        as decimal(18, 2)) as avg_monthly_income,
                   count(distinct month) filter (where category = 'salary'
                        and month >= date '2026-07-01' and month < date '2026-11-01') >= 3
                        as salary_detected
            from transactions_monthly group by customer_number
        ),
        digital as (select customer_number, count(*) as sessions from sessions group by all)
        select c.customer_number, c.customer_since, s.avg_monthly_spend, s.avg_monthly_income,
               s.salary_detected, coalesce(d.sessions, 0) as sessions
        from customers c left join spend s using (customer_number)
        left join digital d using (customer_number)""")
    print(json.dumps({"engine": "duckdb", "stages": timings,
                      "seconds": round(sum(timings.values()), 3)}))


if __name__ == "__main__":
    main()
