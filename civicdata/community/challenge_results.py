"""A challenge's results: each entry's score breakdown by criterion, its weighted total, its score
normalised per judge, and its public votes.

Normalisation per judge: a lenient judge and a strict one should weigh the same. For each judge, the
weighted total (0–10) of every entry they scored is turned into a z-score against that judge's own totals
((total − the judge's mean) ÷ the judge's standard deviation; 0 when the judge gave every entry the same
total or scored only one). An entry's normalised score is the mean of its z-scores over the judges who
scored it; entries are ranked by it, then by the raw weighted total, then by votes. Four queries whatever
the number of entries."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from .models import Challenge, ChallengeEntry, ChallengeVote, Criterion, JudgeScore


@dataclass
class EntryResult:
    entry: ChallengeEntry
    rank: int = 0
    criteria: list[tuple[Criterion, float | None]] = field(default_factory=list)
    weighted_total: float | None = None
    normalised: float | None = None
    judges: int = 0
    votes: int = 0
    #: judge number (1, 2…, never who) → weighted total; shown only when the challenge publishes them
    by_judge: dict[int, float] = field(default_factory=dict)


def _weighted(values: dict[int, int], criteria: list[Criterion]) -> float | None:
    weights = sum(c.weight for c in criteria if c.pk in values)
    if not weights:
        return None
    return sum(values[c.pk] * c.weight for c in criteria if c.pk in values) / weights


def compute_results(challenge: Challenge) -> list[EntryResult]:
    """Every entry of the challenge, ranked (see the module's description)."""
    criteria = list(Criterion.objects.filter(challenge=challenge))
    entries = list(ChallengeEntry.objects.filter(challenge=challenge))
    votes = dict(
        ChallengeVote.objects.filter(challenge=challenge)
        .values("entry")
        .annotate(n=Count("id"))
        .values_list("entry", "n")
    )
    # judge → entry → criterion → value
    marks: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for judge_id, entry_id, criterion_id, value in JudgeScore.objects.filter(entry__challenge=challenge).values_list(
        "judge_id", "entry_id", "criterion_id", "value"
    ):
        marks[judge_id][entry_id][criterion_id] = value

    totals: dict[int, dict[int, float]] = {}  # judge → entry → weighted total
    for judge_id, by_entry in marks.items():
        totals[judge_id] = {e: t for e, values in by_entry.items() if (t := _weighted(values, criteria)) is not None}
    z_scores: dict[int, list[float]] = defaultdict(list)
    for by_entry in totals.values():
        values = list(by_entry.values())
        mean = statistics.fmean(values)
        spread = statistics.pstdev(values) if len(values) > 1 else 0.0
        for entry_id, total in by_entry.items():
            z_scores[entry_id].append((total - mean) / spread if spread else 0.0)

    judge_numbers = {judge_id: n for n, judge_id in enumerate(sorted(marks), start=1)}
    results = []
    for entry in entries:
        per_criterion = []
        for criterion in criteria:
            given = [
                by_entry[entry.pk][criterion.pk]
                for by_entry in marks.values()
                if criterion.pk in by_entry.get(entry.pk, {})
            ]
            per_criterion.append((criterion, round(statistics.fmean(given), 2) if given else None))
        judged = [totals[j][entry.pk] for j in totals if entry.pk in totals[j]]
        results.append(
            EntryResult(
                entry=entry,
                criteria=per_criterion,
                weighted_total=round(statistics.fmean(judged), 2) if judged else None,
                normalised=round(statistics.fmean(z_scores[entry.pk]), 3) if z_scores.get(entry.pk) else None,
                judges=len(judged),
                votes=votes.get(entry.pk, 0),
                by_judge={judge_numbers[j]: round(totals[j][entry.pk], 2) for j in totals if entry.pk in totals[j]},
            )
        )
    results.sort(
        key=lambda r: (
            r.normalised is None,
            -(r.normalised or 0.0),
            -(r.weighted_total or 0.0),
            -r.votes,
            r.entry.pk,
        )
    )
    for rank, result in enumerate(results, start=1):
        result.rank = rank
    return results
