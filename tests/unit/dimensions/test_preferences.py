"""Look-alike segments and next-best product: deterministic, explainable, evaluated."""

from __future__ import annotations

import numpy as np

from c360.dimensions.lookalike import fit_segments, kmeans, segment_names
from c360.dimensions.next_best_product import (
    PRODUCT_TYPES,
    HoldingRates,
    evaluate,
    is_held_out,
    suggest,
)

FEATURES = ("log_avg_monthly_spend", "share_travel", "app_share_30d")


def three_groups() -> np.ndarray:
    """60 customers in three well separated behaviour groups, with some noise."""
    rng = np.random.default_rng(3)
    centres = np.array([[6.0, 0.05, 0.9], [8.5, 0.40, 0.1], [4.0, 0.00, 0.0]])
    sizes = (30, 20, 10)
    return np.vstack([c + rng.normal(0, [0.2, 0.02, 0.05], (n, 3))
                      for c, n in zip(centres, sizes, strict=True)])


def test_segment_assignment_is_identical_across_runs_with_the_same_seed() -> None:
    x = three_groups()
    first = fit_segments(x, FEATURES, k=3, seed=42)
    second = fit_segments(x.copy(), FEATURES, k=3, seed=42)
    assert np.array_equal(first.assign(x), second.assign(x))
    assert np.array_equal(first.centroids, second.centroids)
    assert first.names == second.names


def test_segments_are_numbered_by_size_and_recover_the_behaviour_groups() -> None:
    x = three_groups()
    segments = fit_segments(x, FEATURES, k=3, seed=42).assign(x)
    assert segments.tolist() == [1] * 30 + [2] * 20 + [3] * 10


def test_a_stored_model_assigns_a_new_customer_to_the_nearest_segment() -> None:
    x = three_groups()
    model = fit_segments(x, FEATURES, k=3, seed=42)
    newcomer = np.array([[8.4, 0.38, 0.15]])   # looks like the travelling big spenders
    assert model.assign(newcomer).tolist() == [2]


def test_segment_names_state_the_two_most_distinctive_features() -> None:
    centroids = np.array([[0.2, 1.8, -0.9], [-1.5, 0.1, 0.3]])
    assert segment_names(centroids, FEATURES) == (
        "high travel spend, low app use", "low spending, high app use")


def test_kmeans_is_deterministic_for_a_seed_and_uses_at_most_k_clusters() -> None:
    z = np.array([[0.0, 0.0], [0.0, 0.1], [5.0, 5.0], [5.1, 5.0]])
    centres_a, labels_a = kmeans(z, 2, seed=1)
    centres_b, labels_b = kmeans(z, 2, seed=1)
    assert np.array_equal(labels_a, labels_b) and np.array_equal(centres_a, centres_b)
    assert sorted(set(labels_a.tolist())) == [0, 1]
    assert labels_a[0] == labels_a[1] and labels_a[2] == labels_a[3]


def holdings(*held: tuple[str, ...]) -> np.ndarray:
    return np.array([[p in h for p in PRODUCT_TYPES] for h in held], dtype=bool)


def test_next_best_product_is_what_most_look_alikes_hold_that_the_customer_does_not() -> None:
    segments = np.array([1, 1, 1, 1, 2, 2])
    held = holdings(("checking", "savings"), ("checking", "savings"), ("checking", "mortgage"),
                    ("checking",), ("checking", "investment"), ("checking", "investment"))
    rates = HoldingRates.learn(segments, held)
    # Segment 1: savings 2/4, mortgage 1/4 → savings.
    assert suggest(rates, 1, held[3]) == ("savings", 0.5)
    # Segment 2 holds checking+investment only: nothing new for its members.
    assert suggest(rates, 2, held[4]) == (None, None)


def test_next_best_product_ties_go_to_the_more_popular_product() -> None:
    segments = np.array([1, 1, 2, 2, 2])
    held = holdings(("savings",), ("mortgage",), ("mortgage",), ("mortgage",), ("checking",))
    rates = HoldingRates.learn(segments, held)
    # In segment 1 savings and mortgage both 1/2; mortgage is held by 3 of 5 overall.
    assert suggest(rates, 1, holdings(())[0]) == ("mortgage", 0.5)


def test_evaluation_hides_one_product_of_each_held_out_customer_and_counts_hits() -> None:
    ids = [f"C{i:03d}" for i in range(40)]
    assert [c for c in ids if is_held_out(c)] == ["C009", "C028", "C031", "C036", "C038"]
    # Segment 1 always holds checking+savings, segment 2 checking+mortgage.
    segments = np.array([1 if i % 2 == 0 else 2 for i in range(40)])
    held = holdings(*[("checking", "savings") if s == 1 else ("checking", "mortgage")
                      for s in segments])
    results = {(e.method, e.k): (e.customers_evaluated, e.hits)
               for e in evaluate(ids, segments, held)}
    # Look-alikes know what the segment holds: every hidden product is found first.
    # Popularity ranks checking, then savings/mortgage by overall share: it finds a hidden
    # savings or mortgage only at k=3, and 2 of the 5 hidden products at k=1.
    assert results == {
        ("lookalike_segment", 1): (5, 5), ("lookalike_segment", 3): (5, 5),
        ("popularity", 1): (5, 2), ("popularity", 3): (5, 5),
    }
