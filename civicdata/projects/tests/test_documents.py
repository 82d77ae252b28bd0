"""Tests for the framework-free document helpers: plan diffs."""

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
