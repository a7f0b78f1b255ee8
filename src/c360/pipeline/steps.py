"""The c360 pipeline, declared once: each domain contributes its steps.

Every step is named after the table it produces; the local runner and the
Step Functions generator both read `build_steps()`.
"""

from __future__ import annotations

from c360.conform.steps import conform_steps
from c360.dimensions.steps import analytics_steps
from c360.identity.steps import identity_steps
from c360.ingest.steps import ingest_steps
from c360.pipeline.definition import Step


def build_steps() -> list[Step]:
    """The whole pipeline, in declaration order."""
    return [*ingest_steps(), *conform_steps(), *identity_steps(), *analytics_steps()]
