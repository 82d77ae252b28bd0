"""Staff decisions on the datasets suggested for a demand topic: confirm or reject a match.

Topics are recomputed from scratch, so a decision is stored under the dataset and the topic's term
signature (`matching.signature`), and every recomputation applies it to the topic whose signature
is the same or overlaps enough (`matching.INHERIT_JACCARD`): a rejected dataset never counts and is
not suggested again; a confirmed one stays a match even when its score falls below the threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.demand import matching, permissions
from civicdata.demand.models import MatchDecision, MatchVerdict, Topic, TopicSnapshot

#: At most this many suggestions are kept per topic (confirmed matches are always kept on top).
MAX_SUGGESTIONS = 5


def load_decisions() -> dict[int, list[MatchDecision]]:
    """Every decision, by dataset id, newest first."""
    found: dict[int, list[MatchDecision]] = defaultdict(list)
    for decision in MatchDecision.objects.select_related("decided_by").order_by("-decided_at", "-pk"):
        found[decision.dataset_id].append(decision)
    return found


def find_decision(signature: str, decisions: Iterable[MatchDecision]) -> MatchDecision | None:
    """The decision on the most similar topic signature, if it overlaps at least `INHERIT_JACCARD`
    (among equals the newest, as `decisions` come newest first)."""
    best, best_overlap = None, 0.0
    for decision in decisions:
        overlap = 1.0 if decision.signature == signature else matching.jaccard(signature, decision.signature)
        if overlap >= matching.INHERIT_JACCARD and overlap > best_overlap:
            best, best_overlap = decision, overlap
    return best


def decision_fields(decision: MatchDecision | None) -> dict[str, Any]:
    """What a topic's dataset entry says about the decision (empty values when undecided)."""
    if decision is None:
        return {"decision": "", "decided_by": "", "decided_at": None, "note": ""}
    return {
        "decision": decision.verdict,
        "decided_by": str(decision.decided_by) if decision.decided_by_id else "",
        "decided_at": decision.decided_at.isoformat(),
        "note": decision.note,
    }


def order_matches(entries: list[dict]) -> list[dict]:
    """Confirmed matches first, then the best scores; confirmed ones are never cut."""
    entries = sorted(entries, key=lambda e: (e.get("decision") != MatchVerdict.CONFIRMED, -e["score"], e["id"]))
    confirmed = sum(1 for e in entries if e.get("decision") == MatchVerdict.CONFIRMED)
    return entries[: max(confirmed, MAX_SUGGESTIONS)]


def confirm_match(*, by: Any, topic: Topic, dataset_id: int, note: str = "") -> MatchDecision:
    """Staff confirm that the dataset answers the topic: it stays a match after every recomputation."""
    return _decide(by=by, topic=topic, dataset_id=dataset_id, verdict=MatchVerdict.CONFIRMED, note=note)


def reject_match(*, by: Any, topic: Topic, dataset_id: int, note: str = "") -> MatchDecision:
    """Staff reject a suggested dataset: it no longer counts for the topic and is not suggested again."""
    return _decide(by=by, topic=topic, dataset_id=dataset_id, verdict=MatchVerdict.REJECTED, note=note)


def _decide(*, by: Any, topic: Topic, dataset_id: int, verdict: str, note: str) -> MatchDecision:
    from civicdata.catalog.models import Dataset

    dataset = Dataset.objects.select_related("publisher").filter(pk=dataset_id).first()
    if dataset is None:
        raise InvalidInput(_("This dataset does not exist."), code="unknown_dataset")
    permissions.ensure_can_decide_match(by, dataset)
    note = (note or "").strip()
    if len(note) > 500:
        raise InvalidInput(_("Keep the note under 500 characters."), code="note_too_long")
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        latest = TopicSnapshot.objects.order_by("-computed_at", "-pk").values_list("pk", flat=True).first()
        if topic.snapshot_id != latest:
            raise Conflict(
                _("The topics were recomputed since this page was loaded. Reload the page and decide again."),
                code="stale_topic",
            )
        entries = [e for e in topic.matching_datasets if e["id"] == dataset.pk]
        entries += [e for e in topic.rejected_datasets if e["id"] == dataset.pk]
        if not entries:
            raise InvalidInput(_("This dataset is not suggested for this topic."), code="not_suggested")
        signature = matching.signature(topic.top_terms)
        existing = MatchDecision.objects.filter(dataset=dataset, signature=signature).first()
        before = snapshot(existing) if existing else None
        decision, _created = MatchDecision.objects.update_or_create(
            dataset=dataset,
            signature=signature,
            defaults={
                "verdict": verdict,
                "decided_by": by,
                "decided_at": timezone.now(),
                "note": note,
                "topic_label": topic.label[:200],
            },
        )
        entry = {**entries[0], **decision_fields(decision)}
        matched = [e for e in topic.matching_datasets if e["id"] != dataset.pk]
        rejected = [e for e in topic.rejected_datasets if e["id"] != dataset.pk]
        if verdict == MatchVerdict.CONFIRMED:
            matched.append(entry)
        else:
            rejected.append(entry)
        topic.matching_datasets = order_matches(matched)
        topic.rejected_datasets = rejected
        topic.is_unmet = not topic.matching_datasets
        topic.save(update_fields=["matching_datasets", "rejected_datasets", "is_unmet"])
        record_write(
            actor=by,
            action=f"demand.{'confirm' if verdict == MatchVerdict.CONFIRMED else 'reject'}_match",
            target=decision,
            before=before,
            after=snapshot(decision),
        )
    return decision
