"""Community events (data jams, datapaloozas, hackathons, data days, data walks, scope-a-thons, trainings,
user group meetings, office hours): the event itself, the series it belongs to and who registered."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    DATA_JAM = "data_jam", _("Data jam")
    DATAPALOOZA = "datapalooza", _("Datapalooza")
    HACKATHON = "hackathon", _("Hackathon")
    DATA_DAY = "data_day", _("Data day")
    DATA_WALK = "data_walk", _("Data walk")
    SCOPE_A_THON = "scope_a_thon", _("Scope-a-thon")
    TRAINING = "training", _("Training or workshop")
    USER_GROUP = "user_group", _("User group meeting")
    OFFICE_HOURS = "office_hours", _("Office hours")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Being planned")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Took place")


class EventSeries(models.Model):
    """Events that belong together: a recurring training, a user group's meetings, a data jam series
    leading to a datapalooza."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="event_series",
        verbose_name=_("organisation"),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    """One event, planned by an organisation (with community partners), with a stated purpose.

    `uid` and `sequence` make its calendar entry stable: the UID never changes and every material
    change (time, place, status, title) raises `sequence`.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="events", verbose_name=_("organisation")
    )
    partners = models.ManyToManyField(
        "accounts.Organization", blank=True, related_name="partner_events", verbose_name=_("partners")
    )
    series = models.ForeignKey(
        EventSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="events",
        verbose_name=_("series"),
    )  # fmt: skip
    event_type = models.CharField(_("type of event"), max_length=20, choices=EventType.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    purpose = models.TextField(_("purpose"), help_text=_("Why this event is held, in one or two sentences."))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT, db_index=True
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/New_York")
    venue_name = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True, help_text=_("Leave empty for no limit."))
    registration_open = models.BooleanField(_("registration open"), default=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Offered a freed seat")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """One person's place at an event (or on its waiting list). Walk-ins are registrations made at the
    door. Personal data here is seen only by the event's organisers."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="event_registrations"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED,
        db_index=True,
    )  # fmt: skip
    walk_in = models.BooleanField(_("walk-in"), default=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    check_in_code = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=models.Q(user__isnull=False), name="registration_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["event", "email"], condition=~models.Q(email=""), name="registration_one_per_email"
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"
