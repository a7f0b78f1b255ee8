"""Pass 2: Fellegi-Sunter linkage with Splink 5 over what the deterministic pass left apart.

The Splink model is built from the settings file (comparison levels, blocking
rules), trained on this run's records with a fixed seed (u by random sampling, m
by expectation maximisation, the prior from near-certain rules), then used to
score only candidate pairs whose records are in *different* deterministic
clusters. Splink runs on the same connection as the rest of identity: DuckDB
locally, Spark on EMR.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from c360.identity.backend import IdentityBackend
from c360.identity.model_store import StoredModel
from c360.identity.settings import Comparison, IdentitySettings

log = logging.getLogger("c360.identity")

PAIR_COLUMNS = ("unique_id_l", "unique_id_r", "det_cluster_l", "det_cluster_r",
                "match_probability")


@dataclass
class ProbabilisticResult:
    pairs: pa.Table
    """Scored pairs at or above the lower of threshold and attach_threshold (`PAIR_COLUMNS`)."""
    model: str
    """`estimated` (trained on this run), `stored` (trained by an earlier run, kept in
    `int_identity_model`) or `recorded` (m/u from the settings file)."""
    probability_two_random_records_match: float
    levels: list[dict[str, Any]] = field(default_factory=list)
    """Trained m/u per comparison level (for the run manifest and the settings file)."""


def _level(spec: Mapping[str, Any], tf: bool) -> Any:
    """One Splink comparison level from its YAML spec."""
    import splink.comparison_level_library as cll
    from splink.internals.comparison_level_composition import And

    level: Any
    if "missing" in spec:
        level = cll.NullLevel(spec["missing"])
    elif "exact" in spec:
        level = cll.ExactMatchLevel(spec["exact"], term_frequency_adjustments=bool(
            spec.get("tf")) and tf)
    elif "jaro_winkler" in spec:
        level = cll.JaroWinklerLevel(spec["jaro_winkler"], float(spec["min"]))
    elif "damerau_levenshtein" in spec:
        level = cll.DamerauLevenshteinLevel(spec["damerau_levenshtein"], int(spec["max"]))
    elif "levenshtein" in spec:
        level = cll.LevenshteinLevel(spec["levenshtein"], int(spec["max"]))
    elif "sql" in spec:
        level = cll.CustomLevel(spec["sql"], base_dialect_str="spark")
    elif "and" in spec:
        level = And(*[_level(part, tf) for part in spec["and"]])
    else:
        level = cll.ElseLevel()
    options: dict[str, Any] = {}
    if "label" in spec:
        options["label_for_charts"] = str(spec["label"])
    if "m" in spec:
        options["m_probability"] = float(spec["m"])
    if "u" in spec:
        options["u_probability"] = float(spec["u"])
    return level.configure(**options) if options else level


def splink_comparisons(comparisons: tuple[Comparison, ...], tf: bool,
                       trained: StoredModel | None = None) -> list[Any]:
    """Splink comparisons from the settings; m/u from `trained` where it has a level."""
    import splink.comparison_library as cl

    def spec(comparison: Comparison, index: int, level: Mapping[str, Any]) -> Mapping[str, Any]:
        m, u = trained.levels.get((comparison.name, index), (None, None)) if trained else (
            None, None)
        learnt = {k: v for k, v in (("m", m), ("u", u)) if v is not None}
        return {**level, **learnt} if learnt else level

    return [
        cl.CustomComparison(
            comparison_levels=[_level(spec(comparison, i, level), tf)
                               for i, level in enumerate(comparison.levels)],
            output_column_name=comparison.name,
        )
        for comparison in comparisons
    ]


def _exclude_same_cluster(rule: str) -> str:
    return f"({rule}) and l.det_cluster <> r.det_cluster"


@contextmanager
def _quiet_splink() -> Iterator[None]:
    """Splink logs progress at INFO and advice at WARNING; keep the CLI output clean."""
    logger = logging.getLogger("splink")
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(before)


def link_probabilistic(
    backend: IdentityBackend, table: str, rows: int, settings: IdentitySettings,
    stored: StoredModel | None = None,
) -> ProbabilisticResult:
    """Score candidate pairs of `table` (one row per distinct record profile).

    `table` has `unique_id`, `det_cluster` and the compared columns. Returns the
    pairs at or above the threshold. With a `stored` model (trained by an earlier
    run) nothing is trained: its m/u and prior score the pairs.
    """
    from splink import Linker, SettingsCreator

    prob = settings.probabilistic
    train = prob.training
    estimate = stored is None and train.estimate and rows >= train.min_records
    creator = SettingsCreator(
        link_type="dedupe_only",
        # Term-frequency adjustments go with a trained model (this run's or a stored one).
        comparisons=splink_comparisons(prob.comparisons, tf=estimate or stored is not None,
                                       trained=stored),
        blocking_rules_to_generate_predictions=[
            _exclude_same_cluster(rule) for rule in prob.blocking_rules  # type: ignore[misc]
        ],
        probability_two_random_records_match=prob.probability_two_random_records_match,
        additional_columns_to_retain=["det_cluster"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        em_convergence=0.001,
        max_iterations=20,
    )
    with _quiet_splink():
        db_api = backend.splink_api()
        if estimate:
            # u: agreement among non-matches, sampled from pairs of *different*
            # deterministic clusters (one profile each); sampling all profiles would
            # count known matches as non-matches and understate every exact level.
            backend.table("identity_u_profiles", (
                f"select * from {table} where unique_id in "
                f"(select min(unique_id) from {table} group by det_cluster)"))
            u_linker = Linker(db_api.register("identity_u_profiles"), creator, log_level=None,
                              validate_settings=False)
            u_linker.training.estimate_u_using_random_sampling(
                max_pairs=train.u_max_pairs, seed=settings.seed, num_chunks=1)
            model: Any = u_linker.misc.save_model_to_json()
        else:
            model = creator
        # validate_settings only logs warnings, which _quiet_splink drops anyway; it
        # parses every blocking rule and comparison level again (~0.1 s a linker).
        linker = Linker(db_api.register(table), model, log_level=None, validate_settings=False)
        prior = prob.probability_two_random_records_match
        if stored is not None:
            prior = stored.prior
            linker._settings_obj._probability_two_random_records_match = prior
        elif train.prior_rules:
            try:
                linker.training.estimate_probability_two_random_records_match(
                    list(train.prior_rules), recall=train.prior_recall)
                estimated = float(linker._settings_obj._probability_two_random_records_match)
            except ValueError as exc:  # the rules found more matches than the recall allows
                log.warning("identity: prior not estimated (%s); using %s", exc, prior)
                estimated = 0.0
            # No rule match at all (tiny inputs) would make every pair impossible.
            prior = estimated if 0.0 < estimated <= 0.5 else prior
            linker._settings_obj._probability_two_random_records_match = prior
        if estimate:
            for rule in train.em_blocking_rules:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, max_pairs=train.em_max_pairs,
                    estimate_without_term_frequencies=not train.em_term_frequencies)
        floor = min(prob.threshold, prob.attach_threshold or prob.threshold)
        predictions = linker.inference.predict(
            threshold_match_probability=floor, warning_mode="never")
        columns = ", ".join(PAIR_COLUMNS)
        # Ordered: several profile pairs can join the same two clusters with the same
        # probability, and clustering keeps the first of equals (rerun-identical links).
        pairs = backend.fetch(f"select {columns} from {predictions.physical_name} "
                              "order by unique_id_l, unique_id_r")
        levels = _trained_levels(linker)
        # Splink keeps its intermediate tables in the shared session; free them.
        linker.table_management.delete_tables_created_by_splink_from_db()
        if estimate:
            u_linker.table_management.delete_tables_created_by_splink_from_db()
    return ProbabilisticResult(
        pairs=pairs,
        model="stored" if stored is not None else "estimated" if estimate else "recorded",
        probability_two_random_records_match=prior,
        levels=levels,
    )


def _trained_levels(linker: Any) -> list[dict[str, Any]]:
    """m/u of every non-null comparison level, as Splink holds them after training."""
    model = linker.misc.save_model_to_json()
    out: list[dict[str, Any]] = []
    for comparison in model.get("comparisons", []):
        for index, level in enumerate(comparison.get("comparison_levels", [])):
            if level.get("is_null_level"):
                continue
            out.append({
                "comparison": comparison.get("output_column_name"),
                "level": index,
                "label": level.get("label_for_charts"),
                "m": level.get("m_probability"),
                "u": level.get("u_probability"),
            })
    return out
