"""Data challenge pages: the list, one challenge (timeline, entries, vote, results, winner and its
implementation), staff creating and editing one and moving it along, a team's entry, the judges' page
(scores and conflicts), the list and each challenge's results as CSV."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from civicdata.core.errors import ActionRefused, Conflict, InvalidInput, add_to_form

from .. import permissions, services
from ..challenge_results import compute_results
from ..forms import ChallengeForm, ConflictForm, EntryForm, ImplementationForm, keys_of, rubric_text
from ..models import PHASE_ORDER, Challenge, ChallengeEntry, ChallengePhase, ChallengeVote, JudgeConflict, JudgeScore
from ..services.challenges import ChallengeFields, find_judges, framing_project, next_phase
from ._feeds import csv_response

SCORE_CHOICES = range(11)


def _challenge(slug: str) -> Challenge:
    return get_object_or_404(
        Challenge.objects.select_related("organization", "use_case__project", "problem__project", "winner"), slug=slug
    )


@require_safe
def challenge_list(request: HttpRequest) -> HttpResponse:
    challenges = list(Challenge.objects.select_related("organization").order_by("-created_at", "-id")[:200])
    current = [c for c in challenges if c.phase != ChallengePhase.IMPLEMENTATION]
    finished = [c for c in challenges if c.phase == ChallengePhase.IMPLEMENTATION]
    return render(
        request,
        "community/challenge_list.html",
        {"current": current, "finished": finished, "can_run": permissions.can_run_challenges(request.user)},
    )


def _timeline(challenge: Challenge) -> list[dict[str, Any]]:
    here = PHASE_ORDER.index(challenge.phase)
    steps = []
    for index, (value, label) in enumerate(ChallengePhase.choices):
        if value == ChallengePhase.VOTING and not challenge.public_vote:
            continue
        steps.append({"label": label, "state": "done" if index < here else "current" if index == here else "todo"})
    return steps


def _detail_context(request: HttpRequest, challenge: Challenge, **extra: Any) -> dict[str, Any]:
    user = request.user
    names_shown = permissions.can_see_team_names(user, challenge)
    entries = list(challenge.entries.all()) if permissions.can_see_entries(user, challenge) else []
    results = compute_results(challenge) if challenge.reached(ChallengePhase.RESULTS) else []
    my_vote = (
        ChallengeVote.objects.filter(challenge=challenge, voter=user).values_list("entry_id", flat=True).first()
        if user.is_authenticated
        else None
    )
    my_entry = (
        ChallengeEntry.objects.filter(challenge=challenge, submitter=user).first() if user.is_authenticated else None
    )
    context = {
        "challenge": challenge,
        "project": framing_project(challenge),
        "datasets": list(challenge.datasets.all()),
        "criteria": list(challenge.criteria.all()),
        "timeline": _timeline(challenge),
        "entries": entries,
        "entry_count": challenge.entries.count(),
        "names_shown": names_shown,
        "results": results,
        "show_judge_scores": permissions.can_see_judge_scores(user, challenge),
        "can_run": permissions.can_run_challenges(user),
        "is_judge": permissions.judge_of(user, challenge) is not None,
        "voting": challenge.phase == ChallengePhase.VOTING and challenge.public_vote,
        "my_vote": my_vote,
        "my_entry": my_entry,
        "next_phase": next_phase(challenge),
        "next_phase_label": dict(ChallengePhase.choices).get(next_phase(challenge) or "", ""),
        "implementation_form": ImplementationForm(
            initial={"status": challenge.implementation_status, "note": challenge.implementation_note}
        ),
    }
    context.update(extra)
    return context


@require_safe
def challenge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "community/challenge_detail.html", _detail_context(request, _challenge(slug)))


def _form_fields(form: ChallengeForm) -> ChallengeFields:
    data = form.cleaned_data
    return ChallengeFields(
        organization=data["organization"],
        title=data["title"],
        summary=data["summary"],
        use_case=data.get("use_case"),
        problem=data.get("problem"),
        datasets=data["datasets"],
        criteria=data["criteria"],
        judges=find_judges(data["judges"]),
        blind_judging=data["blind_judging"],
        public_vote=data["public_vote"],
        publish_judge_scores=data["publish_judge_scores"],
        opens_on=data.get("opens_on"),
        closes_on=data.get("closes_on"),
        results_on=data.get("results_on"),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def challenge_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Staff announce a challenge (no slug) or change one."""
    permissions.ensure_can_run_challenges(request.user)
    challenge = _challenge(slug) if slug else None
    if request.method != "POST":
        if challenge is not None:
            initial = {
                "title": challenge.title,
                "summary": challenge.summary,
                "organization": challenge.organization_id,
                "use_case": challenge.use_case_id,
                "problem": challenge.problem_id,
                "datasets": keys_of(challenge.datasets.all()),
                "criteria": rubric_text(challenge),
                "judges": "\n".join(j.user.email for j in challenge.judges.select_related("user")),
                "blind_judging": challenge.blind_judging,
                "public_vote": challenge.public_vote,
                "publish_judge_scores": challenge.publish_judge_scores,
                "opens_on": challenge.opens_on,
                "closes_on": challenge.closes_on,
                "results_on": challenge.results_on,
            }
        else:
            initial = {
                "public_vote": True,
                "criteria": _("Usefulness to residents | 3\nUse of the data | 2\nFeasibility | 1"),
            }
        form = ChallengeForm(initial=initial)
        return render(request, "community/challenge_form.html", {"form": form, "challenge": challenge})
    form = ChallengeForm(request.POST)
    if form.is_valid():
        try:
            fields = _form_fields(form)
            if challenge is None:
                challenge = services.create_challenge(fields, by=request.user)
                messages.success(request, _("The challenge is announced."))
            else:
                challenge = services.update_challenge(challenge, fields, by=request.user)
                messages.success(request, _("The challenge is saved."))
        except InvalidInput as exc:
            add_to_form(form, exc)
        else:
            return redirect(challenge)
    return render(request, "community/challenge_form.html", {"form": form, "challenge": challenge}, status=400)


