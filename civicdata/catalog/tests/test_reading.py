"""Reading raw catalog bytes: every kind of unreadable input gets a precise, coded explanation."""

from __future__ import annotations

import io

import pytest

from civicdata.catalog.ingest.reading import (
    CatalogTooLarge,
    read_catalog_bytes,
    read_catalog_file,
    read_catalog_text,
    read_limited,
)
from civicdata.core.testing import realdata_path

GOOD = b'{"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": []}'


def codes(result):
    return [p.code for p in result.errors]


def test_valid_catalog_is_parsed():
    """A well-formed catalog parses with no errors or warnings."""
    result = read_catalog_bytes(GOOD)
    assert result.ok
    assert result.document["dataset"] == []
    assert result.warnings == []


def test_utf8_bom_is_accepted_with_a_warning():
    """A UTF-8 byte order mark is stripped, the catalog is read and the BOM is reported."""
    result = read_catalog_bytes(b"\xef\xbb\xbf" + GOOD)
    assert result.ok
    assert [w.code for w in result.warnings] == ["encoding.bom"]


def test_invalid_json_reports_line_and_column():
    """A syntax error names the line and column where it was found."""
    result = read_catalog_bytes(b'{\n  "dataset": [\n    {"title": "x",}\n  ]\n}')
    assert codes(result) == ["json.invalid"]
    problem = result.errors[0]
    assert (problem.line, problem.column) == (3, 18)  # the trailing comma
    assert "line 3, column 18" in problem.message


def test_utf16_is_detected():
    """UTF-16 text (with or without BOM) is named as UTF-16, not reported as garbage JSON."""
    for data in (GOOD.decode().encode("utf-16"), GOOD.decode().encode("utf-16-le")):
        result = read_catalog_bytes(data)
        assert codes(result) == ["encoding.not_utf8"]
        assert "UTF-16" in result.errors[0].message


def test_windows_1252_is_detected_with_position():
    """A Windows-1252 curly apostrophe is named, with where it is."""
    data = '{"dataset": [{"title": "Mayor’s budget"}]}'.encode("cp1252")
    result = read_catalog_bytes(data)
    assert codes(result) == ["encoding.not_utf8"]
    assert "Windows-1252" in result.errors[0].message
    assert result.errors[0].line == 1


def test_html_page_is_recognised():
    """An HTML page served instead of data.json is reported as such, with its title."""
    page = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body></body></html>"
    result = read_catalog_bytes(page)
    assert codes(result) == ["input.html"]
    assert "Page not found" in result.errors[0].message


def test_real_error_body_is_recognised():
    """The error body an HHS address really served is reported as an error response, not a catalog."""
    result = read_catalog_file(realdata_path("datajson/hhs/hhs.gov.data.2023-12-17.ERROR-RESPONSE.json"))
    assert codes(result) == ["input.error_response"]
    assert "Internal error" in result.errors[0].message
    assert "500" in result.errors[0].message


@pytest.mark.parametrize(("data", "word"), [(b'"just text"', "text string"), (b"42", "number"), (b"null", "null")])
def test_wrong_root_type(data, word):
    """A JSON scalar at the root is refused with the kind of value found."""
    result = read_catalog_bytes(data)
    assert codes(result) == ["root.wrong_type"]
    assert word in result.errors[0].message


def test_size_limit_is_enforced_before_parsing(tmp_path):
    """Input over the limit is refused without being parsed, from bytes or from a file."""
    assert codes(read_catalog_bytes(GOOD, max_bytes=10)) == ["input.too_large"]
    path = tmp_path / "big.json"
    path.write_bytes(GOOD)
    result = read_catalog_file(path, max_bytes=10)
    assert codes(result) == ["input.too_large"]
    assert result.document is None


def test_read_limited_stops_at_the_limit():
    """A stream longer than the limit raises instead of being read whole."""
    with pytest.raises(CatalogTooLarge):
        read_limited(io.BytesIO(b"x" * 11), max_bytes=10)
    assert read_limited(io.BytesIO(b"x" * 10), max_bytes=10) == b"x" * 10


