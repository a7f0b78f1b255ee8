data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Glue/Athena names allow no hyphen: `c360-dev` -> `c360_dev_stage`.
  db_prefix = replace(var.prefix, "-", "_")
  layers    = ["raw", "stage", "analytics", "sandbox"]

  # --- Contracts -> Glue tables ---------------------------------------------
  contract_files = fileset(var.contracts_dir, "*.yaml")
  contracts = {
    for f in local.contract_files :
    yamldecode(file("${var.contracts_dir}/${f}")).dataset => yamldecode(file("${var.contracts_dir}/${f}"))
  }

  # Contract column type -> Glue (Hive) type. decimal(p,s) passes through.
  glue_types = {
    string    = "string"
    integer   = "int"
    bigint    = "bigint"
    double    = "double"
    boolean   = "boolean"
    date      = "date"
    timestamp = "timestamp"
  }
  pii_levels = ["none", "direct", "quasi"]

  stage_tables = {
    for ds, c in local.contracts : "stg_${ds}" => {
      dataset     = ds
      description = trimspace(try(c.description, ""))
      grain       = try(c.grain, "")
      keys        = try(c.keys, [])
      source      = try(c.source, "")
      raw_format  = try(c.raw.format, "")
      columns = [
        for col in c.columns : {
          name        = col.name
          type        = lookup(local.glue_types, lower(trimspace(col.type)), replace(lower(trimspace(col.type)), " ", ""))
          source_type = lower(trimspace(col.type))
          comment     = trimspace(try(col.description, ""))
          pii         = try(col.pii, "none")
        }
      ]
    }
  }
}

# --- Databases (one per layer) -------------------------------------------------

resource "aws_glue_catalog_database" "this" {
  for_each = toset(local.layers)

  name         = "${local.db_prefix}_${each.key}"
  description  = "c360 ${upper(each.key)} layer (${var.prefix})"
  location_uri = "s3://${var.bucket_names[each.key]}/"
  tags         = var.tags
}

# --- STAGE tables from contracts -----------------------------------------------

resource "aws_glue_catalog_table" "stage" {
  for_each = local.stage_tables

  name          = each.key
  database_name = aws_glue_catalog_database.this["stage"].name
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    EXTERNAL              = "TRUE"
    classification        = "parquet"
    "parquet.compression" = "SNAPPY"
    "c360.dataset"        = each.value.dataset
    "c360.source"         = each.value.source
    "c360.grain"          = each.value.grain
    "c360.keys"           = join(",", each.value.keys)
    "c360.raw_format"     = each.value.raw_format
  }

  partition_keys {
    name    = "ingest_date"
    type    = "string"
    comment = "Logical date of the ingest run (YYYY-MM-DD)."
  }

  storage_descriptor {
    location      = "s3://${var.bucket_names["stage"]}/${each.key}/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      name                  = "parquet"
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      parameters = {
        "serialization.format" = "1"
      }
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name       = columns.value.name
        type       = columns.value.type
        comment    = columns.value.comment
        parameters = columns.value.pii == "none" ? {} : { pii = columns.value.pii }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = can(regex("^[a-z][a-z0-9_]*$", each.value.dataset)) && each.value.dataset == "${each.value.source}_${trimprefix(each.value.dataset, "${each.value.source}_")}"
      error_message = "Contract ${each.value.dataset}: dataset must be lowercase <source>_<entity>."
    }
    precondition {
      condition = alltrue([
        for c in each.value.columns :
        contains(keys(local.glue_types), c.source_type) || can(regex("^decimal\\([0-9]+, ?[0-9]+\\)$", c.source_type))
      ])
      error_message = "Contract ${each.value.dataset}: column types must be string|integer|bigint|double|boolean|date|timestamp|decimal(p,s)."
    }
    precondition {
      condition     = alltrue([for c in each.value.columns : contains(local.pii_levels, c.pii)])
      error_message = "Contract ${each.value.dataset}: pii must be none|direct|quasi."
    }
  }
}

# --- Lake Formation ------------------------------------------------------------

# Role Lake Formation assumes to vend credentials for registered locations.
# A custom role (not the service-linked one) because the buckets use a CMK.
resource "aws_iam_role" "lake_formation" {
  count = var.enable_lake_formation ? 1 : 0

  name = "${var.prefix}-lakeformation-access"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lakeformation.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

locals {
  lake_bucket_arns = [for l in local.layers : "arn:${local.partition}:s3:::${var.bucket_names[l]}"]

  lake_formation_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListLayerBuckets"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucketLocation"]
        Resource = local.lake_bucket_arns
      },
      {
        Sid      = "ReadWriteLayerObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = [for a in local.lake_bucket_arns : "${a}/*"]
      },
      {
        Sid      = "UseLakeKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = var.kms_key_arn
      },
    ]
  })
}

resource "aws_iam_role_policy" "lake_formation" {
  count = var.enable_lake_formation ? 1 : 0

  name   = "lake-locations"
  role   = aws_iam_role.lake_formation[0].id
  policy = local.lake_formation_policy
}

resource "aws_lakeformation_resource" "this" {
  for_each = var.enable_lake_formation ? toset(local.layers) : toset([])

  arn      = "arn:${local.partition}:s3:::${var.bucket_names[each.key]}"
  role_arn = aws_iam_role.lake_formation[0].arn
}

# Data scientists read the masked SANDBOX copy, nothing else.
resource "aws_lakeformation_permissions" "sandbox_select" {
  for_each = var.enable_lake_formation ? toset(var.data_scientist_role_arns) : toset([])

  principal   = each.key
  permissions = ["SELECT", "DESCRIBE"]

  table {
    database_name = aws_glue_catalog_database.this["sandbox"].name
    wildcard      = true
  }
}

resource "aws_lakeformation_permissions" "sandbox_describe" {
  for_each = var.enable_lake_formation ? toset(var.data_scientist_role_arns) : toset([])

  principal   = each.key
  permissions = ["DESCRIBE"]

  database {
    name = aws_glue_catalog_database.this["sandbox"].name
  }
}
