"""Whether a catalog dataset answers a demand topic: a weighted overlap of the topic's terms with the
dataset's title, keywords and description, with credit for shared word pairs ("electronic waste"), and
never on one shared word alone ("electronic" does not make "Electronic Health Information" an answer
to e-waste pickups). Each term weighs by its rarity in the catalog being matched (`Rarity`, inverse
document frequency), so words most datasets use ("case", "file", "complaint") count little. The threshold
is learned from labelled request/dataset pairs (`fit_threshold`, data in
`civicdata/demand/tests/data/match_pairs.csv`, docs/demand.md).
"""

from __future__ import annotations

import functools
import itertools
import math
import random
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from civicdata.demand.clustering import stop_words

#: Learned from the 566 labelled real pairs, weighed by the real catalogs' rarity, by `fit_threshold` (the
#: F1-best cut; docs/demand.md gives the cross-validated precision 0.5 and recall 0.32).
MATCH_THRESHOLD = 0.54
#: How much a term found only in the description counts, next to one in the title or keywords.
DESCRIPTION_WEIGHT = 0.5
#: A shared word pair counts this much more than its words alone.
PAIR_WEIGHT = 1.0
DESCRIPTION_CHARS = 1000
#: A recomputed topic inherits a staff decision made on an earlier topic when their term signatures
#: share at least this share of terms (Jaccard: shared / all distinct). With eight terms a side this
#: means six in common; see docs/demand.md.
INHERIT_JACCARD = 0.5

#: Request boilerplate for topic clustering (`clustering.REQUEST_BOILERPLATE`) that still names a subject
#: when matching datasets: "FOIA logs" must meet "FOIA - FOIA Logs" (cross-validated, docs/demand.md).
KEPT_FOR_MATCHING = frozenset({"foia"})

_WORD = re.compile(r"[a-z]{3,}")


@functools.cache
def _stops() -> frozenset[str]:
    return stop_words() - KEPT_FOR_MATCHING


def _stem(word: str) -> str:
    """A light plural fold ("requests" → "request", "bodies" → "body") so numbers of a word meet."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Content words of a text: lower case, accents stripped, stop words and request boilerplate out
    (but `KEPT_FOR_MATCHING`)."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    stops = _stops()
    return [_stem(w) for w in _WORD.findall(plain) if w not in stops]


def _pairs(tokens: Sequence[str]) -> set[str]:
    return {f"{a} {b}" for a, b in itertools.pairwise(tokens) if a != b}


@dataclass(frozen=True)
class DatasetTerms:
    """The words and word pairs of one dataset, by how strongly they describe it."""

    strong: frozenset[str]  # title and keywords
    weak: frozenset[str]  # description only

    @classmethod
    def build(cls, title: str, keywords: Iterable[str], description: str) -> DatasetTerms:
        strong: set[str] = set()
        for part in [title, *keywords]:
            tokens = words(part)
            strong |= set(tokens) | _pairs(tokens)
        tokens = words((description or "")[:DESCRIPTION_CHARS])
        weak = (set(tokens) | _pairs(tokens)) - strong
        return cls(frozenset(strong), frozenset(weak))


@dataclass(frozen=True)
class Rarity:
    """How many datasets of a catalog use each term (title, keywords or description): the inverse
    document frequency that weighs a query's terms. Built once per scoring run over the datasets matched."""

    documents: int
    counts: Mapping[str, int]

    @classmethod
    def of(cls, datasets: Iterable[DatasetTerms]) -> Rarity:
        counts: dict[str, int] = {}
        documents = 0
        for dataset in datasets:
            documents += 1
            for term in dataset.strong | dataset.weak:
                counts[term] = counts.get(term, 0) + 1
        return cls(documents, counts)

    def weight(self, term: str) -> float:
        """Smoothed inverse document frequency, as scikit-learn's: ln((1 + N) / (1 + df)) + 1. A term no
        dataset uses weighs most; one every dataset uses weighs 1, so tiny catalogs still match."""
        return math.log((1 + self.documents) / (1 + self.counts.get(term, 0))) + 1

    def weigh(self, query: dict[str, float]) -> dict[str, float]:
        """The query with each term's weight multiplied by its rarity (once per query, not per dataset)."""
        return {term: weight * self.weight(term) for term, weight in query.items()}


@dataclass(frozen=True)
class Match:
    score: float
    terms: tuple[str, ...]  # shared terms, heaviest first


def query_from_text(text: str) -> dict[str, float]:
    """A request's words and pairs, each weighing 1 (pairs `PAIR_WEIGHT`)."""
    tokens = words(text)
    query = dict.fromkeys(tokens, 1.0)
    query.update(dict.fromkeys(_pairs(tokens), PAIR_WEIGHT))
    return query