@require_POST
def challenge_phase(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _challenge(slug)
    permissions.ensure_can_run_challenges(request.user)
    try:
        challenge = services.advance_phase(challenge, by=request.user, to=request.POST.get("to", ""))
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The challenge is now at “%(phase)s”.") % {"phase": challenge.get_phase_display()})
    return redirect(challenge)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entry_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """A team's entry: one per account; sending it again while entries are open replaces it."""
    challenge = _challenge(slug)
    permissions.ensure_can_enter(request.user, challenge)
    mine = ChallengeEntry.objects.filter(challenge=challenge, submitter=request.user).first()
    if request.method != "POST":
        initial = (
            {
                "team_name": mine.team_name,
                "title": mine.title,
                "description": mine.description,
                "links": mine.links,
                "licence": mine.licence,
            }
            if mine
            else {}
        )
        return render(
            request, "community/challenge_entry_form.html", {"form": EntryForm(initial=initial), "challenge": challenge}
        )
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            services.submit_entry(challenge, by=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your entry is in. You can change it until entries close."))
            return redirect(challenge)
    return render(request, "community/challenge_entry_form.html", {"form": form, "challenge": challenge}, status=400)


@login_required
@require_safe
def judging(request: HttpRequest, slug: str) -> HttpResponse:
    """A judge's page: every entry they have no conflict with, their scores, and conflict declarations."""
    challenge = _challenge(slug)
    judge = permissions.ensure_can_judge(request.user, challenge)
    conflicted = set(JudgeConflict.objects.filter(judge=judge).values_list("entry_id", flat=True))
    criteria = list(challenge.criteria.all())
    given: dict[int, dict[int, int]] = {}
    for entry_id, criterion_id, value in JudgeScore.objects.filter(judge=judge).values_list(
        "entry_id", "criterion_id", "value"
    ):
        given.setdefault(entry_id, {})[criterion_id] = value
    rows = []
    for number, entry in enumerate(challenge.entries.all(), start=1):
        if entry.pk in conflicted:
            continue
        rows.append(
            {
                "entry": entry,
                "number": number,
                "scores": [(c, given.get(entry.pk, {}).get(c.pk)) for c in criteria],
                "scored": entry.pk in given,
            }
        )
    return render(
        request,
        "community/challenge_judging.html",
        {
            "challenge": challenge,
            "rows": rows,
            "conflicts": len(conflicted),
            "names_shown": permissions.can_see_team_names(request.user, challenge),
            "open": challenge.phase == ChallengePhase.JUDGING,
            "score_choices": SCORE_CHOICES,
            "conflict_form": ConflictForm(auto_id=False),
        },
    )


def _entry(challenge: Challenge, pk: int) -> ChallengeEntry:
    return get_object_or_404(ChallengeEntry, challenge=challenge, pk=pk)


@require_POST
def entry_score(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    challenge = _challenge(slug)
    permissions.ensure_can_judge(request.user, challenge)
    entry = _entry(challenge, pk)
    scores: dict[int, int] = {}
    for criterion in challenge.criteria.all():
        raw = request.POST.get(f"criterion-{criterion.pk}", "")
        if raw.isdigit():
            scores[criterion.pk] = int(raw)
    try:
        services.score_entry(entry, by=request.user, scores=scores)
    except (ActionRefused, InvalidInput) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your scores are saved."))
    return redirect("community:challenge_judging", slug=challenge.slug)


@require_POST
def entry_conflict(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    challenge = _challenge(slug)
    entry = _entry(challenge, pk)
    form = ConflictForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    permissions.ensure_can_judge(request.user, challenge)
    try:
        services.declare_conflict(entry, by=request.user, reason=reason)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Conflict noted: you will not see or score that entry."))
    return redirect("community:challenge_judging", slug=challenge.slug)


@login_required
@require_POST
def challenge_vote(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _challenge(slug)
    entry_id = request.POST.get("entry", "")
    if not entry_id.isdigit():
        messages.error(request, _("Choose the entry you vote for."))
        return redirect(challenge)
    entry = _entry(challenge, int(entry_id))
    try:
        services.cast_vote(challenge, entry, by=request.user)
    except (ActionRefused, Conflict, InvalidInput) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: your vote is counted."))
    return redirect(challenge)


@require_POST
def challenge_winner(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff: choose the winner, record the implementation's progress, or make it a project intervention."""
    challenge = _challenge(slug)
    permissions.ensure_can_run_challenges(request.user)
    action = request.POST.get("action", "")
    try:
        if action == "winner":
            entry_id = request.POST.get("entry", "")
            if not entry_id.isdigit():
                raise InvalidInput(_("Choose the winning entry."), code="no_entry")
            services.choose_winner(challenge, _entry(challenge, int(entry_id)), by=request.user)
            messages.success(request, _("The winner is chosen."))
        elif action == "intervention":
            services.make_intervention(challenge, by=request.user)
            messages.success(request, _("The winning entry is now an intervention of the project."))
        elif action == "implementation":
            form = ImplementationForm(request.POST)
            if not form.is_valid():
                raise InvalidInput(_("Choose where the implementation is."), code="bad_status")
            services.record_implementation(challenge, by=request.user, **form.cleaned_data)
            messages.success(request, _("The implementation news is saved."))
        else:
            raise Http404
    except (ActionRefused, InvalidInput) as exc:
        messages.error(request, exc.message)
    return redirect(challenge)


CHALLENGE_CSV_HEADER = [
    "slug",
    "title",
    "summary",
    "organization",
    "phase",
    "project",
    "use_case",
    "problem",
    "datasets",
    "criteria",
    "blind_judging",
    "public_vote",
    "opens_on",
    "closes_on",
    "results_on",
    "entries",
    "votes",
    "winning_entry",
    "implementation_status",
    "intervention",
    "url",
]


def _iso(day: Any) -> str:
    return day.isoformat() if day else ""


@require_safe
def challenge_csv(request: HttpRequest) -> HttpResponse:
    """Every challenge with its framing, datasets, rubric, timeline and outcome. Nobody taking part is
    named: no team, entrant, judge or voter (teams are named only in each challenge's results)."""
    challenges = (
        Challenge.objects.select_related(
            "organization", "use_case__project", "problem__project", "winner", "intervention__project"
        )
        .prefetch_related("datasets", "criteria")
        .annotate(entry_count=Count("entries", distinct=True), vote_count=Count("votes", distinct=True))
        .order_by("pk")
    )
    site = request.build_absolute_uri("/").rstrip("/")
    rows = (
        (
            c.slug,
            c.title,
            c.summary,
            c.organization.slug,
            c.phase,
            project.slug if (project := framing_project(c)) else "",
            c.use_case.title if c.use_case_id else "",
            c.problem.title if c.problem_id else "",
            " ".join(d.name for d in c.datasets.all()),
            "; ".join(f"{k.name} | {k.weight}" for k in c.criteria.all()),
            c.blind_judging,
            c.public_vote,
            _iso(c.opens_on),
            _iso(c.closes_on),
            _iso(c.results_on),
            c.entry_count,
            c.vote_count,
            c.winner.title if c.winner_id and c.reached(ChallengePhase.RESULTS) else "",
            c.implementation_status,
            site + c.intervention.project.get_absolute_url() if c.intervention_id else "",
            site + c.get_absolute_url(),
        )
        for c in challenges.iterator(chunk_size=500)
    )
    return csv_response("challenges.csv", CHALLENGE_CSV_HEADER, rows)


@require_safe
def results_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The results with their breakdown (no judge is named; each judge's totals only if published)."""
    challenge = _challenge(slug)
    if not challenge.reached(ChallengePhase.RESULTS):
        raise Http404(_("The results are not out yet."))
    results = compute_results(challenge)
    criteria = list(challenge.criteria.all())
    header = ["rank", "entry", "team", "weighted_total", "normalised_score", "judges", "votes"]
    header += [f"criterion: {c.name} (weight {c.weight})" for c in criteria]
    rows = (
        [r.rank, r.entry.title, r.entry.team_name, r.weighted_total, r.normalised, r.judges, r.votes]
        + [value for _criterion, value in r.criteria]
        for r in results
    )
    return csv_response(f"{challenge.slug}-results.csv", header, rows)
