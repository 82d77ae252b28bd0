"""Data challenges: creating and editing one (staff), moving it along its timeline, entries, conflicts,
rubric scores, the public vote, the winner and its implementation (possibly a project intervention).
Every refusal names what to do instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import ActionRefused, Conflict, InvalidInput

from .. import permissions
from ..models import (
    PHASE_ORDER,
    Challenge,
    ChallengeEntry,
    ChallengeJudge,
    ChallengePhase,
    ChallengeVote,
    Criterion,
    EntryLicence,
    ImplementationStatus,
    JudgeConflict,
    JudgeScore,
)
from ._moderation import field_error, unique_slug

MAX_CRITERIA = 12
MAX_LINKS = 10


def _check_challenge(*, title: str, summary: str, use_case: Any, problem: Any, criteria: Sequence) -> None:
    problems = []
    if not title.strip():
        problems.append(field_error("title", _("Give the challenge a title.")))
    if not summary.strip():
        problems.append(field_error("summary", _("Say what problem the challenge asks people to solve.")))
    if use_case is None and problem is None:
        problems.append(
            field_error("use_case", _("Choose the project use case or the problem this challenge is about."))
        )
    if not criteria:
        problems.append(field_error("criteria", _("Give the judges at least one criterion.")))
    if len(criteria) > MAX_CRITERIA:
        problems.append(field_error("criteria", _("Use at most %(count)s criteria.") % {"count": MAX_CRITERIA}))
    for name, weight in criteria:
        if not str(name).strip() or not isinstance(weight, int) or not 1 <= weight <= 100:
            problems.append(field_error("criteria", _("Each criterion needs a name and a weight from 1 to 100.")))
            break
    if problems:
        raise InvalidInput(problems[0]["message"], code="invalid_challenge", details=problems)


def _set_rubric(challenge: Challenge, criteria: Sequence[tuple[str, int]]) -> None:
    """Replace the rubric (only before judging starts, so no score loses its criterion)."""
    existing = {c.name: c for c in challenge.criteria.all()}
    keep = []
    for position, (name, weight) in enumerate(criteria):
        name = str(name).strip()[:120]
        criterion = existing.get(name)
        if criterion is None:
            criterion = Criterion.objects.create(challenge=challenge, name=name, weight=weight, position=position)
        else:
            Criterion.objects.filter(pk=criterion.pk).update(weight=weight, position=position)
        keep.append(criterion.pk)
    challenge.criteria.exclude(pk__in=keep).delete()


def _set_judges(challenge: Challenge, judges: Iterable[Any]) -> None:
    wanted = {user.pk for user in judges}
    ChallengeJudge.objects.filter(challenge=challenge).exclude(user_id__in=wanted).delete()
    have = set(ChallengeJudge.objects.filter(challenge=challenge).values_list("user_id", flat=True))
    ChallengeJudge.objects.bulk_create(
        [ChallengeJudge(challenge=challenge, user_id=pk) for pk in sorted(wanted - have)]
    )


def find_judges(emails: Iterable[str]) -> list[Any]:
    """Accounts for the judges' e-mail addresses; InvalidInput (field `judges`) naming any unknown one."""
    emails = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    users = list(get_user_model().objects.filter(email__in=emails, is_active=True))
    missing = sorted(set(emails) - {u.email.lower() for u in users})
    if missing:
        message = _("No account has the e-mail address %(emails)s.") % {"emails": ", ".join(missing[:5])}
        raise InvalidInput(message, code="unknown_judges", details=[field_error("judges", message)])
    return users


