"""Date parsing for the spellings found in real logs."""

import datetime as dt

import pytest

from civicdata.demand.dates import UnparseableDate, infer_day_first, parse_log_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2010-12-01", dt.date(2010, 12, 1)),
        ("2010-12-01 00:00:00", dt.date(2010, 12, 1)),
        ("2020-01-02T08:43:00Z", dt.date(2020, 1, 2)),
        ("1/1/20 0:05", dt.date(2020, 1, 1)),
        ("12/1/2010", dt.date(2010, 12, 1)),
        ("01/02/2020 08:43:00 AM", dt.date(2020, 1, 2)),
        ("25/12/2019", dt.date(2019, 12, 25)),
        ("1-Dec-2010", dt.date(2010, 12, 1)),
        ("December 1, 2010", dt.date(2010, 12, 1)),
        ("Dec. 1st, 2010", dt.date(2010, 12, 1)),
        ("Wednesday, December 1, 2010", dt.date(2010, 12, 1)),
        ("3 marzo 2021", dt.date(2021, 3, 3)),
        ("20101201", dt.date(2010, 12, 1)),
        ("40513", dt.date(2010, 12, 1)),
        ("1291161600000", dt.date(2010, 12, 1)),
        (40513.0, dt.date(2010, 12, 1)),
        (dt.datetime(2010, 12, 1, 9, 30, tzinfo=dt.UTC), dt.date(2010, 12, 1)),
    ],
)
def test_parses_real_log_spellings(raw, expected):
    """Every date spelling seen in FOIA, 311 and spreadsheet exports becomes the same date."""
    assert parse_log_date(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", "-", "N/A", "pending", None])
def test_null_markers_are_no_date(raw):
    """Cells meaning "no date yet" are None, not errors."""
    assert parse_log_date(raw) is None


@pytest.mark.parametrize("raw", ["soon", "13/13/2020", "2020-02-30", "12345", "Smarch 3, 2020"])
def test_garbage_is_rejected(raw):
    """Text that is not a date raises UnparseableDate rather than guessing."""
    with pytest.raises(UnparseableDate):
        parse_log_date(raw)


def test_day_first_option_and_inference():
    """03/04/2020 is 4 March by default, 3 April when the column writes days first."""
    assert parse_log_date("03/04/2020") == dt.date(2020, 3, 4)
    assert parse_log_date("03/04/2020", day_first=True) == dt.date(2020, 4, 3)
    assert infer_day_first(["03/04/2020", "25/04/2020"]) is True
    assert infer_day_first(["03/04/2020", "04/25/2020"]) is False
    assert infer_day_first(["2020-04-03"]) is False
