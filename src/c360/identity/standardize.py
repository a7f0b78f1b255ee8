"""Standardize person records into the one shape every identity pass compares.

Input: a view with `record_id` and any subset of the person columns
(`INPUT_COLUMNS`); a column the input lacks becomes NULL and is simply never
compared. Output columns (`STANDARD_COLUMNS`): names lower case letters only
(accents folded) plus the formal name a nickname stands for, birth dates split
for the transposition check, national ids 9 digits, emails lower case plus their
local part, phones the last 10 digits, addresses lower case with USPS
abbreviations, postal codes 5 digits.

The SQL is authored in Spark SQL (the dialect of the EMR step) and built as
sqlglot expressions; the DuckDB backend transpiles it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlglot
from sqlglot import exp

# Every column the linker understands, with its role.
INPUT_COLUMNS = (
    "source_system", "first_name", "last_name", "birth_date", "national_id", "email",
    "email_verified", "phone", "address_line", "city", "state", "postal_code",
    "customer_number", "observed_at",
)
STANDARD_COLUMNS = (
    "record_id", "source_system", "first_name", "first_name_canonical", "last_name",
    "birth_date", "birth_date_text", "birth_year", "birth_month", "birth_day", "national_id",
    "email", "email_local", "email_verified", "phone", "address_line", "city", "state",
    "postal_code", "customer_number", "observed_at",
)
# Columns whose values describe the person (what the probabilistic pass compares).
PROFILE_COLUMNS = (
    "first_name", "first_name_canonical", "last_name", "birth_date", "national_id", "email",
    "phone", "address_line", "city", "postal_code",
)

_ACCENTED = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ"
_PLAIN = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy"

# Street-address words and their USPS abbreviations (matched as whole words).
ADDRESS_ABBREVIATIONS = (
    ("street", "st"), ("avenue", "ave"), ("av", "ave"), ("road", "rd"), ("drive", "dr"),
    ("lane", "ln"), ("boulevard", "blvd"), ("court", "ct"), ("place", "pl"),
    ("terrace", "ter"), ("circle", "cir"), ("highway", "hwy"), ("parkway", "pkwy"),
    ("square", "sq"), ("trail", "trl"), ("way", "wy"), ("apartment", "apt"), ("unit", "apt"),
    ("suite", "ste"), ("north", "n"), ("south", "s"), ("east", "e"), ("west", "w"),
)

_EXPRESSIONS = {
    "source_system": "coalesce(cast({c} as string), 'input')",
    "first_name": "{name}",
    "last_name": "{name}",
    "birth_date": "cast({c} as date)",
    "national_id": (
        "case when length(regexp_replace(cast({c} as string), '[^0-9]', '')) = 9 "
        "then regexp_replace(cast({c} as string), '[^0-9]', '') end"
    ),
    "email": (
        "case when lower(trim(cast({c} as string))) like '%_@_%' "
        "then lower(trim(cast({c} as string))) end"
    ),
    "email_verified": "coalesce(cast({c} as boolean), false)",
    "phone": (
        "case when length(regexp_replace(cast({c} as string), '[^0-9]', '')) >= 10 "
        "then right(regexp_replace(cast({c} as string), '[^0-9]', ''), 10) end"
    ),
    "city": "nullif(trim(regexp_replace(lower(cast({c} as string)), '[^a-z]+', ' ')), '')",
    "state": "nullif(upper(trim(cast({c} as string))), '')",
    "postal_code": (
        "case when length(regexp_replace(cast({c} as string), '[^0-9]', '')) >= 5 "
        "then left(regexp_replace(cast({c} as string), '[^0-9]', ''), 5) end"
    ),
    "customer_number": "nullif(trim(cast({c} as string)), '')",
    "observed_at": "cast({c} as timestamp)",
}
_NULLS = {
    "source_system": "'input'", "birth_date": "cast(null as date)",
    "email_verified": "false", "observed_at": "cast(null as timestamp)",
}


def _name_sql(column: str) -> str:
    # translate() is slow in DuckDB; only names with a non-ASCII letter need it.
    folded = (
        f"case when cast({column} as string) rlike '[^ -~]' then translate(cast({column} "
        f"as string), '{_ACCENTED}', '{_PLAIN}') else cast({column} as string) end"
    )
    return f"nullif(regexp_replace(lower({folded}), '[^a-z]', ''), '')"


def _address_spaced(column: str) -> exp.Expr:
    """Lower case, '#' to 'apt', punctuation to spaces, one space added at each end."""
    return sqlglot.parse_one(
        f"concat(' ', regexp_replace(replace(lower(cast({column} as string)), '#', ' apt '), "
        "'[^a-z0-9]+', ' '), ' ')",
        read="spark",
    )


def _address_abbreviated(spaced: exp.Expr) -> exp.Expr:
    """Whole-word USPS abbreviations of a spaced address, spaces collapsed, trimmed.

    The chain of replacements is the costly part of standardizing, and it changes
    only an address holding one of the words: the others skip it (same result).
    """
    tree = spaced.copy()
    for word, abbreviation in ADDRESS_ABBREVIATIONS:
        tree = exp.func("replace", tree, exp.Literal.string(f" {word} "),
                        exp.Literal.string(f" {abbreviation} "))
    words = "|".join(re.escape(word) for word, _ in ADDRESS_ABBREVIATIONS)
    holds_a_word = exp.RegexpLike(this=spaced.copy(), expression=exp.Literal.string(f" ({words}) "))
    chosen = exp.Case(ifs=[exp.If(this=holds_a_word, true=tree)], default=spaced.copy())
    collapsed = exp.func("regexp_replace", chosen, exp.Literal.string(" +"),
                         exp.Literal.string(" "))
    return exp.func("nullif", exp.func("trim", collapsed), exp.Literal.string(""))


def standardize_sql(input_view: str, present: Iterable[str], nicknames_view: str) -> str:
    """Spark SQL selecting `STANDARD_COLUMNS` from `input_view`.

    `present` names the input's columns; absent ones are NULL. Names are matched
    case-insensitively by the caller (it passes the input's real spelling).
    """
    have = set(present)
    base: list[exp.Expr] = [
        sqlglot.parse_one("cast(record_id as string)", read="spark").as_("record_id")
    ]
    expression: exp.Expr
    for column in INPUT_COLUMNS:
        if column in have:
            template = _EXPRESSIONS.get(column, "{name}")
            if column == "address_line":
                # Finished (abbreviations) in the outer select, so it is computed once.
                expression = _address_spaced(column)
            else:
                sql = template.replace("{name}", _name_sql("{c}")).replace("{c}", column)
                expression = sqlglot.parse_one(sql, read="spark")
        else:
            null = _NULLS.get(column, "cast(null as string)")
            expression = sqlglot.parse_one(null, read="spark")
        base.append(expression.as_(column))
    std = exp.select(*base).from_(input_view)
    address = _address_abbreviated(exp.column("address_line", table="s")).sql(dialect="spark")
    final = exp.maybe_parse(
        f"""
        select
            s.record_id, s.source_system, s.first_name,
            coalesce(n.formal, s.first_name) as first_name_canonical,
            s.last_name, s.birth_date,
            cast(s.birth_date as string) as birth_date_text,
            year(s.birth_date) as birth_year, month(s.birth_date) as birth_month,
            dayofmonth(s.birth_date) as birth_day,
            s.national_id, s.email,
            regexp_extract(s.email, '^([^@]+)@', 1) as email_local,
            s.email_verified, s.phone, {address} as address_line, s.city, s.state,
            s.postal_code,
            s.customer_number, s.observed_at
        from std as s
        left join {nicknames_view} as n on n.name = s.first_name
        """,
        into=exp.Select,
        dialect="spark",
    )
    return final.with_("std", as_=std).sql(dialect="spark")
