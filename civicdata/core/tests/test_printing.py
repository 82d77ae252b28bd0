"""Printable pages render to PDF with WeasyPrint; the text reads back, and nothing outside the static
files is ever fetched."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from civicdata.core import printing


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def template(tmp_path, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]},
        *settings.TEMPLATES[1:],
    ]

    def write(body: str) -> str:
        (tmp_path / "print_test.html").write_text(
            '{% extends "core/print_base.html" %}{% block content %}' + body + "{% endblock %}"
        )
        return "print_test.html"

    return write


def test_spanish_text_and_user_text_read_back_from_the_pdf(template):
    pdf = printing.render_pdf(
        template("<h1>{{ title }}</h1><p>{{ name }}</p>"), {"title": "Día de datos", "name": "Jesús <b>Morín</b>"}
    )
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "Día de datos" in text
    assert "Jesús <b>Morín</b>" in text


def test_remote_images_in_user_text_are_never_fetched(template, monkeypatch):
    fetched: list[str] = []
    original = printing._read_static

    def spy(url):
        fetched.append(url)
        return original(url)

    monkeypatch.setattr(printing, "_read_static", spy)
    pdf = printing.render_pdf(
        template('<img src="{{ src }}" alt="x"><p>ok</p>'), {"src": "http://169.254.169.254/latest"}
    )
    assert "ok" in _text(pdf)
    # The fetcher was asked and refused it (only static files and data: URLs are read; no network).
    assert fetched == ["file:///static/civicdata/print.css", "http://169.254.169.254/latest"]


def test_qr_code_is_inline_svg_without_the_encoded_text():
    svg = printing.qr_svg("https://data.example.org/events/<script>/")
    assert svg.startswith("<svg")
    assert "script" not in svg


def test_pdf_response_names_the_file_and_opens_inline_or_downloads():
    inline = printing.pdf_response(b"%PDF-1.7", filename="report.pdf")
    download = printing.pdf_response(b"%PDF-1.7", filename="report.pdf", inline=False)
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"] == 'inline; filename="report.pdf"'
    assert download["Content-Disposition"] == 'attachment; filename="report.pdf"'
