# Glue databases and STAGE tables generated from data contracts, Lake
# Formation grants — asserted on the plan with a mocked AWS provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  prefix        = "c360-test"
  contracts_dir = "tests/fixtures/contracts"
  kms_key_arn   = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
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
    condition     = [for p in aws_glue_catalog_table.stage["stg_crm_customers"].partition_keys : "${p.name}:${p.type}"] == ["ingest_date:string"]
    error_message = "STAGE tables are partitioned by ingest_date (string)."
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
