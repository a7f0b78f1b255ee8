-- int_customer_changes: the customers the current run brought new data for.
-- Grain: one row per customer_id. EMR Spark step of the hourly schedule: the hourly
-- steps recompute only these customers and merge them into the previous output.
-- "New" = rows of stage tables whose raw file was landed by this run: RAW keeps the
-- run's first delivery of a dataset under :deliveries_<dataset>/ (relative to the RAW
-- root, as `_source_file` is) and a later one under :deliveries_<dataset>.<n>/, so a
-- rerun of the same run finds the same customers again: the merge is idempotent.
-- A prefix test, not a substring search: Parquet readers skip every row group whose
-- `_source_file` range cannot start with it (Spark 100k hourly: 8.7 s -> 3 s warm).
with crm as (
    select x.customer_id, 'crm' as change_source, c.updated_at as changed_at
    from stg_crm_customers as c
    join int_customer_xref as x
        on x.source_system = 'crm' and x.source_key = c.crm_customer_id
    where startswith(c._source_file, concat(:deliveries_crm_customers, '/'))
        or startswith(c._source_file, concat(:deliveries_crm_customers, '.'))
),

new_events as (
    select device_id, login_customer_number, received_at
    from stg_clickstream_events
    where startswith(_source_file, concat(:deliveries_clickstream_events, '/'))
        or startswith(_source_file, concat(:deliveries_clickstream_events, '.'))
),

device_events as (
    select x.customer_id, 'clickstream' as change_source, e.received_at as changed_at
    from new_events as e
    join int_customer_xref as x
        on x.source_system = 'clickstream_device' and x.source_key = e.device_id
),

login_events as (
    select x.customer_id, 'clickstream' as change_source, e.received_at as changed_at
    from new_events as e
    join int_customer_xref as x
        on x.source_system = 'core_banking'
        and x.source_key = cast(e.login_customer_number as string)
),

changes as (
    select * from crm
    union all
    select * from device_events
    union all
    select * from login_events
),

final as (
    select
        customer_id,
        array_join(array_sort(collect_set(change_source)), ',') as change_sources,
        count(*) as changed_records,
        max(changed_at) as last_changed_at
    from changes
    group by customer_id
)

select * from final
