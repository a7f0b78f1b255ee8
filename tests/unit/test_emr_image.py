"""The EMR Serverless SPARK application's image (jobs/emr/image/Dockerfile) agrees with
what runs on it: the Python c360 requires, the release Terraform deploys, the Python
the state machines run the steps with, and the libraries the EMR steps import.

The image itself is built by `make emr-image`, which needs a Docker engine (none here):
these tests read the files that must agree, they do not build it.
"""

from __future__ import annotations

import re
import tomllib

from c360.orchestration import asl
from c360.resources import repo_root

ROOT = repo_root()
DOCKERFILE = (ROOT / "jobs" / "emr" / "image" / "Dockerfile").read_text(encoding="utf-8")


def _instructions(keyword: str) -> list[str]:
    """The Dockerfile's `keyword` instructions, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in joined.splitlines()
            if line.split(None, 1)[:1] == [keyword]]


def test_the_image_adds_the_python_c360_requires_where_the_steps_look_for_it() -> None:
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11,<3.12"
    assert asl.EMR_PYTHON == "/usr/bin/python3.11"
    (install_python, install_wheel) = _instructions("RUN")
    assert install_python == "dnf install -y python3.11 python3.11-pip && dnf clean all"
    assert install_wheel.startswith("python3.11 -m pip install --no-cache-dir ")


def test_the_image_installs_the_wheel_with_the_identity_extra_and_checks_the_imports() -> None:
    (_, install_wheel) = _instructions("RUN")
    assert '"$(ls /tmp/wheel/c360-*-py3-none-any.whl)[identity]"' in install_wheel
    # what jobs/emr/*.py import, checked at build time with the image's Python
    assert install_wheel.endswith(
        'python3.11 -c "import c360.dimensions.jobs, c360.identity.job, splink"')
    identity_extra = tomllib.loads((ROOT / "pyproject.toml").read_text())[
        "project"]["optional-dependencies"]["identity"]
    assert [d.split("==")[0] for d in identity_extra] == ["splink"]


def test_the_base_image_is_emr_serverless_own_for_the_release_terraform_deploys() -> None:
    default_release = re.search(r'variable "emr_release_label" \{.*?default\s*=\s*"([^"]+)"',
                                (ROOT / "terraform/modules/processing/variables.tf").read_text(),
                                re.S)
    makefile_release = re.search(r"^EMR_RELEASE \?= (\S+)$",
                                 (ROOT / "Makefile").read_text(), re.M)
    assert default_release and makefile_release
    assert _instructions("ARG")[0] == f"EMR_RELEASE={default_release.group(1)}"
    assert makefile_release.group(1) == default_release.group(1)
    assert _instructions("FROM") == ["public.ecr.aws/emr-serverless/spark/${EMR_RELEASE}:latest"]


def test_the_image_installs_as_root_and_runs_the_jobs_as_hadoop() -> None:
    assert _instructions("USER") == ["root", "hadoop:hadoop"]
