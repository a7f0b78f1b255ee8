"""terraform/scripts/*.py for the tests, imported by path (the scripts are not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def load_apply_local_script() -> ModuleType:
    """terraform/scripts/apply_local.py as a module (what `make tf-apply-local` runs)."""
    name = "c360_apply_local"
    if name in sys.modules:
        return sys.modules[name]
    path = ROOT / "terraform" / "scripts" / "apply_local.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
