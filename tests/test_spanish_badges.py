"""Status badges agree in Spanish with the noun they describe (native-quality review of issue 10):
a request (solicitud), a table (tabla), a harvest run (ejecución), a load (carga) and a log import
(importación) are feminine; a dataset (conjunto de datos) and a project (proyecto) are masculine."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from civicdata.catalog.models import AccessLevel, RunStatus
from civicdata.datastore.models import JobStatus, TableStatus
from civicdata.demand.models import LogImportStatus, RequestStatus
from civicdata.projects.models import ProjectStatus

# A Spanish participle or adjective ending shows the gender: -ado/-ido/-o versus -ada/-ida/-a.
_MASCULINE_WORD = re.compile(r"\b\w+(ado|ido|ico|o)\b", re.IGNORECASE)
_FEMININE_WORD = re.compile(r"\b\w+(ada|ida|ica)\b", re.IGNORECASE)
# Words whose ending does not mark the noun's gender.
_NEUTRAL = {"curso", "cola", "espera", "revisión", "confirmación", "aún", "sin", "en", "no"}


def _spanish(label) -> str:
    with translation.override("es"):
        return str(label)


def _gendered(text: str, pattern: re.Pattern) -> list[str]:
    words = [m.group(0) for m in pattern.finditer(text) if m.group(0).lower() not in _NEUTRAL]
    # Gerunds (cargando, esperando) have no gender.
    return [word for word in words if not word.lower().endswith(("ando", "endo"))]


@pytest.mark.parametrize("choices", [RequestStatus, TableStatus, RunStatus, JobStatus, LogImportStatus])
def test_badges_of_feminine_nouns_are_feminine(choices):
    for _value, label in choices.choices:
        spanish = _spanish(label)
        assert spanish != str(label) or spanish in {"Visible"}, f"{label!r} is not translated"
        assert _gendered(spanish, _MASCULINE_WORD) == [], f"{choices.__name__}: {label!r} → {spanish!r}"


@pytest.mark.parametrize("choices", [AccessLevel, ProjectStatus])
def test_badges_of_masculine_nouns_are_masculine(choices):
    for _value, label in choices.choices:
        spanish = _spanish(label)
        assert _gendered(spanish, _FEMININE_WORD) == [], f"{choices.__name__}: {label!r} → {spanish!r}"


def test_counts_in_plural_and_a_hidden_request_in_feminine():
    """Column headings count things (plural); a hidden request is “oculta”, a hidden comment “oculto”."""
    template = Template(
        '{% load i18n %}{% translate "Withdrawn" context "count of datasets" %}|'
        '{% translate "Imported" context "count of rows" %}|{% translate "Hidden" context "request" %}|'
        '{% translate "Hidden" %}'
    )
    with translation.override("es"):
        assert template.render(Context()) == "Retirados|Importadas|Oculta|Oculto"


@pytest.mark.django_db
def test_the_language_switch_names_each_language_in_itself(client):
    """In Spanish the way back reads “English”, not “Inglés”; in English, “Español”."""
    english = client.get("/").content.decode()
    assert 'lang="es">Español</button>' in english
    client.cookies.load({"django_language": "es"})
    spanish = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="en">English</button>' in spanish
    assert "Inglés" not in spanish
