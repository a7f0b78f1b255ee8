"""The identity settings file: the shipped one loads; mistakes name the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from c360.identity.settings import (
    IdentitySettingsError,
    load_identity_settings,
    parse_identity_settings,
)


def test_shipped_settings_declare_the_three_deterministic_rules_in_order():
    settings = load_identity_settings()
    assert [r.name for r in settings.deterministic] == [
        "national_id", "verified_email", "customer_number"]
    assert settings.deterministic[1].require_any == "email_verified"


def shipped_with(change) -> dict:
    data = yaml.safe_load(Path(load_identity_settings().path).read_text())
    change(data)
    return data


def test_threshold_outside_zero_to_one_is_rejected_naming_the_field():
    data = shipped_with(lambda d: d["probabilistic"].update(threshold=1.5))
    with pytest.raises(IdentitySettingsError, match=r"probabilistic\.threshold must be in"):
        parse_identity_settings(data)


def test_comparison_level_of_unknown_kind_is_rejected_naming_its_position():
    data = shipped_with(
        lambda d: d["probabilistic"]["comparisons"][0]["levels"].insert(1, {"soundex": "x"}))
    with pytest.raises(IdentitySettingsError,
                       match=r"comparisons\[0\] \(first_name\)\.levels\[1\] needs exactly one of"):
        parse_identity_settings(data)


def test_em_term_frequencies_must_be_true_or_false():
    data = shipped_with(
        lambda d: d["probabilistic"]["training"].update(em_term_frequencies="no"))
    with pytest.raises(IdentitySettingsError, match=r"probabilistic\.training\."
                       r"em_term_frequencies must be true or false, got 'no'"):
        parse_identity_settings(data)


def test_training_estimate_spelled_no_is_rejected_not_read_as_true():
    # YAML 1.1 reads a bare `no` as false; a quoted "no" is a string, which bool() took as true.
    data = shipped_with(lambda d: d["probabilistic"]["training"].update(estimate="no"))
    with pytest.raises(IdentitySettingsError, match=r"probabilistic\.training\.estimate "
                       r"must be true or false, got 'no'"):
        parse_identity_settings(data)


def test_probabilistic_enabled_must_be_true_or_false():
    data = shipped_with(lambda d: d["probabilistic"].update(enabled="false"))
    with pytest.raises(IdentitySettingsError, match=r"probabilistic\.enabled "
                       r"must be true or false, got 'false'"):
        parse_identity_settings(data)


def test_probabilistic_matching_can_be_switched_off():
    data = shipped_with(lambda d: d["probabilistic"].update(enabled=False))
    assert parse_identity_settings(data).probabilistic.enabled is False


def test_shipped_settings_run_em_on_agreement_pattern_counts():
    assert load_identity_settings().probabilistic.training.em_term_frequencies is False


def test_survivorship_for_an_attribute_the_golden_record_lacks_is_rejected():
    data = shipped_with(
        lambda d: d["survivorship"]["attributes"].update(shoe_size={"order": ["recency"]}))
    with pytest.raises(IdentitySettingsError, match="unknown attribute.*shoe_size"):
        parse_identity_settings(data)


def test_missing_settings_file_is_reported_by_path(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="nope.yaml does not exist"):
        load_identity_settings(tmp_path / "nope.yaml")
