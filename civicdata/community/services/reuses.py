"""The reuse showcase: submitting a reuse with its picture, the moderation queue (draft → under review →
published or declined with a reason), featuring, and telling the data's publishers once it is public.

Pictures are uploaded, never linked: an outside image address would tell another server who reads the
page, could change after review, and the site's content policy only loads its own images. An upload is
bounded in bytes and pixels, decoded by Pillow and re-encoded as a fresh JPEG, which drops metadata
(locations in EXIF) and anything that is not the picture itself."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import InvalidInput

from .. import permissions
from ..models import ModerationState, Reuse, ReuseImage
from ._moderation import field_error, mail_people, site_url, tell_author

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_BOX = (1200, 800)
ALLOWED_IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")


def prepare_image(raw: bytes) -> tuple[bytes, int, int]:
    """Decode an uploaded picture within bounds and re-encode it as a JPEG of at most 1200×800.
    Raises InvalidInput (field `image`) for anything that is not a picture of a known kind."""
    from PIL import Image, UnidentifiedImageError

    def refuse(message: str) -> InvalidInput:
        return InvalidInput(message, code="invalid_image", details=[field_error("image", message)])

    if len(raw) > MAX_IMAGE_BYTES:
        raise refuse(_("The picture is larger than 5 MB."))
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in ALLOWED_IMAGE_FORMATS:
                raise refuse(_("Send a JPEG, PNG, GIF or WebP picture."))
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise refuse(_("The picture has too many pixels; send a smaller one."))
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            image.seek(0)
            picture = image.convert("RGB")
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise refuse(_("This file is not a picture we can read.")) from None
    picture.thumbnail(IMAGE_BOX)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), picture.width, picture.height


def _check(*, title: str, description: str, url: str, kind: str) -> str:
    from ..models import ReuseKind

    problems = []
    if not title.strip():
        problems.append(field_error("title", _("Give the reuse a title.")))
    if not description.strip():
        problems.append(field_error("description", _("Say in a few words what it is and who it helps.")))
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
        if len(url) > 500:
            raise ValidationError("too long")
    except ValidationError:
        problems.append(field_error("url", _("Enter the web address of the reuse, starting with https:// or http://.")))
    if kind not in ReuseKind.values:
        problems.append(field_error("kind", _("Choose what kind of reuse it is.")))
    if problems:
        raise InvalidInput(problems[0]["message"], code="invalid_reuse", details=problems)
    return url


def _set_image(reuse: Reuse, image: bytes | None, alt_text: str) -> None:
    if image is None:
        if alt_text and hasattr(reuse, "image"):
            ReuseImage.objects.filter(reuse=reuse).update(alt_text=alt_text.strip()[:300])
        return
    data, width, height = prepare_image(image)
    ReuseImage.objects.update_or_create(
        reuse=reuse,
        defaults={
            "data": data,
            "content_type": "image/jpeg",
            "width": width,
            "height": height,
            "alt_text": alt_text.strip()[:300],
            "updated_at": timezone.now(),
        },
    )


def create_reuse(
    *,
    submitter: Any,
    title: str,
    kind: str,
    description: str,
    url: str,
    datasets: Sequence[Any] = (),
    data_requests: Sequence[Any] = (),
    image: bytes | None = None,
    image_alt: str = "",
    submit: bool = False,
) -> Reuse:
    """Add a reuse as a draft (or send it for review at once). Anyone signed in, under the daily limit.
    The picture is checked before anything is written; one transaction."""
    permissions.ensure_can_submit(submitter)
    url = _check(title=title, description=description, url=url, kind=kind)
    if image is not None:
        prepare_image(image)  # refuse a bad picture before anything is written
    with transaction.atomic():
        reuse = Reuse.objects.create(
            title=title.strip()[:200], kind=kind, description=description.strip(), url=url, submitter=submitter
        )
        reuse.datasets.set(datasets)
        reuse.data_requests.set(data_requests)
        _set_image(reuse, image, image_alt)
        if submit:
            submit_reuse(reuse, by=submitter)
    return reuse


def update_reuse(
    reuse: Reuse,
    *,
    by: Any,
    title: str,
    kind: str,
    description: str,
    url: str,
    datasets: Sequence[Any] = (),
    data_requests: Sequence[Any] = (),
    image: bytes | None = None,
    image_alt: str = "",
    submit: bool = False,
) -> Reuse:
    """Change a reuse: its submitter while it is a draft or declined, or a moderator."""
    permissions.ensure_can_edit(by, reuse)
    url = _check(title=title, description=description, url=url, kind=kind)
    if image is not None:
        prepare_image(image)
    with transaction.atomic():
        before = snapshot(reuse)
        Reuse.objects.filter(pk=reuse.pk).update(
            title=title.strip()[:200], kind=kind, description=description.strip(), url=url, updated_at=timezone.now()
        )
        reuse.refresh_from_db()
        reuse.datasets.set(datasets)
        reuse.data_requests.set(data_requests)
        _set_image(reuse, image, image_alt)
        if permissions.can_moderate_submissions(by):
            record_write(actor=by, action="community.reuse.update", target=reuse, before=before, after=snapshot(reuse))
        if submit and reuse.state in permissions.EDITABLE_STATES:
            submit_reuse(reuse, by=by)
    return reuse


def submit_reuse(reuse: Reuse, *, by: Any) -> Reuse:
    """Send a draft (or a declined reuse) to the moderation queue."""
    permissions.ensure_can_edit(by, reuse)
    with transaction.atomic():
        Reuse.objects.filter(pk=reuse.pk).update(
            state=ModerationState.UNDER_REVIEW,
            submitted_at=timezone.now(),
            decline_reason="",
            updated_at=timezone.now(),
        )
        reuse.refresh_from_db()
    return reuse


def publish_reuse(reuse: Reuse, *, by: Any) -> Reuse:
    """A moderator publishes a reuse. Only now are the data's publishers told (editors and administrators
    of each dataset's publisher, in their own language), and the submitter hears it is public."""
    permissions.ensure_can_moderate_submissions(by)
    with transaction.atomic():
        before = snapshot(reuse)
        now = timezone.now()
        Reuse.objects.filter(pk=reuse.pk).update(
            state=ModerationState.PUBLISHED,
            published_at=reuse.published_at or now,
            reviewed_by=by,
            decline_reason="",
            updated_at=now,
        )
        reuse.refresh_from_db()
        record_write(actor=by, action="community.reuse.publish", target=reuse, before=before, after=snapshot(reuse))
        _tell_publishers(reuse)
    if reuse.submitter_id and reuse.submitter_id != getattr(by, "pk", None):
        tell_author(reuse.submitter, item=reuse, published=True)
    return reuse


