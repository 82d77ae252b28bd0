"""Who may do what in the community app; pages and the API ask the same functions.

`can_*` answers yes or no for templates; `ensure_*` raises ActionRefused (or NotSignedIn) with the
reason a person can act on. One vocabulary for the two kinds of moderation:

- `can_moderate_posts` / `ensure_can_moderate_post`: messages in dataset discussions, kept or hidden by the
  site's moderators exactly as data requests are (demand's moderators; never on their own messages);
- `can_moderate_submissions` / `ensure_can_moderate_submissions`: stories and reuses, published, declined
  with a reason or featured by site staff.

Quality reports are answered by the dataset's stewards (the publisher's editors); announcements are posted
by site staff and publishers' editors; data challenges are run by site staff, judged by the judges they
name, entered and voted on by anyone signed in. Daily limits share one rule (`_daily_limit`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.accounts.models import Role
from civicdata.accounts.permissions import can_edit_for, ensure_signed_in, has_role, is_signed_in, is_site_staff
from civicdata.core.errors import ActionRefused
from civicdata.demand import permissions as demand_permissions

from .models import ModerationState

__all__ = ["ensure_signed_in"]  # re-exported: services ask `permissions.ensure_signed_in`


def _daily_limit(user: Any, *, usual: int, new_account: int) -> int:
    """How many of something a person may start per 24 hours; accounts younger than
    `DEMAND_NEW_ACCOUNT_DAYS` get `new_account` (the same rule as data requests)."""
    new_days = int(getattr(settings, "DEMAND_NEW_ACCOUNT_DAYS", 7))
    joined = getattr(user, "date_joined", None) or timezone.now()
    if timezone.now() - joined < dt.timedelta(days=new_days):
        return int(new_account)
    return int(usual)


def _since_yesterday() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=24)


# --- data-quality reports -------------------------------------------------------------------------


def ensure_can_report_problem(user: Any) -> None:
    """Signed in and under the daily limit (the same throttle as data requests; staff are not limited)."""
    from civicdata.community.models import QualityReport

    ensure_signed_in(user)
    if is_site_staff(user):
        return
    limit = _daily_limit(
        user, usual=settings.COMMUNITY_DAILY_REPORTS, new_account=settings.COMMUNITY_NEW_ACCOUNT_DAILY_REPORTS
    )
    recent = QualityReport.objects.filter(reporter=user, created_at__gte=_since_yesterday()).count()
    if recent >= limit:
        raise ActionRefused(
            _("You have sent %(count)s reports in the last 24 hours, the most allowed for now. Try again tomorrow.")
            % {"count": recent},
            code="throttled",
        )


def can_handle_report(user: Any, dataset: Any) -> bool:
    """The dataset's stewards: editors of its publisher (or a parent of it) and site staff."""
    return can_edit_for(user, dataset.publisher)


def ensure_can_handle_report(user: Any, dataset: Any) -> None:
    ensure_signed_in(user)
    if not can_handle_report(user, dataset):
        raise ActionRefused(
            _("Only editors of %(publisher)s can answer reports about this dataset.")
            % {"publisher": dataset.publisher.name},
            code="not_steward",
        )


def can_withdraw_table(user: Any, dataset: Any) -> bool:
    """Taking a table out of the Data API over a privacy concern: the publisher's administrators."""
    return has_role(user, dataset.publisher, Role.ADMIN)


def ensure_can_withdraw_table(user: Any, dataset: Any) -> None:
    ensure_signed_in(user)
    if not can_withdraw_table(user, dataset):
        raise ActionRefused(
            _("Only administrators of %(publisher)s can take its tables out of the Data API.")
            % {"publisher": dataset.publisher.name},
            code="not_admin",
        )


# --- dataset discussions --------------------------------------------------------------------------


def can_moderate_posts(user: Any) -> bool:
    """Keeping or hiding reported discussion messages: the site's moderators (as for data requests)."""
    return demand_permissions.can_moderate(user)


def ensure_can_moderate_post(user: Any, post: Any) -> None:
    """Moderators only, and never on their own posts (demand's rule, shared)."""
    demand_permissions.ensure_can_moderate(user, post)


