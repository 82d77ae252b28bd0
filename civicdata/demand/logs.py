"""Read public-records (FOIA), 311 and portal-search logs and preview them before import.

Nothing here touches the database: it reads CSV/XLSX bytes, proposes which column plays which role
from header synonyms, parses every row with its problems, and fingerprints rows so that importing
the same log twice adds nothing the second time.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from civicdata.core import tabular
from civicdata.demand.dates import UnparseableDate, infer_day_first, parse_log_date

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
# How many leading rows may hold a title or notes before the real header row.
HEADER_SEARCH_ROWS = 15
# Zip-bomb guard for XLSX: the unpacked workbook may be at most this many times the upload.
MAX_XLSX_EXPANSION = 40


class LogKind(StrEnum):
    """Where a log comes from; decides which roles matter most."""

    FOIA = "foia"
    SERVICE_311 = "311"
    SEARCH = "search"


class Role(StrEnum):
    """What a column means for demand analysis."""

    TRACKING_NUMBER = "tracking_number"
    RECEIVED_DATE = "received_date"
    CLOSED_DATE = "closed_date"
    DESCRIPTION = "description"
    REQUESTER_NAME = "requester_name"
    REQUESTER_ORGANIZATION = "requester_organization"
    REQUESTER_TYPE = "requester_type"
    DEPARTMENT = "department"
    STATUS = "status"
    COUNT = "count"
    IGNORE = "ignore"


# Roles whose values are personal data: recognised so they can be dropped, never stored.
PERSONAL_ROLES = frozenset({Role.REQUESTER_NAME})

# Header synonyms, compared after normalisation (lower case, no punctuation or spaces).
# Assembled from real logs (USDA APHIS, LA 311) and the column names MuckRock's log
# standardiser lists; the table itself is ours.
SYNONYMS: dict[Role, tuple[str, ...]] = {
    Role.TRACKING_NUMBER: (
        "tracking number", "tracking no", "tracking #", "tracker no", "request id", "request number",
        "request no", "request #", "requestid", "requestnumber", "case no", "case number", "case #",
        "caseno", "case id", "control number", "control no", "foia number", "foia case number",
        "foia request number", "id", "#", "number", "no", "sr number", "srnumber",
        "service request number", "ticket number", "ticket id", "reference number", "file number",
    ),
    Role.RECEIVED_DATE: (
        "date received", "received date", "received", "date rcvd", "date recd", "date rec d",
        "recv date", "request date", "date requested", "requested date", "date of request",
        "submitted date", "submit date", "date submitted", "created date", "createddate",
        "date created", "created", "created at", "open date", "opened", "date opened", "date",
        "receiveddate", "request_date", "search date", "day", "fecha", "fecha de recepcion",
        "fecha de solicitud",
    ),
    Role.CLOSED_DATE: (
        "closed date", "date closed", "closure date", "closuredate", "close date", "closeddate",
        "dateclosed", "date completed", "completion date", "date complete", "completed date",
        "date processed", "date of determination", "reply date", "date response sent",
        "response date", "final closeout date", "compliance date", "resolved date",
        "fecha de cierre",
    ),
    Role.DESCRIPTION: (
        "subject", "description", "request description", "request text", "summary",
        "summary of request", "summary of records requested", "info requested",
        "information requested", "public record desired", "records requested", "subject of request",
        "foia subject", "description of record", "description of records", "original description",
        "regarding", "request", "request details", "documents", "title", "request type",
        "requesttype", "service type", "problem type", "category", "issue", "complaint type",
        "search term", "search terms", "search query", "query", "keyword", "keywords", "term",
        "asunto", "descripcion", "solicitud",
    ),
    Role.REQUESTER_NAME: (
        "requester", "requester name", "requestor", "requestor name", "requester s name",
        "requested by", "request from", "requesting party", "name", "full name", "customer name",
        "customer full name", "last name", "lastname", "first name", "firstname",
        "requester last name", "requester first name", "requestor last name",
        "requestor first name", "req last name", "req first name", "person", "contact name",
        "nombre",
    ),
    Role.REQUESTER_ORGANIZATION: (
        "organization", "organisation", "requester organization", "requesting organization",
        "requester company", "requestor company", "requestor company name", "company",
        "company name", "company if applicable", "affiliation", "affiliation or address",
        "requester organization name", "firm", "organizacion",
    ),
    Role.REQUESTER_TYPE: (
        "requester type", "requestor type", "requester category", "fee category",
        "type of requester", "affiliation type", "customer type", "tipo de solicitante",
    ),
    Role.DEPARTMENT: (
        "department", "dept", "agency", "office", "division", "bureau", "component", "unit",
        "responsible department", "assigned department", "owner", "assign to", "assignto",
        "assigned to", "responsible agency", "departamento", "dependencia",
    ),
    Role.STATUS: (
        "status", "request status", "current status", "status of request", "disposition",
        "final disposition", "determination", "final determination", "decision", "result",
        "ruling", "estado",
    ),
    Role.COUNT: (
        "count", "searches", "search count", "total searches", "total unique searches",
        "unique searches", "hits", "times searched", "volume", "number of searches",
    ),
}  # fmt: skip


def normalise_header(header: str) -> str:
    """Lower-case, accent-free, punctuation-free and space-free form used to compare headers.

    Camel case is split first so "DateReceived" and "Date  Received" compare equal.
    """
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", header or "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("#", " # ")
    return re.sub(r"[^a-z0-9#]+", "", text)


_SYNONYM_INDEX: dict[str, Role] = {}
for _role, _names in SYNONYMS.items():
    for _name in _names:
        _SYNONYM_INDEX.setdefault(normalise_header(_name), _role)


class LogError(ValueError):
    """A log that cannot be previewed at all (too big, not a table, undecodable)."""


@dataclass(frozen=True)
class RawTable:
    """A log as read from the file: header, data rows, and facts about the file."""

    header: list[str]
    rows: list[list[str]]
    encoding: str
    file_format: str
    header_line: int  # 1-based line of the header row in the file
    row_lines: tuple[int, ...] = ()  # 1-based record number of each data row in the file
    ragged_lines: frozenset[int] = frozenset()  # records with more values than headers
    undecodable_lines: frozenset[int] = frozenset()
    repaired_lines: tuple[int, ...] = ()  # physical lines converted from another encoding (mixed files)
    repaired_encoding: str = ""


@dataclass(frozen=True)
class Problem:
    """Something wrong with one row; blocking problems keep the row out of the import."""

    line: int
    code: str
    message: str
    blocking: bool


@dataclass(frozen=True)
class ParsedRow:
    """One data row with values by role, ready to become a demand item."""

    line: int
    fingerprint: str
    tracking_number: str
    received_date: object  # datetime.date | None
    closed_date: object
    description: str
    requester_type: str
    department: str
    status: str
    count: int
    problems: tuple[Problem, ...] = ()

    @property
    def importable(self) -> bool:
        return not any(p.blocking for p in self.problems)


@dataclass
class LogPreview:
    """What staff see before confirming an import."""

    total_rows: int
    importable_rows: int
    duplicate_rows: int  # rows repeating an earlier row of the same file
    problem_counts: dict[str, int]
    sample: list[ParsedRow]
    problems: list[Problem]  # first problems, capped for display
    dropped_personal_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Rows already stored by an earlier import (any source label); not counted in importable_rows.
    already_imported_rows: int = 0


# ---------------------------------------------------------------- reading


def upload_limits() -> tuple[int, int]:
    """The largest log staff may upload, in bytes and rows (DEMAND_LOG_MAX_MB, DEMAND_LOG_MAX_ROWS)."""
    from django.conf import settings

    return (
        int(getattr(settings, "DEMAND_LOG_MAX_MB", 25)) * 1024 * 1024,
        int(getattr(settings, "DEMAND_LOG_MAX_ROWS", DEFAULT_MAX_ROWS)),
    )


def read_log(
    data: bytes,
    *,
    filename: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> RawTable:
    """Read a CSV or XLSX log into a RawTable.

    Raises LogError with a message fit for staff when the file is too big, empty, not a table
    or cannot be decoded. Rows with trailing empty cells (common in spreadsheet exports) are
    trimmed silently; rows with extra values are kept and flagged as ragged.
    """
    if len(data) > max_bytes:
        raise LogError(
            f"The file is {len(data) / 1_048_576:.1f} MB; the limit is "
            f"{max_bytes / 1_048_576:.0f} MB. Split the log into smaller files."
        )
    if not data.strip():
        raise LogError("The file is empty.")
    lower = filename.lower()
    if data[:4] == b"PK\x03\x04" or lower.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        cells, encoding, fmt, undecodable = (
            _read_spreadsheet(data, max_bytes),
            "binary",
            "xlsx",
            set(),
        )
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        cells, encoding, fmt, undecodable = (
            _read_spreadsheet(data, max_bytes),
            "binary",
            "xls",
            set(),
        )
    else:
        cells, encoding, undecodable, decoded = _read_csv(data)
        table = _to_table(cells, encoding=encoding, fmt="csv", max_rows=max_rows, undecodable=undecodable)
        if decoded.repaired_lines:
            table = dataclasses.replace(
                table, repaired_lines=decoded.repaired_lines, repaired_encoding=decoded.fallback_encoding
            )
        return table
    return _to_table(cells, encoding=encoding, fmt=fmt, max_rows=max_rows, undecodable=undecodable)


def _decode(data: bytes) -> tabular.DecodedText:
    try:
        decoded = tabular.decode_lines(data)
    except tabular.UndecodableText:
        raise LogError("This does not look like a CSV or XLSX file (it contains binary data).") from None
    if decoded.undecodable_lines:
        shown = ", ".join(str(line) for line in decoded.undecodable_lines[:20])
        more = " and more" if len(decoded.undecodable_lines) > 20 else ""
        raise LogError(
            f"Lines {shown}{more} cannot be read as text in UTF-8 or {decoded.fallback_encoding}, the encodings the "
            "rest of the file uses. Save the file again as UTF-8 and upload it again."
        )
    return decoded


# UTF-8 read as Latin-1/cp1252 leaves these pairs behind ("Ã©" for "é").
_MOJIBAKE = re.compile("[\u00c3\u00c2][\u0080-\u00bf\u2018-\u203a]")


def _read_csv(data: bytes) -> tuple[list[list[str]], str, set[int], tabular.DecodedText]:
    decoded = _decode(data)
    text, encoding = decoded.text.removeprefix("\ufeff"), decoded.encoding
    encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    delimiter = tabular.sniff_delimiter(text[:65536])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    undecodable: set[int] = set()
    try:
        for row in reader:
            if any("\ufffd" in cell or _MOJIBAKE.search(cell) for cell in row):
                undecodable.add(len(rows))
            rows.append(row)
    except csv.Error as exc:
        raise LogError(f"The CSV file is malformed near line {reader.line_num}: {exc}.") from exc
    return rows, encoding, undecodable, decoded


def _read_spreadsheet(data: bytes, max_bytes: int) -> list[list[str]]:
    import python_calamine

    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile as exc:
            raise LogError("The spreadsheet is damaged (not a valid XLSX file).") from exc
        if unpacked > max(max_bytes, len(data) * MAX_XLSX_EXPANSION):
            raise LogError("The spreadsheet unpacks to far more data than allowed.")
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
        if not names:
            raise LogError("The spreadsheet has no sheets.")
        values = workbook.get_sheet_by_name(names[0]).to_python(skip_empty_area=True)
    except LogError:
        raise
    except Exception as exc:  # calamine raises several unrelated error types
        raise LogError(f"The spreadsheet could not be read: {exc}.") from exc
    return [[_cell_text(cell) for cell in row] for row in values]


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if hasattr(cell, "isoformat"):
        return cell.isoformat()
    return str(cell)


def _to_table(
    cells: list[list[str]],
    *,
    encoding: str,
    fmt: str,
    max_rows: int,
    undecodable: set[int],
) -> RawTable:
    header_index = _find_header(cells)
    if header_index is None:
        raise LogError("No header row found: the file needs column names in its first rows.")
    header = [h.strip() for h in cells[header_index]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    if width < 1:
        raise LogError("No header row found: the file needs column names in its first rows.")
    rows: list[list[str]] = []
    lines: list[int] = []
    ragged: set[int] = set()
    bad: set[int] = set()
    for offset, row in enumerate(cells[header_index + 1 :], start=header_index + 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(rows) >= max_rows:
            raise LogError(f"The log has more than {max_rows:,} rows; split it into smaller files.")
        line = offset + 1
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                ragged.add(line)
            row = row[:width]
        elif len(row) < width:
            row = row + [""] * (width - len(row))
        if offset in undecodable:
            bad.add(line)
        rows.append(row)
        lines.append(line)
    if not rows:
        raise LogError("The log has a header row but no data rows.")
    return RawTable(
        header=header,
        rows=rows,
        encoding=encoding,
        file_format=fmt,
        header_line=header_index + 1,
        row_lines=tuple(lines),
        ragged_lines=frozenset(ragged),
        undecodable_lines=frozenset(bad),
    )


def _find_header(cells: list[list[str]]) -> int | None:
    """The row among the first few that names the most known columns (titles come first)."""
    best_index, best_score = None, -1
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        filled = [cell for cell in row if cell and cell.strip()]
        if not filled:
            continue
        known = sum(1 for cell in filled if normalise_header(cell) in _SYNONYM_INDEX)
        score = known * 100 + len(filled)
        if best_index is None or (known and score > best_score):
            best_index, best_score = index, score
    return best_index


# ---------------------------------------------------------------- mapping


def propose_mapping(header: Sequence[str], *, kind: LogKind = LogKind.FOIA) -> dict[int, Role]:
    """Propose a role for every column from its header; unknown columns are ignored.

    Only the requester-name role may hold several columns (first and last name); for the other
    roles the first matching column wins and later ones are ignored, which staff can change.
    """
    mapping: dict[int, Role] = {}
    taken: set[Role] = set()
    for index, name in enumerate(header):
        role = _SYNONYM_INDEX.get(normalise_header(name), Role.IGNORE)
        if role in taken and role is not Role.REQUESTER_NAME:
            role = Role.IGNORE
        if kind is LogKind.SERVICE_311 and role is Role.REQUESTER_ORGANIZATION:
            role = Role.IGNORE
        mapping[index] = role
        if role is not Role.IGNORE:
            taken.add(role)
    return mapping


def validate_mapping(mapping: Mapping[int, Role], header: Sequence[str]) -> list[str]:
    """Reasons the mapping cannot be imported (empty list when it can)."""
    errors = []
    roles = Counter(role for role in mapping.values() if role is not Role.IGNORE)
    if roles[Role.DESCRIPTION] == 0:
        errors.append("Choose the column that describes what was requested.")
    for role, count in roles.items():
        if count > 1 and role is not Role.REQUESTER_NAME:
            errors.append(f"Only one column can be used as {role.value}.")
    for index in mapping:
        if index < 0 or index >= len(header):
            errors.append(f"Column {index + 1} does not exist.")
    return errors


# ---------------------------------------------------------------- rows


def normalise_text(text: str) -> str:
    """Case-folded, accent-preserving, single-spaced text used for fingerprints and clustering."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip().casefold()


