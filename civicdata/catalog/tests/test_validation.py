"""Catalog validation: schema verdicts agree with jsonschema on every real catalog; findings are precise."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from civicdata.catalog.ingest.reading import read_catalog_file
from civicdata.catalog.tools.validation import (
    CODES,
    PROFILES,
    Finding,
    Severity,
    UnknownProfile,
    detect_profile,
    iso8601,
    validate_catalog,
)
from civicdata.catalog.tools.validation.profiles import SCHEMA_DIR, compiled_profile
from civicdata.core.testing import realdata_path, realdata_root

V11 = "https://project-open-data.cio.gov/v1.1/schema"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def good_dataset(**changes):
    ds = {
        "title": "Street trees",
        "description": "Every street tree the city maintains.",
        "keyword": ["trees"],
        "modified": "2025-06-01",
        "publisher": {"name": "Department of Parks"},
        "contactPoint": {"fn": "Open Data Team", "hasEmail": "mailto:opendata@example.gov"},
        "identifier": "trees-1",
        "accessLevel": "public",
        "bureauCode": ["015:11"],
        "programCode": ["015:001"],
        "distribution": [{"downloadURL": "https://example.gov/trees.csv", "mediaType": "text/csv"}],
    }
    ds.update(changes)
    return {k: v for k, v in ds.items() if v is not ...}


def catalog(*datasets):
    return {"conformsTo": V11, "dataset": list(datasets)}


def codes_of(report, severity=None):
    return [f.code for f in report.findings if severity is None or f.severity is severity]


# --- agreement with the reference implementation on real catalogs -------------------------------


def _official_validator(folder: str) -> jsonschema.Draft4Validator:
    """jsonschema's Draft4Validator over the shipped copy of a v1.1 schema folder, refs resolved locally."""
    files = {p.name: json.loads(p.read_text()) for p in (SCHEMA_DIR / folder).glob("*.json")}
    base = "https://project-open-data.cio.gov/v1.1/schema/"
    registry = Registry().with_resources((base + n, DRAFT4.create_resource(s)) for n, s in files.items())
    return jsonschema.Draft4Validator(files["catalog.json"], registry=registry)


def _real_catalogs() -> list[str]:
    root = realdata_root() / "datajson"
    if not root.exists():
        return ["<realdata missing>"]
    found = []
    for path in sorted(root.rglob("*.json")):
        result = read_catalog_file(path)
        doc = result.document
        is_v11_catalog = isinstance(doc, dict) and isinstance(doc.get("dataset"), list) and "@type" not in doc
        if result.ok and (is_v11_catalog or (isinstance(doc, dict) and doc.get("conformsTo") == V11)):
            found.append(str(path.relative_to(root)))
    return found


@pytest.mark.parametrize("relative", _real_catalogs())
@pytest.mark.parametrize(
    ("profile", "folder"), [("federal-v1.1", "pod-v1.1"), ("federal-v1.1-edi", "federal-v1.1-edi")]
)
def test_dataset_verdicts_agree_with_jsonschema_on_real_catalogs(relative, profile, folder):
    """Per dataset, our error verdict equals jsonschema Draft4Validator's on the same official schema."""
    path = realdata_path(f"datajson/{relative}")
    doc = read_catalog_file(path).document
    reference = _official_validator(folder)
    expected = {
        e.absolute_path[1]
        for e in reference.iter_errors(doc)
        if len(e.absolute_path) >= 2 and e.absolute_path[0] == "dataset"
    }
    report = validate_catalog(doc, profile=profile, now=NOW)
    assert report.invalid_dataset_indexes == expected


@pytest.mark.parametrize(
    ("relative", "invalid"),
    [
        ("federal_agencies_2025-02/fcc.data.json", 6),
        ("hhs/healthdata.gov.data.2021-08-01.json", 128),
        ("federal_agencies_2025-02/gsa.data.json", 0),
    ],
)
def test_known_invalid_counts(relative, invalid):
    """The documented counts of invalid datasets under federal v1.1 are reproduced."""
    doc = read_catalog_file(realdata_path(f"datajson/{relative}")).document
    report = validate_catalog(doc, profile="federal-v1.1", now=NOW)
    assert len(report.invalid_dataset_indexes) == invalid


