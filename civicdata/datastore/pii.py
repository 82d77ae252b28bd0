"""Scan a table for personally identifiable information, following the kinds named in Project Open
Data's Digital PII checklist: SSNs, e-mail addresses, phone numbers, street addresses, dates of birth
and person names. Header names give hints, the values give evidence (`pii_values.py` recognises one
cell). Every text column is sampled; a column flagged on its sample is then read whole (within a time
budget) so the share of rows is exact. Free-text columns are flagged as soon as one value holds an
e-mail, phone, national id or date of birth. Examples shown to staff are masked so the review page does
not itself leak what it warns about."""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from . import pii_values
from .ingest.infer import quote_ident
from .store import DATA_TABLE

KINDS = ("ssn", "email", "phone", "street_address", "date_of_birth", "person_name")

#: Rows read for the first look at every column: the first ones plus a random sample of the same size.
SAMPLE_ROWS = 1000
#: Seconds the whole-column passes of one table may take together; past it the sample's share stands.
FULL_SCAN_SECONDS = 3.0
#: Distinct values read in a whole-column pass (most frequent first), for the pattern kinds and for the
#: parsed ones (addresses, names); a column with more keeps the figures of its sample.
FULL_SCAN_DISTINCT = 50_000
FULL_PARSE_DISTINCT = 5_000
#: Distinct sampled values the address and name parsers look at per column (they cost ~0.2 ms each).
PARSED_DISTINCT = 400
#: Share of sampled values that must match for a finding without a header hint, and with one.
VALUE_THRESHOLD = 0.3
HINTED_THRESHOLD = 0.05
#: A contact column mixes companies (repeated often) with people (each named a few times): names are
#: also judged by the share of distinct values, with a floor on how many different names were seen.
NAME_DISTINCT_THRESHOLD = 0.2
NAME_DISTINCT_MINIMUM = 5
#: Kinds that flag a free-text column on a single value (names and addresses in prose are too ambiguous).
FREE_TEXT_KINDS = ("ssn", "email", "phone", "date_of_birth")

_HINTS = {
    "ssn": re.compile(r"(^|_)(ssn|social_security|social_sec|ss_num|tax_id|tin|itin|national_id)(_|$)"),
    "email": re.compile(r"(e_?mail|correo)"),
    "phone": re.compile(r"(phone|telephone|(^|_)tel(_|$)|mobile|cell|fax|telefono|celular)"),
    "street_address": re.compile(r"(address|street_addr|(^|_)addr(_|$)|residence|direccion|domicilio)"),
    "date_of_birth": re.compile(r"((^|_)dob(_|$)|birth|born|nacimiento)"),
    "person_name": re.compile(
        r"((^|_)(first|last|middle|full|given|family|sur)_?name|requester|requestor|applicant|"
        r"complainant|victim|suspect|owner_name|contact_name|(^|_)name(_|$)|employee|resident|nombre|apellido)"
    ),
}
_NOT_PERSON = re.compile(r"(organi[sz]ation|company|business|agency|street|file|type|dataset|ncname)")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})")
_PREFILTERS = {kind: re.compile(pattern) for kind, pattern in pii_values.PREFILTER.items()}


@dataclass
class Finding:
    column: str
    kind: str
    share: float
    by_header: bool
    samples: list[str] = field(default_factory=list)
    rows_matched: int | None = None
    rows_scanned: int | None = None
    free_text: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "kind": self.kind,
            "share": round(self.share, 3),
            "by_header": self.by_header,
            "samples": self.samples,
            "rows_matched": self.rows_matched,
            "rows_scanned": self.rows_scanned,
            "free_text": self.free_text,
        }


def mask(value: str) -> str:
    """Keep the first character of each word and the last 2 digits; hide the rest with •."""
    out, keep_next = [], True
    digits_seen = sum(ch.isdigit() for ch in value)
    digit_index = 0
    for ch in value:
        if ch.isdigit():
            digit_index += 1
            out.append(ch if digit_index > digits_seen - 2 and digits_seen > 4 else "•")
            keep_next = False
        elif ch.isalpha():
            out.append(ch if keep_next else "•")
            keep_next = False
        else:
            out.append(ch)
            keep_next = True
    return "".join(out)


def is_free_text(values: Sequence[str]) -> bool:
    """Prose rather than one value per cell: at least a fifth of the values have six words or more, or
    the typical value is long."""
    if not values:
        return False
    wordy = sum(1 for v in values if len(v.split()) >= 6)
    return wordy >= 0.2 * len(values) or statistics.median(len(v) for v in values) >= 40


def detector(kind: str, *, free_text: bool, hinted: bool) -> Callable[[str], str | None]:
    """The function that returns the matched part of one value for `kind`, or None."""
    if kind == "email":
        return pii_values.find_email
    if kind == "phone":
        return lambda v: pii_values.find_phone(v, free_text=free_text, hinted=hinted)
    if kind == "ssn":
        return lambda v: pii_values.find_national_id(v, free_text=free_text, hinted=hinted)
    if kind == "street_address":
        return pii_values.find_street_address
    if kind == "person_name":
        return pii_values.find_person_name
    if kind == "date_of_birth":
        if free_text:
            return pii_values.find_birth_date
        # Under a birth header any date is a date of birth.
        return lambda v: v.strip() if _DATE.match(v.strip()) else None
    raise ValueError(kind)


def _hinted(kind: str, key: str) -> bool:
    if kind == "person_name" and _NOT_PERSON.search(key):
        return False
    return bool(_HINTS[kind].search(key))


def _many_names(distinct: Sequence[str], hits: dict[str, str]) -> bool:
    return len(hits) >= NAME_DISTINCT_MINIMUM and len(hits) / len(distinct) >= NAME_DISTINCT_THRESHOLD


