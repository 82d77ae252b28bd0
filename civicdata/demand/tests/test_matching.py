"""Demand topics are met only by datasets sharing more than one weighted term, at a learned threshold.

Terms weigh by their rarity in the catalog matched (`matching.Rarity`). For the labelled pairs that catalog
is the one their datasets were drawn from: the 5,222 datasets of the real catalogs in
../shared/realdata/datajson, whose counts for every request term are shipped in
`data/catalog_term_counts.json` (`bench/_demand_match_candidates.py --term-counts`), so these tests run
without the 14 MB of catalogs; `test_shipped_term_counts_are_the_catalogs` checks the table against them."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest

from civicdata.demand import matching

PAIRS = Path(__file__).parent / "data" / "match_pairs.csv"
TERM_COUNTS = Path(__file__).parent / "data" / "catalog_term_counts.json"
BENCH = Path(__file__).resolve().parents[3] / "bench" / "_demand_match_candidates.py"


def _rarity() -> matching.Rarity:
    table = json.loads(TERM_COUNTS.read_text(encoding="utf-8"))
    return matching.Rarity(table["documents"], table["counts"])


def _dataset(title: str, keywords: str = "", description: str = "") -> matching.DatasetTerms:
    return matching.DatasetTerms.build(title, [k for k in keywords.split(";") if k], description)


def test_one_shared_word_is_not_a_match() -> None:
    """The issue's false matches: e-waste pickups are not electronic health data; water waste is not lead testing."""
    e_waste = _rarity().weigh(
        matching.query_from_terms([["electronic waste", 0.5], ["electronic", 0.4], ["waste", 0.4], ["pickup", 0.2]])
    )
    health = _dataset("Electronic Health Information Legal Epidemiology Data Set 2014")
    assert not matching.is_match(matching.score(e_waste, health))
    water_waste = _rarity().weigh(matching.query_from_text("Report Water Waste"))
    lead = _dataset("Lead testing in drinking water at schools")
    assert not matching.is_match(matching.score(water_waste, lead))


def test_a_shared_phrase_matches_with_its_reason() -> None:
    """A dataset naming the same thing matches, and the shared terms explain why."""
    e_waste = _rarity().weigh(
        matching.query_from_terms([["electronic waste", 0.5], ["electronic", 0.4], ["waste", 0.4]])
    )
    found = matching.score(e_waste, _dataset("Electronic Waste Collection Sites", "recycling"))
    assert matching.is_match(found)
    assert found.terms[0] == "electronic waste"
    assert set(found.terms) == {"electronic waste", "electronic", "waste"}


def test_one_rare_shared_word_is_not_a_match_either() -> None:
    """However rare, one shared word scores nothing: "encephalopathy" is in none of the 5,222 datasets."""
    rarity = _rarity()
    assert rarity.counts["encephalopathy"] == 0
    bse = rarity.weigh(matching.query_from_text("Bovine Spongiform Encephalopathy"))
    found = matching.score(bse, _dataset("Chronic Wasting Encephalopathy surveillance"))
    assert found.terms == ("encephalopathy",)
    assert found.score == 0
    assert matching.score(bse, _dataset("Bovine Spongiform Encephalopathy cases")).score == 1.0


def test_generic_words_weigh_less_than_telling_ones() -> None:
    """Rarity: a word many datasets use ("case") counts less than one few use ("wisconsin", 2), and
    "foia" is kept as a matching word (it is boilerplate only for topic clustering) so FOIA logs meet."""
    rarity = _rarity()
    assert rarity.counts["case"] > 100
    assert rarity.weight("case") < rarity.weight("wisconsin") / 2
    assert rarity.weight("nowhere-in-any-catalog") > rarity.weight("wisconsin")
    assert "foia" in matching.words("Requesting FOIA logs")
    foia_logs = rarity.weigh(matching.query_from_text("Requesting all FOIA logs"))
    assert matching.is_match(matching.score(foia_logs, _dataset("FOIA - FOIA Logs", "FOIA;logs")))


def test_rarity_is_counted_over_the_catalog_matched() -> None:
    """`Rarity.of` counts each dataset once per term, title, keywords and description alike; in a catalog
    of one dataset its terms still weigh 1, so a small site's topics can be met."""
    datasets = [_dataset("Street trees", "trees"), _dataset("Tree permits", "", "permits for street trees")]
    rarity = matching.Rarity.of(datasets)
    assert (rarity.documents, rarity.counts["tree"], rarity.counts["street tree"], rarity.counts["permit"]) == (
        2,
        2,
        2,
        1,
    )
    single = matching.Rarity.of(datasets[:1])
    assert single.weight("tree") == 1.0
    assert matching.is_match(matching.score(single.weigh(matching.query_from_text("street trees")), datasets[0]))


def _labelled() -> tuple[list[dict[str, str]], list[float], list[bool]]:
    with PAIRS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rarity = _rarity()
    scores = [
        matching.score(
            rarity.weigh(matching.query_from_text(row["request"])),
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
    assert (fit.precision, fit.recall) == (0.545, 0.316)


def test_held_out_precision_and_recall() -> None:
    """5-fold cross-validation by request (seeded): the figures docs/demand.md reports, not measured on the
    pairs the cut was fitted on. The floors sit just under the measurement (0.5 / 0.316, F1 0.387; the
    unweighted scorer measured 0.05 / 0.053): losing one held-out answer or adding false ones fails."""
    rows, scores, labels = _labelled()
    held_out = matching.cross_validate(scores, labels, [row["request"] for row in rows])
    assert held_out.precision >= 0.45
    assert held_out.recall >= 0.3
    assert held_out.f1 >= 0.35


def test_shipped_term_counts_are_the_catalogs() -> None:
    """The shipped counts are what `Rarity.of` finds over the real catalogs, for every labelled request term."""
    if not BENCH.exists() or not (BENCH.parents[2] / "shared" / "realdata" / "datajson").is_dir():
        pytest.skip("../shared/realdata/datajson (the real catalogs) is not on this machine")
    spec = importlib.util.spec_from_file_location("demand_match_candidates", BENCH)
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    with PAIRS.open(encoding="utf-8") as handle:
        requests = {row["request"] for row in csv.DictReader(handle)}
    shipped = json.loads(TERM_COUNTS.read_text(encoding="utf-8"))
    fresh = bench.term_counts(bench.load_datasets(), requests)
    assert fresh["documents"] == shipped["documents"] == 5222
    assert fresh["counts"] == shipped["counts"]
