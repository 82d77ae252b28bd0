"""/api/challenges/: data challenges with their timeline, rubric, entries (once public) and results with
the score breakdown; submitting an entry and voting (signed in), as on the pages. Judges are never
named; each judge's totals appear only when the challenge publishes them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from civicdata.accounts.auth import signed_in

from .. import permissions, services
from ..challenge_results import compute_results
from ..models import Challenge, ChallengeEntry, ChallengePhase, EntryLicence
from ..services.challenges import framing_project

router = Router()


class CriterionOut(Schema):
    name: str
    weight: int


class EntryOut(Schema):
    id: int
    title: str
    team: str | None
    description: str
    links: list[str]
    licence: str


class ChallengeOut(Schema):
    slug: str
    title: str
    summary: str
    organization: str
    phase: str
    project: str | None
    use_case: str | None
    problem: str | None
    datasets: list[str]
    criteria: list[CriterionOut]
    blind_judging: bool
    public_vote: bool
    opens_on: dt.date | None
    closes_on: dt.date | None
    results_on: dt.date | None
    entry_count: int
    winner: int | None
    implementation_status: str
    url: str


class ChallengeDetailOut(ChallengeOut):
    entries: list[EntryOut] | None


class ResultOut(Schema):
    rank: int
    entry: int
    title: str
    team: str
    criteria: dict[str, float | None]
    weighted_total: float | None
    normalised_score: float | None
    judges: int
    votes: int
    judge_totals: list[float] | None


class EntryIn(Schema):
    team_name: str
    title: str
    description: str
    links: list[str] = []
    licence: str = EntryLicence.CC_BY


class EntrySubmitted(Schema):
    id: int
    challenge: str


class VoteIn(Schema):
    entry: int


def _challenge_dict(challenge: Challenge) -> dict:
    project = framing_project(challenge)
    return {
        "slug": challenge.slug,
        "title": challenge.title,
        "summary": challenge.summary,
        "organization": challenge.organization.slug,
        "phase": challenge.phase,
        "project": project.slug if project else None,
        "use_case": challenge.use_case.title if challenge.use_case_id else None,
        "problem": challenge.problem.title if challenge.problem_id else None,
        "datasets": [d.name for d in challenge.datasets.all()],
        "criteria": [{"name": c.name, "weight": c.weight} for c in challenge.criteria.all()],
        "blind_judging": challenge.blind_judging,
        "public_vote": challenge.public_vote,
        "opens_on": challenge.opens_on,
        "closes_on": challenge.closes_on,
        "results_on": challenge.results_on,
        "entry_count": challenge.entry_total,  # annotated by _queryset()
        "winner": challenge.winner_id,
        "implementation_status": challenge.implementation_status,
        "url": challenge.get_absolute_url(),
    }


def _queryset():
    return (
        Challenge.objects.select_related("organization", "use_case__project", "problem__project")
        .prefetch_related("datasets", "criteria")
        .annotate(entry_total=Count("entries", distinct=True))
    )


@router.get("/", response=list[ChallengeOut], summary="List data challenges")
def list_challenges(request: HttpRequest, phase: str = "") -> list[dict]:
    """Every challenge, newest first; filter by `phase` (announced, open, judging, voting, results,
    implementation)."""
    challenges = _queryset().order_by("-created_at", "-id")
    if phase:
        challenges = challenges.filter(phase=phase)
    return [_challenge_dict(c) for c in challenges[:200]]


@router.get("/{slug}", response=ChallengeDetailOut, summary="One data challenge")
def get_challenge(request: HttpRequest, slug: str) -> dict:
    """The challenge; `entries` is null until entries are public (from the public vote or the results)."""
    challenge = get_object_or_404(_queryset(), slug=slug)
    data = _challenge_dict(challenge)
    if permissions.can_see_entries(request.user, challenge):
        names = permissions.can_see_team_names(request.user, challenge)
        data["entries"] = [
            {
                "id": e.pk,
                "title": e.title,
                "team": e.team_name if names else None,
                "description": e.description,
                "links": e.link_list(),
                "licence": e.licence,
            }
            for e in ChallengeEntry.objects.filter(challenge=challenge)
        ]
    else:
        data["entries"] = None
    return data


@router.get("/{slug}/results", response=list[ResultOut], summary="A challenge's results")
def get_results(request: HttpRequest, slug: str) -> list[dict]:
    """Ranked entries with the mean score per criterion, the weighted total, the score normalised per
    judge, and votes. 404 until the results are out."""
    challenge = get_object_or_404(Challenge, slug=slug)
    if not challenge.reached(ChallengePhase.RESULTS):
        raise Http404("The results are not out yet.")
    published = permissions.can_see_judge_scores(request.user, challenge)
    return [
        {
            "rank": r.rank,
            "entry": r.entry.pk,
            "title": r.entry.title,
            "team": r.entry.team_name,
            "criteria": {c.name: value for c, value in r.criteria},
            "weighted_total": r.weighted_total,
            "normalised_score": r.normalised,
            "judges": r.judges,
            "votes": r.votes,
            "judge_totals": list(r.by_judge.values()) if published else None,
        }
        for r in compute_results(challenge)
    ]


@router.post("/{slug}/entries", response={201: EntrySubmitted}, auth=signed_in, summary="Submit an entry")
def submit_entry(request: HttpRequest, slug: str, payload: EntryIn) -> Status:
    """Your team's entry while entries are open (one per account; sending again replaces it)."""
    challenge = get_object_or_404(Challenge, slug=slug)
    entry = services.submit_entry(
        challenge,
        by=request.auth,
        team_name=payload.team_name,
        title=payload.title,
        description=payload.description,
        links="\n".join(payload.links),
        licence=payload.licence,
    )
    return Status(201, {"id": entry.pk, "challenge": challenge.slug})


@router.post("/{slug}/votes", response={201: dict}, auth=signed_in, summary="Vote for an entry")
def vote(request: HttpRequest, slug: str, payload: VoteIn) -> Status:
    """One vote per account during the public vote; a second one gets 409."""
    challenge = get_object_or_404(Challenge, slug=slug)
    if not 0 < payload.entry < 2**63:
        raise Http404("No such entry.")
    entry = get_object_or_404(ChallengeEntry, challenge=challenge, pk=payload.entry)
    services.cast_vote(challenge, entry, by=request.auth)
    return Status(201, {"entry": entry.pk})
