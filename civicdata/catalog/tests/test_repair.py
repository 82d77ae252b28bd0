"""Repairs on import and the v1.0 → v1.1 conversion: each rule fixes only what is invalid and unambiguous,
valid datasets are never touched, and the 2013 v1.0 samples convert to valid v1.1 records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from civicdata.catalog.ingest import repair
from civicdata.catalog.ingest.convert import MAPPINGS, convert_catalog, convert_dataset, is_v10_catalog
from civicdata.catalog.ingest.planning import validate_datasets
from civicdata.catalog.ingest.reading import read_catalog_file
from civicdata.catalog.tests.factories import pod_dataset
from civicdata.catalog.tools.validation.profiles import SCHEMA_DIR
from civicdata.core.testing import realdata_path


def dataset_validator(folder: str, dataset_file: str) -> Draft4Validator:
    """jsonschema's Draft-04 validator on one dataset schema, its relative $refs served from the same folder."""
    resources = []
    for path in folder.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append(
            (
                f"https://project-open-data.cio.gov/v1.1/schema/{path.name}",
                Resource.from_contents(schema, default_specification=DRAFT4),
            )
        )
    schema = json.loads((folder / dataset_file).read_text(encoding="utf-8"))
    return Draft4Validator(schema, registry=Registry().with_resources(resources))


def official_dataset_validator() -> Draft4Validator:
    """The official (federal) POD v1.1 dataset schema from realdata."""
    return dataset_validator(realdata_path("pod-schema/v1.1/schema"), "dataset.json")


FEDERAL = {"bureauCode": ["015:11"], "programCode": ["015:001"]}


def test_a_valid_dataset_is_never_touched():
    """Repair returns the very same object, and no rule name, for a valid dataset."""
    data = pod_dataset("ok", license="", landingPage="", **FEDERAL)
    fixed, applied = repair.repair_dataset(data)
    assert fixed is data
    assert applied == []


@pytest.mark.parametrize(
    ("rule", "before", "after"),
    [
        ("type_name", {"@type": "Dataset"}, {"@type": "dcat:Dataset"}),
        ("list_from_text", {"keyword": "trees, parks ,trees"}, {"keyword": ["trees", "parks"]}),
        ("list_from_text", {"bureauCode": "015:11; 015:12"}, {"bureauCode": ["015:11", "015:12"]}),
        ("list_from_text", {"programCode": "015:001"}, {"programCode": ["015:001"]}),
        ("date_form", {"modified": "2019/1/5"}, {"modified": "2019-01-05"}),
        ("frequency_term", {"accrualPeriodicity": "Annual"}, {"accrualPeriodicity": "R/P1Y"}),
        ("frequency_term", {"accrualPeriodicity": "Ad hoc"}, {"accrualPeriodicity": "irregular"}),
        ("temporal_years", {"temporal": "2000-2018"}, {"temporal": "2000-01-01/2018-12-31"}),
        ("temporal_years", {"temporal": "2018"}, {"temporal": "2018-01-01/2018-12-31"}),
        ("empty_optional", {"rights": "", "references": []}, {}),
    ],
)
def test_each_rule_repairs_an_invalid_value(rule, before, after):
    """Each named rule turns an invalid value into the one valid value the v1.1 mapping gives."""
    data = pod_dataset("x", **FEDERAL)
    broken = {**data, **before}
    assert validate_datasets([broken], profile="federal-v1.1"), "the example must be invalid to begin with"
    fixed, applied = repair.repair_dataset(broken)
    assert applied == [rule]
    expected = {**data, **after}
    assert fixed == expected
    assert validate_datasets([fixed], profile="federal-v1.1") == {}
    assert broken == {**data, **before}, "the input is not mutated"


