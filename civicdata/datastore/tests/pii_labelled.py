"""Labelled real columns for the personal-data recall test and benchmark: columns of the public tables
and catalogs in ../shared/realdata, each with the kinds of personal data it really holds (none for the
clean ones). Long columns are cut into chunks of `CHUNK` rows, each judged on its own like a table's
sample. Column headers are not used: the values alone must tell."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1500


@dataclass(frozen=True)
class LabelledColumn:
    name: str
    values: list[str]
    kinds: frozenset[str]


def _csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        return list(csv.DictReader(handle))


def _chunks(name: str, values: list[str], kinds: set[str], *, limit: int = 6) -> list[LabelledColumn]:
    values = [v for v in values if v and v.strip()]
    return [
        LabelledColumn(f"{name}[{start}:]", values[start : start + CHUNK], frozenset(kinds))
        for start in range(0, len(values), CHUNK)
    ][:limit]


def _catalog(path: Path) -> list[dict]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return doc.get("dataset", []) if isinstance(doc, dict) else doc


# Catalogs whose contactPoint.fn holds mostly people's names (the others name offices or mailboxes).
NAME_CONTACT_CATALOGS = ("dol", "energy", "fcc", "gsa", "usaid")
OFFICE_CONTACT_CATALOGS = ("cms", "dhs", "opm", "consumerfinance")
# Catalogs whose descriptions print contact lines: phone numbers, e-mail addresses (read by hand).
DESCRIPTION_CONTACTS = {
    "dhs": {"phone", "email"},
    "energy": {"email"},
    "fcc": {"email"},
    "gsa": {"email"},
    "usaid": {"email"},
}


def labelled_columns(root: Path) -> list[LabelledColumn]:
    """Every labelled column found under `root` (the realdata folder)."""
    columns: list[LabelledColumn] = []
    permits = _csv(root / "city-csv" / "nashville_building_permits_raw.csv")
    columns += _chunks("nashville.Contact", [r["Contact"] for r in permits], {"person_name"}, limit=4)
    columns += _chunks("nashville.Address", [r["Address"] for r in permits], {"street_address"}, limit=2)
    purposes = [r["Purpose"] for r in permits]
    columns.append(LabelledColumn("nashville.Purpose", purposes, frozenset({"email", "phone"})))
    for clean in (
        "Permit__",  # ten-digit permit numbers look like phone numbers without their dashes
        "Parcel",
        "IVR_Trk_",
        "Permit_Type_Description",
        "Permit_Subtype_Description",
        "Subdivision_Lot",
        "City",
        "Per_Ty",
        "Date_Entered",
    ):
        columns += _chunks(f"nashville.{clean}", [r[clean] for r in permits], set(), limit=1)

    la311 = _csv(root / "requests" / "la311" / "MyLA311_2020_requests_seed.csv")
    columns += _chunks("la311.address", [r["address"] for r in la311], {"street_address"}, limit=3)
    columns += _chunks("la311.cdmember", [r["cdmember"] for r in la311], {"person_name"}, limit=2)
    for clean in (
        "srnumber",
        "requesttype",
        "status",
        "actiontaken",
        "requestsource",
        "ncname",
        "policeprecinct",
        "apc",
        "createddate",
        "zipcode",
    ):
        columns += _chunks(f"la311.{clean}", [r[clean] for r in la311], set(), limit=1)

    boston = _csv(root / "city-csv" / "boston_crime_incidents_2021_sample7000.csv")
    for clean in ("INCIDENT_NUMBER", "OFFENSE_DESCRIPTION", "DISTRICT", "STREET", "OCCURRED_ON_DATE", "Location"):
        columns += _chunks(f"boston.{clean}", [r[clean] for r in boston], set(), limit=2)

    foia = _csv(root / "requests" / "usda_aphis_foia_log_2010-2015_MERGED_normalized.csv")
    columns += _chunks("foia.requester_name", [r["requester_name"] for r in foia], {"person_name"}, limit=3)
    columns += _chunks("foia.organization", [r["organization"] for r in foia], set(), limit=2)
    # The descriptions quote requesters' e-mail addresses and phone numbers, and one quotes an employee's
    # Social Security number (read by hand).
    descriptions = [r["request_description"] for r in foia]
    columns.append(LabelledColumn("foia.request_description", descriptions, frozenset({"email", "phone", "ssn"})))
    for clean in ("request_id", "track", "received_date"):
        columns += _chunks(f"foia.{clean}", [r[clean] for r in foia], set(), limit=1)

    agencies = root / "datajson" / "federal_agencies_2025-02"
    for agency in NAME_CONTACT_CATALOGS + OFFICE_CONTACT_CATALOGS:
        datasets = _catalog(agencies / f"{agency}.data.json")
        contacts = [d.get("contactPoint") or {} for d in datasets]
        emails = [str(c.get("hasEmail") or "").removeprefix("mailto:") for c in contacts]
        columns.append(LabelledColumn(f"{agency}.contactPoint.hasEmail", emails, frozenset({"email"})))
        fn_kinds = {"person_name"} if agency in NAME_CONTACT_CATALOGS else set()
        if agency in ("consumerfinance", "opm"):
            fn_kinds = {"email"}  # their contact names are mailboxes
        columns.append(
            LabelledColumn(f"{agency}.contactPoint.fn", [str(c.get("fn") or "") for c in contacts], frozenset(fn_kinds))
        )
        columns.append(LabelledColumn(f"{agency}.title", [d.get("title") or "" for d in datasets], frozenset()))
        keywords = [k for d in datasets for k in (d.get("keyword") or []) if isinstance(k, str)]
        columns += _chunks(f"{agency}.keyword", keywords, set(), limit=1)
        descriptions = [d.get("description") or "" for d in datasets]
        kinds = DESCRIPTION_CONTACTS.get(agency, set())
        columns.append(LabelledColumn(f"{agency}.description", descriptions, frozenset(kinds)))
        publishers = [str((d.get("publisher") or {}).get("name") or "") for d in datasets]
        columns.append(LabelledColumn(f"{agency}.publisher", publishers, frozenset()))
    return [c for c in columns if c.values]
