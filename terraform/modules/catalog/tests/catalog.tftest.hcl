# Glue databases and STAGE tables generated from data contracts, Lake
# Formation grants — asserted on the plan with a mocked AWS provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  prefix        = "c360-test"
  contracts_dir = "tests/fixtures/contracts"
  # One model table per kind: Athena (Iceberg, with and without snapshot_date),
  # EMR Spark with a snapshot_date partition, EMR Hive, an int_ table, a sbx_ table.
  model_tables_file = "tests/fixtures/model_tables/model_tables.json"
  kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  bucket_names = {
    raw       = "c360-test-raw"
    stage     = "c360-test-stage"
    analytics = "c360-test-analytics"
    sandbox   = "c360-test-sandbox"
  }
  data_scientist_role_arns = ["arn:aws:iam::123456789012:role/data-scientist"]
}

run "one_database_per_layer" {
  command = plan

  assert {
    condition = output.database_names == {
      raw       = "c360_test_raw"
      stage     = "c360_test_stage"
      analytics = "c360_test_analytics"
      sandbox   = "c360_test_sandbox"
    }
    error_message = "Glue databases must be <prefix>_<layer> with hyphens as underscores."
  }
}

run "one_stage_table_per_contract" {
  command = plan

  assert {
    condition     = output.stage_table_names == tolist(["stg_core_banking_transactions", "stg_crm_customers"])
    error_message = "Each contract must produce exactly one stg_<dataset> table."
  }

  assert {
    condition     = output.raw_dataset_paths == tolist(["core_banking/transactions", "crm/customers"])
    error_message = "raw_dataset_paths lists each contract's raw.path (what conform may read)."
  }

  assert {
    condition     = alltrue([for t in aws_glue_catalog_table.stage : t.database_name == "c360_test_stage"])
    error_message = "STAGE tables belong to the stage database."
  }

  assert {
    condition     = one(aws_glue_catalog_table.stage["stg_crm_customers"].storage_descriptor).location == "s3://c360-test-stage/stg_crm_customers/"
    error_message = "A STAGE table lives at s3://<stage bucket>/stg_<dataset>/."
  }

  assert {
    condition     = one(one(aws_glue_catalog_table.stage["stg_crm_customers"].storage_descriptor).ser_de_info).serialization_library == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    error_message = "STAGE tables use the Parquet SerDe."
  }

  assert {
    condition     = alltrue([for t in aws_glue_catalog_table.stage : length(t.partition_keys) == 0])
    error_message = "STAGE tables are unpartitioned, as conform writes them (a partition key with no registered partition reads no rows)."
  }
}

run "column_types_map_to_glue_types" {
  command = plan

  assert {
    condition = {
      for c in one(aws_glue_catalog_table.stage["stg_core_banking_transactions"].storage_descriptor).columns : c.name => c.type
      } == {
      transaction_id = "bigint"
      amount         = "decimal(18,2)"
      booked_at      = "timestamp"
      is_credit      = "boolean"
      fx_rate        = "double"
    }
    error_message = "Contract types must map to Glue types (decimal passes through)."
  }

  assert {
    condition = {
      for c in one(aws_glue_catalog_table.stage["stg_crm_customers"].storage_descriptor).columns : c.name => c.type
    }["visits"] == "int"
    error_message = "integer must map to Glue int."
  }
}

run "pii_columns_carry_a_pii_parameter" {
  command = plan

  assert {
    condition = {
      for c in one(aws_glue_catalog_table.stage["stg_crm_customers"].storage_descriptor).columns : c.name => lookup(c.parameters, "pii", "none")
      } == {
      crm_customer_id = "none"
      email           = "direct"
      birth_date      = "quasi"
      visits          = "none"
    }
    error_message = "Columns with pii direct|quasi must carry parameter pii; others none."
  }
}