def test_nested_repairs_contact_publisher_and_distribution():
    """Nested objects: mailto prefix and trimming, bare types, media types from extensions or from format."""
    data = pod_dataset("x", **FEDERAL)
    data["contactPoint"] = {"@type": "Kind", "fn": "Desk", "hasEmail": " mailto: desk@example.org "}
    data["publisher"] = {
        "@type": "Organization",
        "name": "Parks",
        "subOrganizationOf": {"@type": "Organization", "name": "City"},
    }
    data["distribution"] = [
        {"@type": "Distribution", "downloadURL": "https://x.example/a.csv", "mediaType": "CSV"},
        {"downloadURL": "https://x.example/b.json", "format": "application/json"},
        {"accessURL": "https://x.example/", "title": ""},
    ]
    fixed, applied = repair.repair_dataset(data)
    assert set(applied) == {"type_name", "email_mailto", "media_type", "empty_optional"}
    assert fixed["contactPoint"] == {"@type": "vcard:Contact", "fn": "Desk", "hasEmail": "mailto:desk@example.org"}
    assert fixed["publisher"]["subOrganizationOf"]["@type"] == "org:Organization"
    assert fixed["distribution"][0] == {
        "@type": "dcat:Distribution", "downloadURL": "https://x.example/a.csv", "mediaType": "text/csv"
    }  # fmt: skip
    assert fixed["distribution"][1]["mediaType"] == "application/json"
    assert fixed["distribution"][2] == {"accessURL": "https://x.example/"}
    assert validate_datasets([fixed], profile="federal-v1.1") == {}


def test_a_bare_address_gets_mailto():
    """A bare e-mail address becomes a mailto: link; something that is not an address is left alone."""
    data = pod_dataset("x", **FEDERAL)
    data["contactPoint"] = {"fn": "Desk", "hasEmail": "desk@example.org"}
    assert repair.repair_dataset(data)[0]["contactPoint"]["hasEmail"] == "mailto:desk@example.org"
    data["contactPoint"] = {"fn": "Desk", "hasEmail": "cdcinfo.cdc.gov"}
    assert repair.repair_dataset(data)[1] == []


@pytest.mark.parametrize(
    "value",
    [
        {"modified": "01/02/2019"},  # day and month cannot be told apart
        {"programCode": ["009:20"]},  # 009:020 or 009:200?
        {"description": ""},  # required: nothing to put there
        {"temporal": "1988-1994, 2015-2019"},  # two intervals
        {"accrualPeriodicity": "Every 2 weeks"},  # not a term of the official table
    ],
)
def test_ambiguous_values_are_left_for_a_person(value):
    """A value that would need a guess is not repaired, so the dataset stays invalid (held back)."""
    data = {**pod_dataset("x", **FEDERAL), **value}
    fixed, applied = repair.repair_dataset(data)
    assert applied == []
    assert validate_datasets([fixed], profile="federal-v1.1")


def test_rules_are_all_documented():
    """Every rule and conversion mapping is explained in docs/catalog.md."""
    text = (Path(__file__).resolve().parents[3] / "docs" / "catalog.md").read_text(encoding="utf-8")
    for name in [*repair.RULES, *MAPPINGS]:
        assert f"`{name}`" in text, name


# --- v1.0 conversion ------------------------------------------------------------------------------------------


SAMPLES = ["catalog-sample.json", "catalog-sample-extended.json"]


@pytest.mark.parametrize("name", SAMPLES)
def test_v10_samples_convert_to_valid_v11(name):
    """Every dataset of the official 2013 v1.0 samples converts to a record valid against the v1.1 schemas:
    the official (federal) schema when the v1.0 record had bureau and program codes, else the non-federal one."""
    read = read_catalog_file(realdata_path(f"pod-schema/v1.0/examples/{name}"))
    assert read.ok
    assert is_v10_catalog(read.document)
    conversion = convert_catalog(read.document)
    federal = official_dataset_validator()
    non_federal = dataset_validator(SCHEMA_DIR / "non-federal-v1.1", "dataset-non-federal.json")
    assert len(conversion.document["dataset"]) == len(read.document)
    for old, new in zip(read.document, conversion.document["dataset"], strict=True):
        validator = federal if old.get("bureauCode") and old.get("programCode") else non_federal
        errors = [error.message for error in validator.iter_errors(new)]
        assert errors == [], (old["identifier"], errors)
        assert isinstance(new["publisher"], dict)
        assert isinstance(new["contactPoint"], dict)
        assert "mbox" not in new
        assert "accessURL" not in new
        assert "format" not in new
        assert "webService" not in new
        assert new["contactPoint"]["hasEmail"] == "mailto:" + old["mbox"]
    report = conversion.report()
    assert report["mappings"]["publisher_object"] == len(read.document)
    assert report["mappings"]["contact_point_object"] == len(read.document)


