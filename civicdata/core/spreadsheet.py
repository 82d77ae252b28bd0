"""Spreadsheet-safe downloads, written once: formula neutralising and streaming CSV and XLSX writers.

Catalog exports, Data API downloads, demand exports and the projects programme table all write
through here, so every download treats people's text the same way: a cell a spreadsheet would run
as a formula (OWASP "CSV injection") gets a leading apostrophe, and XLSX cells are never turned
into formulas, links or numbers.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

# Spreadsheet programs run a cell starting with one of these as a formula (tab and carriage return
# too: some strip them and then see the "=" behind).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_575  # below the header row
XLSX_MAX_CHARS = 32_767  # per cell
ROWS_PER_CHUNK = 500

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def sendable_text(text: str) -> str:
    """Replace lone surrogates (from real catalogs) so the text can always be sent as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def csv_chunks(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, rows_per_chunk: int = ROWS_PER_CHUNK
) -> Iterator[str]:
    """RFC 4180 CSV (CRLF line ends) in chunks of `rows_per_chunk` rows; the first chunk also holds
    the header. Rows are consumed lazily; formula-like text cells (header included) are neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([neutralise(v) for v in row])
        if count % rows_per_chunk == 0:
            yield sendable_text(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield sendable_text(buffer.getvalue())


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV as one string (for small tables)."""
    return "".join(csv_chunks(header, rows))


# --- XLSX --------------------------------------------------------------------------------------


def open_workbook(target: str | IO[bytes]) -> Any:
    """An xlsxwriter workbook that flushes each row to disk (memory stays flat) and stores text as
    text: never as a formula, a link or a number."""
    import xlsxwriter  # only downloads need it

    return xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd hh:mm:ss",
            "remove_timezone": True,
        },
    )


def xlsx_cell(value: Any) -> Any:
    """A cell value as written: formula-like text neutralised, text cut to the XLSX cell limit."""
    value = neutralise(value)
    if isinstance(value, str) and len(value) > XLSX_MAX_CHARS:
        return value[:XLSX_MAX_CHARS]
    return value


def write_xlsx_row(sheet: Any, index: int, values: Iterable[Any], cell_format: Any = None) -> None:
    """Write one row (0-based `index`); empty and None cells stay blank."""
    sheet.write_row(index, 0, [xlsx_cell(v) for v in values], cell_format)


def xlsx_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "data") -> Iterator[bytes]:
    """A one-sheet workbook with a bold header row, written to a temporary file and then streamed.

    Raises ValueError past the XLSX row limit (before anything is sent, since the file is complete
    only at the end).
    """
    with tempfile.TemporaryFile() as tmp:
        workbook = open_workbook(tmp)
        worksheet = workbook.add_worksheet(sheet[:31])
        write_xlsx_row(worksheet, 0, header, workbook.add_format({"bold": True}))
        index = 0
        for index, row in enumerate(rows, start=1):
            if index > XLSX_MAX_ROWS:
                raise ValueError("An XLSX sheet holds at most 1,048,575 rows; download CSV instead.")
            write_xlsx_row(worksheet, index, row)
        workbook.close()
        tmp.seek(0)
        while chunk := tmp.read(1 << 20):
            yield chunk