def publishers_to_tell(reuse: Reuse) -> list[Any]:
    """Editors and administrators of the publishers of the datasets the reuse uses (each person once)."""
    from django.contrib.auth import get_user_model

    from civicdata.accounts.models import Membership, Role

    publisher_ids = set(reuse.datasets.values_list("publisher_id", flat=True))
    user_ids = Membership.objects.filter(
        organization_id__in=publisher_ids, role__in=[Role.EDITOR, Role.ADMIN]
    ).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=set(user_ids), is_active=True).order_by("pk"))


def _tell_publishers(reuse: Reuse) -> None:
    datasets = list(reuse.datasets.order_by("title"))
    url = site_url() + reuse.get_absolute_url()

    def text() -> tuple[str, str]:
        subject = _("Your data was reused: %(title)s") % {"title": reuse.title}
        lines = [_("Someone made something with your data, and it is now in the reuse showcase:"), "", url, ""]
        lines.append(_("Datasets used:"))
        lines += [f"- {d} ({site_url()}{d.get_absolute_url()})" for d in datasets]
        return subject, "\n".join(lines) + "\n"

    mail_people(publishers_to_tell(reuse), text)


def decline_reuse(reuse: Reuse, *, by: Any, reason: str) -> Reuse:
    """A moderator declines a reuse with a reason sent to the submitter; a featured reuse stops being featured."""
    permissions.ensure_can_moderate_submissions(by)
    if not reason.strip():
        message = _("Say why, so the author can improve it.")
        raise InvalidInput(message, code="reason_required", details=[field_error("reason", message)])
    with transaction.atomic():
        before = snapshot(reuse)
        Reuse.objects.filter(pk=reuse.pk).update(
            state=ModerationState.DECLINED,
            decline_reason=reason.strip(),
            featured=False,
            reviewed_by=by,
            updated_at=timezone.now(),
        )
        reuse.refresh_from_db()
        record_write(actor=by, action="community.reuse.decline", target=reuse, before=before, after=snapshot(reuse))
    tell_author(reuse.submitter, item=reuse, published=False, reason=reuse.decline_reason)
    return reuse


def set_featured(reuse: Reuse, *, by: Any, featured: bool) -> Reuse:
    """A moderator features (or stops featuring) a published reuse."""
    permissions.ensure_can_moderate_submissions(by)
    if featured and reuse.state != ModerationState.PUBLISHED:
        raise InvalidInput(_("Only a published reuse can be featured."), code="not_published")
    with transaction.atomic():
        before = snapshot(reuse)
        Reuse.objects.filter(pk=reuse.pk).update(featured=featured, updated_at=timezone.now())
        reuse.refresh_from_db()
        record_write(actor=by, action="community.reuse.feature", target=reuse, before=before, after=snapshot(reuse))
    return reuse
