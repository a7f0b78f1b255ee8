"""Identity resolution: accuracy, id stability and time, on the generator's default messiness.

1. Sources: `c360.sources.generate` (default messiness, `--seed`), then the
   pipeline's own ingest + conform steps and the `int_person_records` model build
   the records identity links (setup, cached in `--workdir`, not timed).
2. Accuracy: link every record (`c360.identity.api.link_table`, the code behind
   `c360 identity link`) and score against `_ground_truth/records.csv`: pairwise
   precision, recall, F1, share of persons forming exactly one customer.
3. Stability: run 1 without 1% of the persons; run 2 with them back (1% new
   records) and 1% of the other records changed (a new phone, a moved address or
   a typo in the surname); ids of run 2 come from the registry of run 1. Reports
   the share of unchanged persons whose every record keeps its customer id.
4. Time: the same linking on a person-sampled subset of ~10k records and on all
   ~100k; with `--full` also on ~1M records (225k generated customers; the
   one-time setup takes a while), whose accuracy is reported too.

Writes `bench/results/identity.json` and `bench/results/identity.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.identity.api import link_table
from c360.identity.evaluate import read_truth, score
from c360.identity.registry import IdFormat, update_registry
from c360.identity.settings import IdentitySettings, load_identity_settings

DAY1, DAY2 = date(2026, 11, 25), date(2026, 11, 26)
FULL_CUSTOMERS = 225_000  # ~1M person records at the generator's defaults (4.4 per person)


def prepare(workdir: Path, customers: int, seed: int) -> tuple[pa.Table, pa.Table]:
    """(person records as `identity link` input, ground truth) for `customers` persons."""
    from c360.config import Settings
    from c360.conform.steps import conform_steps
    from c360.contracts import load_contracts
    from c360.engine import create_engine
    from c360.identity.resolve import _INPUT_SQL
    from c360.identity.steps import identity_steps
    from c360.ingest.steps import ingest_steps
    from c360.lake import Lake
    from c360.pipeline.context import StepContext
    from c360.sources.generator import generate

    base = workdir / f"customers-{customers}-seed-{seed}"
    cached = base / "records.parquet"
    sources = base / "sources"
    if not cached.exists():
        print(f"setup: generating {customers:,} customers and conforming them (cached in "
              f"{base})", file=sys.stderr)
        generate(sources, customers=customers, seed=seed, logical_date=DAY1)
        settings = Settings(lake_root=base / "lake")
        lake = Lake.local(settings.lake_root)
        wanted = {"crm_customers", "core_banking_customers", "mainframe_loyalty",
                  "mainframe_cards", "call_center_contacts", "clickstream_events"}
        with create_engine(settings, lake) as engine:
            ctx = StepContext(settings, lake, engine, load_contracts(), f"daily-{DAY1}", DAY1,
                              sources, base / "work")
            for step in (*ingest_steps(), *conform_steps()):
                if step.name.split("_", 1)[1] in wanted:
                    step.run(ctx)
            identity_steps()[0].run(ctx)  # int_person_records
            engine.register_table("int_person_records")
            records = engine.query(_INPUT_SQL, "spark")
        import pyarrow.parquet as pq

        pq.write_table(records, cached)
    import pyarrow.parquet as pq

    return pq.read_table(cached), read_truth(sources)


def with_person(records: pa.Table, truth: pa.Table) -> pa.Table:
    """Add the true person_id to each record (for sampling and stability only)."""
    keys = pc.binary_join_element_wise(truth["source_system"], truth["source_key"], ":")
    position = pc.index_in(records["record_id"], value_set=keys)
    return records.append_column("person_id", pc.take(truth["person_id"], position))


def sample_persons(records: pa.Table, target: int, seed: int) -> pa.Table:
    """All records of a random subset of persons, about `target` records in total."""
    persons = pc.unique(records["person_id"].drop_null())
    rng = np.random.default_rng(seed)
    share = min(1.0, target / records.num_rows)
    chosen = persons.take(np.flatnonzero(rng.random(len(persons)) < share))
    return records.filter(pc.is_in(records["person_id"], value_set=chosen))


def timed_link(records: pa.Table, settings: IdentitySettings) -> tuple[pa.Table, float, Any]:
    """Link and time it: wall seconds; CPU seconds (all threads) and load go in the stats."""
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    out, result = link_table(records.drop_columns(["person_id"]), settings)
    result.stats["cpu_seconds"] = round(time.process_time() - cpu, 2)
    result.stats["load_average_1m"] = round(max(load, os.getloadavg()[0]), 1)
    return out, time.perf_counter() - started, result


def accuracy(records: pa.Table, truth: pa.Table, settings: IdentitySettings) -> dict[str, Any]:
    out, seconds, result = timed_link(records, settings)
    split = pc.split_pattern(out["record_id"], ":", max_splits=1)
    predicted = pa.table({"source_system": pc.list_element(split, 0),
                          "source_key": pc.list_element(split, 1),
                          "customer_id": out["customer_id"]})
    return {"records": records.num_rows, "seconds": round(seconds, 2),
            **score(predicted, truth), "linkage": _lean(result.stats)}


def _lean(stats: dict[str, Any]) -> dict[str, Any]:
    prob = {k: v for k, v in stats.get("probabilistic", {}).items() if k != "levels"}
    return {**stats, "probabilistic": prob}


def change_records(records: pa.Table, share: float, seed: int) -> tuple[pa.Table, set[str]]:
    """Change `share` of the records: a new phone, a moved address, or a surname typo."""
    rng = np.random.default_rng(seed)
    chosen = np.flatnonzero(rng.random(records.num_rows) < share)
    columns = {name: records[name].to_pylist() for name in
               ("phone", "address_line", "postal_code", "last_name")}
    for i in chosen.tolist():
        kind = i % 3
        if kind == 0:
            columns["phone"][i] = f"{rng.integers(200, 999)}555{rng.integers(1000, 9999)}"
        elif kind == 1 and columns["address_line"][i] is not None:
            columns["address_line"][i] = f"{rng.integers(1, 9999)} Harbor View Rd"
            columns["postal_code"][i] = f"{rng.integers(10000, 99999)}"
        elif columns["last_name"][i]:
            name = columns["last_name"][i]
            columns["last_name"][i] = name[:1] + name[2:3] + name[1:2] + name[3:]
    table = records
    for name, values in columns.items():
        table = table.set_column(table.column_names.index(name), name,
                                 pa.array(values, pa.string()))
    changed = set(records["person_id"].take(pa.array(chosen)).to_pylist())
    return table, changed


def stability(records: pa.Table, settings: IdentitySettings, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed + 1)
    persons = pc.unique(records["person_id"].drop_null())
    new = set(persons.take(np.flatnonzero(rng.random(len(persons)) < 0.01)).to_pylist())
    is_new = pc.is_in(records["person_id"], value_set=pa.array(sorted(new), pa.string()))
    before = records.filter(pc.invert(is_new))
    after, changed = change_records(records, 0.01, seed + 2)
    ids = IdFormat(settings.id_prefix, settings.id_digits)

    def run(table: pa.Table, previous: Any, day: date) -> tuple[Any, float]:
        started = time.perf_counter()
        _, result = link_table(table.drop_columns(["person_id"]), settings)
        a = result.assignments
        split = pc.split_pattern(a["record_id"], ":", max_splits=1)
        update = update_registry(
            pc.list_element(split, 0).to_pylist(), pc.list_element(split, 1).to_pylist(),
            a["cluster"].to_pylist(), a["rule"].to_pylist(), a["match_probability"].to_pylist(),
            previous.xref if previous else None, previous.events if previous else None,
            ids, f"bench-{day}", day)
        return update, time.perf_counter() - started

    first, first_seconds = run(before, None, DAY1)
    second, second_seconds = run(after, first, DAY2)

    def current(update: Any) -> dict[str, str]:
        x = update.xref.filter(pc.is_null(update.xref["valid_to"]))
        return dict(zip(pc.binary_join_element_wise(x["source_system"], x["source_key"], ":")
                        .to_pylist(), x["customer_id"].to_pylist(), strict=True))

    id1, id2 = current(first), current(second)
    person_of = dict(zip(records["record_id"].to_pylist(), records["person_id"].to_pylist(),
                         strict=True))
    kept: dict[str, bool] = {}
    for record, customer in id1.items():
        person = person_of.get(record)
        if person is None or person in changed or person in new:
            continue
        kept[person] = kept.get(person, True) and id2.get(record) == customer
    events = second.events.filter(pc.equal(second.events["logical_date"],
                                           pa.scalar(DAY2, pa.date32())))
    kinds = pc.value_counts(events["event_type"]).to_pylist()
    return {
        "records_run1": before.num_rows, "records_run2": after.num_rows,
        "new_persons": len(new), "changed_persons": len(changed),
        "unchanged_persons": len(kept),
        "unchanged_persons_keeping_id": sum(kept.values()),
        "unchanged_persons_keeping_id_share": round(sum(kept.values()) / len(kept), 6),
        "run2_events": {k["values"]: k["counts"] for k in kinds},
        "seconds_run1": round(first_seconds, 2), "seconds_run2": round(second_seconds, 2),
    }


def markdown(result: dict[str, Any]) -> str:
    acc, stab = result["accuracy"], result["stability"]
    lines = [
        "# Identity resolution benchmark",
        "",
        f"`{result['command']}` on {result['machine']} ({result['cores']} cores), "
        f"{result['finished_at']}. Generator defaults, seed {result['seed']}.",
        "",
        "## Accuracy (pairwise, against the generator's ground truth)",
        "",
        "| records | precision | recall | F1 | persons exactly one customer | seconds |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {acc['records']:,} | {acc['precision']:.4f} | {acc['recall']:.4f} | "
        f"{acc['f1']:.4f} | {acc['persons_exact']:.4f} | {acc['seconds']} |",
        "",
        "## Id stability (rerun with 1% new persons and 1% changed records)",
        "",
        f"{stab['unchanged_persons_keeping_id']:,} of {stab['unchanged_persons']:,} unchanged "
        f"persons keep their customer id: **{stab['unchanged_persons_keeping_id_share']:.4%}**. "
        f"Run-2 events: {stab['run2_events']}.",
        "",
        "## Time (link only: standardize, rules, Splink training + scoring, clustering, ids)",
        "",
        "Wall seconds depend on what else the shared machine runs (its 1-minute load",
        "average is shown); CPU seconds (all threads of the process) do not.",
        "",
        "| records | wall seconds | CPU seconds | load average | records/s (wall) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in result["timing"]:
        lines.append(f"| {row['records']:,} | {row['seconds']} | {row['cpu_seconds']} | "
                     f"{row['load_average_1m']} | {row['records'] / row['seconds']:,.0f} |")
    if "accuracy_full" in result:
        full = result["accuracy_full"]
        lines += ["", f"At {full['records']:,} records: precision {full['precision']:.4f}, "
                  f"recall {full['recall']:.4f}, F1 {full['f1']:.4f}."]
    lines += ["", f"Peak memory (max RSS of the process): {result['max_rss_mb']:,} MB.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=23_000,
                        help="persons generated for accuracy, stability and timing (~100k records)")
    parser.add_argument("--full", action="store_true", help="also time ~1M records")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/c360-identity-bench"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/identity.json"))
    args = parser.parse_args(argv)
    settings = load_identity_settings()

    records, truth = prepare(args.workdir, args.customers, args.seed)
    records = with_person(records, truth)
    result: dict[str, Any] = {
        "command": "python bench/identity_bench.py " + " ".join(argv or sys.argv[1:]),
        "machine": platform.platform(), "cores": __import__("os").cpu_count(),
        "seed": args.seed, "customers": args.customers,
    }
    print("accuracy ...", file=sys.stderr)
    result["accuracy"] = accuracy(records, truth, settings)
    print("stability ...", file=sys.stderr)
    result["stability"] = stability(records, settings, args.seed)

    result["timing"] = []
    for target in (10_000, None):
        subset = records if target is None else sample_persons(records, target, args.seed)
        print(f"timing {subset.num_rows:,} records ...", file=sys.stderr)
        _, seconds, link = timed_link(subset, settings)
        result["timing"].append({"records": subset.num_rows, "seconds": round(seconds, 2),
                                 "cpu_seconds": link.stats["cpu_seconds"],
                                 "load_average_1m": link.stats["load_average_1m"],
                                 "stages": link.stats["seconds"]})
    if args.full:
        big, big_truth = prepare(args.workdir, FULL_CUSTOMERS, args.seed)
        big = with_person(big, big_truth)
        print(f"timing {big.num_rows:,} records ...", file=sys.stderr)
        full = accuracy(big, big_truth, settings)
        result["accuracy_full"] = full
        result["timing"].append({"records": full["records"], "seconds": full["seconds"],
                                 "cpu_seconds": full["linkage"]["cpu_seconds"],
                                 "load_average_1m": full["linkage"]["load_average_1m"],
                                 "stages": full["linkage"]["seconds"]})
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    args.out.with_suffix(".md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
