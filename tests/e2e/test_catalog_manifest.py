"""catalog/model_tables.json (the Glue model tables Terraform creates) matches the code."""

from __future__ import annotations

import shutil

from c360.orchestration import catalog
from c360.resources import repo_root

from .conftest import LOGICAL_DATE


def test_committed_manifest_equals_the_one_the_code_produces(duckdb_run, sources, tmp_path):
    """The session's daily lake (copied) plus the rest of `RUN_SCHEDULES` give what
    `make catalog-manifest` writes; a stale file fails here."""
    assert catalog.RUN_SCHEDULES[0] == "daily"  # what the duckdb_run fixture ran
    settings, _ = duckdb_run
    lake_root = tmp_path / "lake"
    shutil.copytree(settings.lake_root, lake_root)
    catalog.run_schedules(lake_root, sources, catalog.RUN_SCHEDULES[1:], LOGICAL_DATE)
    produced = catalog.to_json(catalog.build_manifest(lake_root))
    committed = (repo_root() / catalog.MANIFEST_PATH).read_text(encoding="utf-8")
    assert produced == committed, "catalog/model_tables.json is stale: run `make catalog-manifest`"
