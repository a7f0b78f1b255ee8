"""The public API: result object, progress reporting, argument checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from c360.sources.generator import GenerationResult, generate


def test_result_lists_files_and_counts_per_dataset(default_run: GenerationResult) -> None:
    assert set(default_run.files) == {
        "call_center_contacts",
        "clickstream_events",
        "core_banking_accounts",
        "core_banking_customers",
        "core_banking_products",
        "core_banking_transactions",
        "crm_customers",
        "ground_truth_persons",
        "ground_truth_records",
        "mainframe_cards",
        "mainframe_loyalty",
    }
    assert set(default_run.counts) == set(default_run.files)
    assert default_run.persons == 600
    assert default_run.counts["ground_truth_persons"] == 600


def test_result_counts_match_manifest_rows(default_run: GenerationResult) -> None:
    manifest = json.loads(default_run.manifest_path.read_text())
    rows = {f["path"]: f["rows"] for f in manifest["files"]}

    for name, paths in default_run.files.items():
        total = sum(rows[p.relative_to(default_run.out_dir).as_posix()] for p in paths)
        assert total == default_run.counts[name], name


def test_progress_reports_each_stage_and_never_exceeds_its_total(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []

    generate(
        tmp_path, 50, 1, progress=lambda stage, done, total: calls.append((stage, done, total))
    )

    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == [
        "population",
        "core_banking",
        "crm",
        "mainframe",
        "call_center",
        "clickstream",
        "ground_truth",
        "manifest",
    ]
    assert all(0 <= done <= total for _, done, total in calls)
    last = {stage: (done, total) for stage, done, total in calls}
    assert all(done == total for done, total in last.values())


def test_generate_rejects_zero_customers(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="customers"):
        generate(tmp_path, 0, 1)


def test_regenerating_into_the_same_folder_leaves_no_stale_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not ours")
    generate(tmp_path, 1200, 1)
    stale_day = tmp_path / "clickstream" / "events" / "dt=2026-11-10" / "hour=00"
    stale_day.mkdir(parents=True)
    (stale_day / "web-0000.jsonl.gz").write_bytes(b"")

    result = generate(tmp_path, 300, 1)

    listed = {f["path"] for f in json.loads(result.manifest_path.read_text())["files"]}
    on_disk = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert on_disk == listed | {"manifest.json", "notes.txt"}
    assert not (tmp_path / "clickstream" / "events" / "dt=2026-11-10").exists()
