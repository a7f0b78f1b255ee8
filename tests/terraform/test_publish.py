"""`make publish` (terraform/scripts/publish.py): dist/<version>/ → artifacts bucket keys.

The keys must be exactly those `terraform/modules/artifact_layout` computes
(Lambdas and jobs are created from them); the module is evaluated with
`terraform console` (no provider, no state, well under a second).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.terraform

ROOT = Path(__file__).resolve().parents[2]
VERSION = "0.1.0+abc1234"


def _publish_module() -> ModuleType:
    path = ROOT / "terraform" / "scripts" / "publish.py"
    spec = importlib.util.spec_from_file_location("c360_publish", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


publish = _publish_module()


def _layout(expression: str, tmp_path: Path) -> Any:
    """Evaluate `expression` in modules/artifact_layout for VERSION (terraform console)."""
    if not shutil.which("terraform"):
        if os.environ.get("C360_SKIP_TERRAFORM") == "1":
            pytest.skip("terraform is not installed and C360_SKIP_TERRAFORM=1")
        pytest.fail("terraform is not on PATH; set C360_SKIP_TERRAFORM=1 to skip explicitly",
                    pytrace=False)
    env = {k: v for k, v in os.environ.items() if k != "TF_CLI_CONFIG_FILE"}
    env["TF_DATA_DIR"] = str(tmp_path / ".terraform")
    # Its own (empty) state file: `console` locks the state, and two tests evaluating the
    # module at once (pytest-xdist workers) would otherwise both lock the module folder's
    # `terraform.tfstate` ("Error acquiring the state lock").
    proc = subprocess.run(
        ["terraform", f"-chdir={ROOT / 'terraform' / 'modules' / 'artifact_layout'}", "console",
         f"-state={tmp_path / 'terraform.tfstate'}",
         "-var", "artifacts_bucket=c360-test-artifacts", "-var", f"artifact_version={VERSION}"],
        input=f"jsonencode({expression})\n", capture_output=True, text=True, env=env,
        timeout=60, check=True)
    return json.loads(json.loads(proc.stdout))


def _build_folder(root: Path, relative_paths: list[str]) -> Path:
    dist = root / VERSION
    for relative in relative_paths:
        (dist / relative).parent.mkdir(parents=True, exist_ok=True)
        (dist / relative).write_bytes(relative.encode())
    (dist / "VERSION").write_text(VERSION + "\n")
    return dist


def test_publish_uses_exactly_the_keys_of_the_artifact_layout_module(tmp_path: Path) -> None:
    dist_keys: dict[str, str] = _layout("local.dist_keys", tmp_path)
    assert "lambdas/profile_api.zip" in dist_keys
    dist = _build_folder(tmp_path / "dist", [*dist_keys, "sql/athena/fct_contacts.sql"])

    keys = {path.relative_to(dist).as_posix(): key
            for path, key in publish.artifact_keys(dist, VERSION)}

    # Athena models are not in dist_keys; the module's output athena_sql_prefix
    # is "sql/<version>/athena/".
    assert keys == {**dist_keys,
                    "sql/athena/fct_contacts.sql": f"sql/{VERSION}/athena/fct_contacts.sql"}


def test_publish_reads_the_version_the_build_wrote(tmp_path: Path) -> None:
    dist = _build_folder(tmp_path / "dist", ["lambdas/crm_api.zip"])
    (dist / "VERSION").write_text("0.1.0+fromfile\n")

    assert publish.read_version(dist) == "0.1.0+fromfile"
    assert [key for _, key in publish.artifact_keys(dist, publish.read_version(dist))] == [
        "lambdas/0.1.0+fromfile/crm_api.zip"]


def test_publish_refuses_a_folder_without_lambda_zips(tmp_path: Path) -> None:
    dist = _build_folder(tmp_path / "dist", ["jobs/glue/conform.py"])

    with pytest.raises(publish.PublishError, match="no lambdas"):
        publish.artifact_keys(dist, VERSION)


def test_publish_puts_each_file_under_its_key_and_leaves_the_version_marker_out(
        tmp_path: Path) -> None:
    dist = _build_folder(tmp_path / "dist",
                         ["lambdas/crm_api.zip", "wheel/c360-0.1.0-py3-none-any.whl"])
    puts: dict[str, bytes] = {}

    class RecordingS3:
        def put_object(self, Bucket: str, Key: str, Body: Any) -> None:  # noqa: N803 - boto3 names
            assert Bucket == "c360-test-artifacts"
            puts[Key] = Body.read()

    written = publish.publish(dist, "c360-test-artifacts", client=RecordingS3())

    assert puts == {
        f"lambdas/{VERSION}/crm_api.zip": b"lambdas/crm_api.zip",
        f"wheel/{VERSION}/c360-0.1.0-py3-none-any.whl": b"wheel/c360-0.1.0-py3-none-any.whl",
    }
    assert written == sorted(puts)


def test_every_artifact_the_layout_expects_has_its_source_in_the_repository(
        tmp_path: Path) -> None:
    """What Terraform deploys is what `make build` can make: a job script or Lambda the
    layout names but the repository lacks would only fail when AWS runs it."""
    dist_keys: dict[str, str] = _layout("local.dist_keys", tmp_path)
    sources = {
        relative: (ROOT / "lambdas" / Path(relative).stem / "handler.py"
                   if relative.startswith("lambdas/") else ROOT / relative)
        for relative in dist_keys if not relative.startswith("wheel/")
    }
    assert "jobs/glue/sandbox_export.py" in sources
    assert [relative for relative, source in sorted(sources.items())
            if not source.is_file()] == []
