"""Reading uploaded tables as text, written once: which encoding the bytes are in, and which
delimiter separates the columns.

Datastore ingest, demand's request-log import (and through it the projects Find step) use these.
City spreadsheets arrive as UTF-8 (with or without a BOM), UTF-16 from Excel's "Unicode text",
and Windows-1252 from older desktop tools; charset-normalizer guesses the rest.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import unicodedata
from dataclasses import dataclass

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
    if name in _WINDOWS_1252_LOOKALIKES or (not name.startswith("utf") and looks_like_windows_1252(head[:GUESS_BYTES])):
        return "cp1252"
    return name


# Marks Windows-1252 text really carries besides accented letters (curly quotes, dashes, fractions...).
_TYPOGRAPHIC = frozenset("‘’‚“”„…–—•·×÷½¼¾°±²³©®™«»\u00a0€£¢¿¡")
# Bytes Windows-1252 leaves undefined: text containing them was not written in it.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def looks_like_windows_1252(data: bytes) -> bool:
    """True when single-byte text reads as Latin text with a few accented letters or typographic marks.

    charset-normalizer often names another code page (Mac Central European, Baltic cp775, even Big5) for
    a short table holding a few names like "Jesús" or "Núñez", and decoding with it turns them into
    mojibake. In Latin-script text the bytes above 0x7F stand alone or in pairs inside ASCII words; in
    Cyrillic, Greek, Hebrew or CJK text whole words are such bytes. So: no byte that Windows-1252 leaves
    undefined, fewer than half of the high bytes in runs of three or more, and at least 80 % of them
    letters or typographic marks in Windows-1252 (Big5 or Shift-JIS lead bytes read as `¥`, `§`, `¤`…).
    """
    high = [index for index, byte in enumerate(data) if byte > 0x7F]
    if not high or any(data[index] in _CP1252_UNDEFINED for index in high):
        return False
    in_runs, run = 0, 1
    for previous, index in itertools.pairwise(high):
        if index == previous + 1:
            run += 1
        else:
            in_runs += run if run >= 3 else 0
            run = 1
    in_runs += run if run >= 3 else 0
    if in_runs / len(high) >= 0.5:
        return False
    chars = bytes(data[index] for index in high).decode("cp1252")
    latin = sum(1 for char in chars if unicodedata.category(char).startswith("L") or char in _TYPOGRAPHIC)
    return latin / len(chars) >= 0.8


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


# UTF-8 text that went through Windows-1252 once leaves these pairs behind ("Ã©" for "é").
_MOJIBAKE = re.compile(
    "[\u00c3\u00c2][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]"
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A table decoded line by line: the text, how, and which lines needed help or could not be read."""

    text: str
    encoding: str
    fallback_encoding: str = ""
    repaired_lines: tuple[int, ...] = ()  # 1-based lines read in `fallback_encoding` or un-mojibaked
    undecodable_lines: tuple[int, ...] = ()  # 1-based lines no candidate encoding reads


def decode_lines(data: bytes) -> DecodedText:
    """Decode a table whose lines may not all share one encoding (logs pasted together from several exports).

    A file that is valid UTF-8 (or UTF-16 with its BOM) is decoded whole; UTF-8 lines holding mojibake
    (`Ã©` for `é`, UTF-8 once read as Windows-1252) are repaired when reversing that gives valid UTF-8.
    Otherwise every line is tried as UTF-8 first and, failing that, in Windows-1252 when any failing line reads
    as Western text there (see `looks_like_windows_1252`), else in the encoding guessed from the failing lines.
    When no line is non-ASCII UTF-8 the whole file is simply in that encoding (nothing "repaired"); when both
    kinds occur the converted lines are listed in `repaired_lines`.
    Lines that neither encoding reads are listed in `undecodable_lines` (the caller refuses the file, naming
    them). Raises UndecodableText for binary data.
    """
    encoding = guess_encoding(data[:GUESS_BYTES])
    if b"\x00" in data[:4096] and not encoding.startswith("utf-16"):
        raise UndecodableText("binary data")
    if encoding.startswith("utf-16"):
        return DecodedText(data.decode(encoding, errors="replace"), encoding)
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    lines = body.split(b"\n")
    texts: list[str] = []
    failing: list[int] = []
    saw_utf8 = False
    for index, line in enumerate(lines):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            failing.append(index)
            texts.append("")
            continue
        saw_utf8 = saw_utf8 or not line.isascii()
        texts.append(text)
    repaired: list[int] = []
    bad: list[int] = []
    fallback = ""
    if failing:
        # One Western line settles it: the other failing lines must be Windows-1252 too, or they are refused.
        if any(looks_like_windows_1252(lines[index]) for index in failing):
            fallback = "cp1252"
        else:
            fallback = guess_encoding(b"\n".join(lines[index] for index in failing))
            fallback = "cp1252" if fallback.startswith("utf") else fallback
        for index in failing:
            try:
                texts[index] = lines[index].decode(fallback)
            except UnicodeDecodeError:
                bad.append(index + 1)
                continue
            if saw_utf8:
                repaired.append(index + 1)
    for index, text in enumerate(texts):
        if _MOJIBAKE.search(text):
            try:
                texts[index] = text.encode("cp1252").decode("utf-8")
            except UnicodeError:
                continue
            repaired.append(index + 1)
    name = fallback if failing and not saw_utf8 else "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    return DecodedText(
        "\n".join(texts),
        name,
        fallback_encoding=fallback or "Windows-1252",
        repaired_lines=tuple(sorted(repaired)),
        undecodable_lines=tuple(bad),
    )


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
