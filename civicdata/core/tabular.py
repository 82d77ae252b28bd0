"""Reading uploaded tables as text, written once: which encoding the bytes are in, and which
delimiter separates the columns.

Datastore ingest, demand's request-log import (and through it the projects Find step) use these.
City spreadsheets arrive as UTF-8 (with or without a BOM), UTF-16 from Excel's "Unicode text",
and Windows-1252 from older desktop tools; charset-normalizer guesses the rest.
"""

from __future__ import annotations

import codecs
import csv

import charset_normalizer

# How many bytes the encoding guess reads (charset-normalizer is slow on large inputs).
GUESS_BYTES = 2_000_000
CANDIDATE_DELIMITERS = (",", "\t", ";", "|")
SNIFF_LINES = 200

# Short texts make Western and Central-European single-byte code pages hard to tell apart, and
# tables from US and Spanish-speaking agencies are overwhelmingly Windows-1252 (the superset of
# Latin-1 that desktop tools really write). ASCII/UTF-8 guesses land here when a legacy byte
# follows pure ASCII.
_WINDOWS_1252_LOOKALIKES = frozenset(
    {
        "ascii",
        "utf-8",
        "latin-1",
        "latin1",
        "iso-8859-1",
        "iso8859-1",
        "cp1250",
        "cp1252",
        "iso8859-2",
        "iso8859-15",
        "iso8859-9",
        "cp1254",
        "mac-roman",
        "cp1257",
    }
)


class UndecodableText(ValueError):
    """Bytes that are not text in any encoding we can recognise."""


def guess_encoding(head: bytes) -> str:
    """Name the encoding of a table from its first bytes.

    A BOM wins (``utf-8-sig``, ``utf-16``), then UTF-16 without a BOM (every other byte of ASCII text
    is NUL), then valid UTF-8 (a multi-byte character cut at the end of `head` still counts), then
    charset-normalizer's guess, where Western look-alikes become ``cp1252``. Names use hyphens.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head.count(b"\x00") > len(head) // 4:
        return "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(head[:GUESS_BYTES]).best()
    name = (best.encoding if best else "cp1252").lower().replace("_", "-")
    return "cp1252" if name in _WINDOWS_1252_LOOKALIKES else name


def decode_table(data: bytes) -> tuple[str, str]:
    """Decode a whole uploaded table: (text without BOM, encoding name).

    Raises UndecodableText for binary data (NUL bytes outside UTF-16). Bytes the guessed encoding
    cannot read (the guess came from a prefix) become U+FFFD so the caller can flag those rows.
    """
    encoding = guess_encoding(data[:GUESS_BYTES])
    if b"\x00" in data[:4096] and not encoding.startswith("utf-16"):
        raise UndecodableText("binary data")
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), encoding


def sniff_delimiter(sample: str) -> str:
    """Pick the delimiter whose rows agree best on a column count (more columns break ties); ``,``
    when no candidate splits any line. `sample` is the start of the text (a cut last line is ignored).
    """
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of a byte sample is usually cut in half
    lines = lines[:SNIFF_LINES]
    best, best_score = ",", (-1.0, 0)
    for delim in CANDIDATE_DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=delim))
        except csv.Error:  # e.g. a field longer than the csv module's limit
            continue
        counts = [len(r) for r in rows if r]
        if not counts or max(counts) < 2:
            continue
        width = max(set(counts), key=counts.count)
        agreement = counts.count(width) / len(counts)
        score = (round(agreement, 2), width)
        if score > best_score:
            best, best_score = delim, score
    return best
