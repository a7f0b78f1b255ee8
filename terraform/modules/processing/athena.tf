# Athena workgroup: enforced result location in the analytics bucket, SSE-KMS
# with the lake CMK, engine v3 (Trino SQL of sql/athena/*.sql).

locals {
  athena_results_uri = "s3://${var.bucket_names["analytics"]}/${var.athena_results_prefix}"
}

resource "aws_athena_workgroup" "this" {
  count = var.enable_athena ? 1 : 0

  name          = "${var.prefix}-analytics"
  description   = "c360 dimension and profile SQL (Trino), results encrypted with the lake CMK"
  force_destroy = var.force_destroy

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location       = local.athena_results_uri
      expected_bucket_owner = local.account_id

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }

  tags = var.tags
}
