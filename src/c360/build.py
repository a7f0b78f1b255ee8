"""Build versioned artifacts under `dist/<version>/` (what Terraform references).

Layout (the artifacts bucket mirrors it as `<kind>/<version>/<file>`, see
`terraform/modules/artifact_layout`):
    wheel/c360-<pkg>-py3-none-any.whl    the shared package (with SQL + contracts)
    wheel/c360_glue_shell-<pkg>-py3-none-any.whl
                                          what the Glue Python shell jobs import (3.9)
    lambdas/<function>.zip                handler.py + the package + its requirements
    jobs/glue/<job>.py, jobs/emr/<job>.py thin job adapters
    jobs/emr/hive/<model>.hql             HiveQL scripts for the EMR Hive step (INSERT OVERWRITE)
    sql/athena/<model>.sql                Trino models for Athena
Zips are reproducible: fixed timestamps and sorted entries.
"""

from __future__ import annotations

import argparse
import ast
import base64
import hashlib
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

from c360.models import hive_script, load_model
from c360.resources import repo_root

ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def _write_zip(target: Path, files: dict[str, bytes]) -> None:
    """A reproducible zip: entries sorted, fixed timestamps and modes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


def _zip_dir(source: Path, target: Path) -> None:
    _write_zip(target, {
        str(path.relative_to(source)): path.read_bytes()
        for path in source.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"})


def build_wheel(root: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(root)],
        check=True,
    )
    wheels = sorted(out.glob("c360-*.whl"))
    if not wheels:
        raise RuntimeError(f"no wheel produced in {out}")
    return wheels[-1]


GLUE_SHELL_JOBS = ("load_profiles", "sandbox_export")
"""The Glue Python shell jobs (`jobs/glue/<job>.py`): Glue runs them on Python 3.9 only."""
GLUE_SHELL_PYTHON = ">=3.9"
GLUE_SHELL_DIST = "c360_glue_shell"


def _module_file(src: Path, dotted: str) -> Path | None:
    parts = dotted.split(".")
    package = src.joinpath(*parts) / "__init__.py"
    module = src.joinpath(*parts[:-1]) / f"{parts[-1]}.py"
    return package if package.is_file() else module if module.is_file() else None


def glue_shell_modules(root: Path) -> list[Path]:
    """Every `src/c360` file the Glue Python shell jobs import, transitively (imports
    inside functions included), with the `__init__.py` of each package on the way."""
    src = root / "src"
    todo = [root / "jobs" / "glue" / f"{job}.py" for job in GLUE_SHELL_JOBS]
    seen: set[Path] = set()
    found: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            for name in names:
                if name.split(".")[0] != "c360":
                    continue
                parts = name.split(".")
                for depth in range(1, len(parts) + 1):
                    file = _module_file(src, ".".join(parts[:depth]))
                    if file is not None:
                        found.add(file)
                        todo.append(file)
    return sorted(found)


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def build_glue_shell_wheel(root: Path, out: Path) -> Path:
    """`c360_glue_shell-<pkg>-py3-none-any.whl`: the `c360` modules the Glue Python shell
    jobs import (`glue_shell_modules`), declared for Python >= 3.9 with no dependencies
    (Glue's `analytics` library set has pyarrow and boto3). The shared wheel cannot serve:
    it requires Python 3.11 and pins libraries that have no 3.9 build, so pip on Glue's
    Python 3.9 refuses it. A test keeps these modules 3.9-compatible (vermin)."""
    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["version"]
    info = f"{GLUE_SHELL_DIST}-{version}.dist-info"
    files: dict[str, bytes] = {
        str(p.relative_to(root / "src")): p.read_bytes() for p in glue_shell_modules(root)}
    files[f"{info}/METADATA"] = (
        "Metadata-Version: 2.1\n"
        f"Name: {GLUE_SHELL_DIST.replace('_', '-')}\n"
        f"Version: {version}\n"
        "Summary: The c360 modules the Glue Python shell jobs import "
        f"({', '.join(GLUE_SHELL_JOBS)})\n"
        f"Requires-Python: {GLUE_SHELL_PYTHON}\n").encode()
    files[f"{info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: c360.build\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n").encode()
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n"
                     for name, data in sorted(files.items()))
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    target = out / f"{GLUE_SHELL_DIST}-{version}-py3-none-any.whl"
    _write_zip(target, files)
    return target


def build_lambda(root: Path, name: str, wheel: Path, out: Path) -> Path:
    """handler.py + the c360 wheel + the function's own requirements.txt, zipped."""
    src = root / "lambdas" / name
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp)
        shutil.copy2(src / "handler.py", stage / "handler.py")
        reqs = src / "requirements.txt"
        cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
               str(stage), str(wheel)]
        subprocess.run(cmd, check=True)
        if reqs.exists() and reqs.read_text().strip():
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target",
                            str(stage), "-r", str(reqs)], check=True)
        for junk in stage.glob("*.dist-info"):
            shutil.rmtree(junk)
        target = out / "lambdas" / f"{name}.zip"
        _zip_dir(stage, target)
    return target


def build(version: str, out: Path, root: Path | None = None) -> list[Path]:
    root = root or repo_root()
    if out.exists():
        shutil.rmtree(out)
    made: list[Path] = [build_wheel(root, out / "wheel")]
    made.append(build_glue_shell_wheel(root, out / "wheel"))
    for handler in sorted((root / "lambdas").glob("*/handler.py")):
        made.append(build_lambda(root, handler.parent.name, made[0], out))
    for kind in ("glue", "emr"):
        for script in sorted((root / "jobs" / kind).glob("*.py")):
            target = out / "jobs" / kind / script.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(script, target)
            made.append(target)
    for model_file in sorted((root / "jobs" / "emr" / "hive").glob("*.hql")):
        # The EMR Hive step runs a complete script: qualified tables, INSERT OVERWRITE.
        target = out / "jobs" / "emr" / "hive" / model_file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(hive_script(load_model("hive", model_file.stem)), encoding="utf-8")
        made.append(target)
    for model in sorted((root / "sql" / "athena").glob("*.sql")):
        target = out / "sql" / "athena" / model.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(model, target)
        made.append(target)
    (out / "VERSION").write_text(version + "\n")
    return made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", required=True)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    for path in build(args.version, args.out):
        print(path)


if __name__ == "__main__":
    main()
