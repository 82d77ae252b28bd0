"""Turn the raw bytes of a data.json (upload, paste, file or fetched URL) into a parsed catalog,
or into a precise explanation of why it cannot be read.

Framework-free on purpose: the size limit arrives as a parameter (the Django setting
``CATALOG_MAX_BYTES`` is read by the callers), so the CLI, the web tools and the harvester share it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from civicdata.core.gcpause import gc_paused

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
# The JSON parser refuses anything nested deeper than 1024 levels. A stricter limit can be asked
# for (`max_depth`), at the cost of one walk over every object and list of the document: on a
# 100k-dataset catalog that walk costs about as much as parsing, so it is off by default and the
# validator copes with deep values itself.
PARSER_MAX_DEPTH = 1024
DEFAULT_MAX_DEPTH: int | None = None
# Parsed JSON costs far more memory than its text: 100 MB of "[]," is 33 million lists (about 2 GB).
# Brackets and commas are counted in the bytes before parsing (those inside strings too, so these are
# upper bounds); a 300,000-dataset catalog has about 5 million containers and 15 million values.
DEFAULT_MAX_CONTAINERS = 10_000_000
DEFAULT_MAX_VALUES = 40_000_000

UTF8_BOM = b"\xef\xbb\xbf"
#: What an Enterprise Data Inventory puts in place of a withheld value ("[[REDACTED-EX B5]]" and so on).
REDACTION_MARK = b"[[REDACTED"
# Every byte but the brackets, commas and backslashes that _structure counts.
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b"{[,\\")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """One reason the input could not be read, or one warning about how it was read."""

    code: str
    message: str
    line: int | None = None
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "line": self.line, "column": self.column}


@dataclass(slots=True)
class ReadResult:
    """Outcome of reading: ``document`` is set only when nothing fatal was found."""

    document: Any = None
    errors: list[ReadProblem] = field(default_factory=list)
    warnings: list[ReadProblem] = field(default_factory=list)
    size: int = 0
    encoding: str = "utf-8"
    # Asked for with ``note_redaction``: True when no text in the document can start with REDACTION_MARK
    # (found in the bytes, which is cheaper than looking through the parsed values); None when not asked.
    redaction_free: bool | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "readable": self.ok,
            "size": self.size,
            "encoding": self.encoding,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }


class CatalogTooLarge(Exception):
    """Raised by :func:`read_limited` when a stream is longer than the limit."""


def _human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover


def _too_large(size: int | None, max_bytes: int) -> ReadProblem:
    told = f"{_human_size(size)}, " if size is not None else ""
    return ReadProblem(
        "input.too_large",
        f"The file is too large ({told}the limit is {_human_size(max_bytes)}). "
        "Split the catalog or ask an administrator to raise CATALOG_MAX_BYTES.",
    )


def read_limited(stream: IO[bytes], *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a binary stream but never more than ``max_bytes``; raise CatalogTooLarge beyond it."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise CatalogTooLarge(max_bytes)
    return data


def read_catalog_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int | None = DEFAULT_MAX_DEPTH,
    note_redaction: bool = False,
) -> ReadResult:
    """Read a catalog from disk; the size is checked before the content is loaded."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        return ReadResult(errors=[ReadProblem("input.missing", f"Cannot open {p}: {exc.strerror}.")])
    if size > max_bytes:
        return ReadResult(errors=[_too_large(size, max_bytes)], size=size)
    with p.open("rb") as fh:
        try:
            data = read_limited(fh, max_bytes=max_bytes)
        except CatalogTooLarge:
            return ReadResult(errors=[_too_large(None, max_bytes)], size=size)
    return read_catalog_bytes(data, max_bytes=max_bytes, max_depth=max_depth, note_redaction=note_redaction)


def _line_col(data: bytes, pos: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, pos) + 1
    start = data.rfind(b"\n", 0, pos) + 1
    # Columns count characters, not bytes, so multi-byte UTF-8 text does not shift them.
    column = len(data[start:pos].decode("utf-8", errors="replace")) + 1
    return line, column