def can_answer_officially(user: Any, dataset: Any) -> bool:
    """Answering "as the publisher": the publisher's editors and site staff."""
    return can_edit_for(user, dataset.publisher)


def ensure_can_post(user: Any) -> None:
    """Signed in and under the daily number of discussion posts (staff are not limited)."""
    from civicdata.community.models import DiscussionPost

    ensure_signed_in(user)
    if is_site_staff(user):
        return
    recent = DiscussionPost.objects.filter(author=user, created_at__gte=_since_yesterday()).count()
    if recent >= int(settings.COMMUNITY_DAILY_POSTS):
        raise ActionRefused(
            _("You have posted %(count)s messages in the last 24 hours, the most allowed for now. Try again tomorrow.")
            % {"count": recent},
            code="throttled",
        )


def can_change_discussion(user: Any, discussion: Any) -> bool:
    """Resolving or reopening: whoever asked, the publisher's editors and moderators."""
    if not is_signed_in(user):
        return False
    return (
        discussion.author_id == user.pk or can_edit_for(user, discussion.dataset.publisher) or can_moderate_posts(user)
    )


def ensure_can_change_discussion(user: Any, discussion: Any) -> None:
    ensure_signed_in(user)
    if not can_change_discussion(user, discussion):
        raise ActionRefused(
            _("Only the person who asked, the publisher's editors or a moderator can change this."),
            code="not_allowed",
        )


# --- stories and reuses -----------------------------------------------------------------------------

EDITABLE_STATES = (ModerationState.DRAFT, ModerationState.DECLINED)


def can_moderate_submissions(user: Any) -> bool:
    """Site staff publish, decline and feature stories and reuses."""
    return is_site_staff(user)


def ensure_can_moderate_submissions(user: Any) -> None:
    ensure_signed_in(user)
    if not can_moderate_submissions(user):
        raise ActionRefused(_("Only site staff review stories and reuses."), code="community.not_moderator")


def _is_author(user: Any, item: Any) -> bool:
    owner_id = getattr(item, "author_id", None) or getattr(item, "submitter_id", None)
    return is_signed_in(user) and owner_id is not None and owner_id == user.pk


def can_view(user: Any, item: Any) -> bool:
    """A story or reuse: public once published; before that, its author and the moderators."""
    return item.state == ModerationState.PUBLISHED or _is_author(user, item) or can_moderate_submissions(user)


def can_edit(user: Any, item: Any) -> bool:
    """The author edits a draft or a declined item; moderators edit anything."""
    return can_moderate_submissions(user) or (_is_author(user, item) and item.state in EDITABLE_STATES)


def ensure_can_edit(user: Any, item: Any) -> None:
    ensure_signed_in(user)
    if not can_edit(user, item):
        if _is_author(user, item) and item.state == ModerationState.UNDER_REVIEW:
            raise ActionRefused(
                _("This is being reviewed; you can change it once the review is done."), code="in_review"
            )
        raise ActionRefused(_("Only its author can change this."), code="community.not_author")


def daily_limit(user: Any) -> int:
    """Stories plus reuses a person may start per 24 hours (new accounts get fewer, as for requests)."""
    return _daily_limit(
        user,
        usual=getattr(settings, "DEMAND_DAILY_REQUESTS", 10),
        new_account=int(getattr(settings, "DEMAND_NEW_ACCOUNT_DAILY_REQUESTS", 2)) * 2,
    )


def ensure_can_submit(user: Any) -> None:
    """Signed in and under the daily limit of new stories and reuses (staff are not limited)."""
    from .models import Reuse, Story

    ensure_signed_in(user)
    if is_site_staff(user):
        return
    since = _since_yesterday()
    recent = (
        Story.objects.filter(author=user, created_at__gte=since).count()
        + Reuse.objects.filter(submitter=user, created_at__gte=since).count()
    )
    if recent >= daily_limit(user):
        raise ActionRefused(
            _(
                "You have started %(count)s stories and reuses in the last 24 hours, the most allowed for now. "
                "Try again tomorrow."
            )
            % {"count": recent},
            code="throttled",
        )