def test_fcc_findings_name_dataset_and_field():
    """Each FCC error carries pointer, index, identifier, title, field and a plain message."""
    doc = read_catalog_file(realdata_path("datajson/federal_agencies_2025-02/fcc.data.json")).document
    report = validate_catalog(doc, profile="federal-v1.1", now=NOW)
    errors = report.errors
    assert {f.code for f in errors} <= {"schema.required", "schema.min_length"}
    for f in errors:
        assert f.pointer.startswith(f"/dataset/{f.dataset_index}")
        assert f.identifier == doc["dataset"][f.dataset_index]["identifier"]
        assert f.title == doc["dataset"][f.dataset_index]["title"]
        assert f.field in ("keyword", "description", "bureauCode", "programCode")
    missing_keyword = next(f for f in errors if f.code == "schema.required")
    assert missing_keyword.message == "“Tags” (keyword) is required but missing."


# --- schema findings ----------------------------------------------------------------------------


def test_valid_catalog_has_no_errors():
    """A complete dataset passes with no findings at all."""
    report = validate_catalog(catalog(good_dataset()), profile="federal-v1.1", now=NOW)
    assert report.valid
    assert report.findings == []
    assert report.summary() == {"datasets": 1, "invalid_datasets": 0, "errors": 0, "warnings": 0}


def test_all_schema_errors_of_a_dataset_are_listed():
    """Unlike a fail-fast check, every schema error of an invalid dataset is listed."""
    ds = good_dataset(title="", keyword="trees", accessLevel="secret", modified="last tuesday", programCode=...)
    report = validate_catalog(catalog(ds), profile="federal-v1.1", now=NOW)
    found = {(f.code, f.field) for f in report.errors}
    assert found == {
        ("schema.min_length", "title"),
        ("schema.type", "keyword"),
        ("schema.enum", "accessLevel"),
        ("schema.pattern", "modified"),
        ("schema.required", "programCode"),
    }
    modified = next(f for f in report.errors if f.field == "modified")
    assert "ISO 8601" in modified.message
    assert "last tuesday" in modified.message
    assert modified.pointer == "/dataset/0/modified"


def test_download_url_without_media_type_has_its_own_code():
    """The v1.1 rule 'downloadURL requires mediaType' is reported with a dedicated code and location."""
    ds = good_dataset(distribution=[{"downloadURL": "https://example.gov/a.csv"}])
    report = validate_catalog(catalog(ds), profile="federal-v1.1", now=NOW)
    [finding] = report.errors
    assert finding.code == "distribution.download_url_without_media_type"
    assert finding.field == "distribution[0].mediaType"
    assert finding.pointer == "/dataset/0/distribution/0"


def test_catalog_level_errors_have_no_dataset():
    """Missing conformsTo is a catalog finding at the root pointer."""
    report = validate_catalog({"dataset": [good_dataset()]}, profile="federal-v1.1", now=NOW)
    [finding] = report.errors
    assert finding.code == "schema.required"
    assert finding.dataset_index is None
    assert finding.pointer == ""


def test_non_federal_profile_does_not_require_codes():
    """Non-federal catalogs need no bureauCode/programCode/keyword/modified."""
    ds = good_dataset(bureauCode=..., programCode=..., keyword=..., modified=...)
    assert validate_catalog(catalog(ds), profile="non-federal-v1.1", now=NOW).valid
    assert not validate_catalog(catalog(ds), profile="federal-v1.1", now=NOW).valid


