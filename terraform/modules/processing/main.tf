data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

module "artifacts" {
  source = "../artifact_layout"

  artifacts_bucket = var.bucket_names["artifacts"]
  artifact_version = var.artifact_version
  package_version  = var.package_version
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  s3_arn = { for l, n in var.bucket_names : l => "arn:${local.partition}:s3:::${n}" }

  glue_arn_base    = "arn:${local.partition}:glue:${local.region}:${local.account_id}"
  glue_catalog_arn = "${local.glue_arn_base}:catalog"
  stage_db         = var.database_names["stage"]
  analytics_db     = var.database_names["analytics"]
  sandbox_db       = var.database_names["sandbox"]
  profiles_arn     = "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${var.profiles_table_name}"

  glue_log_groups = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/*"

  artifact_read = {
    Sid      = "ReadOwnVersionOfScriptsAndWheel"
    Effect   = "Allow"
    Action   = ["s3:GetObject"]
    Resource = [for p in module.artifacts.job_read_prefixes : "${local.s3_arn["artifacts"]}/${p}"]
  }
  kms_use = {
    Sid      = "UseLakeKey"
    Effect   = "Allow"
    Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    Resource = var.kms_key_arn
  }
  glue_logs = {
    Sid      = "WriteJobLogs"
    Effect   = "Allow"
    Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"]
    Resource = [local.glue_log_groups, "${local.glue_log_groups}:*"]
  }
  # cloudwatch:PutMetricData has no resource-level permissions; the namespace
  # condition confines it to Glue's metrics.
  glue_metrics = {
    Sid       = "PublishGlueMetricsNoResourceLevel"
    Effect    = "Allow"
    Action    = ["cloudwatch:PutMetricData"]
    Resource  = "*"
    Condition = { StringEquals = { "cloudwatch:namespace" = "Glue" } }
  }

  catalog_read_actions  = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"]
  catalog_write_actions = ["glue:CreateTable", "glue:UpdateTable", "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:DeletePartition", "glue:BatchDeletePartition"]

  # conform: RAW (read) -> stg_* / quarantine_* (write, partition overwrite).
  conform_statements = [
    local.artifact_read,
    # Only the datasets' folders (c360.conform.run.raw_files): never the erasure key,
    # the ingest ledger or the whole-file quarantine. The folder's own key too: Hadoop's
    # S3 file system asks for it (HEAD) before listing, and a 403 there would fail the
    # listing instead of reading as "no such object".
    {
      Sid      = "ReadRawDatasets"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = flatten([for p in var.raw_dataset_paths : ["${local.s3_arn["raw"]}/${p}", "${local.s3_arn["raw"]}/${p}/*"]])
    },
    {
      Sid      = "ListRawDatasets"
      Effect   = "Allow"
      Action   = ["s3:ListBucket"]
      Resource = [local.s3_arn["raw"]]
      Condition = {
        StringLike = { "s3:prefix" = flatten([for p in var.raw_dataset_paths : [p, "${p}/*"]]) }
      }
    },
    {
      # A table is written under the layer's .staging/ first, then moved into place;
      # the conform's parsed rows are kept there between its writes (c360.lake_files).
      Sid    = "WriteStageTables"
      Effect = "Allow"
      Action = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      Resource = [
        "${local.s3_arn["stage"]}/stg_*",
        "${local.s3_arn["stage"]}/quarantine_*",
        "${local.s3_arn["stage"]}/.staging/*",
      ]
    },
    {
      Sid      = "ListStage"
      Effect   = "Allow"
      Action   = ["s3:ListBucket"]
      Resource = local.s3_arn["stage"]
    },
    {
      Sid    = "StageCatalog"
      Effect = "Allow"
      Action = concat(local.catalog_read_actions, local.catalog_write_actions)
      Resource = [
        local.glue_catalog_arn,
        "${local.glue_arn_base}:database/${local.stage_db}",
        "${local.glue_arn_base}:table/${local.stage_db}/stg_*",
        "${local.glue_arn_base}:table/${local.stage_db}/quarantine_*",
      ]
    },
    local.kms_use,
    local.glue_logs,
    local.glue_metrics,
  ]

  # load_profiles (jobs/glue/load_profiles.py -> c360.serving.source/loader):
  # lists the snapshot_date= partitions of the profile snapshot the state machine
  # had Athena UNLOAD under _exports/<execution>/ddb_customer_profile/ (the
  # Iceberg table itself is not such a folder tree; without --c360-export-prefix:
  # c360_customer_profile/) and reads their Parquet straight from S3 (no
  # catalog), then BatchGetItem (stored lookup keys) and BatchWriteItem (put
  # profiles and lookups, delete stale lookups).
  load_profiles_statements = [
    local.artifact_read,
    {
      Sid    = "ReadProfileTable"
      Effect = "Allow"
      Action = ["s3:GetObject"]
      Resource = [
        "${local.s3_arn["analytics"]}/c360_customer_profile/*",
        "${local.s3_arn["analytics"]}/_exports/*/ddb_customer_profile/c360_customer_profile/*",
      ]
    },
    {
      Sid       = "ListProfileTable"
      Effect    = "Allow"
      Action    = ["s3:ListBucket"]
      Resource  = local.s3_arn["analytics"]
      Condition = { StringLike = { "s3:prefix" = ["c360_customer_profile/*", "_exports/*/ddb_customer_profile/c360_customer_profile/*"] } }
    },
    {
      Sid      = "ReadStoredLookupKeys"
      Effect   = "Allow"
      Action   = ["dynamodb:BatchGetItem"]
      Resource = local.profiles_arn
    },
    {
      Sid      = "WriteProfiles"
      Effect   = "Allow"
      Action   = ["dynamodb:BatchWriteItem"]
      Resource = local.profiles_arn
    },
    local.kms_use,
    local.glue_logs,
    local.glue_metrics,
  ]

  # sandbox_export: ANALYTICS tables (read) -> masked sbx_* copies in SANDBOX.
  sandbox_export_statements = [
    local.artifact_read,
    {
      Sid      = "ReadAnalytics"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:ListBucket"]
      Resource = [local.s3_arn["analytics"], "${local.s3_arn["analytics"]}/*"]
    },
    {
      Sid      = "WriteSandboxTables"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      Resource = "${local.s3_arn["sandbox"]}/sbx_*"
    },
    {
      Sid      = "ListSandbox"
      Effect   = "Allow"
      Action   = ["s3:ListBucket"]
      Resource = local.s3_arn["sandbox"]
    },
    {
      Sid      = "ReadAnalyticsCatalog"
      Effect   = "Allow"
      Action   = local.catalog_read_actions
      Resource = [local.glue_catalog_arn, "${local.glue_arn_base}:database/${local.analytics_db}", "${local.glue_arn_base}:table/${local.analytics_db}/*"]
    },
    {
      Sid      = "SandboxCatalog"
      Effect   = "Allow"
      Action   = concat(local.catalog_read_actions, local.catalog_write_actions)
      Resource = [local.glue_catalog_arn, "${local.glue_arn_base}:database/${local.sandbox_db}", "${local.glue_arn_base}:table/${local.sandbox_db}/sbx_*"]
    },
    {
      Sid      = "ReadMaskingKey"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = aws_secretsmanager_secret.sandbox_key.arn
    },
    local.kms_use,
    local.glue_logs,
    local.glue_metrics,
  ]

  glue_jobs = {
    conform = {
      name        = "${var.prefix}-conform"
      description = "RAW -> STAGE conformance driven by the data contracts"
      statements  = local.conform_statements
    }
    load_profiles = {
      name        = "${var.prefix}-load-profiles"
      description = "c360_customer_profile -> DynamoDB profiles table"
      statements  = local.load_profiles_statements
    }
    sandbox_export = {
      name        = "${var.prefix}-sandbox-export"
      description = "Masked sbx_* copies of analytics tables for data scientists"
      statements  = local.sandbox_export_statements
    }
  }

  # Glue Python shell jobs (Python 3.9 only) and their own arguments. Both read
  # and write Parquet with pyarrow: the `analytics` library set provides it.
  # The state machines add --logical-date and --run-id (load_profiles serves
  # that day's snapshot_date= partition) and, for sandbox_export, --table.
  python_shell_arguments = {
    load_profiles = {
      "--c360-analytics-bucket" = var.bucket_names["analytics"]
      "--c360-profiles-table"   = var.profiles_table_name
    }
    sandbox_export = {
      "--c360-analytics-bucket"      = var.bucket_names["analytics"]
      "--c360-analytics-database"    = local.analytics_db
      "--c360-sandbox-bucket"        = var.bucket_names["sandbox"]
      "--c360-sandbox-database"      = local.sandbox_db
      "--c360-sandbox-key-secret-id" = aws_secretsmanager_secret.sandbox_key.name
    }
  }
}

resource "aws_glue_security_configuration" "this" {
  name = "${var.prefix}-processing"

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = var.kms_key_arn
    }
    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = var.kms_key_arn
    }
    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = var.kms_key_arn
    }
  }
}

resource "aws_iam_role" "glue" {
  for_each = local.glue_jobs

  name = "${each.value.name}-glue"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "glue.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "glue" {
  for_each = local.glue_jobs

  name = "least-privilege"
  role = aws_iam_role.glue[each.key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = each.value.statements
  })
}

resource "aws_glue_job" "conform" {
  name                   = local.glue_jobs.conform.name
  description            = "${local.glue_jobs.conform.description} (${var.artifact_version})"
  role_arn               = aws_iam_role.glue["conform"].arn
  glue_version           = "5.0"
  worker_type            = var.conform_worker_type
  number_of_workers      = var.conform_number_of_workers
  timeout                = var.job_timeout_minutes
  max_retries            = 0
  security_configuration = aws_glue_security_configuration.this.name

  command {
    name            = "glueetl"
    python_version  = "3"
    script_location = module.artifacts.glue_script_uris["conform"]
  }

  # One run per dataset, all in one stage of the state machines (9 today): a
  # lower limit only queues runs behind Glue.ConcurrentRunsExceededException.
  execution_property {
    max_concurrent_runs = var.glue_max_concurrent_runs["conform"]
  }

  default_arguments = {
    "--job-language"                     = "python"
    "--job-bookmark-option"              = "job-bookmark-disable"
    "--enable-glue-datacatalog"          = "true"
    "--enable-continuous-cloudwatch-log" = "true"
    "--enable-metrics"                   = "true"
    "--additional-python-modules"        = module.artifacts.wheel_uri
    "--conf"                             = "spark.sql.sources.partitionOverwriteMode=dynamic"
    # The lake's layers (c360.dimensions.jobs.parse_step_args needs all four).
    "--c360-raw-bucket"       = var.bucket_names["raw"]
    "--c360-stage-bucket"     = var.bucket_names["stage"]
    "--c360-analytics-bucket" = var.bucket_names["analytics"]
    "--c360-sandbox-bucket"   = var.bucket_names["sandbox"]
    "--c360-stage-database"   = local.stage_db
    "--c360-artifact-version" = var.artifact_version
  }

  tags = merge(var.tags, { artifact_version = var.artifact_version })

  depends_on = [aws_iam_role_policy.glue]
}

# Glue Python shell exists only for Python 3.9: these jobs get their own wheel,
# the c360 modules they import (3.9-compatible, checked by vermin), declared for
# Python >= 3.9 with no dependencies (`analytics` provides pyarrow and boto3);
# pip there refuses the shared wheel (Python 3.11, pins without 3.9 builds).
resource "aws_glue_job" "python_shell" {
  for_each = local.python_shell_arguments

  name                   = local.glue_jobs[each.key].name
  description            = "${local.glue_jobs[each.key].description} (${var.artifact_version})"
  role_arn               = aws_iam_role.glue[each.key].arn
  glue_version           = "3.0"
  max_capacity           = 0.0625
  timeout                = var.job_timeout_minutes
  max_retries            = 0
  security_configuration = aws_glue_security_configuration.this.name

  command {
    name            = "pythonshell"
    python_version  = "3.9"
    script_location = module.artifacts.glue_script_uris[each.key]
  }

  execution_property {
    max_concurrent_runs = var.glue_max_concurrent_runs[each.key]
  }

  default_arguments = merge(each.value, {
    "--job-language"          = "python"
    "--library-set"           = "analytics"
    "--extra-py-files"        = module.artifacts.glue_shell_wheel_uri
    "--c360-artifact-version" = var.artifact_version
    "--enable-metrics"        = "true"
  })

  tags = merge(var.tags, { artifact_version = var.artifact_version })

  depends_on = [aws_iam_role_policy.glue]
}

# HMAC key of the sandbox masking (generated, never a literal).
data "aws_secretsmanager_random_password" "sandbox_key" {
  password_length     = 64
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "sandbox_key" {
  #checkov:skip=CKV2_AWS_57:Rotating the masking key changes every pseudonym in the sandbox; it is rotated deliberately (new secret version + sandbox rebuild), not on a timer.
  name                    = "${var.prefix}/sandbox/masking-key"
  description             = "HMAC key sandbox_export uses to pseudonymise PII in sbx_* tables."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "sandbox_key" {
  secret_id     = aws_secretsmanager_secret.sandbox_key.id
  secret_string = data.aws_secretsmanager_random_password.sandbox_key.random_password

  lifecycle {
    # The data source draws a new value on every plan; keep the first one.
    ignore_changes = [secret_string]
  }
}
