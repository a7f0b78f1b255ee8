# EMR Serverless: one SPARK application (identity_link, aggregate_transactions)
# and one HIVE application (dim_customer_demographic). Job runs are started by
# the state machines with the execution role below.
#
# The SPARK application runs on an image of its own (jobs/emr/image/Dockerfile:
# EMR's runtime + Python 3.11 + this version's c360 wheel and its dependencies),
# pushed by `make emr-image` to the repository below, tagged with the artifact
# version: EMR 7.x's own Python (3.9) has neither c360's Python nor its libraries.

locals {
  emr_applications    = var.enable_emr_serverless ? { spark = "SPARK", hive = "HIVE" } : {}
  emr_log_uri         = "s3://${var.bucket_names["logs"]}/emr-serverless/"
  emr_spark_image_tag = coalesce(var.emr_spark_image_tag, replace(var.artifact_version, "+", "-"))

  emr_statements = [
    {
      # The entry points and Hive queries; c360 itself is in the SPARK image.
      Sid      = "ReadOwnVersionOfEmrScripts"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = "${local.s3_arn["artifacts"]}/jobs/${var.artifact_version}/emr/*"
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

resource "aws_ecr_repository" "emr_spark" {
  count = var.enable_emr_serverless ? 1 : 0

  name                 = "${var.prefix}-emr-spark"
  image_tag_mutability = "IMMUTABLE" # a tag is an artifact version: never pushed twice
  force_delete         = var.force_destroy

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = var.tags
}

# EMR Serverless pulls the image itself (not the job role), for this account's
# applications only.
resource "aws_ecr_repository_policy" "emr_spark" {
  count = var.enable_emr_serverless ? 1 : 0

  repository = aws_ecr_repository.emr_spark[0].name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EmrServerlessPullsTheSparkImage"
      Effect    = "Allow"
      Principal = { Service = "emr-serverless.amazonaws.com" }
      Action    = ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]
      Condition = {
        StringLike = {
          "aws:SourceArn" = "arn:${local.partition}:emr-serverless:${local.region}:${local.account_id}:/applications/*"
        }
      }
    }]
  })
}

resource "aws_emrserverless_application" "this" {
  for_each = local.emr_applications

  name          = "${var.prefix}-${each.key}"
  release_label = var.emr_release_label
  type          = each.value
  architecture  = "ARM64"

  dynamic "image_configuration" {
    for_each = each.value == "SPARK" ? [local.emr_spark_image_tag] : []
    content {
      image_uri = "${aws_ecr_repository.emr_spark[0].repository_url}:${image_configuration.value}"
    }
  }

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
