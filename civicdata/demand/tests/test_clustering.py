"""Topic clustering of demand texts."""

import csv

from civicdata.demand.clustering import choose_k, cluster_texts, label_for
from civicdata.demand.tests.realdata import realdata_file

TEXTS = [
    "bike lane counts downtown",
    "bike lane usage counts",
    "bike share trips by station",
    "restaurant inspection results",
    "restaurant food safety inspection",
    "restaurant health grades",
    "tree planting locations",
    "street tree inventory",
    "tree canopy by neighborhood",
] * 3


def test_same_input_gives_same_topics_regardless_of_order():
    """Clustering is deterministic and does not depend on the order of the items."""
    first = cluster_texts(TEXTS)
    second = cluster_texts(list(reversed(TEXTS)))
    assert [t.label for t in first.topics] == [t.label for t in second.topics]
    assert first.assignments == list(reversed(second.assignments))


def test_related_texts_share_a_topic_and_topics_are_explained():
    """Items about the same subject land together; each topic has terms, a label and examples."""
    result = cluster_texts(TEXTS, k=3)
    by_text = dict(zip(TEXTS, result.assignments, strict=True))
    assert by_text["restaurant inspection results"] == by_text["restaurant health grades"]
    assert by_text["street tree inventory"] == by_text["tree canopy by neighborhood"]
    assert by_text["street tree inventory"] != by_text["restaurant health grades"]
    for topic in result.topics:
        assert topic.top_terms
        assert topic.label
        assert topic.examples
    assert sum(t.size for t in result.topics) == len(TEXTS)


def test_spanish_and_boilerplate_words_do_not_make_topics():
    """Stop words in English and Spanish and request boilerplate never appear as top terms."""
    texts = [
        "solicito información de los parques",
        "información de parques y jardines",
        "requesting all records regarding the parks",
        "datos de la policía",
        "policía datos de arrestos",
    ]
    terms = {term for topic in cluster_texts(texts).topics for term, _ in topic.top_terms}
    assert not terms & {
        "de",
        "los",
        "la",
        "informacion",
        "requesting",
        "records",
        "regarding",
        "the",
    }
    assert "parques" in " ".join(terms)


def test_empty_and_stopword_only_input():
    """Nothing to cluster gives no topics and -1 assignments instead of an error."""
    assert cluster_texts([]).topics == []
    result = cluster_texts(["", "the and of"])
    assert result.topics == []
    assert result.assignments == [-1, -1]


def test_choose_k_rule():
    """k grows with the square root of distinct texts, between 2 and 30."""
    assert choose_k(1) == 1
    assert choose_k(2) == 2
    assert choose_k(50) == 10
    assert choose_k(100_000) == 30


def test_label_skips_terms_contained_in_earlier_ones():
    """A label does not repeat a word already in a pair."""
    assert label_for(["bike lane", "bike", "lane", "counts", "downtown"]) == "bike lane / counts / downtown"


def test_match_finds_datasets_for_topics():
    """Documents close to a topic are matched to it; unrelated ones are not."""
    result = cluster_texts(TEXTS, k=3)
    matches = result.match(["Restaurant inspection results 2020", "City budget"])
    matched_docs = {doc for pairs in matches.values() for doc, _ in pairs}
    assert matched_docs == {0}


def test_real_foia_log_clusters_into_readable_topics():
    """The 4,281 USDA requests give 30 topics; a horse topic and a wildlife topic emerge."""
    path = realdata_file("requests/usda_aphis_foia_log_2010-2015_MERGED_normalized.csv")
    with path.open(encoding="utf-8") as handle:
        texts = [row["request_description"] for row in csv.DictReader(handle)]
    result = cluster_texts(texts)
    assert result.k == 30
    labels = " ".join(t.label for t in result.topics)
    assert "horse" in labels
    assert "wildlife" in labels
    assert len(result.assignments) == len(texts)
