"""RAW → STAGE: typed, deduplicated `stg_*` plus `quarantine_*` with reasons."""

from c360.conform.model import conform_sql
from c360.conform.run import ConformResult, conform_dataset

__all__ = ["ConformResult", "conform_dataset", "conform_sql"]