def test_edi_profile_accepts_redaction_syntax():
    """The EDI profile accepts [[REDACTED-...]] where the plain schema needs a date."""
    ds = good_dataset(temporal="[[REDACTED-EX B3]]", rights="Exemption 3")
    assert validate_catalog(catalog(ds), profile="federal-v1.1-edi", now=NOW).valid
    assert not validate_catalog(catalog(ds), profile="federal-v1.1", now=NOW).valid


def test_v10_sample_fails_on_two_of_three_entries():
    """The official v1.0 sample fails the final v1.0 schema on 2 of its 3 entries, as documented."""
    path = realdata_path("pod-schema/v1.0/examples/catalog-sample.json")
    report = validate_catalog(read_catalog_file(path).document, now=NOW)
    assert report.profile == "v1.0"
    assert report.profile_detected
    assert len(report.invalid_dataset_indexes) == 2


def test_official_v11_examples_are_valid():
    """The official v1.1 example catalogs are valid."""
    for name in ("catalog-sample.json", "catalog-sample-extended.json"):
        doc = read_catalog_file(realdata_path(f"pod-schema/v1.1/examples/{name}")).document
        assert validate_catalog(doc, profile="federal-v1.1", now=NOW).valid, name


def test_dcat_us_3_fixtures():
    """DCAT-US 3.0 catalogs are detected; the harvester's valid fixture passes and its invalid one fails."""
    good = read_catalog_file(realdata_path("datajson/datagov-harvester_fixtures/dcatus3_0.json")).document
    bad = read_catalog_file(realdata_path("datajson/datagov-harvester_fixtures/dcatus3_0_invalid.json")).document
    good_report = validate_catalog(good, now=NOW)
    assert good_report.profile == "dcat-us-3"
    assert good_report.valid
    assert not validate_catalog(bad, now=NOW).valid


def test_unknown_profile_is_refused():
    """A profile name that is not shipped raises a clear error."""
    with pytest.raises(UnknownProfile, match=r"federal-v1\.1"):
        validate_catalog(catalog(), profile="v9")


def test_detection():
    """Profiles are detected from root type, conformsTo and federal codes."""
    assert detect_profile([])[0] == "v1.0"
    assert detect_profile(catalog(good_dataset()))[0] == "federal-v1.1"
    assert detect_profile(catalog(good_dataset(bureauCode=..., programCode=...)))[0] == "non-federal-v1.1"
    assert detect_profile({"@type": "Catalog", "dataset": []})[0] == "dcat-us-3"


def test_odd_dataset_entries_do_not_crash():
    """Non-object entries and a non-list dataset are reported, not raised."""
    report = validate_catalog(catalog("text", 3, None, [], good_dataset()), profile="federal-v1.1", now=NOW)
    assert report.invalid_dataset_indexes == {0, 1, 2, 3}
    report = validate_catalog({"conformsTo": V11, "dataset": "nope"}, profile="federal-v1.1", now=NOW)
    assert [f.code for f in report.errors] == ["schema.type"]


def test_validation_does_not_mutate_input():
    """Validation never changes the document (no schema defaults are filled in)."""
    doc = catalog(good_dataset(), good_dataset(identifier="x", title=""))
    before = copy.deepcopy(doc)
    validate_catalog(doc, profile="federal-v1.1", now=NOW)
    assert doc == before


# --- checks beyond the schema -------------------------------------------------------------------


def test_duplicate_identifier_and_unknown_ispartof():
    """Duplicate identifiers and isPartOf pointing nowhere are warned about on the right dataset."""
    doc = catalog(good_dataset(), good_dataset(title="Copy"), good_dataset(identifier="child", isPartOf="nowhere"))
    report = validate_catalog(doc, profile="federal-v1.1", now=NOW)
    assert report.valid
    by_code = {f.code: f for f in report.warnings}
    assert by_code["identifier.duplicate"].dataset_index == 1
    assert "number 1" in by_code["identifier.duplicate"].message
    assert by_code["ispartof.unknown"].dataset_index == 2
    assert by_code["ispartof.unknown"].pointer == "/dataset/2/isPartOf"


