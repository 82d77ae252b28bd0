"""Tests for the framework-free document helpers: plan diffs and the PDF writer."""

import re

from civicdata.projects.pdf import Block, render_pdf
from civicdata.projects.plandiff import diff_text, diff_versions


def test_diff_marks_removed_and_added_words():
    """Replaced words appear as a deletion followed by an insertion; kept words stay equal."""
    frags = diff_text("Open the data on Mondays", "Open the data every Monday")
    ops = [(f.op, f.text) for f in frags]
    assert ops[0] == ("equal", "Open the data ")
    assert ("delete", "Mondays") in ops
    assert ("insert", "Monday") in ops
    assert ("delete", "on") in ops
    assert ("insert", "every") in ops


def test_diff_versions_flags_only_changed_sections():
    """Unchanged sections are reported as unchanged, in the order asked for."""
    result = diff_versions(
        {"goal": "a", "roles": "x"},
        {"goal": "a", "roles": "y"},
        ["goal", "roles", "timeline"],
    )
    assert [(d.key, d.changed) for d in result] == [
        ("goal", False),
        ("roles", True),
        ("timeline", False),
    ]


def test_pdf_is_well_formed_with_a_correct_cross_reference_table():
    """Every object offset in the xref table points at that object's header, across several pages."""
    blocks = [
        Block("h1", "Report (draft) \\ é"),
        *[Block("p", "word " * 300) for _ in range(6)],
        Block("li", "x"),
    ]
    data = render_pdf(blocks, title="Summary")
    assert data.startswith(b"%PDF-1.4")
    assert data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[start : start + 4] == b"xref"
    count = int(re.search(rb"xref\n0 (\d+)", data).group(1))
    offsets = re.findall(rb"(\d{10}) 00000 n", data[start:])
    assert len(offsets) == count - 1
    for number, offset in enumerate(offsets, start=1):
        assert data[int(offset) :].startswith(b"%d 0 obj" % number)
    pages = int(re.search(rb"/Count (\d+)", data).group(1))
    assert pages >= 2