# --- release announcements ------------------------------------------------------------------------


def can_post_news(user: Any) -> bool:
    """Site staff, and editors of any publisher, write release announcements."""
    from civicdata.catalog.permissions import editable_publishers

    return is_site_staff(user) or (is_signed_in(user) and bool(editable_publishers(user)))


def ensure_can_post_news(user: Any) -> None:
    ensure_signed_in(user)
    if not can_post_news(user):
        raise ActionRefused(_("Only staff and publishers' editors post announcements."), code="community.not_editor")


# --- data challenges -------------------------------------------------------------------------------


def can_run_challenges(user: Any) -> bool:
    """Creating a challenge, moving it along its timeline, choosing the winner: site staff."""
    return is_site_staff(user)


def ensure_can_run_challenges(user: Any) -> None:
    ensure_signed_in(user)
    if not can_run_challenges(user):
        raise ActionRefused(_("Only site staff run data challenges."), code="community.not_challenge_staff")


def judge_of(user: Any, challenge: Any) -> Any:
    """The person's judge record for this challenge, or None."""
    from .models import ChallengeJudge

    if not is_signed_in(user):
        return None
    return ChallengeJudge.objects.filter(challenge=challenge, user=user).first()


def ensure_can_enter(user: Any, challenge: Any) -> None:
    """Anyone signed in while entries are open; judges do not enter the challenge they judge."""
    from .models import ChallengePhase

    ensure_signed_in(user)
    if challenge.phase != ChallengePhase.OPEN:
        raise ActionRefused(_("This challenge is not taking entries now."), code="challenge.closed")
    if judge_of(user, challenge) is not None:
        raise ActionRefused(_("Judges cannot enter the challenge they judge."), code="challenge.judge_enters")


def ensure_can_judge(user: Any, challenge: Any) -> Any:
    """A named judge of the challenge; returns the judge record."""
    ensure_signed_in(user)
    judge = judge_of(user, challenge)
    if judge is None:
        raise ActionRefused(_("Only this challenge's judges can do this."), code="challenge.not_judge")
    return judge


def ensure_can_score(user: Any, entry: Any) -> Any:
    """A judge, during judging, of an entry they have no conflict with; returns the judge record."""
    from .models import ChallengePhase, JudgeConflict

    judge = ensure_can_judge(user, entry.challenge)
    if entry.challenge.phase != ChallengePhase.JUDGING:
        raise ActionRefused(
            _("Scores can only be given or changed while the challenge is being judged."), code="challenge.not_judging"
        )
    if JudgeConflict.objects.filter(judge=judge, entry=entry).exists():
        raise ActionRefused(
            _("You declared a conflict with this entry, so you cannot score it."), code="challenge.conflict"
        )
    return judge


def ensure_can_vote(user: Any, challenge: Any) -> None:
    from .models import ChallengePhase

    ensure_signed_in(user)
    if not challenge.public_vote or challenge.phase != ChallengePhase.VOTING:
        raise ActionRefused(_("The public vote is not open."), code="challenge.vote_closed")


def can_see_team_names(user: Any, challenge: Any) -> bool:
    """With blind judging, team names stay hidden (from judges and the public) until the results; staff
    always see them."""
    from .models import ChallengePhase

    return not challenge.blind_judging or challenge.reached(ChallengePhase.RESULTS) or can_run_challenges(user)


def can_see_entries(user: Any, challenge: Any) -> bool:
    """Entries are public from the vote (or the results) on; staff and judges see them earlier."""
    from .models import ChallengePhase

    return challenge.reached(ChallengePhase.VOTING) or can_run_challenges(user) or judge_of(user, challenge) is not None


def can_see_judge_scores(user: Any, challenge: Any) -> bool:
    """Each judge's own scores are public only when the challenge publishes them; staff always see them."""
    from .models import ChallengePhase

    return can_run_challenges(user) or (challenge.publish_judge_scores and challenge.reached(ChallengePhase.RESULTS))
