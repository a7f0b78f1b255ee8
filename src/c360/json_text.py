"""JSON documents read fast, with the standard module's answer."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_LONG_DIGITS = re.compile(rb"\d{19,}")
"""19 digits in a row: maybe an integer past 64 bits, which orjson reads as a float."""


def loads(body: bytes | str) -> Any:
    """JSON text → Python, exactly as `json.loads` reads it, at orjson's speed.

    orjson parses, unless the text holds a run of 19+ digits (orjson turns an integer
    past 64 bits into a float, `json` keeps every digit); what orjson refuses (NaN,
    lone surrogates) is read by `json` too.
    """
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if not _LONG_DIGITS.search(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
