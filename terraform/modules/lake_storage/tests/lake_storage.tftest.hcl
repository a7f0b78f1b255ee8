# Security properties of the lake buckets, asserted on the plan with a mocked
# AWS provider (no credentials, no network).

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  prefix = "c360-test"
}

run "buckets_are_named_prefix_dash_layer" {
  command = plan

  assert {
    condition = output.bucket_names == {
      sources   = "c360-test-sources"
      raw       = "c360-test-raw"
      stage     = "c360-test-stage"
      analytics = "c360-test-analytics"
      sandbox   = "c360-test-sandbox"
      artifacts = "c360-test-artifacts"
      logs      = "c360-test-logs"
    }
    error_message = "Buckets must be named <prefix>-<layer>."
  }
}

run "suffix_makes_bucket_names_unique" {
  command = plan

  variables {
    bucket_name_suffix = "123456789012"
  }

  assert {
    condition     = aws_s3_bucket.this["raw"].bucket == "c360-test-raw-123456789012"
    error_message = "bucket_name_suffix must be appended as <prefix>-<layer>-<suffix>."
  }
}

run "data_buckets_use_sse_kms_and_logs_use_sse_s3" {
  command = plan

  assert {
    condition = alltrue([
      for l in ["sources", "raw", "stage", "analytics", "sandbox", "artifacts"] :
      one(one(aws_s3_bucket_server_side_encryption_configuration.this[l].rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    ])
    error_message = "Every data bucket must default to SSE-KMS."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this["logs"].rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "The access-log target bucket must use SSE-S3 (S3 server access logging does not deliver to SSE-KMS buckets)."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation == true
    error_message = "The lake CMK must rotate."
  }
}

run "public_access_is_blocked_everywhere" {
  command = plan

  assert {
    condition = length(aws_s3_bucket_public_access_block.this) == 7 && alltrue([
      for b in aws_s3_bucket_public_access_block.this :
      b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets
    ])
    error_message = "All four public access block settings must be true on all seven buckets."
  }
}

run "tls_only_policy_is_on_by_default" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_policy.this) == 7
    error_message = "Every bucket must carry a bucket policy by default."
  }

  assert {
    condition = alltrue([
      for l, p in aws_s3_bucket_policy.this : length([
        for s in jsondecode(p.policy).Statement : s
        if s.Effect == "Deny" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"
      ]) == 1
    ])
    error_message = "Every bucket policy must deny aws:SecureTransport = false."
  }

  assert {
    condition = alltrue(flatten([
      for p in aws_s3_bucket_policy.this : [
        for s in jsondecode(p.policy).Statement : s.Effect == "Deny" || !contains(flatten([s.Action]), "s3:*")
      ]
    ]))
    error_message = "Allow statements in bucket policies must not grant s3:*."
  }
}

run "tls_only_policy_can_be_switched_off" {
  command = plan

  variables {
    attach_deny_insecure_transport_policy = false
  }

  assert {
    condition     = keys(aws_s3_bucket_policy.this) == ["logs"]
    error_message = "Without the toggle only the logs bucket keeps its (log delivery) policy."
  }

  assert {
    condition     = length([for s in jsondecode(aws_s3_bucket_policy.this["logs"].policy).Statement : s if s.Effect == "Deny"]) == 0
    error_message = "The toggle must remove the TLS-only deny statement."
  }
}

run "versioning_logging_and_lifecycle" {
  command = plan

  assert {
    condition     = alltrue([for v in aws_s3_bucket_versioning.this : one(v.versioning_configuration).status == "Enabled"])
    error_message = "Versioning must be enabled on every bucket."
  }

  assert {
    condition     = toset(keys(aws_s3_bucket_logging.this)) == toset(["analytics", "artifacts", "raw", "sandbox", "sources", "stage"]) && alltrue([for l in aws_s3_bucket_logging.this : l.target_bucket == "c360-test-logs"])
    error_message = "Every data bucket must log its accesses to the logs bucket."
  }

  assert {
    condition = alltrue([
      for lc in aws_s3_bucket_lifecycle_configuration.this :
      length([for r in lc.rule : r if length(r.noncurrent_version_expiration) == 1]) == 1
    ])
    error_message = "Every bucket must expire noncurrent versions."
  }

  assert {
    condition = toset([
      for t in one([for r in aws_s3_bucket_lifecycle_configuration.this["raw"].rule : r if r.id == "raw-tiering"]).transition : t.storage_class
    ]) == toset(["STANDARD_IA", "GLACIER_IR"])
    error_message = "RAW must transition to STANDARD_IA then GLACIER_IR."
  }

  assert {
    condition = {
      for k, lc in aws_s3_bucket_lifecycle_configuration.this : k => [
        for r in lc.rule : [one(r.filter).prefix, one(r.expiration).days] if r.id == "expire-staging-leftovers"
      ] if length([for r in lc.rule : r if r.id == "expire-staging-leftovers"]) > 0
    } == { analytics = [[".staging/", 3]], stage = [[".staging/", 3]] }
    error_message = "The stage and analytics buckets expire what killed Spark writes left under .staging/ after staging_expiration_days (3)."
  }
}

run "staging_expiration_of_zero_days_is_rejected" {
  command = plan

  variables {
    staging_expiration_days = 0
  }

  expect_failures = [var.staging_expiration_days]
}

run "invalid_prefix_is_rejected" {
  command = plan

  variables {
    prefix = "C360_Bad"
  }

  expect_failures = [var.prefix]
}

# Apply against the mock provider (nothing is created) so the CMK ARN is known.
run "sse_uses_the_lake_cmk" {
  command = apply

  assert {
    condition = alltrue([
      for l in ["sources", "raw", "stage", "analytics", "sandbox", "artifacts"] :
      one(one(aws_s3_bucket_server_side_encryption_configuration.this[l].rule).apply_server_side_encryption_by_default).kms_master_key_id == aws_kms_key.this.arn
    ])
    error_message = "Data buckets must be encrypted with the module's CMK, not the AWS managed key."
  }
}
