data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  suffix     = var.bucket_name_suffix == "" ? "" : "-${var.bucket_name_suffix}"

  # Data layers (ARCHITECTURE §4), the build artifacts bucket and `sources`,
  # where the sources deliver (file drops, the simulated CRM's pages; the
  # ingestion reads it, RAW stays writable by the ingestion only). Every one of
  # them is KMS-encrypted with the lake CMK and logs its accesses to `logs`.
  data_layers = ["sources", "raw", "stage", "analytics", "sandbox", "artifacts"]
  layers      = concat(local.data_layers, ["logs"])

  bucket_names = { for l in local.layers : l => "${var.prefix}-${l}${local.suffix}" }
  # ARNs built from names (not read back from the resource) so policies are
  # known at plan time and reviewable in `terraform plan`.
  bucket_arns = { for l, n in local.bucket_names : l => "arn:${local.partition}:s3:::${n}" }

  deny_insecure_transport = {
    for l in local.layers : l => {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      # A Deny on every S3 action is the point of this statement.
      Action    = "s3:*"
      Resource  = [local.bucket_arns[l], "${local.bucket_arns[l]}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
  }

  # Server access log delivery (the logging service principal writes, scoped to
  # our source buckets and account; no ACLs: ownership is BucketOwnerEnforced).
  allow_access_log_delivery = {
    Sid       = "AllowS3ServerAccessLogDelivery"
    Effect    = "Allow"
    Principal = { Service = "logging.s3.amazonaws.com" }
    Action    = "s3:PutObject"
    Resource  = "${local.bucket_arns["logs"]}/s3/*"
    Condition = {
      ArnLike      = { "aws:SourceArn" = [for l in local.data_layers : local.bucket_arns[l]] }
      StringEquals = { "aws:SourceAccount" = local.account_id }
    }
  }

  # Security toggles compose into one policy document per bucket.
  bucket_policy_statements = {
    for l in local.layers : l => concat(
      var.attach_deny_insecure_transport_policy ? [local.deny_insecure_transport[l]] : [],
      l == "logs" ? [local.allow_access_log_delivery] : [],
    )
  }
  bucket_policies = {
    for l, s in local.bucket_policy_statements : l => jsonencode({
      Version   = "2012-10-17"
      Statement = s
    }) if length(s) > 0
  }
}

# --- KMS -------------------------------------------------------------------

resource "aws_kms_key" "this" {
  description             = "${var.prefix} data lake CMK (S3 layers, logs, secrets, DynamoDB, Athena results)"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = local.kms_key_policy
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.prefix}-lake"
  target_key_id = aws_kms_key.this.key_id
}

locals {
  kms_key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Delegates key use to IAM policies in this account (the usual key
        # policy), with the actions enumerated instead of kms:*.
        # Resource "*" in a key policy means "this key" (required by KMS).
        Sid       = "AccountAdministersAndDelegatesToIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action = [
          "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
          "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
          "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
          "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
          "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
        ]
        Resource = "*"
      },
      {
        # CloudWatch Logs encrypts log groups of this account/region only.
        Sid       = "AllowCloudWatchLogsOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
          }
        }
      },
    ]
  })
}

# --- Buckets ---------------------------------------------------------------

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is a DR decision per deployment; RAW is re-ingestable from the sources and versioning protects against deletes.
  #checkov:skip=CKV2_AWS_62:Event notifications are sent to EventBridge for the data buckets (aws_s3_bucket_notification.this); the logs bucket needs none.
  for_each = local.bucket_names

  bucket        = each.value
  force_destroy = var.force_destroy
  tags          = merge(var.tags, { layer = each.key })
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.bucket
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = aws_s3_bucket.this

  bucket                  = each.value.bucket
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.bucket
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.bucket
  rule {
    # S3 server access logging only delivers to SSE-S3 (AES256) target
    # buckets; every other bucket uses the lake CMK.
    apply_server_side_encryption_by_default {
      sse_algorithm     = each.key == "logs" ? "AES256" : "aws:kms"
      kms_master_key_id = each.key == "logs" ? null : aws_kms_key.this.arn
    }
    bucket_key_enabled = each.key != "logs"
  }
}

resource "aws_s3_bucket_logging" "this" {
  for_each = { for l in local.data_layers : l => aws_s3_bucket.this[l] }

  bucket        = each.value.bucket
  target_bucket = aws_s3_bucket.this["logs"].bucket
  target_prefix = "s3/${each.value.bucket}/"
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.bucket

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  dynamic "rule" {
    for_each = each.key == "raw" ? [1] : []
    content {
      id     = "raw-tiering"
      status = "Enabled"
      filter {}

      transition {
        days          = var.raw_transition_to_ia_days
        storage_class = "STANDARD_IA"
      }
      transition {
        days          = var.raw_transition_to_glacier_ir_days
        storage_class = "GLACIER_IR"
      }
    }
  }

  dynamic "rule" {
    for_each = each.key == "logs" ? [1] : []
    content {
      id     = "expire-access-logs"
      status = "Enabled"
      filter {}

      expiration {
        days = var.log_expiration_days
      }
    }
  }

  dynamic "rule" {
    for_each = each.key == "analytics" ? [1] : []
    content {
      id     = "expire-athena-exports"
      status = "Enabled"
      filter {
        prefix = "_exports/"
      }

      expiration {
        days = var.export_expiration_days
      }
    }
  }

  dynamic "rule" {
    for_each = contains(["stage", "analytics"], each.key) ? [1] : []
    content {
      id     = "expire-staging-leftovers"
      status = "Enabled"
      filter {
        prefix = ".staging/"
      }

      expiration {
        days = var.staging_expiration_days
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_policy" "this" {
  for_each = local.bucket_policies

  bucket = aws_s3_bucket.this[each.key].bucket
  policy = each.value

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_notification" "this" {
  for_each = var.enable_eventbridge_notifications ? toset(local.data_layers) : toset([])

  bucket      = aws_s3_bucket.this[each.key].bucket
  eventbridge = true
}
