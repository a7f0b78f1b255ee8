data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

module "artifacts" {
  source = "../artifact_layout"

  artifacts_bucket = var.artifacts_bucket
  artifact_version = var.artifact_version
  package_version  = var.package_version
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  artifacts_arn = "arn:${local.partition}:s3:::${var.artifacts_bucket}"
  raw_arn       = "arn:${local.partition}:s3:::${var.raw_bucket}"

  functions = toset(["crm_api", "crm_ingest", "mainframe_export", "file_drop_ingest"])
  # Lambda names use hyphens: <prefix>-crm-api.
  function_names = { for f in local.functions : f => "${var.prefix}-${replace(f, "_", "-")}" }
  function_arns  = { for f, n in local.function_names : f => "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${n}" }

  # --- What each writer does in RAW (c360.ingest.landing / checkpoints / store) ---
  #
  # Per dataset: data under `<raw path>/` (contracts/<dataset>.yaml raw.path),
  # whole-file quarantine under `_quarantine/<raw path>/`, the content-hash
  # ledger under `_ledger/<dataset>/`, and — for the incremental sources — the
  # checkpoint `_checkpoints/<dataset>.json` with its `.pending.json`. Every
  # landing also reads the erasure ledger (`_erasure/key`, `_erasure/requests/`)
  # so erased persons never land again. Drop folders are
  # c360.ingest.mainframe.DROPS, relative to the drop location.
  datasets = {
    crm_customers        = { writer = "crm_ingest", raw_path = "crm/customers", drop_folder = "", checkpoints = true }
    mainframe_loyalty    = { writer = "mainframe_export", raw_path = "mainframe/loyalty", drop_folder = "mainframe", checkpoints = false }
    mainframe_cards      = { writer = "mainframe_export", raw_path = "mainframe/cards", drop_folder = "mainframe", checkpoints = false }
    clickstream_events   = { writer = "file_drop_ingest", raw_path = "clickstream/events", drop_folder = "clickstream/events", checkpoints = false }
    call_center_contacts = { writer = "file_drop_ingest", raw_path = "call_center/contacts", drop_folder = "call_center", checkpoints = false }
    # The Glue job (glue.tf) writes these with Spark, under their common root.
    core_banking_customers    = { writer = "extract_core_banking", raw_path = "core_banking/customers", drop_folder = "", checkpoints = true }
    core_banking_accounts     = { writer = "extract_core_banking", raw_path = "core_banking/accounts", drop_folder = "", checkpoints = true }
    core_banking_products     = { writer = "extract_core_banking", raw_path = "core_banking/products", drop_folder = "", checkpoints = true }
    core_banking_transactions = { writer = "extract_core_banking", raw_path = "core_banking/transactions", drop_folder = "", checkpoints = true }
  }
  erasure_ledger_keys = ["_erasure/key", "_erasure/requests/*"]

  # Object key patterns per writing function: read/write/delete (data, quarantine,
  # checkpoints — deliveries clear unfinished attempts, pending checkpoints are
  # deleted once committed) and read/write (the ledger: never deleted).
  raw_read_write_delete = {
    for f in local.functions : f => flatten([
      for d, s in local.datasets : concat(
        ["${s.raw_path}/*", "_quarantine/${s.raw_path}/*"],
        s.checkpoints ? ["_checkpoints/${d}*"] : [],
      ) if s.writer == f
    ])
  }
  raw_read_write = {
    for f in local.functions : f => [for d, s in local.datasets : "_ledger/${d}/*" if s.writer == f]
  }
  # s3:ListBucket for every pattern read: listings, and S3 answers 404 (not 403)
  # for an absent key only when ListBucket allows that key as s3:prefix — the
  # first run reads absent checkpoints, manifests and the erasure key.
  raw_list_prefixes = {
    for f in local.functions : f => concat(local.raw_read_write_delete[f], local.raw_read_write[f], local.erasure_ledger_keys)
  }