def _sniff_encoding_problem(data: bytes) -> ReadProblem | None:
    """Name the encoding when the bytes are clearly not UTF-8 (the only encoding data.json allows)."""
    head = data[:4]
    if head.startswith(_UTF32_BOMS):
        return ReadProblem(
            "encoding.not_utf8",
            "The file is encoded as UTF-32. A data.json file must be UTF-8: save it again as UTF-8.",
        )
    if head.startswith(_UTF16_BOMS) or (len(data) >= 4 and (data[1:4:2] == b"\x00\x00" or data[0:4:2] == b"\x00\x00")):
        return ReadProblem(
            "encoding.not_utf8",
            "The file is encoded as UTF-16 (two bytes per character), as some Windows tools save it. "
            "A data.json file must be UTF-8: save it again as UTF-8.",
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(data, exc.start)
        bad = data[exc.start : exc.start + 1]
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            guess = "in an unknown encoding"
        else:
            char = bad.decode("cp1252")
            guess = f"in Windows-1252 (the byte 0x{bad.hex().upper()} is “{char}” there)"
        return ReadProblem(
            "encoding.not_utf8",
            f"The file is not valid UTF-8: it looks like it was saved {guess}. Save it again as UTF-8.",
            line,
            column,
        )
    return None


def _html_problem(text_start: bytes, data: bytes) -> ReadProblem | None:
    lowered = text_start[:512].lower()
    if not lowered.startswith(b"<"):
        return None
    if b"<html" in lowered or b"<!doctype html" in lowered or b"<head" in lowered or b"<body" in lowered:
        match = _TITLE_RE.search(data[:65536])
        title = match.group(1).decode("utf-8", "replace").strip() if match else ""
        titled = f" (its title is “{title[:120]}”)" if title else ""
        return ReadProblem(
            "input.html",
            f"This is a web page{titled}, not a JSON catalog. The address may point to the site's home "
            "page, a login page or an error page instead of the data.json file.",
            1,
            1,
        )
    return ReadProblem(
        "input.xml",
        "This is an XML document, not a JSON catalog. data.json must be JSON.",
        1,
        1,
    )


def _depth_exceeds(doc: Any, limit: int) -> bool:
    # Iterative walk that only visits containers; scalars cost nothing.
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, (dict, list)))
    return False


def _structure(body: bytes) -> tuple[int, int, int]:
    """(lists and objects, commas, backslashes) in the bytes, those inside strings too: one pass that keeps
    only those four bytes (a 200 MB catalog leaves about 5 MB), then counts on the little that is left."""
    kept = body.translate(None, _NOT_STRUCTURE)
    return kept.count(b"{") + kept.count(b"["), kept.count(b","), kept.count(b"\\")


def _too_many_values(containers: int, commas: int) -> ReadProblem | None:
    """Refuse, before parsing, a document whose lists and objects would take far more memory than any
    real catalog (counted cheaply on the bytes)."""
    values = containers + commas
    if containers <= DEFAULT_MAX_CONTAINERS and values <= DEFAULT_MAX_VALUES:
        return None
    return ReadProblem(
        "json.too_many_values",
        f"The JSON holds about {containers:,} lists and objects and {values:,} values, far beyond any real "
        f"catalog (the limits are {DEFAULT_MAX_CONTAINERS:,} and {DEFAULT_MAX_VALUES:,}). It was not processed.",
    )


def _redaction_free(body: bytes, *, escapes: bool) -> bool:
    """True when no JSON text in ``body`` can hold REDACTION_MARK: the mark is not in the bytes as such and,
    if the JSON has backslash escapes, none is a \\u escape of an ASCII character from @ to _ (where
    "[", "R", "E", "D", "A", "C" and "T" lie), the only other way to write the mark."""
    if REDACTION_MARK in body:
        return False
    return not (escapes and b"\\u00" in body and (b"\\u004" in body or b"\\u005" in body))


def _error_body_problem(doc: dict[str, Any]) -> ReadProblem | None:
    if "dataset" in doc or "error" not in doc or doc.get("error") in (False, None, "", 0):
        return None
    detail = doc.get("message") or doc.get("error_description") or doc.get("detail")
    if not isinstance(detail, str) and isinstance(doc.get("error"), (str, dict)):
        err = doc["error"]
        detail = err if isinstance(err, str) else err.get("message")
    status = doc.get("status") or doc.get("code")
    bits = []
    if detail:
        bits.append(f"message “{str(detail)[:200]}”")
    if status:
        bits.append(f"status {status}")
    said = f" ({', '.join(bits)})" if bits else ""
    return ReadProblem(
        "input.error_response",
        f"The server sent an error message{said} instead of a catalog. "
        "The publisher's data.json was probably broken at the time: try again later or tell them.",
    )


def read_catalog_bytes(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int | None = DEFAULT_MAX_DEPTH,
    content_type: str | None = None,
    note_redaction: bool = False,
) -> ReadResult:
    """Parse ``data`` as a catalog document.

    Never raises for bad input: every problem becomes a ``ReadProblem`` with a stable code
    (``input.*``, ``encoding.*``, ``json.*``, ``root.*``). A UTF-8 byte order mark is accepted
    with a warning. The root must be an object (v1.1, DCAT-US 3) or an array (v1.0).
    ``note_redaction`` also sets ``redaction_free`` (the validator's shortcut).
    """
    result = ReadResult(size=len(data))
    body = _without_bom(result, data, max_bytes=max_bytes)
    if body is None:
        return result
    containers, commas, backslashes = _structure(body)
    too_many = _too_many_values(containers, commas)
    if too_many is not None:
        result.errors.append(too_many)
        return result
    try:
        # The common case first: well-formed UTF-8 JSON, where none of the checks below could fire
        # (orjson refuses invalid UTF-8, and neither an empty file nor markup is JSON).
        with gc_paused():
            doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        if not _readable_body(result, body, content_type=content_type):
            return result
        doc = _parse_json(result, body)
        if doc is _NOT_PARSED:
            return result
    problem = _root_problem(doc)
    if problem is None and max_depth is not None and _depth_exceeds(doc, max_depth):
        problem = _too_deep(max_depth)
    if problem is not None:
        result.errors.append(problem)
        return result
    result.document = doc
    if note_redaction:
        result.redaction_free = _redaction_free(body, escapes=backslashes > 0)
    return result