run "data_scientists_get_select_on_sandbox_only" {
  command = plan

  assert {
    condition     = length(aws_lakeformation_permissions.sandbox_select) == 1 && one(values(aws_lakeformation_permissions.sandbox_select)[0].table).database_name == "c360_test_sandbox"
    error_message = "Data scientists must get table permissions on the sandbox database."
  }

  assert {
    condition     = one(values(aws_lakeformation_permissions.sandbox_select)[0].table).wildcard == true && toset(values(aws_lakeformation_permissions.sandbox_select)[0].permissions) == toset(["SELECT", "DESCRIBE"])
    error_message = "The sandbox grant is SELECT + DESCRIBE on all sandbox tables."
  }

  assert {
    condition     = alltrue([for p in aws_lakeformation_permissions.sandbox_describe : toset(p.permissions) == toset(["DESCRIBE"]) && one(p.database).name == "c360_test_sandbox"])
    error_message = "The only database-level grant is DESCRIBE on the sandbox database."
  }

  assert {
    condition     = length(aws_lakeformation_resource.this) == 4
    error_message = "All four layer buckets must be registered with Lake Formation."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.lake_formation[0].policy).Statement : [
        for a in flatten([s.Action]) : a != "*" && !endswith(a, ":*")
      ]
    ]))
    error_message = "The Lake Formation role policy must not grant wildcard actions."
  }
}

run "lake_formation_can_be_switched_off" {
  command = plan

  variables {
    enable_lake_formation = false
  }

  assert {
    condition     = length(aws_lakeformation_resource.this) == 0 && length(aws_lakeformation_permissions.sandbox_select) == 0 && length(aws_iam_role.lake_formation) == 0
    error_message = "enable_lake_formation = false must create no Lake Formation resources."
  }
}

run "unknown_column_type_is_rejected" {
  command = plan

  variables {
    contracts_dir = "tests/fixtures/bad_type"
  }

  expect_failures = [aws_glue_catalog_table.stage]
}

# The repository's own contracts (contracts/*.yaml) must all map to Glue.
run "repository_contracts_map_to_glue_tables" {
  command = plan

  variables {
    contracts_dir = "../../../contracts"
  }

  assert {
    condition     = length(output.stage_table_names) == length(fileset("../../../contracts", "*.yaml"))
    error_message = "Every contract in contracts/ must produce one stg_<dataset> table."
  }
}

# --- Model tables from the generated manifest (model_tables_file) ----------------

run "athena_written_tables_are_iceberg" {
  command = plan

  assert {
    condition     = toset(keys(aws_glue_catalog_table.iceberg)) == toset(["c360_customer_profile", "dim_customer_loyalty"])
    error_message = "Exactly the tables whose writer is athena must be Iceberg tables."
  }

  assert {
    condition     = alltrue([for n, t in output.model_tables : (t.writer == "athena") == (t.format == "iceberg")])
    error_message = "output model_tables: format is iceberg exactly when the writer is athena."
  }

  assert {
    condition = alltrue([
      for t in aws_glue_catalog_table.iceberg :
      one(one(t.open_table_format_input).iceberg_input).metadata_operation == "CREATE" && one(one(t.open_table_format_input).iceberg_input).version == "2"
    ])
    error_message = "Iceberg tables are created by Glue (IcebergInput CREATE, format version 2)."
  }

  assert {
    condition     = alltrue([for t in aws_glue_catalog_table.iceberg : t.database_name == "c360_test_analytics" && t.table_type == "EXTERNAL_TABLE"])
    error_message = "Athena writes the analytics database only."
  }

  assert {
    condition     = one(aws_glue_catalog_table.iceberg["c360_customer_profile"].storage_descriptor).location == "s3://c360-test-analytics/c360_customer_profile/"
    error_message = "A model table lives at s3://<layer bucket>/<table>/."
  }

  # Glue refuses partition keys on an Iceberg table (provider 5.100 has no partition
  # spec): the snapshot key is the last ordinary column, as the model selects it.
  assert {
    condition     = length(aws_glue_catalog_table.iceberg["c360_customer_profile"].partition_keys) == 0
    error_message = "Iceberg tables are created unpartitioned."
  }

  assert {
    condition = [
      for c in one(aws_glue_catalog_table.iceberg["c360_customer_profile"].storage_descriptor).columns : "${c.name}:${c.type}"
    ] == ["customer_id:string", "deposit_balance:decimal(18,2)", "snapshot_date:date"]
    error_message = "An Iceberg table's columns are the manifest's columns, then its partition keys."
  }
}

