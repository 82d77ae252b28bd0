"""Demand topics are met only by datasets sharing more than one weighted term, at a learned threshold."""

from __future__ import annotations

import csv
from pathlib import Path

from civicdata.demand import matching

PAIRS = Path(__file__).parent / "data" / "match_pairs.csv"


def _dataset(title: str, keywords: str = "", description: str = "") -> matching.DatasetTerms:
    return matching.DatasetTerms.build(title, [k for k in keywords.split(";") if k], description)


def test_one_shared_word_is_not_a_match() -> None:
    """The issue's false matches: e-waste pickups are not electronic health data; water waste is not lead testing."""
    e_waste = matching.query_from_terms(
        [["electronic waste", 0.5], ["electronic", 0.4], ["waste", 0.4], ["pickup", 0.2]]
    )
    health = _dataset("Electronic Health Information Legal Epidemiology Data Set 2014")
    assert not matching.is_match(matching.score(e_waste, health))
    water_waste = matching.query_from_text("Report Water Waste")
    lead = _dataset("Lead testing in drinking water at schools")
    assert not matching.is_match(matching.score(water_waste, lead))


def test_a_shared_phrase_matches_with_its_reason() -> None:
    """A dataset naming the same thing matches, and the shared terms explain why."""
    e_waste = matching.query_from_terms([["electronic waste", 0.5], ["electronic", 0.4], ["waste", 0.4]])
    found = matching.score(e_waste, _dataset("Electronic Waste Collection Sites", "recycling"))
    assert matching.is_match(found)
    assert found.terms[0] == "electronic waste"
    assert set(found.terms) == {"electronic waste", "electronic", "waste"}


def _labelled() -> tuple[list[dict[str, str]], list[float], list[bool]]:
    with PAIRS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    scores = [
        matching.score(
            matching.query_from_text(row["request"]),
            _dataset(row["dataset_title"], row["dataset_keywords"], row["dataset_description"]),
        ).score
        for row in rows
    ]
    return rows, scores, [row["label"] == "1" for row in rows]


def test_the_labelled_set_is_real_and_large() -> None:
    """566 real request/dataset pairs from 52 requests, every label with its reason; no synthetic titles."""
    rows, _scores, labels = _labelled()
    assert len(rows) >= 250
    assert len({row["request"] for row in rows}) >= 40
    assert sum(labels) >= 15
    assert all(row["reason"] for row in rows)
    assert not any("synthetic" in row["source"] for row in rows)


def test_threshold_is_the_one_learned_from_the_labelled_pairs() -> None:
    """Refitting on the labelled pairs gives the shipped threshold, with the documented in-sample figures."""
    _rows, scores, labels = _labelled()
    fit = matching.fit_threshold(scores, labels)
    assert fit.threshold == matching.MATCH_THRESHOLD
    assert (fit.precision, fit.recall) == (0.2, 0.263)


def test_held_out_precision_and_recall() -> None:
    """5-fold cross-validation by request (seeded): the figures docs/demand.md reports, not measured on the
    pairs the cut was fitted on. The floors sit just under the measurement (0.05 / 0.053): a scorer that
    finds none of the held-out answers fails."""
    rows, scores, labels = _labelled()
    held_out = matching.cross_validate(scores, labels, [row["request"] for row in rows])
    assert held_out.precision >= 0.04
    assert held_out.recall >= 0.05