def query_from_terms(top_terms: Sequence[Sequence]) -> dict[str, float]:
    """A topic's heaviest terms (words and pairs from the clustering) with their weights."""
    query: dict[str, float] = {}
    for term, weight in top_terms:
        tokens = words(str(term))
        if len(tokens) == 1:
            query[tokens[0]] = max(query.get(tokens[0], 0.0), float(weight))
        elif len(tokens) == 2:
            pair = " ".join(tokens)
            query[pair] = max(query.get(pair, 0.0), float(weight) * PAIR_WEIGHT)
            for token in tokens:  # a pair's words count even when the clustering kept only the pair
                query.setdefault(token, float(weight) / 2)
    return query


def score(query: dict[str, float], dataset: DatasetTerms) -> Match:
    """The weighted share of the query found in the dataset, and the shared terms. Pass a query weighed
    by the catalog's `Rarity` (`MATCH_THRESHOLD` is fitted on such scores): the share of the query's
    rarity mass found, title and keywords in full, description at `DESCRIPTION_WEIGHT`.

    Zero unless at least two different words are shared (a shared pair shares two words), however rare
    a single shared word is."""
    total = sum(query.values())
    if not total:
        return Match(0.0, ())
    found: dict[str, float] = {}
    for term, weight in query.items():
        if term in dataset.strong:
            found[term] = weight
        elif term in dataset.weak:
            found[term] = weight * DESCRIPTION_WEIGHT
    shared_words = {w for term in found for w in term.split()}
    if len(shared_words) < 2:
        return Match(0.0, tuple(sorted(found)))
    ordered = tuple(sorted(found, key=lambda t: (-found[t], t)))
    return Match(round(sum(found.values()) / total, 4), ordered)


def is_match(match: Match, *, threshold: float = MATCH_THRESHOLD) -> bool:
    return match.score >= threshold and match.score > 0


@dataclass(frozen=True)
class Fit:
    threshold: float
    precision: float
    recall: float
    f1: float
    pairs: int


def evaluate(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> Fit:
    predicted = [s > 0 and s >= threshold for s in scores]
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(y and not p for p, y in zip(predicted, labels, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Fit(threshold, round(precision, 3), round(recall, 3), round(f1, 3), len(labels))


def fit_threshold(scores: Sequence[float], labels: Sequence[bool]) -> Fit:
    """The cut with the best F1 over the labelled pairs; among equals the higher one (fewer false
    matches), rounded down to two decimals so a shipped constant reproduces it."""
    candidates = sorted({round(s - 0.005, 2) for s in scores if s > 0} | {0.05})
    fits = [evaluate(scores, labels, threshold) for threshold in candidates]
    return max(fits, key=lambda fit: (fit.f1, fit.threshold))


def cross_validate(
    scores: Sequence[float], labels: Sequence[bool], groups: Sequence[str], *, folds: int = 5, seed: int = 11
) -> Fit:
    """A held-out estimate: the groups (requests) are shuffled with `seed` and dealt into `folds`; each
    fold is judged at the threshold fitted on the other folds, and the pooled predictions are scored.
    All pairs of one request stay in one fold, so a request's pairs never help fit their own cut."""

    names = sorted(set(groups))
    random.Random(seed).shuffle(names)  # noqa: S311 -- a reproducible split, not a secret
    fold_of = {name: index % folds for index, name in enumerate(names)}
    predicted = [False] * len(scores)
    for fold in range(folds):
        train = [i for i, group in enumerate(groups) if fold_of[group] != fold]
        cut = fit_threshold([scores[i] for i in train], [labels[i] for i in train]).threshold
        for i, group in enumerate(groups):
            if fold_of[group] == fold:
                predicted[i] = is_match(Match(scores[i], ()), threshold=cut)
    held_out = evaluate([1.0 if p else 0.0 for p in predicted], labels, 1.0)
    return Fit(threshold=0.0, precision=held_out.precision, recall=held_out.recall, f1=held_out.f1, pairs=len(labels))


def signature(top_terms: Sequence[Sequence]) -> str:
    """A topic's name that survives recomputation: its top terms, normalised like the matching words
    (lower case, accents and plurals folded), sorted and joined with "|"."""
    terms = set()
    for term, *_weight in top_terms:
        tokens = words(str(term))
        if tokens:
            terms.add(" ".join(tokens))
    return "|".join(sorted(terms))[:500]


def jaccard(first: str, second: str) -> float:
    """Share of terms two signatures have in common (0 when either is empty)."""
    a, b = set(filter(None, first.split("|"))), set(filter(None, second.split("|")))
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
