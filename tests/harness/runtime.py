"""Run a deployed artifact the way its AWS runtime would: a fresh Python process that
sees only the artifact and the libraries that runtime ships (not this venv).

Used by the emulator workarounds (`workarounds.py`) for Lambda invokes and Glue
Python shell job runs. The child runs `python -S -E` (no site-packages, no
PYTHON* variables); its `sys.path` is the code folder, then a folder of links to
the runtime's libraries. A dependency missing from a zip therefore fails here
as it would in AWS.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# What the Lambda Python runtime provides besides the standard library.
LAMBDA_LIBRARIES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
# Glue Python shell 3.9 with `library-set=analytics` adds pandas, numpy, pyarrow (+ more).
GLUE_PYTHONSHELL_LIBRARIES = (*LAMBDA_LIBRARIES, "numpy", "pyarrow", "pandas")

_RUNNER = Path(__file__).with_name("_child.py")


def runtime_dir(libraries: tuple[str, ...], root: Path) -> Path:
    """A folder of symlinks to exactly `libraries` from this interpreter's site-packages."""
    folder = root / ("runtime-" + "-".join(sorted(libraries))[:40])
    if folder.is_dir():
        return folder
    folder.mkdir(parents=True)
    for name in libraries:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue  # not installed here (e.g. pandas): the child fails if it imports it
        origin = Path(spec.origin)
        target = origin.parent if origin.name == "__init__.py" else origin
        (folder / target.name).symlink_to(target)
    return folder


def base_environment(endpoint: str, region: str) -> dict[str, str]:
    """What every emulated runtime sees: the emulator endpoint and fake credentials."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": tempfile.gettempdir(),
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }


def run_python(mode: str, code_path: list[Path], libraries: Path, target: str,
               payload: str, env: dict[str, str], timeout: float) -> tuple[int, str, str]:
    """Run `target` in a child interpreter; return (exit code, result text, logs).

    mode "handler": `target` is `module.function`, called with the JSON `payload`
    as event; the result is the JSON the handler returned (or Lambda's error
    shape). mode "script": `target` is a script path run as `__main__` with the
    JSON list `payload` as its argv; the result is empty.
    """
    with tempfile.TemporaryDirectory(prefix="c360-runtime-") as tmp:
        result_file = Path(tmp) / "result.json"
        paths = os.pathsep.join([*(str(p) for p in code_path), str(libraries)])
        cmd = [sys.executable, "-S", "-E", str(_RUNNER), mode, paths, target, str(result_file)]
        try:
            done = subprocess.run(cmd, input=payload, capture_output=True, text=True,
                                  env=env, timeout=timeout, cwd=tmp)
        except subprocess.TimeoutExpired as exc:
            logs = (exc.stdout or "") + (exc.stderr or "")
            return -1, "", f"{logs}\ntimed out after {timeout:.0f} s"
        result = result_file.read_text() if result_file.exists() else ""
        return done.returncode, result, done.stdout + done.stderr
