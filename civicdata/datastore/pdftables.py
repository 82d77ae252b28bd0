"""Tables freed from PDFs (the POD toolbox's Tabula): find the tables on chosen pages with pdfplumber, and
turn the ones an editor picks into the rows of one CSV with the header row they chose.

Bounded like table loads: the file size (MAX_UPLOAD_MB), the number of pages read at once
(PDF_TABLES_MAX_PAGES) and the time spent reading them (PDF_TABLES_SECONDS, checked between pages).
Errors are `InvalidInput` with plain-language messages.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from civicdata.core.errors import InvalidInput

#: Most pages read for tables in one go (the editor chooses which).
MAX_PAGES = 20
#: Seconds the reading of those pages may take before it stops with an error.
MAX_SECONDS = 60.0
#: Rows shown in the preview of each table.
PREVIEW_ROWS = 8
#: Most cells of one table (rows × columns) kept.
MAX_CELLS = 200_000

STRATEGIES = ("auto", "lines", "text")
#: How an area is measured: in percent of the page, or in PDF points (72 points are one inch).
AREA_UNITS = ("percent", "points")
_TEXT_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text"}


@dataclass
class FoundTable:
    """One table found on one page: its rows of cell texts (None cells become "")."""

    page: int
    index: int
    rows: list[list[str]] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.page}-{self.index}"

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    @property
    def preview(self) -> list[list[str]]:
        return self.rows[:PREVIEW_ROWS]


def parse_pages(spec: str, page_count: int) -> list[int]:
    """Page numbers from "1-3, 5" (empty: the first pages, up to MAX_PAGES), checked against the PDF."""
    spec = (spec or "").strip()
    if not spec:
        return list(range(1, min(page_count, MAX_PAGES) + 1))
    pages: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d{1,5})(?:\s*-\s*(\d{1,5}))?", part)
        if not match:
            raise InvalidInput(
                _("Write pages as numbers and ranges, for example “1-3, 5”; “%(part)s” is not one.") % {"part": part},
                code="bad_pages",
            )
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last < first or last > page_count:
            raise InvalidInput(
                _("The PDF has %(n)s pages; “%(part)s” is outside them.") % {"n": page_count, "part": part},
                code="bad_pages",
            )
        pages.extend(p for p in range(first, last + 1) if p not in pages)
        if len(pages) > MAX_PAGES:
            raise InvalidInput(
                _("Choose at most %(n)s pages at a time.") % {"n": MAX_PAGES},
                code="too_many_pages",
            )
    return pages


@dataclass(frozen=True)
class Area:
    """A rectangle of each chosen page, measured from the page's top-left corner: left and right from the
    left edge, top and bottom from the top edge, in percent of the page or in PDF points."""

    left: float
    top: float
    right: float
    bottom: float
    unit: str = "percent"

    @property
    def text(self) -> str:
        numbers = ", ".join(f"{n:g}" for n in (self.left, self.top, self.right, self.bottom))
        return f"{numbers} %" if self.unit == "percent" else _("%(numbers)s points") % {"numbers": numbers}

    def box(self, width: float, height: float, *, page: int) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in points on a page of this size; InvalidInput when it does not fit."""
        if self.unit == "percent":
            return (
                width * self.left / 100,
                height * self.top / 100,
                width * self.right / 100,
                height * self.bottom / 100,
            )
        if self.right > width + 0.01 or self.bottom > height + 0.01:
            raise InvalidInput(
                _(
                    "The area goes outside page %(page)s, which is %(width)s points wide and %(height)s points "
                    "high. Use smaller numbers, or give the area in percent."
                )
                % {"page": page, "width": f"{width:g}", "height": f"{height:g}"},
                code="bad_area",
            )
        return self.left, self.top, self.right, self.bottom


def parse_area(spec: str, unit: str = "percent") -> Area | None:
    """An Area from "left, top, right, bottom" (empty: the whole page). Checked here: four numbers, not
    negative, percent at most 100, and a positive width and height; points are checked against each page
    when it is read (`Area.box`)."""
    spec = (spec or "").strip()
    if not spec:
        return None
    if unit not in AREA_UNITS:
        raise InvalidInput(_("Give the area in percent or in points."), code="bad_area")
    parts = [part.strip() for part in re.split(r"[,;]", spec)]
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or any(n != n or n in (float("inf"), float("-inf")) for n in numbers):
        raise InvalidInput(
            _(
                "Write the area as four numbers separated by commas: left, top, right, bottom "
                "(for example “0, 10, 100, 60”)."
            ),
            code="bad_area",
        )
    left, top, right, bottom = numbers
    if min(numbers) < 0 or (unit == "percent" and max(numbers) > 100):
        raise InvalidInput(
            _("In percent, each number of the area is between 0 and 100.")
            if unit == "percent"
            else _("The numbers of the area cannot be negative."),
            code="bad_area",
        )
    if right <= left or bottom <= top:
        raise InvalidInput(
            _("The area has no size: right must be larger than left, and bottom larger than top."), code="bad_area"
        )
    return Area(left, top, right, bottom, unit)


