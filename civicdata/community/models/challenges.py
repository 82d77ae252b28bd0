"""Data challenges: a problem framed by a Tactical Data Engagement use case or a problem-inventory entry,
with linked datasets and a timeline; teams submit entries, named judges score them on a weighted rubric
(declaring conflicts, optionally blind), residents vote once each, and the winner's implementation is
tracked, possibly as a project intervention. Scores are computed in `civicdata.community.challenge_results`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChallengePhase(models.TextChoices):
    """The timeline, in order; staff move a challenge forward one phase at a time (the vote is skipped
    when the challenge has none)."""

    ANNOUNCED = "announced", _("Announced")
    OPEN = "open", _("Open for entries")
    JUDGING = "judging", _("Judging")
    VOTING = "voting", _("Public vote")
    RESULTS = "results", pgettext_lazy("challenge phase", "Results")
    IMPLEMENTATION = "implementation", _("Implementation")


PHASE_ORDER: list[str] = list(ChallengePhase.values)


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("implementation", "Done")


class EntryLicence(models.TextChoices):
    CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0")
    CC0 = "CC0-1.0", _("Creative Commons Zero (public domain)")
    MIT = "MIT", _("MIT licence")
    APACHE = "Apache-2.0", _("Apache licence 2.0")
    GPL = "GPL-3.0", _("GNU General Public Licence 3.0")
    OTHER = "other", _("Another licence (say which in the description)")


class Challenge(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=90, unique=True)
    summary = models.TextField(_("the challenge"))
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="community_challenges"
    )
    use_case = models.ForeignKey(
        "projects.UseCase", null=True, blank=True, on_delete=models.SET_NULL, related_name="community_challenges"
    )
    problem = models.ForeignKey(
        "projects.Problem", null=True, blank=True, on_delete=models.SET_NULL, related_name="community_challenges"
    )
    datasets = models.ManyToManyField("catalog.Dataset", blank=True, related_name="community_challenges")
    phase = models.CharField(
        _("phase"), max_length=20, choices=ChallengePhase.choices, default=ChallengePhase.ANNOUNCED, db_index=True
    )
    blind_judging = models.BooleanField(_("blind judging"), default=False)
    public_vote = models.BooleanField(_("public vote"), default=True)
    publish_judge_scores = models.BooleanField(_("publish each judge's scores"), default=False)
    opens_on = models.DateField(_("entries open on"), null=True, blank=True)
    closes_on = models.DateField(_("entries close on"), null=True, blank=True)
    results_on = models.DateField(_("results on"), null=True, blank=True)
    winner = models.ForeignKey("ChallengeEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    intervention = models.ForeignKey(
        "projects.Intervention", null=True, blank=True, on_delete=models.SET_NULL, related_name="community_challenges"
    )
    implementation_status = models.CharField(
        _("implementation"),
        max_length=20,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_STARTED,
    )
    implementation_note = models.TextField(_("implementation news"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data challenge")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(use_case__isnull=False) | models.Q(problem__isnull=False),
                name="challenge_is_framed",
                violation_error_message=_("A challenge is framed by a project use case or a problem."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:challenge", kwargs={"slug": self.slug})

    def reached(self, phase: str) -> bool:
        """Whether the challenge is at `phase` or later."""
        return PHASE_ORDER.index(self.phase) >= PHASE_ORDER.index(phase)


class Criterion(models.Model):
    """One line of the rubric; an entry's total is the weighted mean of its criteria (scored 0–10)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=120)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(weight__gte=1), name="criterion_weight_positive")]

    def __str__(self) -> str:
        return self.name


class ChallengeEntry(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="entries")
    team_name = models.CharField(_("team name"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    links = models.TextField(_("links"), blank=True, default="")
    licence = models.CharField(_("licence"), max_length=20, choices=EntryLicence.choices)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="community_challenge_entries"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("challenge entry")
        verbose_name_plural = _("challenge entries")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "submitter"], name="challenge_entry_one_per_account")
        ]

    def __str__(self) -> str:
        return self.title

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class ChallengeJudge(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["challenge", "user"], name="challenge_judge_once")]

    def __str__(self) -> str:
        return f"judge {self.pk} of {self.challenge_id}"


class JudgeConflict(models.Model):
    """A judge's declared conflict of interest: they never see or score that entry."""

    judge = models.ForeignKey(ChallengeJudge, on_delete=models.CASCADE, related_name="conflicts")
    entry = models.ForeignKey(ChallengeEntry, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["judge", "entry"], name="judge_conflict_once")]

    def __str__(self) -> str:
        return f"conflict {self.judge_id}/{self.entry_id}"


class JudgeScore(models.Model):
    judge = models.ForeignKey(ChallengeJudge, on_delete=models.CASCADE, related_name="scores")
    entry = models.ForeignKey(ChallengeEntry, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["judge", "entry", "criterion"], name="judge_score_once"),
            models.CheckConstraint(condition=models.Q(value__lte=10), name="judge_score_at_most_10"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.criterion_id}: {self.value}"


class ChallengeVote(models.Model):
    """One public vote per account per challenge (a database constraint, so double votes are impossible
    even when two arrive at once)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="votes")
    entry = models.ForeignKey(ChallengeEntry, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["challenge", "voter"], name="challenge_vote_once")]

    def __str__(self) -> str:
        return f"vote for {self.entry_id}"
