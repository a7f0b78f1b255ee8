"""JSON documents read fast, with the standard module's answer."""

from __future__ import annotations

import json
from typing import Any

import orjson

_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGITS = b"0" * 19
"""19 digits in a row: maybe an integer past 64 bits, which orjson reads as a float.
Looked for in a copy with every digit made 0 (10x faster than a regex on 50 MB)."""


def loads(body: bytes | str) -> Any:
    """JSON text → Python, exactly as `json.loads` reads it, at orjson's speed.

    orjson parses, unless the text holds a run of 19+ digits (orjson turns an integer
    past 64 bits into a float, `json` keeps every digit); what orjson refuses (NaN,
    lone surrogates) is read by `json` too.
    """
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if _LONG_DIGITS not in data.translate(_DIGITS_AS_ZERO):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
