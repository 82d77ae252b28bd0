"""Scan a table for personally identifiable information, following the kinds named in Project Open
Data's Digital PII checklist: SSNs, e-mail addresses, phone numbers, street addresses, dates of birth
and person names. Header names give hints, a sample of values gives evidence; sample cells shown to
staff are masked so the review page does not itself leak what it warns about."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from .ingest.infer import quote_ident
from .store import DATA_TABLE

KINDS = ("ssn", "email", "phone", "street_address", "date_of_birth", "person_name")

_HINTS = {
    "ssn": re.compile(r"(^|_)(ssn|social_security|social_sec|ss_num|tax_id|tin)(_|$)"),
    "email": re.compile(r"(e_?mail)"),
    "phone": re.compile(r"(phone|telephone|(^|_)tel(_|$)|mobile|cell|fax)"),
    "street_address": re.compile(r"(address|street_addr|(^|_)addr(_|$)|residence)"),
    "date_of_birth": re.compile(r"((^|_)dob(_|$)|birth)"),
    "person_name": re.compile(
        r"((^|_)(first|last|middle|full|given|family|sur)_?name|requester|requestor|applicant|"
        r"complainant|victim|suspect|owner_name|contact_name|(^|_)name(_|$)|employee|resident)"
    ),
}
_NOT_PERSON = re.compile(r"(organi[sz]ation|company|business|agency|street|file|type|dataset|ncname)")

_SSN = re.compile(r"^(?!000|666|9\d\d)\d{3}[- ]?(?!00)\d{2}[- ]?(?!0000)\d{4}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_EMAIL_INSIDE = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"^(\+?1[\s.-]?)?\(?[2-9]\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{4}$")
_STREET = re.compile(
    r"^\d{1,6}[A-Z]?\s+([NSEW]\.?\s+)?[A-Za-z0-9.' -]+?\s(ST|STREET|AVE|AVENUE|RD|ROAD|BLVD|BOULEVARD|"
    r"DR|DRIVE|LN|LANE|CT|COURT|WAY|PL|PLACE|PKWY|PARKWAY|HWY|HIGHWAY|TER|TERRACE|CIR|CIRCLE|PIKE|SQ)\b",
    re.I,
)
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})")
_NAME_FIRST_LAST = re.compile(r"^[A-Z][a-z'’-]+( [A-Z]\.?)? [A-Z][a-z'’-]+$")
_NAME_LAST_FIRST = re.compile(r"^[A-Z][A-Za-z'’-]+,\s*[A-Z][a-z'’-]+( [A-Z]\.?)?$")
_COMPANY = re.compile(r"\b(LLC|INC|CORP|CO|COMPANY|LTD|LLP|ASSOCIATION|DEPT|CITY|COUNTY)\b", re.I)

#: share of sampled values that must match for a finding without a header hint
VALUE_THRESHOLD = 0.3
HINTED_THRESHOLD = 0.05


@dataclass
class Finding:
    column: str
    kind: str
    share: float
    by_header: bool
    samples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "kind": self.kind,
            "share": round(self.share, 3),
            "by_header": self.by_header,
            "samples": self.samples,
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


def _matches(kind: str, value: str) -> bool:
    if kind == "ssn":
        # Nine bare digits are usually record ids; only the dashed form counts as evidence.
        return bool(_SSN.match(value)) and ("-" in value or " " in value)
    if kind == "email":
        return bool(_EMAIL.match(value) or _EMAIL_INSIDE.search(value))
    if kind == "phone":
        return bool(_PHONE.match(value))
    if kind == "street_address":
        return bool(_STREET.match(value))
    if kind == "date_of_birth":
        return bool(_DATE.match(value))
    if kind == "person_name":
        if _COMPANY.search(value):
            return False
        return bool(_NAME_FIRST_LAST.match(value) or _NAME_LAST_FIRST.match(value))
    raise ValueError(kind)


def scan_column(name: str, title: str, values: Sequence[str]) -> list[Finding]:
    """Findings for one column from its header and a sample of its values (as text)."""
    present = [v.strip() for v in values if v and v.strip()]
    key = re.sub(r"[^a-z0-9]+", "_", f"{name} {title}".lower())
    findings = []
    for kind in KINDS:
        hinted = bool(_HINTS[kind].search(key))
        if kind == "person_name" and _NOT_PERSON.search(key):
            hinted = False
        if kind == "date_of_birth" and not hinted:
            continue  # any date column would match; only the header can tell a birth date apart
        hits = [v for v in present if _matches(kind, v)]
        if kind == "ssn" and hinted:
            hits = [v for v in present if _SSN.match(v)]
        share = len(hits) / len(present) if present else 0.0
        if kind == "person_name" and not hinted:
            # Without a header hint only "Last, First" is distinctive enough ("South End" is not a person).
            hits = [v for v in hits if _NAME_LAST_FIRST.match(v)]
            share = len(hits) / len(present) if present else 0.0
            flagged = share >= 0.6
        elif hinted:
            flagged = share >= HINTED_THRESHOLD or (not present and kind != "street_address")
        else:
            flagged = share >= VALUE_THRESHOLD
        if flagged:
            findings.append(
                Finding(
                    column=name,
                    kind=kind,
                    share=share,
                    by_header=hinted,
                    samples=[mask(v) for v in hits[:3]],
                )
            )
    return findings


def scan_table(cur: duckdb.DuckDBPyConnection, schema: dict[str, Any], *, sample: int = 2000) -> list[Finding]:
    """Scan the first `sample` rows plus a random sample of the same size, cast to text."""
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
        findings.extend(scan_column(f["name"], f.get("title", f["name"]), values))
    return findings