def row_fingerprint(*, tracking_number: str, received: object, description: str, source: str = "") -> str:
    """Stable identity of a request, whatever label its log was imported under.

    A row with a tracking number is that request: the number alone identifies it (spaces and case
    ignored). Without one, the received date and the normalised description do. The source label is
    not part of it (`source` is accepted and ignored): the same 311 extract imported as "LA 311" and
    as "MyLA311" holds the same requests. Status and closed date are left out too: a later export of
    the same log updates them, and re-importing it must not count the same request twice.
    """
    del source
    number = re.sub(r"\s+", "", normalise_text(tracking_number))
    if number:
        parts = ["tracking", number]
    else:
        parts = ["row", received.isoformat() if hasattr(received, "isoformat") else "", normalise_text(description)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value in {"-", "--", "n/a", "N/A"} else value


def parse_rows(table: RawTable, mapping: Mapping[int, Role], *, source: str) -> Iterator[ParsedRow]:
    """Parse every data row of the table under the mapping, with its problems.

    Blocking problems: empty description, unreadable received date. Warnings: unreadable closed
    date, extra values beyond the header, characters damaged by a wrong encoding.
    """
    columns: dict[Role, list[int]] = {}
    for index, role in sorted(mapping.items()):
        columns.setdefault(role, []).append(index)

    def first(row: list[str], role: Role) -> str:
        indexes = columns.get(role)
        return _clean(row[indexes[0]]) if indexes else ""

    day_first = {
        role: infer_day_first(row[columns[role][0]] for row in table.rows)
        for role in (Role.RECEIVED_DATE, Role.CLOSED_DATE)
        if role in columns
    }
    line_numbers = table.row_lines or range(table.header_line + 1, table.header_line + 1 + len(table.rows))
    for row, line in zip(table.rows, line_numbers, strict=True):
        problems: list[Problem] = []
        description = first(row, Role.DESCRIPTION)
        if not description:
            problems.append(Problem(line, "empty_description", "The description is empty.", True))
        received, closed = _row_dates(
            line, first(row, Role.RECEIVED_DATE), first(row, Role.CLOSED_DATE), day_first, problems
        )
        if line in table.ragged_lines:
            problems.append(Problem(line, "ragged_row", "The row has more values than there are columns.", False))
        if line in table.undecodable_lines:
            problems.append(Problem(line, "bad_encoding", "Some characters were damaged by a wrong encoding.", False))
        raw_count = first(row, Role.COUNT).replace(",", "")
        count = 1
        if raw_count:
            try:
                count = max(1, int(float(raw_count)))
            except ValueError:
                problems.append(Problem(line, "bad_count", f"The count {raw_count!r} is not a number.", False))
        tracking = first(row, Role.TRACKING_NUMBER)
        # Infer from the raw cell: agencies write "-" for a private person, which _clean empties.
        raw_organization = (
            row[columns[Role.REQUESTER_ORGANIZATION][0]] if Role.REQUESTER_ORGANIZATION in columns else ""
        )
        requester_type = first(row, Role.REQUESTER_TYPE) or infer_requester_type(raw_organization)
        yield ParsedRow(
            line=line,
            fingerprint=row_fingerprint(
                source=source,
                tracking_number=tracking,
                received=received,
                description=description,
            ),
            tracking_number=tracking[:100],
            received_date=received,
            closed_date=closed,
            description=description[:5000],
            requester_type=requester_type,
            department=first(row, Role.DEPARTMENT)[:200],
            status=first(row, Role.STATUS)[:100],
            count=count,
            problems=tuple(problems),
        )


def _row_dates(
    line: int, raw_received: str, raw_closed: str, day_first: dict[Role, bool], problems: list[Problem]
) -> tuple[dt.date | None, dt.date | None]:
    """The received and closed dates of a row; unreadable or inconsistent dates add problems."""
    received = closed = None
    try:
        received = parse_log_date(raw_received, day_first=day_first.get(Role.RECEIVED_DATE, False))
    except UnparseableDate:
        problems.append(Problem(line, "bad_date", f"The received date {raw_received!r} is not a date.", True))
    try:
        closed = parse_log_date(raw_closed, day_first=day_first.get(Role.CLOSED_DATE, False))
    except UnparseableDate:
        problems.append(Problem(line, "bad_closed_date", f"The closed date {raw_closed!r} is not a date.", False))
    if received and closed and closed < received:
        problems.append(Problem(line, "closed_before_received", "Closed before it was received.", False))
    return received, closed


# Requester-type keywords over organisation names; explainable and good enough for analytics.
_TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("journalist", re.compile(r"\b(news|times|post|tribune|journal|herald|gazette|bee|press|"
                              r"media|radio|tv|television|magazine|reporter|muckrock|"
                              r"broadcast|chronicle|daily|associated press|npr|cbs|nbc|abc|cnn)\b")),
    ("researcher", re.compile(r"\b(universit\w*|college|institute|school|academ\w*|research|"
                              r"laborator\w*|lab|student|professor)\b")),
    ("nonprofit", re.compile(r"\b(society|foundation|association|coalition|alliance|council|"
                             r"league|fund|trust|center|centre|network|humane|peta|rescue|"
                             r"sanctuary|advocates|defense|defenders|friends of|project|watch)\b")),
    ("government", re.compile(r"\b(department|county|city of|state of|agency|commission|"
                              r"ministry|government|police|congress|senator|office of)\b")),
    ("business", re.compile(r"\b(inc|llc|llp|ltd|corp\w*|company|co|group|partners|consulting|"
                            r"law|attorneys?|associates|pllc|pc|farms?|services|enterprises)\b")),
)  # fmt: skip