def test_deep_nesting_is_refused():
    """Nesting deeper than the limit (or than orjson accepts) is refused with a clear code."""
    assert codes(read_catalog_bytes(b"[" * 100 + b"]" * 100, max_depth=64)) == ["json.too_deep"]
    assert codes(read_catalog_bytes(b"[" * 5000 + b"]" * 5000)) == ["json.too_deep"]
    assert read_catalog_bytes(b"[" * 10 + b"]" * 10, max_depth=64).ok
    assert read_catalog_bytes(b"[" * 100 + b"]" * 100).ok  # no extra walk unless asked


def test_empty_input():
    """Whitespace only is reported as empty."""
    assert codes(read_catalog_bytes(b"  \n ")) == ["input.empty"]


def test_pasted_text():
    """Pasted text goes through the same reader."""
    assert read_catalog_text(GOOD.decode()).ok


def test_lone_surrogate_in_real_catalog_is_read_with_warning():
    """USAID's real data.json has a broken Unicode escape: it is read, with a warning that locates it."""
    result = read_catalog_file(realdata_path("datajson/federal_agencies_2025-02/usaid.data.json"))
    assert result.ok
    assert [w.code for w in result.warnings] == ["json.lone_surrogate"]
    assert result.warnings[0].line == 8575
    assert len(result.document["dataset"]) == 316


def test_missing_file(tmp_path):
    """A path that does not exist is reported, not raised."""
    assert codes(read_catalog_file(tmp_path / "nope.json")) == ["input.missing"]


def test_a_catalog_of_millions_of_empty_lists_is_refused_before_parsing():
    """60 MB of "[]," would be 20 million lists (gigabytes once parsed); it is refused from the byte count."""
    result = read_catalog_bytes(b"[" + b"[]," * 12_000_000 + b"[]]")
    assert [problem.code for problem in result.errors] == ["json.too_many_values"]
    assert result.document is None


@pytest.mark.parametrize(
    ("text", "free"),
    [
        (b'{"dataset": [{"title": "Plain", "spatial": "Ohio"}]}', True),
        # other escapes (an accented letter, a quote, a slash) cannot spell the mark
        (b'{"dataset": [{"title": "Caf\\u00e9 \\"Ohio\\" a\\/b", "spatial": "\\u201cx\\u201d"}]}', True),
        (b'{"dataset": [{"spatial": "[[REDACTED-EX B6]]"}]}', False),
        # the same mark written with escapes: what the validator would read from it is still the mark
        (b'{"dataset": [{"spatial": "\\u005b[REDACTED-EX B6]]"}]}', False),
        (b'{"dataset": [{"spatial": "[[\\u0052EDACTED-EX B6]]"}]}', False),
    ],
)
def test_redaction_mark_is_found_in_the_bytes_when_asked(text, free):
    """note_redaction says whether any text can start with [[REDACTED, however the JSON escapes it."""
    result = read_catalog_bytes(text, note_redaction=True)
    assert result.ok
    assert result.redaction_free is free
    assert read_catalog_bytes(text).redaction_free is None  # not asked: not looked for


def test_counting_in_one_pass_keeps_the_limits(monkeypatch):
    """The structure count (one pass over the bytes) refuses by lists and objects and by values as before."""
    from civicdata.catalog.ingest import reading

    monkeypatch.setattr(reading, "DEFAULT_MAX_CONTAINERS", 3)
    assert codes(read_catalog_bytes(b'{"a": [1, {"b": [2]}]}')) == ["json.too_many_values"]  # 4 containers
    assert codes(read_catalog_bytes(b'{"a": [1, {"b": 2}]}')) == []  # 3 containers
    monkeypatch.setattr(reading, "DEFAULT_MAX_VALUES", 5)
    assert codes(read_catalog_bytes(b'{"a": [1, 2, 3], "b": "x,y"}')) == ["json.too_many_values"]  # 2 + 3 + 1 in text
    assert codes(read_catalog_bytes(b'{"a": [1, 2], "b": "x"}')) == []  # 2 containers + 2 commas
