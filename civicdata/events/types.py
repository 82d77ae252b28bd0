"""What each type of event brings with it: its purpose, the goals it usually measures, the roles it needs,
a planning checklist counted back from the event date and a run of show. Organisers start from these; a
new event gets its own editable copy (see `services.create_event`), so changing a template here never
changes an event already planned."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from civicdata.events.models import EventType, GoalMetric


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """A planning task due `days_before` the event (0 = on the day, negative = after it)."""

    title: str | Promise
    days_before: int


@dataclass(frozen=True, slots=True)
class EventTemplate:
    purpose: str | Promise
    goals: tuple[str, ...]  # GoalMetric values, measured by default
    roles: tuple[str | Promise, ...]
    checklist: tuple[ChecklistItem, ...]
    run_of_show: str | Promise


# Tasks every event needs, whatever its type.
_COMMON = (
    ChecklistItem(_("Write down the purpose and get the champion's support"), 56),
    ChecklistItem(_("Confirm the place, its capacity and its access for wheelchairs"), 42),
    ChecklistItem(_("Ask legal and procurement questions (agreements, space, food rules)"), 35),
    ChecklistItem(_("Publish the event page and share the outreach texts with partners"), 28),
    ChecklistItem(_("Name who watches the support e-mail address"), 21),
    ChecklistItem(_("Print feedback cards, sign-in sheet and signs"), 3),
    ChecklistItem(_("Fill in the tracking sheet and thank participants"), -3),
    ChecklistItem(_("Publish the public report with next steps"), -14),
)

_SHORT_SHOW = _(
    "0:00 Welcome and the purpose of the event\n"
    "0:10 Introductions\n"
    "0:20 Main session\n"
    "1:20 Feedback cards (5 minutes)\n"
    "1:30 Next steps and close"
)

TEMPLATES: dict[str, EventTemplate] = {
    EventType.DATA_JAM: EventTemplate(
        purpose=_(
            "Bring people who build things together with people who know the policy, around one topic and its "
            "key datasets, and leave with commitments to make something with the data."
        ),
        goals=(GoalMetric.REGISTRATIONS, GoalMetric.ATTENDANCE, GoalMetric.DATASETS_USED, GoalMetric.COMMITMENTS),
        roles=(_("Lead organiser"), _("Facilitator"), _("Data expert"), _("Logistics"), _("Note taker")),
        checklist=(
            *_COMMON,
            ChecklistItem(_("Choose the topic and the datasets participants will work with"), 49),
            ChecklistItem(_("Invite developers, designers and subject experts"), 30),
        ),
        run_of_show=_(
            "9:00 Welcome: the purpose and the datasets\n"
            "9:30 Short talks from subject experts\n"
            "10:15 Ideas on the wall, form groups\n"
            "12:00 Lunch\n"
            "13:00 Group work\n"
            "15:30 Each group shares its idea and what it commits to make\n"
            "16:30 Feedback cards and next steps"
        ),
    ),
    EventType.DATAPALOOZA: EventTemplate(
        purpose=_(
            "Celebrate what people built with open data, announce new or improved data, and give projects "
            "momentum; the press is welcome."
        ),
        goals=(GoalMetric.ATTENDANCE, GoalMetric.PROJECTS_STARTED, GoalMetric.MEDIA_MENTIONS, GoalMetric.COMMITMENTS),
        roles=(_("Lead organiser"), _("Host on stage"), _("Press contact"), _("Logistics"), _("A/V")),
        checklist=(
            *_COMMON,
            ChecklistItem(_("Select the demos and tell the presenters"), 30),
            ChecklistItem(_("Prepare the press release about the data announced"), 14),
        ),
        run_of_show=_(
            "9:00 Doors open\n"
            "9:30 Opening: the purpose and the data announced today\n"
            "10:00 Demos\n"
            "12:00 Lunch and tables\n"
            "13:30 Commitments on stage\n"
            "15:00 Close"
        ),
    ),
    EventType.HACKATHON: EventTemplate(
        purpose=_(
            "Teams of developers, designers and planners solve a real problem with the data and show working "
            "prototypes at the end of the day."
        ),
        goals=(
            GoalMetric.REGISTRATIONS,
            GoalMetric.ATTENDANCE,
            GoalMetric.FIRST_TIME,
            GoalMetric.PROJECTS_STARTED,
            GoalMetric.REQUESTS_FILED,
        ),
        roles=(_("Lead organiser"), _("Mentor"), _("Judge"), _("Data expert"), _("Logistics"), _("Support desk")),
        checklist=(
            *_COMMON,
            ChecklistItem(_("Collect challenge ideas and let registrants vote"), 28),
            ChecklistItem(_("Check that every dataset used has a working API or download"), 10),
        ),
        run_of_show=_(
            "9:00 Welcome, purpose and code of conduct\n"
            "9:20 Challenges presented\n"
            "9:45 Teams form\n"
            "10:00 Build (mentors go round)\n"
            "12:30 Lunch\n"
            "16:00 Demos, three minutes each\n"
            "17:00 Feedback cards, recognition and next steps"
        ),
    ),
    EventType.DATA_DAY: EventTemplate(
        purpose=_(
            "A day of hands-on sessions where residents and groups learn what local data exists and use it on "
            "questions they care about."
        ),
        goals=(GoalMetric.REGISTRATIONS, GoalMetric.ATTENDANCE, GoalMetric.FIRST_TIME, GoalMetric.REQUESTS_FILED),
        roles=(_("Lead organiser"), _("Session host"), _("Data helper"), _("Logistics")),
        checklist=(*_COMMON, ChecklistItem(_("Line up session hosts and rooms"), 35)),
        run_of_show=_SHORT_SHOW,
    ),
    EventType.DATA_WALK: EventTemplate(
        purpose=_(
            "Residents walk through printed charts about their neighbourhood in small groups and say what the "
            "data gets right, what it misses and what should happen next."
        ),
        goals=(GoalMetric.ATTENDANCE, GoalMetric.FIRST_TIME, GoalMetric.COMMITMENTS),
        roles=(_("Lead organiser"), _("Group guide"), _("Note taker"), _("Interpreter")),
        checklist=(*_COMMON, ChecklistItem(_("Print the charts in large type, in every language needed"), 7)),
        run_of_show=_(
            "0:00 Welcome and the purpose\n"
            "0:10 Groups walk from chart to chart\n"
            "1:00 Groups share what they saw\n"
            "1:30 Feedback cards and next steps"
        ),
    ),
    EventType.SCOPE_A_THON: EventTemplate(
        purpose=_("Turn a broad problem into well-scoped questions and data needs that a project can take on."),
        goals=(GoalMetric.ATTENDANCE, GoalMetric.PROJECTS_STARTED, GoalMetric.REQUESTS_FILED),
        roles=(_("Lead organiser"), _("Facilitator"), _("Subject expert"), _("Note taker")),
        checklist=(*_COMMON, ChecklistItem(_("Gather the problem statements to scope"), 21)),
        run_of_show=_SHORT_SHOW,
    ),
    EventType.TRAINING: EventTemplate(
        purpose=_("Teach a practical data skill that participants can use the next day."),
        goals=(GoalMetric.REGISTRATIONS, GoalMetric.ATTENDANCE, GoalMetric.FIRST_TIME),
        roles=(_("Trainer"), _("Assistant"), _("Host")),
        checklist=(*_COMMON, ChecklistItem(_("Test the exercises on the computers in the room"), 2)),
        run_of_show=_(
            "0:00 Welcome and what you will be able to do\n"
            "0:10 Demonstration\n"
            "0:30 Exercises in pairs\n"
            "1:15 Questions\n"
            "1:25 Feedback cards"
        ),
    ),
    EventType.USER_GROUP: EventTemplate(
        purpose=_(
            "People who use the same data or work on the same topic meet, share what they learned and tell "
            "the data's publishers what would help."
        ),
        goals=(GoalMetric.ATTENDANCE, GoalMetric.REQUESTS_FILED, GoalMetric.COMMITMENTS),
        roles=(_("Convener"), _("Note taker"), _("Publisher contact")),
        checklist=(
            ChecklistItem(_("Confirm the room and the speaker"), 14),
            ChecklistItem(_("Send the reminder to the group"), 3),
            ChecklistItem(_("Share the notes and next steps"), -2),
        ),
        run_of_show=_(
            "0:00 Round of introductions\n0:15 Show and tell\n0:45 Questions for the publisher\n1:15 Next steps"
        ),
    ),
    EventType.OFFICE_HOURS: EventTemplate(
        purpose=_("Drop in with a question about the data and get help from the people who publish it."),
        goals=(GoalMetric.ATTENDANCE, GoalMetric.REQUESTS_FILED),
        roles=(_("Host"), _("Data helper")),
        checklist=(ChecklistItem(_("Announce the office hours"), 7),),
        run_of_show=_("Drop in at any time; each visit starts with the question and ends with a next step."),
    ),
}


def template_for(event_type: str) -> EventTemplate:
    return TEMPLATES[EventType(event_type)]
