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

  # Unpartitioned, as conform writes them: each run rewrites the whole table (an hourly
  # run adds batch files) straight under the table's folder. A partition key here would
  # make Athena and Hive read no rows at all (no partition is ever registered).
  storage_descriptor {
    location      = "s3://${var.bucket_names["stage"]}/${each.key}/"
    input_format  = local.parquet_storage.input_format
    output_format = local.parquet_storage.output_format

    ser_de_info {
      name                  = "parquet"
      serialization_library = local.parquet_storage.serde
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

# --- Model tables (int_, fct_, dim_, c360_, sbx_) from the generated manifest ---
#
# `model_tables_file` (catalog/model_tables.json) is generated from the pipeline
# declaration and a local run (`make catalog-manifest`, c360.orchestration.catalog):
# per table its layer, the step kind that writes it in AWS (`writer`), its columns
# and partition keys as Glue types. Three kinds of table follow from the writer:
#
# - `athena`: Iceberg. The Athena steps `DELETE` the logical date's rows, then
#   `INSERT` (c360.orchestration.asl.athena_statements); Athena deletes rows only
#   from Iceberg tables.
# - `sbx_*` (the Glue Python shell job sandbox_export): Parquet; the job re-registers
#   the table on every run (create, else update) with parameters of its own.
# - every other writer (EMR Spark, EMR Hive, Glue Spark): Parquet, partitioned as
#   the local run writes them, with Athena partition projection on date keys so a
#   new `snapshot_date=` folder needs no MSCK REPAIR or crawler.

locals {
  model_manifest = jsondecode(file(var.model_tables_file))

  model_tables = {
    for name, t in local.model_manifest.tables : name => {
      layer          = t.layer
      writer         = t.writer
      step           = t.step
      resource       = try(t.resource, "")
      schedules      = try(t.schedules, [])
      description    = try(t.description, "")
      columns        = [for c in t.columns : { name = c.name, type = c.type }]
      partition_keys = [for p in try(t.partition_keys, []) : { name = p.name, type = p.type }]
      format         = t.writer == "athena" ? "iceberg" : "parquet"
      location       = "s3://${var.bucket_names[t.layer]}/${name}/"
    }
  }
  iceberg_tables = { for n, t in local.model_tables : n => t if t.format == "iceberg" }
  sandbox_tables = { for n, t in local.model_tables : n => t if t.format == "parquet" && t.layer == "sandbox" }
  parquet_tables = { for n, t in local.model_tables : n => t if t.format == "parquet" && t.layer != "sandbox" }

  model_writers = ["athena", "emr_spark", "emr_hive", "glue_spark", "glue_python", "lambda"]
  model_layers  = { int = "stage", dim = "analytics", fct = "analytics", c360 = "analytics", sbx = "sandbox" }
  # Glue/Hive types the manifest may use (c360.sandbox.aws.glue_type produces them).
  glue_type_pattern = "^(string|boolean|tinyint|smallint|int|bigint|float|double|date|timestamp|binary|decimal\\([0-9]+,[0-9]+\\)|(array|struct|map)<.+>)$"

  model_parameters = {
    for n, t in local.model_tables : n => {
      "c360.step"      = t.step
      "c360.writer"    = t.writer
      "c360.resource"  = t.resource
      "c360.schedules" = join(",", t.schedules)
    }
  }

  # Athena partition projection, one set of parameters per date partition key.
  projection_parameters = {
    for n, t in local.parquet_tables : n => length(t.partition_keys) == 0 ? {} : merge(
      { "projection.enabled" = "true" },
      merge([
        for p in t.partition_keys : {
          "projection.${p.name}.type"          = "date"
          "projection.${p.name}.format"        = "yyyy-MM-dd"
          "projection.${p.name}.range"         = "${var.partition_projection_range_start},NOW"
          "projection.${p.name}.interval"      = "1"
          "projection.${p.name}.interval.unit" = "DAYS"
        }
      ]...),
      { "storage.location.template" = "${trimsuffix(t.location, "/")}/${join("/", [for p in t.partition_keys : "${p.name}=$${${p.name}}"])}" },
    )
  }

  parquet_table_parameters = {
    EXTERNAL              = "TRUE"
    classification        = "parquet"
    "parquet.compression" = "SNAPPY"
  }
  # Hive's Parquet formats and SerDe: every Parquet table here (stage, models, sandbox).
  parquet_storage = {
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    serde         = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
  }
}

# Iceberg tables, created by Glue from the columns (IcebergInput, metadata_operation
# CREATE). Unpartitioned on purpose: provider 5.100's `iceberg_input` has only
# `metadata_operation` and `version` (no partition spec), and Glue refuses
# `partition_keys` on an Iceberg table ("Cannot create partitions in an iceberg
# table", hashicorp/terraform-provider-aws#36531; partition specs came with Glue's
# CreateIcebergTableInput and provider 6.x, PR #46843). A table's partition keys are
# therefore ordinary columns, last, in the model's SELECT order (Athena's INSERT maps
# columns by position); `DELETE ... WHERE snapshot_date = DATE '<d>'` works the same.
# Athena maintains these tables after creation: each commit moves
# `metadata_location`, and the Glue UpdateTable the provider would send for a column
# change does not evolve the Iceberg metadata (terraform-provider-aws#36641). So
# later changes are ignored here; evolve an existing table's schema with Athena
# (`ALTER TABLE ... ADD COLUMNS`) or recreate it (`-replace`, which drops its rows).
resource "aws_glue_catalog_table" "iceberg" {
  for_each = local.iceberg_tables

  name          = each.key
  database_name = aws_glue_catalog_database.this[each.value.layer].name
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"
  parameters    = local.model_parameters[each.key]

  open_table_format_input {
    iceberg_input {
      metadata_operation = "CREATE"
      version            = "2"
    }
  }

  storage_descriptor {
    location = each.value.location

    dynamic "columns" {
      for_each = concat(each.value.columns, each.value.partition_keys)
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }

  lifecycle {
    ignore_changes = [parameters, storage_descriptor, open_table_format_input]

    precondition {
      condition     = each.value.layer == "analytics"
      error_message = "${each.key}: Athena steps write only ANALYTICS tables (they target the analytics database)."
    }
    precondition {
      condition     = lookup(local.model_layers, split("_", each.key)[0], "") == each.value.layer
      error_message = "${each.key}: its layer must be the one its name prefix says (int_ stage; dim_, fct_, c360_ analytics; sbx_ sandbox)."
    }
    precondition {
      condition     = alltrue([for c in concat(each.value.columns, each.value.partition_keys) : can(regex(local.glue_type_pattern, c.type))])
      error_message = "${each.key}: every column type must be a Glue/Hive type."
    }
  }
}

# Parquet tables written by EMR Spark, EMR Hive and Glue Spark (by path, under the
# layer bucket), owned by Terraform.
resource "aws_glue_catalog_table" "parquet" {
  for_each = local.parquet_tables

  name          = each.key
  database_name = aws_glue_catalog_database.this[each.value.layer].name
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"
  parameters    = merge(local.parquet_table_parameters, local.model_parameters[each.key], local.projection_parameters[each.key])

  dynamic "partition_keys" {
    for_each = each.value.partition_keys
    content {
      name = partition_keys.value.name
      type = partition_keys.value.type
    }
  }

  storage_descriptor {
    location      = each.value.location
    input_format  = local.parquet_storage.input_format
    output_format = local.parquet_storage.output_format

    ser_de_info {
      name                  = "parquet"
      serialization_library = local.parquet_storage.serde
      parameters = {
        "serialization.format" = "1"
      }
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }

  lifecycle {
    precondition {
      condition     = contains(local.model_writers, each.value.writer)
      error_message = "${each.key}: writer must be one of ${join(", ", local.model_writers)}."
    }
    precondition {
      condition     = lookup(local.model_layers, split("_", each.key)[0], "") == each.value.layer
      error_message = "${each.key}: its layer must be the one its name prefix says (int_ stage; dim_, fct_, c360_ analytics; sbx_ sandbox)."
    }
    precondition {
      condition     = alltrue([for p in each.value.partition_keys : p.type == "date"])
      error_message = "${each.key}: only date partition keys are supported (projected as yyyy-MM-dd)."
    }
    precondition {
      condition     = alltrue([for c in concat(each.value.columns, each.value.partition_keys) : can(regex(local.glue_type_pattern, c.type))])
      error_message = "${each.key}: every column type must be a Glue/Hive type."
    }
  }
}

# sbx_* tables: created here so they exist (and are dropped) with the stack; the
# sandbox_export job then updates each on every run (c360.sandbox.aws.register_table:
# the same Parquet SerDe, columns and location, no partition keys, and parameters of
# its own — the source, snapshot and run), so Terraform leaves the parameters to it.
resource "aws_glue_catalog_table" "sandbox" {
  for_each = local.sandbox_tables

  name          = each.key
  database_name = aws_glue_catalog_database.this["sandbox"].name
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"
  parameters    = merge(local.parquet_table_parameters, local.model_parameters[each.key])

  storage_descriptor {
    location      = each.value.location
    input_format  = local.parquet_storage.input_format
    output_format = local.parquet_storage.output_format

    ser_de_info {
      name                  = "parquet"
      serialization_library = local.parquet_storage.serde
      parameters = {
        "serialization.format" = "1"
      }
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }

  lifecycle {
    ignore_changes = [parameters, description]

    precondition {
      condition     = length(each.value.partition_keys) == 0
      error_message = "${each.key}: the sandbox export registers its tables without partition keys."
    }
    precondition {
      condition     = contains(local.model_writers, each.value.writer)
      error_message = "${each.key}: writer must be one of ${join(", ", local.model_writers)}."
    }
    precondition {
      condition     = lookup(local.model_layers, split("_", each.key)[0], "") == each.value.layer
      error_message = "${each.key}: its layer must be the one its name prefix says (int_ stage; dim_, fct_, c360_ analytics; sbx_ sandbox)."
    }
    precondition {
      condition     = alltrue([for c in each.value.columns : can(regex(local.glue_type_pattern, c.type))])
      error_message = "${each.key}: every column type must be a Glue/Hive type."
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