def infer_requester_type(organization: str) -> str:
    """Guess the requester type from an organisation name; "" when there is no clue.

    No organisation (or "-" / "self" / "none") means a private person: "resident".
    """
    text = organization.strip().lower()
    if text in {
        "",
        "-",
        "none",
        "n/a",
        "self",
        "private",
        "individual",
        "private citizen",
    }:
        return "resident" if text else ""
    for requester_type, pattern in _TYPE_RULES:
        if pattern.search(text):
            return requester_type
    return "other"


def build_preview(
    table: RawTable,
    mapping: Mapping[int, Role],
    *,
    source: str,
    sample_size: int = 25,
    max_problems: int = 200,
    known: Callable[[list[str]], set[str]] | None = None,
) -> LogPreview:
    """Parse all rows and summarise what an import would store; nothing is stored.

    `known(fingerprints)` returns those already stored (the service passes a database lookup), so the
    preview of a file imported before says its rows are already imported instead of importable.
    """
    counts: Counter[str] = Counter()
    problems: list[Problem] = []
    sample: list[ParsedRow] = []
    seen: set[str] = set()
    fresh: list[str] = []
    total = importable = duplicates = 0
    for row in parse_rows(table, mapping, source=source):
        total += 1
        for problem in row.problems:
            counts[problem.code] += 1
            if len(problems) < max_problems:
                problems.append(problem)
        if row.fingerprint in seen:
            duplicates += 1
            counts["duplicate_in_file"] += 1
            continue
        seen.add(row.fingerprint)
        if row.importable:
            importable += 1
            fresh.append(row.fingerprint)
        if len(sample) < sample_size:
            sample.append(row)
    already = len(known(fresh)) if known is not None and fresh else 0
    importable -= already
    warnings = []
    if table.repaired_lines:
        shown = ", ".join(str(line) for line in table.repaired_lines[:20])
        more = "…" if len(table.repaired_lines) > 20 else ""
        warnings.append(
            f"{len(table.repaired_lines)} lines were written in another encoding ({table.repaired_encoding}) and "
            f"were converted: lines {shown}{more}."
        )
    if total and importable / total < 0.5:
        warnings.append("More than half of the rows cannot be imported; check the column mapping.")
    dropped = [table.header[index] for index, role in sorted(mapping.items()) if role in PERSONAL_ROLES]
    return LogPreview(
        total_rows=total,
        importable_rows=importable,
        duplicate_rows=duplicates,
        problem_counts=dict(counts),
        sample=sample,
        problems=problems,
        dropped_personal_columns=dropped,
        warnings=warnings,
        already_imported_rows=already,
    )


def kind_from_filename(filename: str) -> LogKind | None:
    """The log kind named in a file name (`foia-...`, `311_...`, `search-...`), if any."""
    stem = filename.rsplit("/", 1)[-1].lower()
    for kind in LogKind:
        if re.match(rf"^{re.escape(kind.value)}[-_.]", stem):
            return kind
    return None