def test_collection_children_point_to_parent():
    """isPartOf naming a dataset of the same catalog is fine (real collection fixture)."""
    path = realdata_path("datajson/ckanext-datajson_samples/collection-2-parent-4-children.data.json")
    report = validate_catalog(read_catalog_file(path).document, profile="federal-v1.1", now=NOW)
    assert "ispartof.unknown" not in codes_of(report)


def test_unknown_federal_codes():
    """Bureau and program codes outside the OMB lists are warned about, only under federal profiles."""
    ds = good_dataset(bureauCode=["999:99"], programCode=["999:999"])
    report = validate_catalog(catalog(ds), profile="federal-v1.1", now=NOW)
    assert sorted(codes_of(report, Severity.WARNING)) == ["bureau_code.unknown", "program_code.unknown"]
    assert validate_catalog(catalog(ds), profile="non-federal-v1.1", now=NOW).warnings == []


def test_redacted_without_rights():
    """A redacted value needs rights to explain it."""
    ds = good_dataset(spatial="[[REDACTED-EX B6]]")
    assert "redacted.no_rights" in codes_of(validate_catalog(catalog(ds), profile="federal-v1.1-edi", now=NOW))
    ds["rights"] = "Location withheld for privacy."
    assert "redacted.no_rights" not in codes_of(validate_catalog(catalog(ds), profile="federal-v1.1-edi", now=NOW))


def test_dates_future_malformed_and_reversed():
    """Future modified, impossible calendar dates and reversed intervals are warned about."""
    doc = catalog(
        good_dataset(identifier="a", modified="2027-05-01"),
        good_dataset(identifier="b", modified="2021-02-31"),
        good_dataset(identifier="c", temporal="2020-01-01/2019-01-01"),
    )
    report = validate_catalog(doc, profile="federal-v1.1", now=NOW)
    assert [(f.dataset_index, f.code) for f in report.warnings] == [
        (0, "modified.future"),
        (1, "date.malformed"),
        (2, "temporal.reversed"),
    ]
    assert report.valid  # the schema's regex accepts all three


def test_links_not_https_and_malformed():
    """http:// links are warned about; non-URLs too; https passes."""
    ds = good_dataset(landingPage="http://example.gov/trees", references=["see the PDF"])
    report = validate_catalog(catalog(ds), profile="federal-v1.1", now=NOW)
    assert sorted((f.code, f.field) for f in report.warnings) == [
        ("link.malformed", "references[0]"),
        ("link.not_https", "landingPage"),
    ]


def test_non_public_with_download():
    """A non-public dataset exposing a downloadURL is warned about."""
    ds = good_dataset(accessLevel="non-public", rights="Internal only")
    assert "access_level.non_public_with_download" in codes_of(
        validate_catalog(catalog(ds), profile="federal-v1.1", now=NOW)
    )


def test_every_emitted_code_is_documented_in_codes():
    """Each code found on the real healthdata.gov catalog is in the CODES table."""
    doc = read_catalog_file(realdata_path("datajson/hhs/healthdata.gov.data.2021-08-01.json")).document
    report = validate_catalog(doc, profile="federal-v1.1", now=NOW)
    assert {f.code for f in report.findings} <= set(CODES)


def test_report_grouping_and_dict():
    """Findings group by dataset in order, and the dict form is JSON-serialisable."""
    doc = catalog(good_dataset(identifier="a", title=""), good_dataset(identifier="b", keyword=[]))
    report = validate_catalog(doc, profile="federal-v1.1", now=NOW)
    groups = report.by_dataset()
    assert [g.index for g in groups] == [0, 1]
    assert groups[0].identifier == "a"
    assert groups[0].errors
    assert json.loads(json.dumps(report.to_dict()))["summary"]["invalid_datasets"] == 2


def test_profiles_compile_once():
    """Compiled profiles are cached per process."""
    for name in PROFILES:
        assert compiled_profile(name) is compiled_profile(name)


# --- ISO 8601 -----------------------------------------------------------------------------------