  # --- Where the sources are (read only) -----------------------------------------
  drop_source = regex("^s3://([^/]+)/?(.*)$", var.file_drop_source_uri)
  drop_bucket = local.drop_source[0]
  drop_prefix = trim(local.drop_source[1], "/")
  drop_read_prefixes = {
    for f in local.functions : f => distinct([
      for d, s in local.datasets : (local.drop_prefix == "" ? "${s.drop_folder}/*" : "${local.drop_prefix}/${s.drop_folder}/*")
      if s.writer == f && s.drop_folder != ""
    ])
  }
  crm_source      = regex("^s3://([^/]+)/?(.*)$", var.crm_data_uri)
  crm_bucket      = local.crm_source[0]
  crm_prefix      = trim(local.crm_source[1], "/")
  crm_read_prefix = local.crm_prefix == "" ? "*" : "${local.crm_prefix}/*"

  source_reads = {
    for f in local.functions : f => (
      f == "crm_api" ? { bucket = local.crm_bucket, prefixes = [local.crm_read_prefix] } :
      length(local.drop_read_prefixes[f]) > 0 ? { bucket = local.drop_bucket, prefixes = local.drop_read_prefixes[f] } : null
    )
  }

  # Every variable c360.ingest.aws reads (`_require(env, ...)` and env.get).
  environment = {
    crm_api = merge(
      { C360_CRM_DATA_URI = var.crm_data_uri },
      var.crm_api_faults == null ? {} : { C360_CRM_FAULTS = var.crm_api_faults },
    )
    crm_ingest = merge(
      { C360_RAW_BUCKET = var.raw_bucket },
      var.crm_api_url == null ? { C360_CRM_API_FUNCTION = local.function_names["crm_api"] } : { C360_CRM_API_URL = var.crm_api_url },
    )
    mainframe_export = {
      C360_RAW_BUCKET           = var.raw_bucket
      C360_MAINFRAME_SOURCE_URI = var.file_drop_source_uri
    }
    file_drop_ingest = {
      C360_RAW_BUCKET           = var.raw_bucket
      C360_MAINFRAME_SOURCE_URI = var.file_drop_source_uri
    }
  }

  # Least privilege per function: the CMK, its own RAW objects (above), the
  # erasure ledger (read), its sources (read). The module lambda_function adds
  # WriteOwnLogs (its own log group) and XRayWriteNoResourceLevel in front.
  function_statements = {
    for f in local.functions : f => concat(
      [
        {
          Sid      = "DecryptEnvironmentAndWriteEncrypted"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = var.kms_key_arn
        },
      ],
      [for s in [
        {
          Sid      = "ReadWriteDeleteOwnRawObjects"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
          Resource = [for p in local.raw_read_write_delete[f] : "${local.raw_arn}/${p}"]
        },
        {
          Sid      = "ReadWriteOwnLedger"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject"]
          Resource = [for p in local.raw_read_write[f] : "${local.raw_arn}/${p}"]
        },
        {
          Sid      = "ReadErasureLedger"
          Effect   = "Allow"
          Action   = ["s3:GetObject"]
          Resource = [for p in local.erasure_ledger_keys : "${local.raw_arn}/${p}"]
        },
        {
          Sid       = "ListOwnRawKeys"
          Effect    = "Allow"
          Action    = ["s3:ListBucket"]
          Resource  = local.raw_arn
          Condition = { StringLike = { "s3:prefix" = local.raw_list_prefixes[f] } }
        },
      ] : s if length(local.raw_read_write[f]) > 0],
      [for s in [
        {
          Sid      = "ReadSourceObjects"
          Effect   = "Allow"
          Action   = ["s3:GetObject"]
          Resource = [for p in try(local.source_reads[f].prefixes, []) : "arn:${local.partition}:s3:::${try(local.source_reads[f].bucket, "")}/${p}"]
        },
        {
          Sid       = "ListSourceObjects"
          Effect    = "Allow"
          Action    = ["s3:ListBucket"]
          Resource  = "arn:${local.partition}:s3:::${try(local.source_reads[f].bucket, "")}"
          Condition = { StringLike = { "s3:prefix" = try(local.source_reads[f].prefixes, []) } }
        },
      ] : s if local.source_reads[f] != null],
      [for s in [
        {
          Sid      = "CallCrmApi"
          Effect   = "Allow"
          Action   = ["lambda:InvokeFunction"]
          Resource = local.function_arns["crm_api"]
        },
      ] : s if f == "crm_ingest" && var.crm_api_url == null],
    )
  }
}

