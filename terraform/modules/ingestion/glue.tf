# Core banking extract: JDBC connection, DB credentials secret, Glue Spark job.

# --- Secret (generated password, never a literal) -----------------------------

data "aws_secretsmanager_random_password" "db" {
  password_length     = 32
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "db" {
  #checkov:skip=CKV2_AWS_57:Rotation needs a rotation Lambda bound to the database user; the password is generated here, and rotation is tracked as follow-up work (docs/terraform.md).
  name                    = "${var.prefix}/core-banking/extract"
  description             = "Credentials of the read-only user the extract_core_banking Glue job connects with."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({
    engine   = "postgres"
    host     = var.core_banking_db.host
    port     = var.core_banking_db.port
    dbname   = var.core_banking_db.database
    username = var.core_banking_db.username
    password = data.aws_secretsmanager_random_password.db.random_password
  })

  lifecycle {
    # The data source draws a new password on every plan; keep the first one
    # (rotation, not Terraform, changes it afterwards).
    ignore_changes = [secret_string]
  }
}

# --- Glue connection and job --------------------------------------------------

locals {
  glue_job_name         = "${var.prefix}-extract-core-banking"
  glue_security_config  = "${var.prefix}-ingestion"
  glue_connection_name  = "${var.prefix}-core-banking"
  glue_log_group_prefix = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/*"
  glue_connection_arn   = "arn:${local.partition}:glue:${local.region}:${local.account_id}:connection/${local.glue_connection_name}"
  glue_catalog_arn      = "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog"

  # RAW root of the four core_banking_<table> datasets (raw paths core_banking/<table>).
  glue_raw_root = "core_banking"
  glue_datasets = [for d, s in local.datasets : d if s.writer == "extract_core_banking"]
  glue_raw_list_prefixes = concat(
    [
      "${local.glue_raw_root}/*",
      "_checkpoints/${local.glue_raw_root}_*",
      "_ledger/${local.glue_raw_root}_*",
      "_quarantine/${local.glue_raw_root}/*",
    ],
    local.erasure_ledger_keys,
  )

  glue_statements = concat(
    [
      {
        Sid      = "ReadOwnVersionOfScriptsAndWheel"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = [for p in module.artifacts.job_read_prefixes : "${local.artifacts_arn}/${p}"]
      },
      {
        # Spark writes each table's delivery in place under core_banking/<table>/
        # (overwriting an unfinished attempt); manifests and, on erasure, the
        # rewritten files too. Bookmarks: _checkpoints/core_banking_<table>.json
        # and .pending.json (deleted once committed).
        Sid    = "ReadWriteDeleteOwnRawObjects"
        Effect = "Allow"
        Action = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = [
          "${local.raw_arn}/${local.glue_raw_root}/*",
          "${local.raw_arn}/_checkpoints/${local.glue_raw_root}_*",
        ]
      },
      {
        Sid      = "ReadWriteOwnLedger"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "${local.raw_arn}/_ledger/${local.glue_raw_root}_*"
      },
      {
        # free_run_folder reads a quarantine manifest before it picks the run
        # folder (the JDBC extract never quarantines); and the erasure ledger.
        Sid    = "ReadQuarantineManifestsAndErasureLedger"
        Effect = "Allow"
        Action = ["s3:GetObject"]
        Resource = concat(
          ["${local.raw_arn}/_quarantine/${local.glue_raw_root}/*"],
          [for p in local.erasure_ledger_keys : "${local.raw_arn}/${p}"],
        )
      },
      {
        # Also makes S3 answer 404, not 403, for absent bookmarks and manifests.
        Sid       = "ListOwnRawKeys"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = local.raw_arn
        Condition = { StringLike = { "s3:prefix" = local.glue_raw_list_prefixes } }
      },
      {
        Sid      = "ReadDbSecret"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        Resource = aws_secretsmanager_secret.db.arn
      },
      {
        Sid      = "UseLakeKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = var.kms_key_arn
      },
      {
        Sid      = "WriteJobLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"]
        Resource = [local.glue_log_group_prefix, "${local.glue_log_group_prefix}:*"]
      },
      {
        Sid      = "UseOwnConnection"
        Effect   = "Allow"
        Action   = ["glue:GetConnection"]
        Resource = [local.glue_catalog_arn, local.glue_connection_arn]
      },
      {
        # cloudwatch:PutMetricData has no resource-level permissions; the
        # namespace condition confines it to Glue's metrics.
        Sid       = "PublishGlueMetricsNoResourceLevel"
        Effect    = "Allow"
        Action    = ["cloudwatch:PutMetricData"]
        Resource  = "*"
        Condition = { StringEquals = { "cloudwatch:namespace" = "Glue" } }
      },
    ],
    [for s in [
      {
        # Glue creates ENIs in the connection's subnet. EC2 Describe* and
        # CreateNetworkInterface do not support resource-level scoping here.
        Sid    = "VpcNetworkInterfacesNoResourceLevel"
        Effect = "Allow"
        Action = [
          "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
          "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
          "ec2:DescribeSecurityGroups", "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables",
          "ec2:DescribeVpcAttribute",
        ]
        Resource = "*"
      },
      {
        Sid       = "TagGlueNetworkInterfaces"
        Effect    = "Allow"
        Action    = ["ec2:CreateTags", "ec2:DeleteTags"]
        Resource  = "arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"
        Condition = { "ForAllValues:StringEquals" = { "aws:TagKeys" = ["aws-glue-service-resource"] } }
      },
    ] : s if var.glue_connection_network != null],
  )
}

resource "aws_glue_connection" "this" {
  name            = local.glue_connection_name
  description     = "Core banking PostgreSQL (credentials in Secrets Manager)"
  connection_type = "JDBC"

  connection_properties = {
    JDBC_CONNECTION_URL = "jdbc:postgresql://${var.core_banking_db.host}:${var.core_banking_db.port}/${var.core_banking_db.database}"
    SECRET_ID           = aws_secretsmanager_secret.db.name
    JDBC_ENFORCE_SSL    = tostring(var.jdbc_enforce_ssl)
  }

  dynamic "physical_connection_requirements" {
    for_each = var.glue_connection_network == null ? [] : [var.glue_connection_network]
    content {
      subnet_id              = physical_connection_requirements.value.subnet_id
      security_group_id_list = physical_connection_requirements.value.security_group_ids
      availability_zone      = physical_connection_requirements.value.availability_zone
    }
  }

  tags = var.tags
}

resource "aws_glue_security_configuration" "this" {
  name = local.glue_security_config

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
  name = "${var.prefix}-extract-core-banking-glue"
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
  name = "least-privilege"
  role = aws_iam_role.glue.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.glue_statements
  })
}

resource "aws_glue_job" "this" {
  name                   = local.glue_job_name
  description            = "Incremental JDBC extract of core banking tables into RAW (${var.artifact_version})"
  role_arn               = aws_iam_role.glue.arn
  glue_version           = "5.0"
  worker_type            = var.glue_worker_type
  number_of_workers      = var.glue_number_of_workers
  timeout                = var.glue_timeout_minutes
  max_retries            = 0
  connections            = [aws_glue_connection.this.name]
  security_configuration = aws_glue_security_configuration.this.name

  command {
    name            = "glueetl"
    python_version  = "3"
    script_location = module.artifacts.glue_script_uris["extract_core_banking"]
  }

  # The state machines extract the four tables as parallel runs of this job
  # (`--table <t>`, one stage): each run keeps its own bookmark.
  execution_property {
    max_concurrent_runs = var.glue_max_concurrent_runs
  }

  # What jobs/glue/extract_core_banking.py reads (c360.ingest.aws.glue_arguments);
  # the state machines add --dataset, --table, --logical-date and --run-id.
  # Incremental through its own bookmarks in RAW (_checkpoints/), so Glue job
  # bookmarks stay off.
  default_arguments = {
    "--job-language"                     = "python"
    "--job-bookmark-option"              = "job-bookmark-disable"
    "--enable-continuous-cloudwatch-log" = "true"
    "--enable-metrics"                   = "true"
    "--additional-python-modules"        = module.artifacts.wheel_uri
    "--c360-raw-bucket"                  = var.raw_bucket
    "--c360-secret-id"                   = aws_secretsmanager_secret.db.name
    "--partitions"                       = tostring(var.glue_jdbc_partitions)
    "--c360-artifact-version"            = var.artifact_version
  }

  tags = merge(var.tags, { artifact_version = var.artifact_version })

  lifecycle {
    precondition {
      condition     = alltrue([for d in local.glue_datasets : startswith(local.datasets[d].raw_path, "${local.glue_raw_root}/") && startswith(d, "${local.glue_raw_root}_")])
      error_message = "The extract job's IAM covers ${local.glue_raw_root}/ and ${local.glue_raw_root}_* keys only."
    }
  }

  depends_on = [aws_iam_role_policy.glue]
}
