"""What the Glue Python shell job imports must run on Python 3.9 (its only runtime)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from c360.resources import repo_root

GLUE_SHELL_FILES = (
    "jobs/glue/load_profiles.py",
    "src/c360/__init__.py",
    "src/c360/serving/__init__.py",
    "src/c360/serving/keys.py",
    "src/c360/serving/items.py",
    "src/c360/serving/loader.py",
    "src/c360/serving/source.py",
)


def test_load_profiles_job_and_what_it_imports_need_at_most_python_3_9() -> None:
    vermin = Path(sys.executable).with_name("vermin")
    files = [str(repo_root() / f) for f in GLUE_SHELL_FILES]
    done = subprocess.run([str(vermin), "-t=3.9-", "--no-tips", "--violations", *files],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_serving_modules_import_nothing_beyond_boto3_and_pyarrow() -> None:
    """No engine, no pipeline, no third-party package the Glue shell lacks."""
    allowed = {"boto3", "pyarrow", "c360"}
    stdlib = sys.stdlib_module_names
    for name in GLUE_SHELL_FILES:
        text = (repo_root() / name).read_text()
        for line in text.splitlines():
            words = line.split()
            if words[:1] == ["import"] or (words[:1] == ["from"] and "import" in words):
                top = words[1].split(".")[0]
                assert top in stdlib or top in allowed or top == "__future__", (name, line)
                assert not words[1].startswith(("c360.engine", "c360.pipeline")), (name, line)
