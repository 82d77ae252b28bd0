"""The plain-word choices of the dataset form and the values they store: update frequencies (ISO 8601
repeating durations, from the Project Open Data guidance), open licenses (the Project Open Data license
list, as URIs) and languages (BCP 47 codes, each named in its own language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Project Open Data's accrualPeriodicity guidance (iso8601_guidance.md), most frequent first.
FREQUENCIES: list[tuple[str, str]] = [
    ("R/PT1S", _("Continuously")),
    ("R/PT1H", _("Every hour")),
    ("R/P1D", _("Every day")),
    ("R/P3.5D", _("Twice a week")),
    ("R/P0.33W", _("Three times a week")),
    ("R/P1W", _("Every week")),
    ("R/P2W", _("Every two weeks")),
    ("R/P0.5M", _("Twice a month")),
    ("R/P0.33M", _("Three times a month")),
    ("R/P1M", _("Every month")),
    ("R/P2M", _("Every two months")),
    ("R/P3M", _("Every three months")),
    ("R/P4M", _("Three times a year")),
    ("R/P6M", _("Twice a year")),
    ("R/P1Y", _("Every year")),
    ("R/P2Y", _("Every two years")),
    ("R/P3Y", _("Every three years")),
    ("R/P4Y", _("Every four years")),
    ("R/P10Y", _("Every ten years")),
    ("irregular", _("No fixed schedule")),
]

# Project Open Data's open licenses page (licenses.md): the URIs it gives for the `license` field.
LICENSES: list[tuple[str, str]] = [
    ("https://creativecommons.org/publicdomain/zero/1.0/", _("Public domain (Creative Commons CC0)")),
    ("http://www.usa.gov/publicdomain/label/1.0/", _("U.S. public domain (government work)")),
    ("https://creativecommons.org/licenses/by/4.0/", _("Creative Commons Attribution (CC BY 4.0)")),
    ("https://creativecommons.org/licenses/by-sa/4.0/", _("Creative Commons Attribution-ShareAlike (CC BY-SA 4.0)")),
    ("https://opendatacommons.org/licenses/pddl/1-0/", _("Open Data Commons Public Domain (PDDL)")),
    ("https://opendatacommons.org/licenses/by/1-0/", _("Open Data Commons Attribution (ODC-By)")),
    ("https://opendatacommons.org/licenses/odbl/1-0/", _("Open Data Commons Open Database License (ODbL)")),
]
KNOWN_LICENSES = frozenset(uri for uri, _label in LICENSES)
OTHER = "other"

# Names in their own language are not translated: a reader looks for their own language's name.
LANGUAGES: list[tuple[str, str]] = [
    ("en", "English"),
    ("es", "Español"),
    ("zh", "中文"),
    ("vi", "Tiếng Việt"),
    ("tl", "Tagalog"),
    ("ko", "한국어"),
    ("ru", "Русский"),
    ("ar", "العربية"),
    ("fr", "Français"),
    ("ht", "Kreyòl ayisyen"),
    ("pt", "Português"),
    ("de", "Deutsch"),
]


def is_license_link(value: str) -> bool:
    """True for an absolute http(s) address, the form the standard asks the `license` field to take."""
    text = value.strip().lower()
    return text.startswith(("https://", "http://")) and len(text) > len("https://") and " " not in text