def _without_bom(result: ReadResult, data: bytes, *, max_bytes: int) -> bytes | None:
    """The bytes to parse, without a BOM; None (with the error in ``result``) when they are too large."""
    if len(data) > max_bytes:
        result.errors.append(_too_large(len(data), max_bytes))
        return None
    body = data
    if body.startswith(UTF8_BOM):
        body = body[len(UTF8_BOM) :]
        result.warnings.append(
            ReadProblem(
                "encoding.bom",
                "The file starts with a byte order mark (BOM). It was accepted, but some harvesters "
                "reject it: save the file as UTF-8 without BOM.",
                1,
                1,
            )
        )
    return body


def _readable_body(result: ReadResult, body: bytes, *, content_type: str | None) -> bool:
    """False (with the error in ``result``) when bytes that failed to parse are not worth a JSON syntax
    error: empty, not UTF-8, or a web page."""
    stripped = body.lstrip()
    if not stripped:
        result.errors.append(ReadProblem("input.empty", "The file is empty."))
        return False
    encoding_problem = _sniff_encoding_problem(body)
    if encoding_problem is not None:
        result.encoding = "unknown"
        result.errors.append(encoding_problem)
        return False
    html = _html_problem(stripped, body)
    if html is not None or (content_type and "html" in content_type.lower() and stripped[:1] == b"<"):
        result.errors.append(html or ReadProblem("input.html", "This is a web page, not a JSON catalog."))
        return False
    return True


def _parse_json(result: ReadResult, body: bytes) -> Any:
    """The parsed JSON, or ``_NOT_PARSED`` with the syntax error in ``result``."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        exc = error
    if "surrogate" in exc.msg:
        # Escaped lone surrogates (\\ud83d without its pair) are legal JSON text that orjson
        # refuses; real agency catalogs contain them, so parse with the standard library.
        doc = _parse_with_stdlib(body)
        if doc is not _NOT_PARSED:
            line, column = _line_col(body, exc.pos)
            result.warnings.append(
                ReadProblem(
                    "json.lone_surrogate",
                    "The file contains a broken Unicode escape (half of an emoji or special character) "
                    f"at line {line}, column {column}. It was read anyway; fix it at the source.",
                    line,
                    column,
                )
            )
            return doc
    # A real syntax error.
    if "depth limit" in exc.msg or "recursion" in exc.msg:
        result.errors.append(_too_deep(PARSER_MAX_DEPTH))
        return _NOT_PARSED
    line, column = _line_col(body, exc.pos)
    result.errors.append(
        ReadProblem(
            "json.invalid",
            f"This is not valid JSON: {_plain_json_error(exc.msg)} at line {line}, column {column}.",
            line,
            column,
        )
    )
    return _NOT_PARSED


def _root_problem(doc: Any) -> ReadProblem | None:
    """Why a parsed document cannot be a catalog: the wrong kind of root, or an error message body."""
    if not isinstance(doc, (dict, list)):
        kind = {str: "a text string", int: "a number", float: "a number", bool: "true/false"}.get(type(doc), "null")
        return ReadProblem(
            "root.wrong_type",
            f"The file holds {kind}, but a catalog must be a JSON object with a “dataset” list "
            "(or, for the old v1.0 format, a list of datasets).",
            1,
            1,
        )
    if isinstance(doc, dict):
        return _error_body_problem(doc)
    return None


def read_catalog_text(text: str, **kwargs: Any) -> ReadResult:
    """Parse pasted text (already decoded by the browser or CLI) as a catalog."""
    return read_catalog_bytes(text.encode("utf-8", errors="surrogatepass"), **kwargs)


_NOT_PARSED = object()


def _parse_with_stdlib(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        return _NOT_PARSED


def _too_deep(limit: int) -> ReadProblem:
    return ReadProblem(
        "json.too_deep",
        f"The JSON is nested more than {limit} levels deep, far beyond any real catalog. It was not processed.",
    )


_JSON_ERROR_WORDS = {
    "unexpected character": "an unexpected character",
    "trailing comma": "a comma before a closing bracket",
    "unexpected end of data": "the file ends too early (a bracket or quote is not closed)",
    "EOF while parsing": "the file ends too early (a bracket or quote is not closed)",
    "control character": "a raw line break or control character inside a text value",
    "trailing characters": "extra text after the end of the JSON value",
    "expected ':'": "a missing colon between a name and its value",
    "expected ',' or '}'": "a missing comma or closing brace",
    "expected ',' or ']'": "a missing comma or closing bracket",
    "key must be a string": "a name that is not in double quotes",
    "invalid escape": "an invalid backslash escape",
    "lone leading surrogate": "a broken Unicode escape",
}


def _plain_json_error(msg: str) -> str:
    for needle, plain in _JSON_ERROR_WORDS.items():
        if needle.lower() in msg.lower():
            return f"{plain} ({msg})"
    return msg
