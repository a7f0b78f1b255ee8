"""The engine tests run on three lakes (`engine_on_any_lake`): DuckDB and Spark on local
folders (the local runner), and Spark on the same folders given as `file://` URIs
(the Glue and EMR jobs' path)."""

from __future__ import annotations

import pytest


@pytest.fixture
def engine(engine_on_any_lake):
    return engine_on_any_lake
