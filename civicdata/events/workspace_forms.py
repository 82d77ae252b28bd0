"""Forms of the organisers' pages (creating events, the planning workspace, goals and follow-up). They
only parse and validate input; the services write."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdata.events.models import EventType, GoalMetric, OutcomeKind, TrackingDimension

_LOCAL = "%Y-%m-%dT%H:%M"


def _text(label: Any, rows: int = 3, *, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": rows}), required=required, help_text=help_text
    )


class EventForm(forms.Form):
    """The event's public details. Times are read in the event's own time zone."""

    organization = forms.ChoiceField(label=_("Organised by"))
    event_type = forms.ChoiceField(label=_("Type of event"), choices=EventType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = _text(
        _("Purpose"), 2, required=True, help_text=_("Why the event is held. It comes first on every page and print.")
    )
    description = _text(_("Description"), 5, help_text=_("You can use Markdown."))
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        input_formats=[_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_LOCAL),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        input_formats=[_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_LOCAL),
    )
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial="America/New_York")
    venue_name = forms.CharField(label=_("Place"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(
        label=_("Seats"), min_value=1, required=False, help_text=_("Leave empty for no limit.")
    )
    series = forms.ChoiceField(label=_("Series"), required=False)
    topic = forms.CharField(label=_("Topic"), max_length=120, required=False, help_text=_("For example: housing."))

    def __init__(self, *args: Any, organizations: list[Any], series: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(str(org.pk), org.name) for org in organizations]
        self.fields["series"].choices = [("", _("None"))] + [(str(s.pk), s.title) for s in series]

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(_("Unknown time zone; use a name like America/New_York.")) from None
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        zone_name = data.get("time_zone")
        if zone_name:
            zone = zoneinfo.ZoneInfo(zone_name)
            for name in ("starts_at", "ends_at"):
                value = data.get(name)
                if isinstance(value, dt.datetime):
                    data[name] = value.replace(tzinfo=None).replace(tzinfo=zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        return data


class SeriesForm(forms.Form):
    organization = forms.ChoiceField(label=_("Organised by"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = _text(_("Description"), 3)

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(str(org.pk), org.name) for org in organizations]


class CapabilityForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=120, required=False)
    mission_goal = _text(
        _("Mission goal"), 2, help_text=_("The part of your organisation's mission this event serves.")
    )
    location_notes = _text(
        _("Place, capacity and access"), help_text=_("Seats, step-free access, transit, quiet room.")
    )
    partner_notes = _text(_("What partners contribute"), help_text=_("Space, money, staff, food, outreach…"))
    leadership_support = _text(_("Leadership support"), 2)
    champion = forms.CharField(
        label=_("Champion"), max_length=200, required=False, help_text=_("The senior person who backs the event.")
    )
    legal_questions = _text(
        _("Legal and procurement questions"),
        help_text=_("Agreements with co-hosts, renting space, paying for services."),
    )
    logistics = _text(_("Logistics"), help_text=_("Food rules, A/V, security at the door, signs."))
    support_email = forms.EmailField(label=_("Support e-mail address"), required=False)
    support_monitors = forms.CharField(
        label=_("People who answer it"), max_length=300, required=False, help_text=_("Names, separated by commas.")
    )
    run_of_show = _text(
        _("Run of show"),
        8,
        help_text=_("One line per moment of the event. Start from the type's template and adapt it."),
    )


class PartnerForm(forms.Form):
    organization = forms.ChoiceField(label=_("Partner organisation"))
    contribution = forms.CharField(label=_("What it contributes"), max_length=300, required=False)

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(str(org.pk), org.name) for org in organizations]


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Role"), max_length=120)
    primary = forms.CharField(label=_("Primary person"), max_length=200, required=False)
    backup = forms.CharField(label=_("Backup person"), max_length=200, required=False)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    owner = forms.CharField(label=_("Owner"), max_length=200, required=False)
    days_before = forms.IntegerField(
        label=_("Days before the event"), help_text=_("0 is the day itself; a negative number is after the event.")
    )


class GoalForm(forms.Form):
    metric = forms.ChoiceField(label=_("What to measure"), choices=GoalMetric.choices)
    label = forms.CharField(label=_("Description"), max_length=200, required=False, help_text=_("Needed for “Other”."))
    target = forms.IntegerField(label=_("Target"), min_value=0, required=False)
    mission_goal = forms.CharField(label=_("Mission goal it serves"), max_length=300)


class ActualForm(forms.Form):
    actual = forms.IntegerField(label=_("Actual"), min_value=0, required=False)


class TrackingForm(forms.Form):
    online_participants = forms.IntegerField(label=_("Online participants"), min_value=0, required=False)
    media_mentions = forms.IntegerField(label=_("Media mentions"), min_value=0, required=False)
    social_media = _text(_("Social media figures"), 2, help_text=_("For example: 40 posts, 12,000 views."))
    unplanned_blog_posts = forms.IntegerField(label=_("Blog posts beyond those planned"), min_value=0, required=False)


class TrackingCountForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Count by"), choices=TrackingDimension.choices)
    label = forms.CharField(label=_("Region or sector"), max_length=120)
    count = forms.IntegerField(label=_("Participants"), min_value=0, help_text=_("0 removes the line."))


class LessonsForm(forms.Form):
    lessons = _text(_("Lessons learned"), 6, help_text=_("Only organisers see this."))


class ReportForm(forms.Form):
    summary = _text(
        _("What was made"), 6, required=True, help_text=_("Projects, prototypes, requests, ideas. Markdown.")
    )


class CommitmentForm(forms.Form):
    description = forms.CharField(label=_("Commitment"), max_length=300)
    owner = forms.CharField(label=_("Who"), max_length=200)
    owner_email = forms.EmailField(
        label=_("E-mail of the person to remind"), required=False, help_text=_("They must have an account here.")
    )
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("What it is"), choices=OutcomeKind.choices)
    reference = forms.CharField(
        label=_("Its address or number"),
        max_length=500,
        help_text=_(
            "Paste the page address (for example /requests/12/ or /projects/bus-stops/), "
            "or the number shown in the lists below."
        ),
    )
