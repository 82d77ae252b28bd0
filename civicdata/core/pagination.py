"""The API's cursor pagination convention: `?cursor=…&limit=…` in, `{"items", "next_cursor"}` out.

Cursors are opaque, URL-safe strings that encode the sort key of the last item returned, so paging stays
fast on large tables and stable while rows are added."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from ninja import Schema

from civicdata.core import cursors
from civicdata.core.cursors import encode_cursor
from civicdata.core.errors import InvalidInput

__all__ = ["MAX_LIMIT", "CursorPage", "decode_cursor", "encode_cursor", "paginate"]

MAX_LIMIT = 1000


class CursorPage[T](Schema):
    items: list[T]
    next_cursor: str | None = None


def decode_cursor(cursor: str) -> list[Any]:
    """The values of a cursor this API gave out; InvalidInput (code invalid_cursor) otherwise."""
    try:
        return cursors.decode_cursor(cursor)
    except cursors.BadCursor:
        raise InvalidInput("The cursor is not one this API gave out.", code="invalid_cursor") from None


def paginate(queryset: QuerySet, *, cursor: str | None, limit: int, order: str = "-id") -> dict[str, Any]:
    """Keyset-paginate a queryset on one unique field (default newest first by id)."""
    if limit < 1 or limit > MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.", code="invalid_limit")
    descending = order.startswith("-")
    field = order.lstrip("-")
    queryset = queryset.order_by(order)
    if cursor:
        (last,) = decode_cursor(cursor)[:1] or [None]
        queryset = queryset.filter(Q(**{f"{field}__{'lt' if descending else 'gt'}": last}))
    rows = list(queryset[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([getattr(rows[-1], field)])
    return {"items": rows, "next_cursor": next_cursor}