def check_area(path: Path, pages: list[int], area: Area | None) -> None:
    """InvalidInput (code "bad_area") when the area does not fit on one of the chosen pages."""
    if area is None or area.unit == "percent":
        return
    with _open(path) as pdf:
        for number in pages:
            page = pdf.pages[number - 1]
            area.box(float(page.width), float(page.height), page=number)


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        return pdfplumber.open(path)
    except (PDFSyntaxError, ValueError, TypeError, KeyError, OSError) as exc:
        raise InvalidInput(_("This file could not be read as a PDF."), code="bad_pdf") from exc
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        if exc.__class__.__module__.startswith(("pdfminer", "pdfplumber", "pypdfium2")):
            raise InvalidInput(_("This file could not be read as a PDF."), code="bad_pdf") from exc
        raise


def page_count(path: Path) -> int:
    """How many pages the PDF has (InvalidInput when it is not a readable PDF)."""
    with _open(path) as pdf:
        count = len(pdf.pages)
    if count == 0:
        raise InvalidInput(_("The PDF has no pages."), code="bad_pdf")
    return count


def _clean(row: list[str | None]) -> list[str]:
    return [" ".join((cell or "").split()) for cell in row]


def find_tables(path: Path, pages: list[int], *, strategy: str = "auto", area: Area | None = None) -> list[FoundTable]:
    """The tables on `pages` (1-based), inside `area` of each page when one is given (the rest of the page
    is cut away first). "lines" follows the ruled lines, "text" the alignment of words, "auto" tries ruled
    lines first and text alignment on pages where no ruled table is found. Empty rows and tables with
    fewer than two columns or two rows are left out."""
    if strategy not in STRATEGIES:
        strategy = "auto"
    started = time.monotonic()
    found: list[FoundTable] = []
    cells = 0
    with _open(path) as pdf:
        for number in pages:
            if time.monotonic() - started > MAX_SECONDS:
                raise InvalidInput(
                    _("Reading the pages took too long; choose fewer pages at a time."), code="pdf_too_slow"
                )
            try:
                whole = pdf.pages[number - 1]
                page = whole
                if area is not None:
                    left, top, right, bottom = area.box(float(whole.width), float(whole.height), page=number)
                    x0, y0 = float(whole.bbox[0]), float(whole.bbox[1])
                    page = whole.crop((x0 + left, y0 + top, x0 + right, y0 + bottom))
                tables = [] if strategy == "text" else page.extract_tables()
                if strategy == "text" or (strategy == "auto" and not _useful(tables)):
                    tables = page.extract_tables(_TEXT_SETTINGS)
            except IndexError as exc:
                raise InvalidInput(_("The PDF has no page %(n)s.") % {"n": number}, code="bad_pages") from exc
            except Exception as exc:
                if exc.__class__.__module__.startswith(("pdfminer", "pdfplumber")):
                    raise InvalidInput(
                        _("Page %(n)s of the PDF could not be read.") % {"n": number}, code="bad_pdf"
                    ) from exc
                raise
            index = 0
            for raw in tables:
                rows = [_clean(row) for row in raw if any((cell or "").strip() for cell in row)]
                if len(rows) < 2 or max(len(r) for r in rows) < 2:
                    continue
                cells += sum(len(r) for r in rows)
                if cells > MAX_CELLS:
                    raise InvalidInput(
                        _("These pages hold more than %(n)s table cells; choose fewer pages at a time.")
                        % {"n": MAX_CELLS},
                        code="pdf_too_large",
                    )
                index += 1
                found.append(FoundTable(page=number, index=index, rows=rows))
            whole.close()
    return found


def _useful(tables: list) -> bool:
    return any(len(t) >= 2 and max(len(r) for r in t) >= 2 for t in tables)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for position, name in enumerate(names, start=1):
        name = name.strip() or _("column_%(n)s") % {"n": position}
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def combine(tables: list[FoundTable], *, header_row: int = 1, column_names: str = "") -> tuple[list[str], list[list]]:
    """One table from the chosen ones, in page order: the header is row `header_row` of the first table
    (rows above it are dropped), or `column_names` (comma-separated) when given; the same header repeated
    at the top of later tables (a table running over several pages) is dropped too. All tables must have
    the same number of columns."""
    if not tables:
        raise InvalidInput(_("Choose at least one table."), code="no_tables")
    width = tables[0].width
    if any(t.width != width for t in tables):
        raise InvalidInput(
            _("The chosen tables have different numbers of columns (%(widths)s); choose tables of one shape.")
            % {"widths": ", ".join(str(t.width) for t in tables)},
            code="tables_differ",
        )
    first = tables[0].rows
    if header_row < 0 or header_row > len(first):
        raise InvalidInput(
            _("The first chosen table has %(n)s rows; the header row must be one of them (or 0 for none).")
            % {"n": len(first)},
            code="bad_header_row",
        )
    raw_header = first[header_row - 1] if header_row else []
    body = [row + [""] * (width - len(row)) for row in first[header_row:]]
    for table in tables[1:]:
        rows = table.rows
        if raw_header and rows and rows[0] == raw_header:
            rows = rows[1:]
        body.extend(row + [""] * (width - len(row)) for row in rows)
    if column_names.strip():
        names = next(csv.reader([column_names]))
        if len(names) != width:
            raise InvalidInput(
                _("Give %(n)s column names separated by commas (you gave %(given)s).")
                % {"n": width, "given": len(names)},
                code="bad_column_names",
            )
    else:
        names = raw_header or [""] * width
    return _unique(names), body


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 CSV bytes of the table."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()