run "spark_snapshot_table_has_partition_projection" {
  command = plan

  assert {
    condition     = [for p in aws_glue_catalog_table.parquet["fct_balances_daily"].partition_keys : "${p.name}:${p.type}"] == ["snapshot_date:date"]
    error_message = "A Spark-written snapshot table is partitioned by snapshot_date (date)."
  }

  assert {
    condition = aws_glue_catalog_table.parquet["fct_balances_daily"].parameters == tomap({
      EXTERNAL                                 = "TRUE"
      classification                           = "parquet"
      "parquet.compression"                    = "SNAPPY"
      "c360.step"                              = "fct_balances_daily"
      "c360.writer"                            = "emr_spark"
      "c360.resource"                          = "run_model"
      "c360.schedules"                         = "daily,weekly"
      "projection.enabled"                     = "true"
      "projection.snapshot_date.type"          = "date"
      "projection.snapshot_date.format"        = "yyyy-MM-dd"
      "projection.snapshot_date.range"         = "NOW-3YEARS,NOW"
      "projection.snapshot_date.interval"      = "1"
      "projection.snapshot_date.interval.unit" = "DAYS"
      "storage.location.template"              = "s3://c360-test-analytics/fct_balances_daily/snapshot_date=$${snapshot_date}"
    })
    error_message = "snapshot_date is projected (date, yyyy-MM-dd, NOW-relative range) onto the snapshot_date=<d> folders."
  }

  assert {
    condition     = [for c in one(aws_glue_catalog_table.parquet["fct_balances_daily"].storage_descriptor).columns : c.name] == ["customer_id", "balance", "booked_at"]
    error_message = "A Parquet table's partition key is not among its columns."
  }

  assert {
    condition     = one(one(aws_glue_catalog_table.parquet["fct_balances_daily"].storage_descriptor).ser_de_info).serialization_library == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    error_message = "Spark-written tables use the Parquet SerDe."
  }
}

run "projection_range_start_is_a_variable" {
  command = plan

  variables {
    partition_projection_range_start = "2025-01-01"
  }

  assert {
    condition     = aws_glue_catalog_table.parquet["fct_balances_daily"].parameters["projection.snapshot_date.range"] == "2025-01-01,NOW"
    error_message = "partition_projection_range_start starts the projected range."
  }
}

run "unpartitioned_parquet_tables_have_no_projection" {
  command = plan

  assert {
    condition = aws_glue_catalog_table.parquet["dim_customer_demographic"].parameters == tomap({
      EXTERNAL              = "TRUE"
      classification        = "parquet"
      "parquet.compression" = "SNAPPY"
      "c360.step"           = "dim_customer_demographic"
      "c360.writer"         = "emr_hive"
      "c360.resource"       = "dim_customer_demographic"
      "c360.schedules"      = "daily,weekly"
    })
    error_message = "A table without partition keys has no projection parameters."
  }

  assert {
    condition     = aws_glue_catalog_table.parquet["int_identity_events"].database_name == "c360_test_stage" && one(aws_glue_catalog_table.parquet["int_identity_events"].storage_descriptor).location == "s3://c360-test-stage/int_identity_events/"
    error_message = "int_ tables belong to the stage database and bucket."
  }

  assert {
    condition = {
      for c in one(aws_glue_catalog_table.parquet["int_identity_events"].storage_descriptor).columns : c.name => c.type
    }["previous_customer_ids"] == "array<string>"
    error_message = "Nested Glue types pass through."
  }
}

run "sandbox_tables_are_unpartitioned_parquet_in_the_sandbox_database" {
  command = plan

  assert {
    condition     = keys(aws_glue_catalog_table.sandbox) == ["sbx_c360_customer_profile"]
    error_message = "sbx_ tables are the sandbox resources."
  }

  assert {
    condition     = aws_glue_catalog_table.sandbox["sbx_c360_customer_profile"].database_name == "c360_test_sandbox" && length(aws_glue_catalog_table.sandbox["sbx_c360_customer_profile"].partition_keys) == 0
    error_message = "The sandbox export registers its tables unpartitioned in the sandbox database."
  }

  assert {
    condition     = one(aws_glue_catalog_table.sandbox["sbx_c360_customer_profile"].storage_descriptor).location == "s3://c360-test-sandbox/sbx_c360_customer_profile/"
    error_message = "sbx_<table> lives where sandbox_export writes it."
  }
}