@dataclass(frozen=True, kw_only=True)
class ChallengeFields:
    """What staff set on a challenge, the same whether it is being announced or changed. Lists are
    kept as tuples, so the value cannot change after the check."""

    organization: Any
    title: str
    summary: str
    use_case: Any = None
    problem: Any = None
    datasets: tuple[Any, ...] = ()
    criteria: tuple[tuple[str, int], ...] = ()
    judges: tuple[Any, ...] = ()
    blind_judging: bool = False
    public_vote: bool = True
    publish_judge_scores: bool = False
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    results_on: dt.date | None = None

    def __post_init__(self) -> None:
        for name in ("datasets", "criteria", "judges"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


def _check_fields(fields: ChallengeFields) -> None:
    _check_challenge(
        title=fields.title,
        summary=fields.summary,
        use_case=fields.use_case,
        problem=fields.problem,
        criteria=fields.criteria,
    )


@transaction.atomic
def create_challenge(fields: ChallengeFields, *, by: Any) -> Challenge:
    """Announce a challenge, framed by a project use case or a problem-inventory entry."""
    permissions.ensure_can_run_challenges(by)
    _check_fields(fields)
    challenge = Challenge.objects.create(
        title=fields.title.strip()[:200],
        slug=unique_slug(Challenge, fields.title),
        summary=fields.summary,
        organization=fields.organization,
        use_case=fields.use_case,
        problem=fields.problem,
        blind_judging=fields.blind_judging,
        public_vote=fields.public_vote,
        publish_judge_scores=fields.publish_judge_scores,
        opens_on=fields.opens_on,
        closes_on=fields.closes_on,
        results_on=fields.results_on,
        created_by=by,
    )
    challenge.datasets.set(list(fields.datasets))
    _set_rubric(challenge, fields.criteria)
    _set_judges(challenge, fields.judges)
    record_write(actor=by, action="community.challenge.create", target=challenge, after=snapshot(challenge))
    return challenge


@transaction.atomic
def update_challenge(challenge: Challenge, fields: ChallengeFields, *, by: Any) -> Challenge:
    """Change a challenge. The rubric and the blind setting are fixed once judging starts."""
    permissions.ensure_can_run_challenges(by)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    _check_fields(fields)
    before = snapshot(challenge)
    judging_started = challenge.reached(ChallengePhase.JUDGING)
    current = [(c.name, c.weight) for c in challenge.criteria.all()]
    if judging_started and (
        current != [(str(n).strip(), w) for n, w in fields.criteria] or fields.blind_judging != challenge.blind_judging
    ):
        message = _("The rubric and blind judging cannot change once judging has started.")
        raise InvalidInput(message, code="rubric_locked", details=[field_error("criteria", message)])
    challenge.title = fields.title.strip()[:200]
    challenge.summary = fields.summary
    challenge.organization = fields.organization
    challenge.use_case = fields.use_case
    challenge.problem = fields.problem
    challenge.blind_judging = fields.blind_judging
    challenge.public_vote = fields.public_vote
    challenge.publish_judge_scores = fields.publish_judge_scores
    challenge.opens_on, challenge.closes_on, challenge.results_on = fields.opens_on, fields.closes_on, fields.results_on
    challenge.updated_at = timezone.now()
    challenge.save()
    challenge.datasets.set(list(fields.datasets))
    if not judging_started:
        _set_rubric(challenge, fields.criteria)
    _set_judges(challenge, fields.judges)
    record_write(
        actor=by, action="community.challenge.update", target=challenge, before=before, after=snapshot(challenge)
    )
    return challenge


def next_phase(challenge: Challenge) -> str | None:
    """The phase after the current one (skipping the vote when there is none), or None at the end."""
    index = PHASE_ORDER.index(challenge.phase) + 1
    if index < len(PHASE_ORDER) and PHASE_ORDER[index] == ChallengePhase.VOTING and not challenge.public_vote:
        index += 1
    return PHASE_ORDER[index] if index < len(PHASE_ORDER) else None


@transaction.atomic
def advance_phase(challenge: Challenge, *, by: Any, to: str) -> Challenge:
    """Move the challenge to its next phase; `to` must be that phase (two staff clicking at once move it
    only once). Judging needs entries; the results need at least one scored entry."""
    permissions.ensure_can_run_challenges(by)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    expected = next_phase(challenge)
    if expected is None or to != expected:
        raise ActionRefused(
            _("The challenge is already at “%(phase)s”; reload the page.") % {"phase": challenge.get_phase_display()},
            code="challenge.phase_moved",
        )
    if to == ChallengePhase.JUDGING and not challenge.entries.exists():
        raise ActionRefused(_("There are no entries to judge yet."), code="challenge.no_entries")
    if to == ChallengePhase.RESULTS and not JudgeScore.objects.filter(entry__challenge=challenge).exists():
        raise ActionRefused(_("No judge has scored an entry yet."), code="challenge.no_scores")
    if to == ChallengePhase.IMPLEMENTATION and challenge.winner_id is None:
        raise ActionRefused(_("Choose the winning entry first."), code="challenge.no_winner")
    before = snapshot(challenge)
    challenge.phase = to
    challenge.updated_at = timezone.now()
    challenge.save(update_fields=["phase", "updated_at"])
    record_write(
        actor=by, action="community.challenge.phase", target=challenge, before=before, after=snapshot(challenge)
    )
    return challenge


def _clean_links(links: str) -> str:
    lines = [line.strip() for line in (links or "").splitlines() if line.strip()]
    if len(lines) > MAX_LINKS:
        raise InvalidInput(
            _("Give at most %(count)s links.") % {"count": MAX_LINKS},
            code="too_many_links",
            details=[field_error("links", _("Give at most %(count)s links.") % {"count": MAX_LINKS})],
        )
    for line in lines:
        try:
            URLValidator(schemes=["http", "https"])(line)
        except ValidationError:
            message = _("“%(link)s” is not a web address starting with https:// or http://.") % {"link": line[:80]}
            raise InvalidInput(message, code="bad_link", details=[field_error("links", message)]) from None
    return "\n".join(lines)


@transaction.atomic
def submit_entry(
    challenge: Challenge, *, by: Any, team_name: str, title: str, description: str, links: str = "", licence: str
) -> ChallengeEntry:
    """A team's entry (one per account per challenge; sending again while entries are open updates it)."""
    permissions.ensure_can_enter(by, challenge)
    problems = []
    if not team_name.strip():
        problems.append(field_error("team_name", _("Give your team's name (or your own).")))
    if not title.strip():
        problems.append(field_error("title", _("Give your entry a title.")))
    if not description.strip():
        problems.append(field_error("description", _("Describe what you made and how it uses the data.")))
    if licence not in EntryLicence.values:
        problems.append(field_error("licence", _("Choose the licence of your entry.")))
    if problems:
        raise InvalidInput(problems[0]["message"], code="invalid_entry", details=problems)
    fields = {
        "team_name": team_name.strip()[:120],
        "title": title.strip()[:200],
        "description": description,
        "links": _clean_links(links),
        "licence": licence,
        "updated_at": timezone.now(),
    }
    entry, created = ChallengeEntry.objects.select_for_update().get_or_create(
        challenge=challenge, submitter=by, defaults=fields
    )
    if not created:
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.save()
    record_write(
        actor=by,
        action="community.challenge.entry." + ("create" if created else "update"),
        target=entry,
        after={"challenge": challenge.pk, "title": entry.title},
    )
    return entry


@transaction.atomic
def declare_conflict(entry: ChallengeEntry, *, by: Any, reason: str = "") -> JudgeConflict:
    """A judge steps away from an entry: it disappears from their judging page and any scores they gave
    it are removed. Conflicts can be declared until the results."""
    entry = ChallengeEntry.objects.select_related("challenge").get(pk=entry.pk)
    judge = permissions.ensure_can_judge(by, entry.challenge)
    if entry.challenge.reached(ChallengePhase.RESULTS):
        raise ActionRefused(_("The results are out; conflicts can no longer be declared."), code="challenge.closed")
    conflict, _created = JudgeConflict.objects.get_or_create(
        judge=judge, entry=entry, defaults={"reason": reason.strip()[:300]}
    )
    JudgeScore.objects.filter(judge=judge, entry=entry).delete()
    record_write(actor=by, action="community.challenge.conflict", target=entry, after={"judge": judge.pk})
    return conflict


@transaction.atomic
def score_entry(entry: ChallengeEntry, *, by: Any, scores: dict[int, int]) -> list[JudgeScore]:
    """A judge's marks (0–10) for every criterion of the rubric; they can change them until judging ends."""
    entry = ChallengeEntry.objects.select_related("challenge").get(pk=entry.pk)  # the phase as it is now
    judge = permissions.ensure_can_score(by, entry)
    criteria = list(entry.challenge.criteria.all())
    missing = [c.name for c in criteria if c.pk not in scores]
    bad = [
        c.name for c in criteria if c.pk in scores and not (isinstance(scores[c.pk], int) and 0 <= scores[c.pk] <= 10)
    ]
    if missing or bad or set(scores) - {c.pk for c in criteria}:
        message = _("Give every criterion a score from 0 to 10.")
        raise InvalidInput(message, code="invalid_scores", details=[field_error("scores", message)])
    now = timezone.now()
    saved = []
    for criterion in criteria:
        score, _created = JudgeScore.objects.update_or_create(
            judge=judge, entry=entry, criterion=criterion, defaults={"value": scores[criterion.pk], "updated_at": now}
        )
        saved.append(score)
    record_write(actor=by, action="community.challenge.score", target=entry, after={"judge": judge.pk})
    return saved


def cast_vote(challenge: Challenge, entry: ChallengeEntry, *, by: Any) -> ChallengeVote:
    """One vote per account per challenge; a second one (even at the same instant) is refused."""
    challenge = Challenge.objects.get(pk=challenge.pk)
    permissions.ensure_can_vote(by, challenge)
    if entry.challenge_id != challenge.pk:
        raise InvalidInput(_("This entry is not part of the challenge."), code="wrong_entry")
    if entry.submitter_id == by.pk:
        raise ActionRefused(_("You cannot vote for your own entry."), code="challenge.own_entry")
    try:
        with transaction.atomic():
            vote = ChallengeVote.objects.create(challenge=challenge, entry=entry, voter=by)
    except IntegrityError:
        raise Conflict(_("You have already voted in this challenge."), code="challenge.voted") from None
    return vote


@transaction.atomic
def choose_winner(challenge: Challenge, entry: ChallengeEntry, *, by: Any) -> Challenge:
    permissions.ensure_can_run_challenges(by)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not challenge.reached(ChallengePhase.RESULTS):
        raise ActionRefused(_("The winner is chosen once the results are out."), code="challenge.too_early")
    if entry.challenge_id != challenge.pk:
        raise InvalidInput(_("This entry is not part of the challenge."), code="wrong_entry")
    before = snapshot(challenge)
    challenge.winner = entry
    challenge.updated_at = timezone.now()
    challenge.save(update_fields=["winner", "updated_at"])
    record_write(
        actor=by, action="community.challenge.winner", target=challenge, before=before, after=snapshot(challenge)
    )
    return challenge


@transaction.atomic
def record_implementation(challenge: Challenge, *, by: Any, status: str, note: str = "") -> Challenge:
    """Track the winning entry's implementation until it is done."""
    permissions.ensure_can_run_challenges(by)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.winner_id is None:
        raise ActionRefused(_("Choose the winning entry first."), code="challenge.no_winner")
    if status not in ImplementationStatus.values:
        raise InvalidInput(_("Choose where the implementation is."), code="bad_status")
    before = snapshot(challenge)
    challenge.implementation_status = status
    challenge.implementation_note = note.strip()
    challenge.updated_at = timezone.now()
    challenge.save(update_fields=["implementation_status", "implementation_note", "updated_at"])
    record_write(
        actor=by,
        action="community.challenge.implementation",
        target=challenge,
        before=before,
        after=snapshot(challenge),
    )
    return challenge


def framing_project(challenge: Challenge) -> Any:
    """The engagement project the challenge belongs to (through its use case or its problem), or None."""
    if challenge.use_case_id:
        return challenge.use_case.project
    if challenge.problem_id:
        return challenge.problem.project
    return None


@transaction.atomic
def make_intervention(challenge: Challenge, *, by: Any) -> Challenge:
    """Record the winning entry as a "Host a data challenge" intervention of the framing project (the
    projects app checks that its editor asks and that the project is at its Implement step)."""
    from civicdata.projects.models import TacticChoice
    from civicdata.projects.services.implement import add_intervention

    permissions.ensure_can_run_challenges(by)
    challenge = Challenge.objects.select_for_update(of=("self",)).select_related("winner").get(pk=challenge.pk)
    if challenge.winner_id is None:
        raise ActionRefused(_("Choose the winning entry first."), code="challenge.no_winner")
    if challenge.intervention_id:
        raise ActionRefused(
            _("The winning entry is already a project intervention."), code="challenge.has_intervention"
        )
    project = framing_project(challenge)
    if project is None:
        raise ActionRefused(_("The challenge's project no longer exists."), code="challenge.no_project")
    winner = challenge.winner
    intervention = add_intervention(
        project,
        tactic=TacticChoice.DATA_CHALLENGE,
        title=winner.title[:200],
        description=_("Winning entry of the data challenge “%(challenge)s”, by %(team)s.")
        % {"challenge": challenge.title, "team": winner.team_name},
        data_url=challenge.get_absolute_url(),
        datasets=list(challenge.datasets.all()),
        by=by,
    )
    challenge.intervention = intervention
    if challenge.implementation_status == ImplementationStatus.NOT_STARTED:
        challenge.implementation_status = ImplementationStatus.IN_PROGRESS
    challenge.save(update_fields=["intervention", "implementation_status"])
    record_write(
        actor=by, action="community.challenge.intervention", target=challenge, after={"intervention": intervention.pk}
    )
    return challenge
