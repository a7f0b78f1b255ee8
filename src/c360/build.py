"""Build versioned artifacts under `dist/<version>/` (what Terraform references).

Layout (the artifacts bucket mirrors it as `<kind>/<version>/<file>`, see
`terraform/modules/artifact_layout`):
    wheel/c360-<pkg>-py3-none-any.whl    the shared package (with SQL + contracts)
    lambdas/<function>.zip                handler.py + the package + its requirements
    jobs/glue/<job>.py, jobs/emr/<job>.py thin job adapters
    jobs/emr/hive/<model>.hql             HiveQL scripts for the EMR Hive step (INSERT OVERWRITE)
    sql/athena/<model>.sql                Trino models for Athena
Zips are reproducible: fixed timestamps and sorted entries.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from c360.models import hive_script, load_model
from c360.resources import repo_root

ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def _zip_dir(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            info = zipfile.ZipInfo(str(path.relative_to(source)), ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())


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
