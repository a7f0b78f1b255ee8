# EMR Serverless: one SPARK application (identity_link, aggregate_transactions)
# and one HIVE application (dim_customer_demographic). Job runs are started by
# the state machines with the execution role below.

locals {
  emr_applications = var.enable_emr_serverless ? { spark = "SPARK", hive = "HIVE" } : {}
  emr_log_uri      = "s3://${var.bucket_names["logs"]}/emr-serverless/"

  emr_statements = [
    {
      Sid    = "ReadOwnVersionOfEmrScriptsAndWheel"
      Effect = "Allow"
      Action = ["s3:GetObject"]
      Resource = [
        "${local.s3_arn["artifacts"]}/jobs/${var.artifact_version}/emr/*",
        "${local.s3_arn["artifacts"]}/wheel/${var.artifact_version}/*",
      ]
    },
    {
      Sid      = "ReadStage"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = "${local.s3_arn["stage"]}/*"
    },
    {
      # A table is written under its layer's .staging/ first, then moved into place
      # (c360.lake_files); materialized intermediate results are kept there too.
      Sid    = "WriteIntermediateAndAnalyticsTables"
      Effect = "Allow"
      Action = ["s3:PutObject", "s3:DeleteObject"]
      Resource = [
        "${local.s3_arn["stage"]}/int_*",
        "${local.s3_arn["stage"]}/.staging/*",
        "${local.s3_arn["analytics"]}/dim_*",
        "${local.s3_arn["analytics"]}/fct_*",
        "${local.s3_arn["analytics"]}/.staging/*",
      ]
    },
    {
      Sid    = "ReadWrittenAnalyticsTables"
      Effect = "Allow"
      Action = ["s3:GetObject"]
      Resource = [
        "${local.s3_arn["analytics"]}/dim_*",
        "${local.s3_arn["analytics"]}/fct_*",
        "${local.s3_arn["analytics"]}/.staging/*",
        # The Athena exports of the Iceberg dimensions dim_customer_preferences reads
        # (c360.orchestration.asl, Exports).
        "${local.s3_arn["analytics"]}/_exports/*/dim_customer_preferences/*",
      ]
    },
    {
      Sid      = "ListLayers"
      Effect   = "Allow"
      Action   = ["s3:ListBucket"]
      Resource = [local.s3_arn["stage"], local.s3_arn["analytics"]]
    },
    {
      Sid      = "WriteJobLogs"
      Effect   = "Allow"
      Action   = ["s3:PutObject"]
      Resource = "${local.s3_arn["logs"]}/emr-serverless/*"
    },
    {
      Sid    = "CatalogStageAndAnalytics"
      Effect = "Allow"
      Action = concat(local.catalog_read_actions, local.catalog_write_actions)
      Resource = [
        local.glue_catalog_arn,
        "${local.glue_arn_base}:database/${local.stage_db}",
        "${local.glue_arn_base}:database/${local.analytics_db}",
        "${local.glue_arn_base}:database/default",
        "${local.glue_arn_base}:table/${local.stage_db}/*",
        "${local.glue_arn_base}:table/${local.analytics_db}/*",
      ]
    },
    local.kms_use,
  ]
}

resource "aws_emrserverless_application" "this" {
  for_each = local.emr_applications

  name          = "${var.prefix}-${each.key}"
  release_label = var.emr_release_label
  type          = each.value
  architecture  = "ARM64"

  maximum_capacity {
    cpu    = var.emr_maximum_capacity.cpu
    memory = var.emr_maximum_capacity.memory
  }

  auto_start_configuration {
    enabled = true
  }

  auto_stop_configuration {
    enabled              = true
    idle_timeout_minutes = var.emr_idle_timeout_minutes
  }

  dynamic "network_configuration" {
    for_each = var.emr_network == null ? [] : [var.emr_network]
    content {
      subnet_ids         = network_configuration.value.subnet_ids
      security_group_ids = network_configuration.value.security_group_ids
    }
  }

  tags = var.tags
}

resource "aws_iam_role" "emr" {
  count = var.enable_emr_serverless ? 1 : 0

  name = "${var.prefix}-emr-serverless-job"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "emr-serverless.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "emr" {
  count = var.enable_emr_serverless ? 1 : 0

  name = "least-privilege"
  role = aws_iam_role.emr[0].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.emr_statements
  })
}
