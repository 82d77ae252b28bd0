"""The one codec for opaque pagination cursors: a JSON list packed as unpadded URL-safe base64.

List APIs (core/pagination.py, the catalog search API) and the Data API page with it. It imports
nothing from Django so the Data API's pure query builder can use it too.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson


class BadCursor(ValueError):
    """Text that is not a cursor `encode_cursor` gave out."""


def encode_cursor(values: list[Any]) -> str:
    """An opaque, URL-safe cursor holding `values` (JSON; objects orjson cannot write become text)."""
    return base64.urlsafe_b64encode(orjson.dumps(values, default=str)).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    """The list `encode_cursor` packed; raises BadCursor for anything else."""
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):  # bad base64 or JSON (orjson.JSONDecodeError is a ValueError)
        values = None
    if not isinstance(values, list):
        raise BadCursor("not a cursor")
    return values
