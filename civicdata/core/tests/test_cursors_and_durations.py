"""The one cursor codec and the one ISO 8601 duration parser."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from civicdata.core import cursors
from civicdata.core.errors import InvalidInput
from civicdata.core.iso8601 import ISO8601Error, parse_duration
from civicdata.core.pagination import decode_cursor


def test_cursor_round_trips_and_is_url_safe() -> None:
    values = ["abc1", [1.5, None, "é/+"], 42, True]
    token = cursors.encode_cursor(values)
    assert not set(token) & set("=+/")
    assert cursors.decode_cursor(token) == values


def test_cursor_writes_dates_as_text() -> None:
    token = cursors.encode_cursor([dt.date(2024, 1, 2)])
    assert cursors.decode_cursor(token) == ["2024-01-02"]


@pytest.mark.parametrize(
    "token",
    [
        "garbage!",
        "é",
        "",
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),  # JSON, but not a list
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),  # not JSON
        base64.urlsafe_b64encode(b"[1,").decode(),  # cut JSON
    ],
)
def test_bad_cursors_are_refused(token: str) -> None:
    """Anything not given out by the codec is BadCursor, and InvalidInput through the list API."""
    with pytest.raises(cursors.BadCursor):
        cursors.decode_cursor(token)
    with pytest.raises(InvalidInput) as err:
        decode_cursor(token)
    assert err.value.code == "invalid_cursor"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P1DT12H", dt.timedelta(days=1, hours=12)),
        ("P1Y", dt.timedelta(days=365.25)),
        ("P1M", dt.timedelta(days=30.44)),
        ("P2W", dt.timedelta(days=14)),
        ("P0.5M", dt.timedelta(days=15.22)),
        ("P3,5D", dt.timedelta(days=3.5)),
        ("PT1S", dt.timedelta(seconds=1)),
        (" PT90M ", dt.timedelta(minutes=90)),
    ],
)
def test_parse_duration(text: str, expected: dt.timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["P", "PT", "P1", "1Y", "P1H", "PT1D", "R/P1Y", "P-1D", "p1y", ""])
def test_bad_durations_are_refused(text: str) -> None:
    """A bare P or PT, a missing unit, units out of order and repeat prefixes are not durations."""
    with pytest.raises(ISO8601Error):
        parse_duration(text)
