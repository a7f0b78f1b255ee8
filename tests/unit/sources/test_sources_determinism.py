"""Same parameters, same bytes; a different seed, different data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sources_testkit import CUSTOMERS, SEED

from c360.sources.generator import GenerationResult, generate


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_parameters_produce_byte_identical_files(
    default_run: GenerationResult, tmp_path: Path
) -> None:
    again = generate(tmp_path, CUSTOMERS, SEED)

    assert _hashes(again.out_dir) == _hashes(default_run.out_dir)


def test_different_seed_changes_every_dataset_except_the_static_product_catalog(
    default_run: GenerationResult, tmp_path: Path
) -> None:
    other = generate(tmp_path, CUSTOMERS, SEED + 1)
    first, second = _hashes(default_run.out_dir), _hashes(other.out_dir)

    changed = {
        name
        for name, paths in other.files.items()
        if any(
            first.get(p.relative_to(tmp_path).as_posix())
            != second[p.relative_to(tmp_path).as_posix()]
            for p in paths
        )
    }

    assert changed == set(other.files) - {"core_banking_products"}


def test_manifest_lists_every_file_with_rows_bytes_and_sha256(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    on_disk = {k: v for k, v in _hashes(out).items() if k != "manifest.json"}

    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    sizes = {f["path"]: f["bytes"] for f in manifest["files"]}

    assert listed == on_disk
    assert sizes == {k: (out / k).stat().st_size for k in on_disk}
    assert [f["path"] for f in manifest["files"]] == sorted(on_disk)


def test_manifest_records_the_generation_parameters(out: Path) -> None:
    params = json.loads((out / "manifest.json").read_text())["parameters"]

    assert (params["customers"], params["seed"], params["logical_date"]) == (
        CUSTOMERS,
        SEED,
        "2026-11-25",
    )
    assert params["messiness"]["typo_rate"] == 0.03
    assert list(params["messiness"]) == sorted(params["messiness"])
