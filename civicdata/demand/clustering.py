"""Group demand texts (requests, log rows, searches) into explainable topics.

TF-IDF over words and word pairs (English and Spanish stop words removed) and mini-batch k-means
with a fixed seed: the same input always gives the same topics, and every topic is explained by
its heaviest terms and the items closest to its centre.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

# scikit-learn takes seconds to import: it loads on first use, so commands and pages that never
# cluster start fast.
if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

RANDOM_STATE = 20240601
MAX_TOPICS = 30
MIN_TOPICS = 2
EXACT_KMEANS_LIMIT = 5_000

# Common Spanish function words (written without accents: the vectorizer strips them first).
SPANISH_STOP_WORDS = frozenset(
    [
        "a",
        "al",
        "algo",
        "algun",
        "alguna",
        "algunas",
        "alguno",
        "algunos",
        "ante",
        "antes",
        "aqui",
        "asi",
        "aun",
        "bajo",
        "bien",
        "cada",
        "como",
        "con",
        "contra",
        "cual",
        "cuales",
        "cuando",
        "de",
        "del",
        "desde",
        "donde",
        "dos",
        "el",
        "ella",
        "ellas",
        "ello",
        "ellos",
        "en",
        "entre",
        "era",
        "eran",
        "es",
        "esa",
        "esas",
        "ese",
        "eso",
        "esos",
        "esta",
        "estaba",
        "estado",
        "estan",
        "estar",
        "estas",
        "este",
        "esto",
        "estos",
        "fue",
        "fueron",
        "ha",
        "han",
        "hasta",
        "hay",
        "la",
        "las",
        "le",
        "les",
        "lo",
        "los",
        "mas",
        "me",
        "mi",
        "mis",
        "mucho",
        "muy",
        "nada",
        "ni",
        "no",
        "nos",
        "nosotros",
        "o",
        "os",
        "otra",
        "otras",
        "otro",
        "otros",
        "para",
        "pero",
        "poco",
        "por",
        "porque",
        "que",
        "quien",
        "quienes",
        "se",
        "sea",
        "sen",
        "ser",
        "si",
        "sido",
        "sin",
        "sobre",
        "solo",
        "son",
        "su",
        "sus",
        "tambien",
        "tan",
        "tanto",
        "te",
        "tiene",
        "tienen",
        "todo",
        "todos",
        "tu",
        "tus",
        "un",
        "una",
        "unas",
        "uno",
        "unos",
        "usted",
        "ustedes",
        "y",
        "ya",
        "yo",
        "favor",
        "quiero",
        "quisiera",
        "solicito",
        "solicitud",
        "solicitar",
        "informacion",
        "datos",
    ]
)

# Words every records request uses ("requesting copies of any and all records regarding ...").
# They say nothing about the topic, so they must not drive it.
REQUEST_BOILERPLATE = frozenset(
    [
        "request",
        "requests",
        "requesting",
        "requested",
        "requester",
        "copy",
        "copies",
        "record",
        "records",
        "document",
        "documents",
        "information",
        "info",
        "data",
        "dataset",
        "datasets",
        "list",
        "lists",
        "please",
        "provide",
        "provided",
        "including",
        "include",
        "includes",
        "related",
        "relating",
        "regarding",
        "pertaining",
        "concerning",
        "any",
        "all",
        "following",
        "attached",
        "letter",
        "dated",
        "date",
        "dates",
        "period",
        "time",
        "present",
        "through",
        "specifically",
        "want",
        "need",
        "like",
        "would",
        "also",
        "may",
        "pursuant",
        "foia",
        "act",
        "freedom",
        "public",
        "via",
        "email",
        "emails",
        "received",
        "regard",
        "subject",
        "number",
        "numbers",
        "file",
        "files",
        "report",
        "reports",
        "year",
        "years",
        "month",
        "months",
        "day",
        "days",
        "per",
        "new",
        "get",
        "make",
        "use",
        "used",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ]
)


@functools.cache
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, the Spanish ones above and request boilerplate."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | SPANISH_STOP_WORDS | REQUEST_BOILERPLATE


_WORD_PATTERN = r"(?u)\b[a-zA-Z]{3,}\b"  # words of 3+ letters; numbers and case ids are noise here


@dataclass(frozen=True)
class Topic:
    """One cluster, with what explains it."""

    index: int
    label: str
    top_terms: list[tuple[str, float]]
    size: int  # weighted number of items
    examples: list[str]  # distinct texts closest to the centre


@dataclass
class ClusteringResult:
    """Topics and, for every input item, the index of its topic."""

    topics: list[Topic]
    assignments: list[int]
    k: int
    vocabulary_size: int
    # Kept for matching other documents (datasets) against topics; not serialised.
    _vectorizer: TfidfVectorizer | None = field(default=None, repr=False)
    _centres: np.ndarray | None = field(default=None, repr=False)

    def match(self, documents: Sequence[str], *, threshold: float = 0.2) -> dict[int, list[tuple[int, float]]]:
        """For each topic, the documents (by index) whose text is close to it, best first.

        Used to find catalog datasets that answer a topic; topics with none are "unmet".
        """
        from sklearn.preprocessing import normalize

        matches: dict[int, list[tuple[int, float]]] = {topic.index: [] for topic in self.topics}
        if self._vectorizer is None or self._centres is None or not documents:
            return matches
        vectors = self._vectorizer.transform([prepare_text(d) for d in documents])
        centres = normalize(self._centres)
        similarity = np.asarray(vectors @ centres.T)
        for topic in self.topics:
            column = similarity[:, topic.index]
            for doc_index in np.nonzero(column >= threshold)[0]:
                matches[topic.index].append((int(doc_index), float(column[doc_index])))
            matches[topic.index].sort(key=lambda pair: (-pair[1], pair[0]))
        return matches


def prepare_text(text: str) -> str:
    """Collapse whitespace and cap very long texts (FOIA descriptions can run to pages)."""
    return re.sub(r"\s+", " ", text or "").strip().lower()[:2000]


def choose_k(distinct_items: int, *, max_topics: int = MAX_TOPICS) -> int:
    """The number of topics: the square root of twice the number of distinct texts, within bounds.

    Small sets get a few broad topics, large sets at most `max_topics` so a person can read them.
    """
    if distinct_items <= 1:
        return 1
    return min(
        distinct_items,
        max(MIN_TOPICS, min(max_topics, math.ceil(math.sqrt(2 * distinct_items)))),
    )


def label_for(terms: Sequence[str]) -> str:
    """A topic's label: its three heaviest terms, de-duplicated (a pair repeats its words)."""
    chosen: list[str] = []
    for term in terms:
        if any(term in other or other in term for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == 3:
            break
    return " / ".join(chosen)


def cluster_texts(
    texts: Sequence[str],
    *,
    k: int | None = None,
    max_topics: int = MAX_TOPICS,
    weights: Sequence[float] | None = None,
    top_terms: int = 8,
    examples: int = 3,
    random_state: int = RANDOM_STATE,
) -> ClusteringResult:
    """Cluster texts into topics; deterministic for the same input.

    Identical texts (311 logs repeat a few request types thousands of times) are clustered once,
    weighted by how often they occur, which keeps 100k items fast. `weights` lets one item count
    more (a search term searched 40 times).
    """
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    prepared = [prepare_text(t) for t in texts]
    item_weights = list(weights) if weights is not None else [1.0] * len(prepared)
    counts: Counter[str] = Counter()
    original: dict[str, str] = {}
    for raw, text, weight in zip(texts, prepared, item_weights, strict=True):
        if text:
            counts[text] += weight
            original.setdefault(text, re.sub(r"\s+", " ", raw).strip()[:300])
    distinct = sorted(counts)  # sorted so input order cannot change the result
    if not distinct:
        return ClusteringResult(topics=[], assignments=[-1] * len(prepared), k=0, vocabulary_size=0)
    vectorizer = TfidfVectorizer(
        stop_words=sorted(stop_words()),
        strip_accents="unicode",
        token_pattern=_WORD_PATTERN,
        ngram_range=(1, 2),
        # min_df counts distinct texts, and a text repeated 500 times is one of them: a floor of 2
        # would drop the words of the most repeated requests, so rare terms are left to max_features.
        min_df=1,
        max_df=0.5 if len(distinct) >= 50 else 1.0,
        max_features=30_000,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform(distinct)
    except ValueError:  # every text was stop words only
        return ClusteringResult(topics=[], assignments=[-1] * len(prepared), k=0, vocabulary_size=0)
    sample_weight = np.array([counts[t] for t in distinct], dtype=np.float64)
    nonempty = np.asarray(matrix.getnnz(axis=1) > 0)
    n_usable = int(nonempty.sum())
    k = min(k or choose_k(n_usable, max_topics=max_topics), max(n_usable, 1))
    terms = vectorizer.get_feature_names_out()
    if n_usable == 0:
        return ClusteringResult(topics=[], assignments=[-1] * len(prepared), k=0, vocabulary_size=len(terms))
    usable_rows = np.nonzero(nonempty)[0]
    # Exact k-means while it is cheap; mini-batches keep 100k distinct texts within a minute.
    if n_usable <= EXACT_KMEANS_LIMIT:
        model = KMeans(n_clusters=k, random_state=random_state, n_init=3, max_iter=200)
    else:
        model = MiniBatchKMeans(
            n_clusters=k,
            random_state=random_state,
            n_init=3,
            batch_size=4096,
            max_iter=100,
        )
    labels_usable = model.fit_predict(matrix[usable_rows], sample_weight=sample_weight[usable_rows])
    labels = np.full(len(distinct), -1, dtype=np.int64)
    labels[usable_rows] = labels_usable
    centres = model.cluster_centers_

    # Renumber topics by size (largest first) so indexes are meaningful and stable.
    sizes = Counter()
    for row, label in enumerate(labels):
        if label >= 0:
            sizes[int(label)] += sample_weight[row]
    order = sorted(sizes, key=lambda label: (-sizes[label], label))
    renumber = {old: new for new, old in enumerate(order)}
    centres = centres[order]

    similarity = np.asarray(normalize(matrix) @ normalize(centres).T)
    topics: list[Topic] = []
    for new, old in enumerate(order):
        centre = centres[new]
        best = np.argsort(-centre, kind="stable")[:top_terms]
        weighted_terms = [(str(terms[i]), round(float(centre[i]), 4)) for i in best if centre[i] > 0]
        members = np.nonzero(labels == old)[0]
        nearest = members[np.argsort(-similarity[members, new], kind="stable")][:examples]
        topics.append(
            Topic(
                index=new,
                label=label_for([term for term, _ in weighted_terms]) or f"topic {new + 1}",
                top_terms=weighted_terms,
                size=round(sizes[old]),
                examples=[original[distinct[i]] for i in nearest],
            )
        )
    by_text = {text: renumber.get(int(label), -1) for text, label in zip(distinct, labels, strict=True)}
    assignments = [by_text.get(text, -1) if text else -1 for text in prepared]
    return ClusteringResult(
        topics=topics,
        assignments=assignments,
        k=len(topics),
        vocabulary_size=len(terms),
        _vectorizer=vectorizer,
        _centres=centres,
    )