run "one_glue_table_per_manifest_entry" {
  command = plan

  assert {
    condition     = length(output.model_tables) == length(jsondecode(file("tests/fixtures/model_tables/model_tables.json")).tables) && length(output.model_tables) == 6
    error_message = "Every manifest entry must produce one model table."
  }

  assert {
    condition     = length(aws_glue_catalog_table.iceberg) + length(aws_glue_catalog_table.parquet) + length(aws_glue_catalog_table.sandbox) == 6
    error_message = "Each model table is exactly one of iceberg, parquet or sandbox."
  }

  assert {
    condition = output.model_tables["fct_balances_daily"] == {
      database       = "c360_test_analytics"
      format         = "parquet"
      location       = "s3://c360-test-analytics/fct_balances_daily/"
      writer         = "emr_spark"
      partition_keys = ["snapshot_date"]
    }
    error_message = "output model_tables gives database, format, location, writer and partition keys."
  }
}

run "parquet_partition_keys_other_than_dates_are_rejected" {
  command = plan

  variables {
    model_tables_file = "tests/fixtures/model_tables/string_partition.json"
  }

  expect_failures = [aws_glue_catalog_table.parquet]
}

run "a_layer_the_name_prefix_contradicts_is_rejected" {
  command = plan

  variables {
    model_tables_file = "tests/fixtures/model_tables/int_in_analytics.json"
  }

  expect_failures = [aws_glue_catalog_table.parquet]
}

run "manifest_of_another_format_is_rejected" {
  command = plan

  variables {
    model_tables_file = "tests/fixtures/model_tables/format_2.json"
  }

  expect_failures = [var.model_tables_file]
}

run "projection_range_start_is_validated" {
  command = plan

  variables {
    partition_projection_range_start = "yesterday"
  }

  expect_failures = [var.partition_projection_range_start]
}

# The repository's manifest (catalog/model_tables.json, `make catalog-manifest`): one
# Glue table per entry, and every table the repository's state machines DELETE from
# and INSERT into with Athena is an Iceberg table of the analytics database.
run "repository_manifest_maps_to_glue_tables" {
  command = plan

  variables {
    model_tables_file = "../../../catalog/model_tables.json"
  }

  assert {
    condition     = length(output.model_tables) == length(jsondecode(file("../../../catalog/model_tables.json")).tables)
    error_message = "Every entry of catalog/model_tables.json must produce one Glue table."
  }

  assert {
    condition     = length(aws_glue_catalog_table.iceberg) + length(aws_glue_catalog_table.parquet) + length(aws_glue_catalog_table.sandbox) == length(jsondecode(file("../../../catalog/model_tables.json")).tables)
    error_message = "Each model table is exactly one Glue table resource."
  }

  assert {
    condition = length(distinct(flatten([
      for f in fileset("../../../stepfunctions", "*.asl.json") :
      regexall("DELETE FROM [^a-z$]*\\$\\{analytics_database\\}[^a-z]*\\.[^a-z]*([a-z0-9_]+)", file("../../../stepfunctions/${f}"))
    ]))) == length(aws_glue_catalog_table.iceberg)
    error_message = "There are as many Iceberg tables as tables the repository's Athena steps rewrite."
  }

  assert {
    condition = alltrue(flatten([
      for f in fileset("../../../stepfunctions", "*.asl.json") : [
        for m in regexall("(?:DELETE FROM|INSERT INTO) [^a-z$]*\\$\\{analytics_database\\}[^a-z]*\\.[^a-z]*([a-z0-9_]+)", file("../../../stepfunctions/${f}")) :
        contains(keys(aws_glue_catalog_table.iceberg), m[0]) && output.model_tables[m[0]].database == "c360_test_analytics"
      ]
    ]))
    error_message = "Every table an Athena step deletes from or inserts into must be an Iceberg table of the analytics database."
  }
}