def _utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "earliest", "latest"),
    [
        ("2024", _utc(2024, 1, 1), _utc(2024, 12, 31, 23, 59, 59, 999999)),
        ("2024-02", _utc(2024, 2, 1), _utc(2024, 2, 29, 23, 59, 59, 999999)),
        ("2024-02-29", _utc(2024, 2, 29), _utc(2024, 2, 29, 23, 59, 59, 999999)),
        ("2024-02-29T10:00:00Z", _utc(2024, 2, 29, 10), _utc(2024, 2, 29, 10)),
        ("2024-W05-3", _utc(2024, 1, 31), _utc(2024, 1, 31, 23, 59, 59, 999999)),
        ("2024-060", _utc(2024, 2, 29), _utc(2024, 2, 29, 23, 59, 59, 999999)),
        ("2024-01-01T24:00", _utc(2024, 1, 1, 23, 59, 59, 999999), _utc(2024, 1, 1, 23, 59, 59, 999999)),
        ("2024-01-01T10:00:00.5+05:30", _utc(2024, 1, 1, 4, 30, 0, 500000), _utc(2024, 1, 1, 4, 30, 0, 500000)),
    ],
)
def test_iso_dates_accepted(value, earliest, latest):
    """Valid ISO 8601 dates of every precision parse to the period they name, in UTC."""
    moment = iso8601.parse_moment(value)
    assert (moment.earliest, moment.latest) == (earliest, latest)


@pytest.mark.parametrize(
    "value", ["2023-02-29", "2024-13-01", "2024-00-10", "yesterday", "2024-01-01T25:00", "2023-366"]
)
def test_iso_dates_refused(value):
    """Impossible dates are refused."""
    with pytest.raises(iso8601.ISO8601Error):
        iso8601.parse_moment(value)


def test_intervals_durations_and_periodicity():
    """Intervals, durations and accrualPeriodicity values are checked, including order."""
    assert iso8601.check_interval("2020-01-01/2020-12-31")[0] == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    iso8601.check_interval("2020-01-01/P1Y")
    iso8601.check_interval("R/2020-01-01/P1M")
    with pytest.raises(iso8601.ISO8601Error, match="ends before"):
        iso8601.check_interval("2021/2020")
    assert iso8601.parse_duration("P1DT12H") == dt.timedelta(days=1, hours=12)
    with pytest.raises(iso8601.ISO8601Error):
        iso8601.parse_duration("P")
    for value in iso8601.ACCRUAL_PERIODICITY_VALUES:
        iso8601.check_accrual_periodicity(value)
    with pytest.raises(iso8601.ISO8601Error):
        iso8601.check_accrual_periodicity("Weekly")
    iso8601.check_date_or_duration("R/P1W")


def test_shipped_schema_files_are_the_real_ones():
    """Shipped v1.1 schema files are byte-for-byte the official ones when realdata is present."""
    for name in ("catalog.json", "dataset.json", "distribution.json", "organization.json", "vcard.json"):
        official = realdata_path(f"pod-schema/v1.1/schema/{name}")
        assert (SCHEMA_DIR / "pod-v1.1" / name).read_bytes() == Path(official).read_bytes()


def test_every_finding_code_is_documented():
    """docs/catalog-tools.md lists every finding code with its severity."""
    docs = (Path(__file__).resolve().parents[3] / "docs" / "catalog-tools.md").read_text(encoding="utf-8")
    for code, (severity, _meaning) in CODES.items():
        assert f"| `{code}` | {severity} |" in docs, code


def _dcat3_fixtures() -> list[str]:
    root = realdata_root() / "datajson" / "datagov-harvester_fixtures"
    return sorted(p.name for p in root.glob("dcatus3_0*.json")) or ["<realdata missing>"]


