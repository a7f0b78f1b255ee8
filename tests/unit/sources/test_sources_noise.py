"""The individual mess functions do exactly the one thing they document."""

from __future__ import annotations

import numpy as np

from c360.sources import noise


def _damerau(a: str, b: str) -> int:
    """Optimal string alignment distance (insert, delete, substitute, transpose)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_typo_is_exactly_one_edit_away_and_keeps_the_first_letter() -> None:
    rng = np.random.default_rng(1)
    for word in ["Elizabeth", "Johnson", "O'Brien", "Muñoz", "Smith-Jones"] * 40:
        typoed = noise.typo(word, rng)
        assert _damerau(word, typoed) == 1, (word, typoed)
        assert typoed[0].lower() == word[0].lower()


def test_nicknames_only_replace_names_that_have_one() -> None:
    rng = np.random.default_rng(2)
    names = np.array(["William", "Elizabeth", "Robert", "Zoë"] * 10, dtype=object)

    out = noise.nicknames(rng, names, 1.0)

    assert set(out[names == "William"]) <= {"Bill", "Will", "Billy", "Liam"}
    assert set(out[names == "Elizabeth"]) <= {"Liz", "Beth", "Betty", "Eliza", "Lizzie"}
    assert set(out[names == "Robert"]) <= {"Bob", "Rob", "Bobby", "Robbie"}
    assert set(out[names == "Zoë"]) == {"Zoë"}


def test_transposition_swaps_day_and_month_only_when_the_day_is_twelve_or_less() -> None:
    rng = np.random.default_rng(3)
    dates = np.array(["2001-03-07", "1980-11-25", "1975-05-05"], dtype="datetime64[D]")

    out = noise.transpose_birth_dates(rng, dates, 1.0)

    assert out.astype(str).tolist() == ["2001-07-03", "1980-11-25", "1975-05-05"]


def test_zero_rates_leave_values_untouched() -> None:
    rng = np.random.default_rng(4)
    names = np.array(["Smith", "Jones"], dtype=object)
    dates = np.array(["2001-03-07"], dtype="datetime64[D]")

    assert noise.typos(rng, names, 0.0).tolist() == ["Smith", "Jones"]
    assert noise.case_noise(rng, names, 0.0).tolist() == ["Smith", "Jones"]
    assert noise.whitespace_noise(rng, names, 0.0).tolist() == ["Smith", "Jones"]
    assert noise.transpose_birth_dates(rng, dates, 0.0).tolist() == dates.tolist()


def test_format_phone_renders_every_documented_format() -> None:
    rendered = [noise.format_phone("5552013344", style) for style in range(6)]

    assert rendered == [
        "+1 555-201-3344",
        "(555) 201 3344",
        "5552013344",
        "555.201.3344",
        "555-201-3344",
        "+15552013344",
    ]


def test_national_id_typo_changes_exactly_one_digit() -> None:
    rng = np.random.default_rng(5)
    ids = np.array(["123-45-6789"] * 50, dtype=object)

    out = noise.national_id_typos(rng, ids, 1.0)

    for value in out:
        assert sum(a != b for a, b in zip(value, "123-45-6789", strict=True)) == 1
        assert value[3] == "-" and value[6] == "-"


def test_ascii_upper_folds_accents_for_mainframe_fields() -> None:
    assert [noise.ascii_upper(v) for v in ["Muñoz", "Zoë", "O'Brien"]] == [
        "MUNOZ",
        "ZOE",
        "O'BRIEN",
    ]