# --- Lambdas -------------------------------------------------------------------

module "functions" {
  source   = "../lambda_function"
  for_each = local.function_names

  name                 = each.value
  description          = "c360 ${each.key}"
  artifact_version     = var.artifact_version
  artifacts_bucket     = var.artifacts_bucket
  s3_key               = module.artifacts.lambda_keys[each.key]
  runtime              = var.lambda_runtime
  handler              = var.lambda_handler
  memory_mb            = var.lambda_memory_mb
  timeout_seconds      = var.lambda_timeout_seconds
  reserved_concurrency = var.lambda_reserved_concurrency
  kms_key_arn          = var.kms_key_arn
  log_retention_days   = var.log_retention_days
  policy_statements    = local.function_statements[each.key]
  tags                 = var.tags

  environment = merge(local.environment[each.key], {
    C360_PREFIX           = var.prefix
    C360_ARTIFACT_VERSION = var.artifact_version
  })
}

moved {
  from = aws_cloudwatch_log_group.lambda["crm_api"]
  to   = module.functions["crm_api"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.lambda["crm_api"]
  to   = module.functions["crm_api"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.lambda["crm_api"]
  to   = module.functions["crm_api"].aws_iam_role_policy.this
}

moved {
  from = aws_lambda_function.this["crm_api"]
  to   = module.functions["crm_api"].aws_lambda_function.this
}

moved {
  from = aws_cloudwatch_log_group.lambda["crm_ingest"]
  to   = module.functions["crm_ingest"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.lambda["crm_ingest"]
  to   = module.functions["crm_ingest"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.lambda["crm_ingest"]
  to   = module.functions["crm_ingest"].aws_iam_role_policy.this
}

moved {
  from = aws_lambda_function.this["crm_ingest"]
  to   = module.functions["crm_ingest"].aws_lambda_function.this
}

moved {
  from = aws_cloudwatch_log_group.lambda["mainframe_export"]
  to   = module.functions["mainframe_export"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.lambda["mainframe_export"]
  to   = module.functions["mainframe_export"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.lambda["mainframe_export"]
  to   = module.functions["mainframe_export"].aws_iam_role_policy.this
}

moved {
  from = aws_lambda_function.this["mainframe_export"]
  to   = module.functions["mainframe_export"].aws_lambda_function.this
}

moved {
  from = aws_cloudwatch_log_group.lambda["file_drop_ingest"]
  to   = module.functions["file_drop_ingest"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.lambda["file_drop_ingest"]
  to   = module.functions["file_drop_ingest"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.lambda["file_drop_ingest"]
  to   = module.functions["file_drop_ingest"].aws_iam_role_policy.this
}

moved {
  from = aws_lambda_function.this["file_drop_ingest"]
  to   = module.functions["file_drop_ingest"].aws_lambda_function.this
}

# --- Schedules -----------------------------------------------------------------

resource "aws_iam_role" "scheduler" {
  count = length(var.schedules) > 0 ? 1 : 0

  name = "${var.prefix}-ingestion-scheduler"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "scheduler" {
  count = length(var.schedules) > 0 ? 1 : 0

  name = "invoke-scheduled-functions"
  role = aws_iam_role.scheduler[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "InvokeScheduledFunctions"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = [for f in keys(var.schedules) : local.function_arns[f]]
      },
      {
        Sid      = "UseLakeKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.kms_key_arn
      },
    ]
  })
}

resource "aws_scheduler_schedule" "this" {
  for_each = var.schedules

  name                         = local.function_names[each.key]
  description                  = "Runs ${each.key} on ${each.value}"
  schedule_expression          = each.value
  schedule_expression_timezone = var.schedule_timezone
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.functions[each.key].function_arn
    role_arn = aws_iam_role.scheduler[0].arn
    input    = jsonencode({ source = "schedule", schedule = each.key })

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }
}