def scan_column(name: str, title: str, values: Sequence[str], *, typed_text: bool = True) -> list[Finding]:
    """Findings for one column from its header and a sample of its values (as text).

    Each distinct value is examined once and counts for the rows that hold it; the slower parsers
    (addresses, names) see at most `PARSED_DISTINCT` distinct values, in the order they came.
    `typed_text` is False for date and number columns: only header-hinted kinds apply there."""
    counts = Counter(pii_values.cut(v.strip()) for v in values if v and v.strip())
    key = re.sub(r"[^a-z0-9]+", "_", f"{name} {title}".lower())
    free_text = typed_text and is_free_text(list(counts.elements()))
    findings = []
    for kind in KINDS:
        hinted = _hinted(kind, key)
        if kind == "date_of_birth" and not hinted and not free_text:
            continue  # any date column would match; only the header can tell a birth date apart
        if not typed_text and not hinted:
            continue
        if free_text and kind not in FREE_TEXT_KINDS and not hinted:
            continue
        distinct = list(counts)
        if kind in ("street_address", "person_name"):
            distinct = distinct[:PARSED_DISTINCT]
        prefilter = _PREFILTERS.get(kind)
        find = detector(kind, free_text=free_text, hinted=hinted)
        hits = {v: found for v in distinct if (prefilter is None or prefilter.search(v)) and (found := find(v))}
        rows = sum(counts[v] for v in distinct)
        matched = sum(counts[v] for v in hits)
        share = matched / rows if rows else 0.0
        if free_text and kind in FREE_TEXT_KINDS:
            flagged = bool(hits)
        elif hinted:
            flagged = share >= HINTED_THRESHOLD or (not rows and kind != "street_address")
        else:
            flagged = share >= VALUE_THRESHOLD or (kind == "person_name" and _many_names(distinct, hits))
        if flagged:
            findings.append(
                Finding(
                    column=name,
                    kind=kind,
                    share=share,
                    by_header=hinted,
                    samples=[mask(v) for v in dict.fromkeys(hits.values())][:3],
                    rows_matched=matched,
                    rows_scanned=rows,
                    free_text=free_text,
                )
            )
    return findings


def _full_pass(cur: duckdb.DuckDBPyConnection, finding: Finding, *, deadline: float) -> None:
    """Read the whole column for one finding and replace the sample's share with the column's.

    Distinct values are read most frequent first; DuckDB drops the rows that cannot match (`PREFILTER`).
    If the deadline passes or the column has too many distinct values, the sample's figures stand."""
    col = f"CAST({quote_ident(finding.column)} AS VARCHAR)"
    total = cur.execute(f"SELECT count({col}) FROM {DATA_TABLE} WHERE trim({col}) <> ''").fetchone()[0]  # noqa: S608
    prefilter = pii_values.PREFILTER.get(finding.kind)
    where = f"trim({col}) <> ''"
    params: list[Any] = []
    if prefilter:
        where += f" AND regexp_matches({col}, ?)"
        params.append(prefilter)
    cap = FULL_PARSE_DISTINCT if finding.kind in ("street_address", "person_name") else FULL_SCAN_DISTINCT
    rows = cur.execute(
        f"SELECT {col} AS v, count(*) AS n FROM {DATA_TABLE} WHERE {where} "  # noqa: S608
        f"GROUP BY v ORDER BY n DESC, v LIMIT {cap + 1}",
        params,
    ).fetchall()
    if len(rows) > cap:
        return
    find = detector(finding.kind, free_text=finding.free_text, hinted=finding.by_header)
    matched, examples = 0, []
    for index, (value, count) in enumerate(rows):
        if index % 256 == 0 and time.monotonic() > deadline:
            return
        found = find(pii_values.cut(value.strip()))
        if found:
            matched += count
            if len(examples) < 3:
                examples.append(mask(found))
    finding.rows_matched, finding.rows_scanned = matched, total
    finding.share = matched / total if total else 0.0
    if examples:
        finding.samples = examples


def scan_table(
    cur: duckdb.DuckDBPyConnection,
    schema: dict[str, Any],
    *,
    sample: int = SAMPLE_ROWS,
    budget_seconds: float = FULL_SCAN_SECONDS,
) -> list[Finding]:
    """Scan the first `sample` rows plus a random sample of the same size, cast to text, then read each
    flagged column whole within `budget_seconds` for the table."""
    fields = [f for f in schema.get("fields", []) if f.get("type") in ("string", "date", "integer")]
    if not fields:
        return []
    cols = ", ".join(f"CAST({quote_ident(f['name'])} AS VARCHAR)" for f in fields)
    rows = cur.execute(f"SELECT {cols} FROM {DATA_TABLE} LIMIT {int(sample)}").fetchall()  # noqa: S608
    rows += cur.execute(
        f"SELECT {cols} FROM {DATA_TABLE} USING SAMPLE reservoir({int(sample)} ROWS) REPEATABLE (7)"  # noqa: S608
    ).fetchall()
    findings: list[Finding] = []
    for index, f in enumerate(fields):
        values = [row[index] for row in rows if row[index] is not None]
        findings.extend(scan_column(f["name"], f.get("title", f["name"]), values, typed_text=f.get("type") == "string"))
    deadline = time.monotonic() + budget_seconds
    # The pattern kinds first: DuckDB filters their rows, so they finish well inside the budget.
    for finding in sorted(
        findings,
        key=lambda f: (
            ("person_name", "street_address").index(f.kind) + 1 if f.kind in ("person_name", "street_address") else 0
        ),
    ):
        if time.monotonic() > deadline:
            break
        _full_pass(cur, finding, deadline=deadline)
    return findings
