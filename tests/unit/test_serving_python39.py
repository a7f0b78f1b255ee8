"""What the Glue Python shell jobs import must run on Python 3.9 (their only runtime),
and reach them in a wheel pip installs there (`c360.build.build_glue_shell_wheel`)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from c360.build import GLUE_SHELL_JOBS, build_glue_shell_wheel, glue_shell_modules
from c360.resources import repo_root


def _shell_files() -> list[Path]:
    root = repo_root()
    return [*(root / "jobs" / "glue" / f"{j}.py" for j in GLUE_SHELL_JOBS),
            *glue_shell_modules(root)]


def test_the_shell_jobs_import_the_serving_and_sandbox_modules_and_nothing_else_of_c360(
        ) -> None:
    names = [str(p.relative_to(repo_root() / "src")) for p in glue_shell_modules(repo_root())]
    assert names == [
        "c360/__init__.py", "c360/sandbox/__init__.py", "c360/sandbox/aws.py",
        "c360/sandbox/masking.py", "c360/serving/__init__.py", "c360/serving/items.py",
        "c360/serving/keys.py", "c360/serving/loader.py", "c360/serving/source.py"]


def test_the_shell_jobs_and_what_they_import_need_at_most_python_3_9() -> None:
    vermin = Path(sys.executable).with_name("vermin")
    done = subprocess.run([str(vermin), "-t=3.9-", "--no-tips", "--violations",
                           *map(str, _shell_files())],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_shell_modules_import_nothing_beyond_boto3_botocore_and_pyarrow() -> None:
    """No engine, no pipeline, no third-party package the Glue shell lacks."""
    allowed = {"boto3", "botocore", "pyarrow", "c360"}
    stdlib = sys.stdlib_module_names
    for path in _shell_files():
        for line in path.read_text().splitlines():
            words = line.split()
            if words[:1] == ["import"] or (words[:1] == ["from"] and "import" in words):
                top = words[1].split(".")[0]
                assert top in stdlib or top in allowed or top == "__future__", (path, line)
                assert not words[1].startswith(("c360.engine", "c360.pipeline")), (path, line)


@pytest.fixture(scope="module")
def shell_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_glue_shell_wheel(repo_root(), tmp_path_factory.mktemp("wheel"))


def test_the_shell_wheel_holds_exactly_those_modules_for_python_3_9_without_dependencies(
        shell_wheel: Path) -> None:
    assert shell_wheel.name == "c360_glue_shell-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(shell_wheel) as zf:
        names = zf.namelist()
        metadata = zf.read("c360_glue_shell-0.1.0.dist-info/METADATA").decode()
    assert [n for n in names if not n.startswith("c360_glue_shell-")] == [
        str(p.relative_to(repo_root() / "src")) for p in glue_shell_modules(repo_root())]
    assert "Requires-Python: >=3.9\n" in metadata
    assert "Requires-Dist" not in metadata


def _pip_install_for_python_3_9(wheel: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """What Glue's Python shell does with a wheel in --extra-py-files, for Python 3.9."""
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target",
         str(target), "--python-version", "3.9", "--only-binary=:all:", str(wheel)],
        capture_output=True, text=True, timeout=120)


def test_pip_for_python_3_9_installs_the_shell_wheel(shell_wheel: Path, tmp_path: Path) -> None:
    done = _pip_install_for_python_3_9(shell_wheel, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "c360" / "serving" / "loader.py").is_file()


def test_the_shared_wheel_declares_python_3_11_which_is_why_the_shell_needs_its_own() -> None:
    project = tomllib.loads((repo_root() / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11,<3.12"
