"""Personal data recognised in the values: one cell at a time, and a column's sample."""

from __future__ import annotations

import pytest

from civicdata.datastore import pii, pii_values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123-45-6789", "123-45-6789"),
        ("912-70-1234", "912-70-1234"),  # an ITIN: area 9xx with group 70
        ("912-45-1234", None),  # 9xx area outside the ITIN groups
        ("000-12-3456", None),
        ("666-12-3456", None),
        ("123-00-4567", None),
        ("123-45-0000", None),
        ("078-05-1120", None),  # printed in a wallet advertisement, never issued
        ("123-45 6789", None),  # mixed separators
        ("123456789", None),  # nine bare digits are record ids unless the header says SSN
    ],
)
def test_national_id_rules(value: str, expected: str | None) -> None:
    """SSNs and ITINs follow the Social Security Administration's validity rules."""
    assert pii_values.find_national_id(value) == expected


def test_national_id_in_text_and_under_a_header() -> None:
    """A dashed SSN inside text counts, a numbered document does not; bare digits count under an SSN header."""
    assert pii_values.find_national_id("for Janice SSN 409-06-8825, i.e.", free_text=True) == "409-06-8825"
    assert pii_values.find_national_id("MOU Number: 225-06-4000", free_text=True) is None
    assert pii_values.find_national_id("Project No. 166/001-10-2019", free_text=True) is None
    assert pii_values.find_national_id("409068825", hinted=True) == "409068825"


def test_phones_need_the_shape_of_a_phone() -> None:
    """Grouped digits that libphonenumber accepts are phones; a 10-digit permit number is not."""
    assert pii_values.find_phone("(615) 862-6500") == "(615) 862-6500"
    assert pii_values.find_phone("+1 615.862.6500") == "+1 615.862.6500"
    assert pii_values.find_phone("2023023374") is None
    assert pii_values.find_phone("6158626500", hinted=True) == "6158626500"
    assert pii_values.find_phone("123-456-7890") is None  # no area code starts with 1
    text = "please contact me at (202) 789-6128 when the response is ready, permit 2023023374"
    assert pii_values.find_phone(text, free_text=True) == "(202) 789-6128"


def test_emails_and_birth_dates_in_text() -> None:
    """E-mail addresses are found anywhere in a value; birth dates only with birth wording."""
    assert pii_values.find_email("EMAIL DIRECTLY TO: THOMAS.CORCORAN@NASHVILLE.GOV. PERMIT") == (
        "THOMAS.CORCORAN@NASHVILLE.GOV"
    )
    assert pii_values.find_email("bearing domain names @akaushi.com") is None
    assert pii_values.find_birth_date("Applicant DOB: 04/12/1961, lives in") == "DOB: 04/12/1961"
    assert pii_values.find_birth_date("fecha de nacimiento 1961-04-12") is not None
    assert pii_values.find_birth_date("Permit issued 04/12/2021") is None


@pytest.mark.parametrize(
    "value", ["Jesús Morin", "LINDY BLAKEY", "duane cuthbertson", "Timmins, Jim", "Eddie L Henry", "Mason, Quinton"]
)
def test_person_names(value: str) -> None:
    """Names in any case, with accents, and "Last, First" are recognised. (A first name missing from the
    1990 Census list, like the issue's "Lyndi", leaves that cell to the rest of its column.)"""
    assert pii_values.find_person_name(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "MAKER CONSTRUCTION LLC",
        "GRAHAM, BAIRD COMPANY LLC, THE",
        "South End",
        "Back Bay",
        "WILLIAM T MORRISSEY BLVD",
        "Indiana Department of Natural Resources",
        "SELF CONTRACTOR RESIDENTIAL (SEE APPLICANT INFORMATION)",
        "Building Residential - Addition",
    ],
)
def test_not_person_names(value: str) -> None:
    """Companies, places, streets and categories are not people."""
    assert pii_values.find_person_name(value) is None


def test_street_addresses_need_a_house_number() -> None:
    """A house number and a street make an address; a bare street name does not."""
    assert pii_values.find_street_address("1916 18TH AVE S") == "1916 18TH AVE S"
    assert pii_values.find_street_address("16815 W VANOWEN ST, 91406") is not None
    assert pii_values.find_street_address("HARRISON AVE") is None
    assert pii_values.find_street_address("LOT 77 BELMONT PARK COMPANY ADDN") is None


def test_free_text_is_flagged_by_one_value() -> None:
    """One phone number among long descriptions flags the column, with the match alone masked."""
    prose = ["Renovate the kitchen and both bathrooms of the existing single family residence."] * 500
    values = [*prose, "Call the owner at 615-555-0134 before the inspection of the rear deck, please."]
    found = {f.kind: f for f in pii.scan_column("purpose", "Purpose", values)}
    assert set(found) == {"phone"}
    assert found["phone"].free_text
    assert found["phone"].rows_matched == 1
    assert found["phone"].samples == ["•••-•••-••34"]
    assert pii.scan_column("purpose", "Purpose", prose) == []


def test_contact_column_mixing_companies_and_people() -> None:
    """A contact column where a quarter of the rows are people (each named rarely) is flagged as names."""
    companies = ["E3 CONSTRUCTION SERVICES LLC"] * 40 + ["JACKSON BUILDERS LLC"] * 30 + ["ZMX INC"] * 10
    people = ["Jesús Morin", "duane cuthbertson", "Angie Lea", "LOPEZ, TRACY", "carl repp", "Manuel Ortiz"]
    found = pii.scan_column("contact", "Contact", companies + people * 3)
    assert [f.kind for f in found] == ["person_name"]
    assert all("•" in sample for sample in found[0].samples)
    assert pii.scan_column("contact", "Contact", companies) == []