def test_v10_fields_map_as_the_official_table_says():
    """One v1.0 record, field by field: codes to lists, format to mediaType, webService to an API distribution."""
    old = {
        "title": "Schools",
        "description": "List of schools.",
        "keyword": "education, schools",
        "modified": "2013-05-09",
        "publisher": "US Department of Education",
        "contactPoint": "Jane Doe",
        "mbox": "jane.doe@ed.gov",
        "identifier": "ed-1",
        "accessLevel": "public",
        "accessLevelComment": "Open to all.",
        "bureauCode": "018:10",
        "programCode": "018:001",
        "accessURL": "https://ed.example/schools.csv",
        "format": "csv",
        "webService": "https://ed.example/api/schools",
        "dataDictionary": "https://ed.example/dictionary.pdf",
        "PrimaryITInvestmentUII": "021-006227212",
        "license": "Public Domain",
        "accrualPeriodicity": "Annual",
    }
    new, used = convert_dataset(old)
    new, repaired = repair.repair_dataset(new)
    assert new["publisher"] == {"@type": "org:Organization", "name": "US Department of Education"}
    assert new["contactPoint"] == {"@type": "vcard:Contact", "fn": "Jane Doe", "hasEmail": "mailto:jane.doe@ed.gov"}
    assert new["bureauCode"] == ["018:10"]
    assert new["programCode"] == ["018:001"]
    assert new["keyword"] == ["education", "schools"]
    assert new["rights"] == "Open to all."
    assert new["describedBy"] == "https://ed.example/dictionary.pdf"
    assert new["primaryITInvestmentUII"] == "021-006227212"
    assert new["license"] == "http://www.usa.gov/publicdomain/label/1.0/"
    assert new["accrualPeriodicity"] == "R/P1Y"
    assert new["distribution"] == [
        {"@type": "dcat:Distribution", "downloadURL": "https://ed.example/schools.csv", "mediaType": "text/csv",
         "format": "CSV"},
        {"@type": "dcat:Distribution", "accessURL": "https://ed.example/api/schools", "format": "API"},
    ]  # fmt: skip
    assert {"access_url_to_distribution", "web_service", "codes_to_lists", "publisher_object"} <= set(used)
    assert "list_from_text" in repaired
    assert "frequency_term" in repaired
    assert errors_of(new) == []


def errors_of(data: dict) -> list[str]:
    return [error.message for error in official_dataset_validator().iter_errors(data)]


def test_v10_templates_convert_but_stay_invalid():
    """The blank v1.0 template converts structurally; its empty required values cannot be invented."""
    read = read_catalog_file(realdata_path("pod-schema/v1.0/examples/catalog-template.json"))
    conversion = convert_catalog(read.document)
    problems = validate_datasets(conversion.document["dataset"], profile="federal-v1.1")
    assert sorted(problems) == [0, 1, 2]


def test_convert_command_writes_v11_and_says_how_it_went(tmp_path, capsys):
    """`civicdata catalog convert IN -o OUT`: exit 0 and a valid v1.1 file for the official sample, 1 for the blank
    template (written, datasets listed as invalid), 3 for a catalog that is already v1.1, 2 for unreadable input."""
    from django.core.management import call_command

    out = tmp_path / "v11.json"
    sample = realdata_path("pod-schema/v1.0/examples/catalog-sample.json")
    with pytest.raises(SystemExit) as done:
        call_command("catalog_convert", str(sample), "-o", str(out))
    assert done.value.code == 0
    report = capsys.readouterr().out
    assert "publisher_object" in report
    assert "3 of 3 datasets valid under federal-v1.1" in report
    converted = json.loads(out.read_text(encoding="utf-8"))
    assert converted["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert all(errors_of(record) == [] for record in converted["dataset"])

    template = realdata_path("pod-schema/v1.0/examples/catalog-template.json")
    with pytest.raises(SystemExit) as done:
        call_command("catalog_convert", str(template), "-o", str(tmp_path / "t.json"))
    assert done.value.code == 1
    assert "INVALID" in capsys.readouterr().out

    with pytest.raises(SystemExit) as done:
        call_command("catalog_convert", str(out))
    assert done.value.code == 3
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        call_command("catalog_convert", str(broken))
    assert done.value.code == 2