@pytest.mark.parametrize("name", _dcat3_fixtures())
def test_dcat3_verdicts_agree_with_jsonschema_2020_12(name):
    """For DCAT-US 3.0 the compiled draft-7 fast path agrees with jsonschema's Draft 2020-12 validator."""
    doc = read_catalog_file(realdata_path(f"datajson/datagov-harvester_fixtures/{name}")).document
    files = [json.loads(p.read_text()) for p in (SCHEMA_DIR / "dcat-us-3").glob("*.json")]
    registry = Registry().with_resources((f["$id"], DRAFT202012.create_resource(f)) for f in files)
    dataset_schema = next(f for f in files if f["$id"].endswith("/definitions/dataset"))
    reference = jsonschema.Draft202012Validator(dataset_schema, registry=registry)
    expected = {i for i, ds in enumerate(doc.get("dataset", [])) if not reference.is_valid(ds)}
    assert validate_catalog(doc, profile="dcat-us-3", now=NOW).invalid_dataset_indexes == expected


def test_pathologically_deep_dataset_is_reported_not_crashing():
    """A thousand-level subOrganizationOf chain becomes one schema.too_deep error, not a crash."""
    publisher: dict = {"name": "Leaf"}
    for i in range(1000):
        publisher = {"name": f"Level {i}", "subOrganizationOf": publisher}
    report = validate_catalog(catalog(good_dataset(publisher=publisher)), profile="federal-v1.1", now=NOW)
    assert [f.code for f in report.errors] == ["schema.too_deep"]
    assert report.invalid_dataset_indexes == {0}


def test_chain_just_within_the_depth_limit_is_checked_normally():
    """A publisher chain as deep as the limit is validated like any other (valid here); one level more is
    schema.too_deep, since the reference validator could not follow it."""
    from civicdata.catalog.tools.validation.profiles import MAX_SCHEMA_DEPTH

    def chain(levels: int) -> dict:
        publisher: dict = {"name": "Leaf"}
        for i in range(levels - 1):
            publisher = {"name": f"Level {i}", "subOrganizationOf": publisher}
        return publisher

    within = validate_catalog(catalog(good_dataset(publisher=chain(MAX_SCHEMA_DEPTH))), profile="federal-v1.1", now=NOW)
    assert within.errors == []
    beyond = validate_catalog(
        catalog(good_dataset(publisher=chain(MAX_SCHEMA_DEPTH + 1))), profile="federal-v1.1", now=NOW
    )
    assert [f.code for f in beyond.errors] == ["schema.too_deep"]


def _all_real_datasets() -> list[tuple[str, list]]:
    root = realdata_root() / "datajson"
    if not root.exists():
        return []
    found = []
    for path in sorted(root.rglob("*.json")):
        doc = read_catalog_file(path).document
        datasets = doc if isinstance(doc, list) else doc.get("dataset") if isinstance(doc, dict) else None
        if isinstance(datasets, list):
            found.append((str(path.relative_to(root)), datasets))
    return found


@pytest.mark.parametrize("profile", list(PROFILES))
def test_fast_verdict_equals_jsonschema_for_every_real_dataset_and_profile(profile):
    """The jsonschema-rs check that decides which datasets are looked at closely says "valid" exactly when
    Python jsonschema finds no error, for every dataset of every real catalog under every profile."""
    catalogs = _all_real_datasets()
    if not catalogs:
        pytest.skip("real data not found under ../shared/realdata")
    cp = compiled_profile(profile)
    disagreements = [
        (name, index)
        for name, datasets in catalogs
        for index, ds in enumerate(datasets)
        if cp.item_valid(ds) == bool(list(cp.item_full.iter_errors(ds)))
    ]
    assert disagreements == []
    assert sum(len(d) for _, d in catalogs) > 5000


