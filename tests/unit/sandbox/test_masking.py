"""Masking rules: keyed tokens, generalized postcodes, no identifier kept by default."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from c360.sandbox.masking import MaskingError, Policy, _tokens, mask_table, token

KEY = b"test-key"


def test_tokens_are_keyed_hmacs_stable_per_value_and_different_per_key() -> None:
    assert token(KEY, "ann@example.com") == token(KEY, "ann@example.com")
    assert token(KEY, "ann@example.com") != token(b"other-key", "ann@example.com")
    assert len(token(KEY, "ann@example.com")) == 32
    # RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
    assert token(b"Jefe", "what do ya want for nothing?") == "5bdcc146bf60754e6a042426089575c7"


def test_mask_tokenizes_drops_and_generalizes_by_policy() -> None:
    table = pa.table({
        "customer_id": ["C1", "C2", None],
        "email": ["a@x.com", "b@x.com", "a@x.com"],
        "birth_date": [date(1980, 1, 2), date(1990, 3, 4), None],
        "postal_code": ["45210", "9021", None],
        "age_band": ["45-54", "35-44", "unknown"],
    })
    policy = Policy("people", {"customer_id": "token", "email": "token", "birth_date": "drop",
                               "postal_code": "postal_prefix"})
    masked = mask_table(table, policy, KEY)
    assert masked.column_names == ["customer_id", "email", "postal_prefix", "age_band"]
    assert masked.column("customer_id").to_pylist() == [token(KEY, "C1"), token(KEY, "C2"), None]
    assert masked.column("email").to_pylist()[0] == masked.column("email").to_pylist()[2]
    assert masked.column("postal_prefix").to_pylist() == ["452", None, None]
    assert masked.column("age_band").to_pylist() == ["45-54", "35-44", "unknown"]


def test_an_identifier_like_column_without_a_rule_is_refused() -> None:
    table = pa.table({"customer_id": ["C1"], "caller_phone": ["5551234567"]})
    with pytest.raises(MaskingError, match="people.caller_phone: looks like an identifier"):
        mask_table(table, Policy("people", {"customer_id": "token"}), KEY)


def test_boolean_flags_named_after_a_channel_are_not_identifiers() -> None:
    table = pa.table({"contactable_phone": [True], "consent_email": [False]})
    assert mask_table(table, Policy("people"), KEY).column_names == [
        "contactable_phone", "consent_email"]


def test_batch_tokens_equal_the_standard_hmac_for_short_long_and_unicode_keys() -> None:
    values = ["C1", "ann@example.com", "Zoë Ünal", "", None]
    for key in (KEY, b"Jefe", b"k" * 64, b"a-key-longer-than-one-sha256-block-" * 3):
        expected = [None if v is None else token(key, v) for v in values]
        assert _tokens(key, values) == expected
