"""After the event: feedback given online (by a registrant, or by anyone holding the event's feedback
link) and paper feedback cards typed in by organisers, all in the same records."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.errors import ActionRefused, Conflict, InvalidInput
from civicdata.events import permissions
from civicdata.events.models import Event, EventStatus, Feedback, FeedbackSource, Registration, RegistrationStatus

_SALT = "civicdata.events.feedback-link"


def feedback_token(event: Event) -> str:
    """The secret part of the event's feedback link (printed on the paper cards as a QR code)."""
    return signing.Signer(salt=_SALT).sign(str(event.uid)).split(":", 1)[1]


def token_is_valid(event: Event, token: str) -> bool:
    try:
        signing.Signer(salt=_SALT).unsign(f"{event.uid}:{token}")
    except signing.BadSignature:
        return False
    return True


def feedback_open(event: Event) -> tuple[bool, str]:
    if event.status not in (EventStatus.PUBLISHED, EventStatus.COMPLETED):
        return False, _("This event does not take feedback.")
    if event.starts_at > timezone.now():
        return False, _("Feedback opens when the event starts.")
    return True, ""


def _clean(rating: Any, come_again: Any) -> tuple[int, bool | None]:
    try:
        number = int(rating)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        message = _("Choose a rating from 1 to 5.")
        raise InvalidInput(message, code="invalid_feedback", details=[{"field": "rating", "message": message}])
    if come_again in ("yes", True):
        return number, True
    if come_again in ("no", False):
        return number, False
    return number, None


def give_feedback(
    event: Event,
    *,
    registration: Registration | None,
    rating: Any,
    useful: str = "",
    improve: str = "",
    come_again: Any = None,
    by_link: bool = False,
) -> Feedback:
    """Online feedback: from a registrant (once; a second answer is a Conflict) or, with `by_link`, from
    anyone who has the event's feedback link (anonymous, limited per address by the view)."""
    open_now, reason = feedback_open(event)
    if not open_now:
        raise ActionRefused(reason, code="feedback_closed")
    if registration is not None and (
        registration.event_id != event.pk or registration.status == RegistrationStatus.CANCELLED
    ):
        registration = None
    if registration is None and not by_link:
        raise ActionRefused(
            _("Use the feedback link you were given, or sign in with the account you registered with."),
            code="not_registered",
        )
    number, again = _clean(rating, come_again)
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                event=event,
                registration=registration,
                source=FeedbackSource.ONLINE,
                rating=number,
                useful=useful.strip()[:4000],
                improve=improve.strip()[:4000],
                come_again=again,
            )
    except IntegrityError:
        raise Conflict(_("You have already given feedback on this event. Thank you!"), code="already_given") from None


def transcribe_card(
    event: Event, *, by: Any, rating: Any, useful: str = "", improve: str = "", come_again: Any = None
) -> Feedback:
    """An organiser types in one paper feedback card; it joins the online answers as a paper record."""
    permissions.ensure_can_organise(by, event)
    number, again = _clean(rating, come_again)
    return Feedback.objects.create(
        event=event,
        source=FeedbackSource.PAPER,
        rating=number,
        useful=useful.strip()[:4000],
        improve=improve.strip()[:4000],
        come_again=again,
        entered_by=by,
    )
