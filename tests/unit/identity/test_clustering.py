"""Clusters from links: components for rules, conflict-checked greedy merging for Splink."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from c360.identity.clustering import (
    ClusterValues,
    ConflictRule,
    connected_components,
    greedy_merge,
)
from c360.identity.link import _cluster_values

NATIONAL_ID = ConflictRule(values={"national_id": {1: frozenset({"123456789"}),
                                                   2: frozenset({"987654321"})}},
                           agreement={"national_id": 1})


def test_connected_components_label_each_record_with_the_smallest_in_its_group():
    labels = connected_components(6, np.array([4, 1, 5]), np.array([1, 2, 3]))
    assert labels.tolist() == [0, 1, 1, 3, 1, 3]


def test_link_between_clusters_with_different_national_ids_is_refused():
    outcome = greedy_merge([1, 1], [3, 2], [0.999, 0.9999], [NATIONAL_ID], threshold=0.99)
    # 1-2 is strongest but conflicts; 1-3 merges.
    assert outcome.labels == {1: 1, 3: 1}
    assert outcome.refused == 1


def test_national_ids_one_typo_apart_do_not_conflict():
    rule = ConflictRule(values={"national_id": {1: frozenset({"123456789"}),
                                                2: frozenset({"123456780"})}},
                        agreement={"national_id": 1})
    assert greedy_merge([1], [2], [0.999], [rule], threshold=0.99).labels == {1: 1, 2: 1}


def test_first_names_agree_on_a_prefix_or_a_formal_name_but_not_otherwise():
    rule = ConflictRule(values={"first_name": {1: frozenset({"christopher"}),
                                               2: frozenset({"chris"}),
                                               3: frozenset({"bill", "william"}),
                                               4: frozenset({"william"}),
                                               5: frozenset({"brenda"})}},
                        agreement={"first_name": "name"})
    outcome = greedy_merge([1, 3, 4], [2, 4, 5], [0.999, 0.999, 0.9999], [rule], threshold=0.99)
    assert outcome.labels == {1: 1, 2: 1, 3: 3, 4: 3}
    assert outcome.refused == 1


def test_lone_record_joins_its_only_candidate_cluster_even_below_the_threshold():
    # Clusters 10 and 11 are one customer; record 20 links weakly to both of them.
    outcome = greedy_merge([10, 20, 20], [11, 10, 11], [0.9999, 0.3, 0.2], threshold=0.99,
                           lone=frozenset({20}), attach_threshold=0.1)
    assert outcome.labels == {10: 10, 11: 10, 20: 10}
    assert len(outcome.attached) == 1


def test_lone_record_with_candidates_in_two_customers_stays_alone():
    outcome = greedy_merge([20, 20], [10, 11], [0.6, 0.6], threshold=0.99,
                           lone=frozenset({20}), attach_threshold=0.1)
    assert outcome.labels == {}
    assert outcome.ambiguous == 1


def test_cluster_values_looks_up_the_set_of_each_cluster_and_none_for_the_others():
    values = ClusterValues(np.array([3, 7, 9]),
                           [frozenset({"ann"}), None, frozenset({"bob", "robert"})])
    assert values.lookup(np.array([9, 3, 7, 4, 12])) == [
        frozenset({"bob", "robert"}), frozenset({"ann"}), None, None, None]


def test_cluster_values_is_a_mapping_of_the_clusters_that_hold_values():
    values = ClusterValues(np.array([3, 7, 9]),
                           [frozenset({"ann"}), None, frozenset({"bob", "robert"})])
    assert dict(values) == {3: frozenset({"ann"}), 9: frozenset({"bob", "robert"})}
    assert len(values) == 2
    assert 7 not in values


def test_cluster_values_union_holds_the_values_of_both_per_cluster():
    names = ClusterValues(np.array([3, 7, 9]), [frozenset({"bill"}), None, None])
    formal = ClusterValues(np.array([3, 7, 9]), [frozenset({"william"}), None,
                                                 frozenset({"robert"})])
    assert dict(names.union(formal)) == {3: frozenset({"bill", "william"}),
                                         9: frozenset({"robert"})}


def test_cluster_values_from_rows_treat_an_empty_or_null_list_as_holding_nothing():
    rows = pa.table({"det_cluster": pa.array([3, 5, 9], pa.int64()),
                     "vs": pa.array([[], None, ["ann"]], pa.list_(pa.string()))})
    values = _cluster_values(np.array([3, 5, 9]), rows)
    assert values.lookup(np.array([3, 5, 9])) == [None, None, frozenset({"ann"})]


def test_cluster_values_refuses_clusters_that_are_not_sorted():
    with pytest.raises(ValueError, match="sorted and distinct"):
        ClusterValues(np.array([7, 3]), [frozenset({"ann"}), frozenset({"bob"})])


def test_greedy_merge_refuses_the_same_links_with_cluster_values_as_with_a_dict():
    columnar = ConflictRule(
        values={"national_id": ClusterValues(np.array([1, 2, 3]), [
            frozenset({"123456789"}), frozenset({"987654321"}), None])},
        agreement={"national_id": 1})
    outcome = greedy_merge([1, 1], [3, 2], [0.999, 0.9999], [columnar], threshold=0.99)
    assert outcome.labels == {1: 1, 3: 1}
    assert outcome.accepted == [0]
    assert outcome.refused == 1


def test_cluster_values_from_rows_give_each_listed_cluster_its_distinct_values():
    rows = pa.table({"det_cluster": pa.array([9, 3], pa.int64()),
                     "vs": pa.array([["bob", "robert"], ["ann"]], pa.list_(pa.string()))})
    values = _cluster_values(np.array([3, 5, 9]), rows)
    assert dict(values) == {3: frozenset({"ann"}), 9: frozenset({"bob", "robert"})}