def test_forked_processes_give_the_same_report():
    """Checking a large catalog in two forked processes gives the very same findings, in the same order."""
    sources = [ds for name, datasets in _all_real_datasets() if name.startswith("federal_agencies") for ds in datasets]
    if not sources:
        pytest.skip("real data not found under ../shared/realdata")
    from civicdata.catalog.tools.validation.engine import PARALLEL_MIN_DATASETS

    datasets = [sources[i % len(sources)] for i in range(PARALLEL_MIN_DATASETS + 1000)]
    doc = {"conformsTo": V11, "dataset": datasets}
    alone = validate_catalog(doc, profile="federal-v1.1", now=NOW)
    forked = validate_catalog(doc, profile="federal-v1.1", now=NOW, processes=2)
    assert forked.to_dict() == alone.to_dict()
    assert alone.errors
    assert alone.warnings


def test_packed_findings_come_back_the_same():
    """What a forked checker sends back (indexes, codes, messages, pointers) rebuilds the very same findings,
    identifiers and titles included, for object datasets, IRI-only datasets and catalog-level findings."""
    from civicdata.catalog.tools.validation.engine import pack_findings, unpack_findings

    sources = [ds for name, datasets in _all_real_datasets() if name.startswith("federal_agencies") for ds in datasets]
    if not sources:
        pytest.skip("real data not found under ../shared/realdata")
    datasets = [*sources[:400], "https://example.gov/dataset/iri-only", 7]
    report = validate_catalog({"conformsTo": V11, "dataset": datasets}, profile="federal-v1.1", now=NOW)
    assert report.errors
    assert report.warnings
    extra = [
        Finding("schema.type", Severity.ERROR, "Not an object.", "/dataset/401", "", 401, None, None),
        Finding("catalog.no_datasets", Severity.WARNING, "Catalog level.", "/dataset"),
    ]
    findings = [*report.findings, *extra]
    assert unpack_findings(pack_findings(findings), datasets) == findings
    assert unpack_findings(pack_findings([]), datasets) == []


def test_repeated_faulty_values_get_the_reference_errors_each_time():
    """The errors of a faulty value are listed once and reused: each dataset still gets exactly the errors
    Python jsonschema gives it, located at its own index."""
    bad = good_dataset(contactPoint={"fn": "", "hasEmail": "opendata@example.gov"}, accrualPeriodicity="weekly")
    datasets = [copy.deepcopy(bad) | {"identifier": f"d{i}"} for i in range(3)]
    report = validate_catalog(catalog(*datasets), profile="federal-v1.1", now=NOW)
    by_index = [sorted((f.code, f.field) for f in report.errors if f.dataset_index == i) for i in range(3)]
    assert by_index[0]
    assert by_index[0] == by_index[1] == by_index[2]
    assert {f.pointer.split("/")[2] for f in report.errors} == {"0", "1", "2"}
    compiled_profile("federal-v1.1").property_errors.clear()
    fresh = validate_catalog(catalog(datasets[2]), profile="federal-v1.1", now=NOW)
    assert [(f.code, f.message, f.field) for f in fresh.errors] == [
        (f.code, f.message, f.field) for f in report.errors if f.dataset_index == 2
    ]


def test_redaction_free_hint_changes_no_finding():
    """Told that no text is redacted (found in the bytes by the reader), the validator reports the same."""
    path = realdata_path("datajson/federal_agencies_2025-02/fcc.data.json")
    read = read_catalog_file(path, note_redaction=True)
    assert read.redaction_free is True
    told = validate_catalog(read.document, profile="federal-v1.1", now=NOW, redaction_free=True)
    looked = validate_catalog(read.document, profile="federal-v1.1", now=NOW)
    assert told.findings
    assert told.to_dict() == looked.to_dict()


def test_by_dataset_with_a_limit_is_the_first_groups():
    """A terminal report groups only the datasets it shows; they are the first groups of the full grouping."""
    read = read_catalog_file(realdata_path("datajson/federal_agencies_2025-02/fcc.data.json"))
    report = validate_catalog(read.document, profile="federal-v1.1", now=NOW)
    groups = report.by_dataset()
    assert len(groups) == len(report.datasets_with_findings()) > 3
    assert report.by_dataset(limit=3) == groups[:3]
    assert report.by_dataset(limit=len(groups) + 5) == groups
