"""`c360.json_text.loads` reads a document exactly as the standard `json.loads` does."""

from __future__ import annotations

import math

from c360.json_text import loads


def test_a_plain_page_reads_the_same_from_bytes_and_text() -> None:
    page = '{"data": [{"id": "CRM-000001", "name": "Zoë"}], "next_cursor": null}'

    assert loads(page.encode()) == loads(page) == {
        "data": [{"id": "CRM-000001", "name": "Zoë"}], "next_cursor": None}


def test_nan_that_orjson_refuses_is_read_as_the_standard_module_reads_it() -> None:
    value = loads(b'{"score": NaN}')["score"]

    assert math.isnan(value)


def test_an_integer_beyond_64_bits_keeps_every_digit() -> None:
    assert loads(b'{"n": 123456789012345678901234567890}') == {
        "n": 123456789012345678901234567890}


def test_an_escaped_lone_surrogate_is_kept_as_the_standard_module_keeps_it() -> None:
    assert loads(b'{"name": "A\\ud800B"}') == {"name": "A\ud800B"}
