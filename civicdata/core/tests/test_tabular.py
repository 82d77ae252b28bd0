"""Encoding guesses, decoding and delimiter sniffing of uploaded tables."""

from __future__ import annotations

import codecs

import pytest

from civicdata.core import tabular

TEXT = "Tema,Fecha\nÁrboles urbanos,2021-02-03\nPiñatas y señales,2021-03-04\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-8"), "utf-8"),
        (b"plain,ascii\n1,2\n", "utf-8"),
        (TEXT.encode("cp1252"), "cp1252"),
        (("Caf\u00e9 \u201cquoted\u201d \u2013 dash\n" * 5).encode("cp1252"), "cp1252"),
    ],
)
def test_guess_encoding(data: bytes, expected: str) -> None:
    """A BOM wins, then UTF-16 by its NUL bytes, then valid UTF-8, else Windows-1252 for Western text."""
    assert tabular.guess_encoding(data) == expected


def test_a_utf8_character_cut_at_the_end_of_the_sample_is_still_utf8() -> None:
    head = TEXT.encode("utf-8")
    cut = head[: head.index("Á".encode()) + 1]
    assert tabular.guess_encoding(cut) == "utf-8"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_decode_table_round_trips(encoding: str) -> None:
    """Decoded text equals the original, without a BOM."""
    text, _used = tabular.decode_table(TEXT.encode(encoding))
    assert text == TEXT


def test_binary_data_is_refused() -> None:
    """NUL bytes that are not UTF-16 text mean a binary file (an image, a zip)."""
    with pytest.raises(tabular.UndecodableText):
        tabular.decode_table(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_undecodable_bytes_become_replacement_characters(monkeypatch) -> None:
    """Bytes the guess (made from the start of the file) cannot read are replaced so the caller can
    flag those rows; decoding never raises."""
    head = TEXT.encode("cp1252")
    monkeypatch.setattr(tabular, "GUESS_BYTES", len(head))
    text, encoding = tabular.decode_table(head + b"Late,\x81\x8d\n")
    assert encoding == "cp1252"
    assert text.startswith(TEXT)
    assert text.endswith("Late,\ufffd\ufffd\n")


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("a;b;c\n1;2,5;3\n4;5;6\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        ("a,b\n1,2\n", ","),
        ('name,note\n"x","a;b;c;d"\n"y","e;f"\n', ","),
        ("just one column\nvalue\n", ","),
        ("", ","),
    ],
)
def test_sniff_delimiter(sample: str, expected: str) -> None:
    """The delimiter whose rows agree on a column count wins; a single column falls back to a comma."""
    assert tabular.sniff_delimiter(sample) == expected


def test_sniff_ignores_a_line_cut_by_the_sample() -> None:
    """The last line of a byte sample is usually cut; it does not vote."""
    assert tabular.sniff_delimiter("a;b;c\n1;2;3\n4;5;6\n7,8,9,10,11") == ";"


def test_sniff_survives_a_huge_line() -> None:
    """A field longer than the csv module's limit does not crash the sniffer."""
    sample = "a\tb\n" + '"' + "x" * 300_000 + "\t1\n2\t3\n"
    assert tabular.sniff_delimiter(sample) in tabular.CANDIDATE_DELIMITERS
