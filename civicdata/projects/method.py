"""The Tactical Data Engagement method as plain data: its four steps and their tactics.

Step and tactic names follow Sunlight's guide; every explanation here is written by us.
Nothing in this module touches Django, so it can be read by models, views, the API and docs alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


def gettext_noop(text: str) -> str:
    """Mark text for translation without importing Django: makemessages extracts calls by this name,
    and pages translate the text at display time with `{% translate %}`."""
    return text


class Step(StrEnum):
    """The four steps, in the order a project walks through them."""

    FIND = "find"
    REFINE = "refine"
    DESIGN = "design"
    IMPLEMENT = "implement"


STEP_ORDER: tuple[Step, ...] = (Step.FIND, Step.REFINE, Step.DESIGN, Step.IMPLEMENT)


@dataclass(frozen=True, slots=True)
class StepDefinition:
    """What a step asks of the team, described through the guide's four components."""

    step: Step
    label: str
    action: str
    engagement: str
    collaborators: str
    result: str


@dataclass(frozen=True, slots=True)
class Tactic:
    """A lightweight way of carrying out part of a step."""

    code: str
    step: Step
    label: str
    summary: str


STEPS: dict[Step, StepDefinition] = {
    Step.FIND: StepDefinition(
        step=Step.FIND,
        label="Find",
        action=gettext_noop(
            "Pick a broad topic where residents could get real value from public data, "
            "based on what the community is already telling the city."
        ),
        engagement=gettext_noop(
            "Listen first: read requests, sit in on meetings, look for patterns in what "
            "people ask about, and notice who is absent from these conversations."
        ),
        collaborators=gettext_noop(
            "A wide circle of residents, groups and partners who can point to the issues "
            "that matter most in their neighbourhoods."
        ),
        result=gettext_noop(
            "One focus area, with the evidence and reasoning that made it stand out from the other candidates."
        ),
    ),
    Step.REFINE: StepDefinition(
        step=Step.REFINE,
        label="Refine",
        action=gettext_noop(
            "Break the focus area into concrete use cases: named kinds of users, what they "
            "are trying to do, and which data would help them do it."
        ),
        engagement=gettext_noop(
            "Talk directly with people who know the topic, through interviews, small "
            "groups and events, and write down what they need."
        ),
        collaborators=gettext_noop(
            "People with lived, professional or academic knowledge of the focus area who can sharpen the scenarios."
        ),
        result=gettext_noop(
            "A short list of promising use cases, each with personas, user stories and the data supply it depends on."
        ),
    ),
    Step.DESIGN: StepDefinition(
        step=Step.DESIGN,
        label="Design",
        action=gettext_noop(
            "Choose a single use case and write a plan for an intervention that supports "
            "it, including the limits the city must respect to adopt it."
        ),
        engagement=gettext_noop(
            "Put the draft plan in front of its intended users through several channels "
            "and change it in response to what they say."
        ),
        collaborators=gettext_noop(
            "The residents and organisations who will actually use the data once the intervention exists."
        ),
        result=gettext_noop(
            "A plan shaped by its future users, with a record of which feedback changed "
            "it and why other feedback did not."
        ),
    ),
    Step.IMPLEMENT: StepDefinition(
        step=Step.IMPLEMENT,
        label="Implement",
        action=gettext_noop("Carry out the plan and deliver the intervention to the people it was designed for."),
        engagement=gettext_noop(
            "Work alongside the real users while delivering, keep a feedback channel open "
            "and adjust when something does not work for them."
        ),
        collaborators=gettext_noop("The community members who end up using the data in practice."),
        result=gettext_noop(
            "A product, resource or completed activity through which specific residents "
            "use public data in a new way, with outcomes measured against targets."
        ),
    ),
}


def _tactics(step: Step, rows: list[tuple[str, str, str]]) -> tuple[Tactic, ...]:
    return tuple(Tactic(code=code, step=step, label=label, summary=summary) for code, label, summary in rows)


FIND_TACTICS: tuple[Tactic, ...] = _tactics(
    Step.FIND,
    [
        (
            "shared_priorities",
            "Identify shared priorities",
            gettext_noop(
                "Compare the city's strategic goals with the issues residents rank highest; "
                "where they overlap, both sides already want progress."
            ),
        ),
        (
            "analyze_requests",
            "Analyze data/information requests",
            gettext_noop(
                "Group records requests, dataset requests and service calls by topic; the most "
                "frequent topics reveal what people are trying to learn."
            ),
        ),
        (
            "valuable_partners",
            "Identify valuable partners",
            gettext_noop(
                "Start from organisations the city already funds, contracts with or shares data "
                "with, and ask which of their issues public data could advance."
            ),
        ),
        (
            "public_meetings",
            "Join public meetings",
            gettext_noop(
                "Attend recurring community meetings, take notes across several sessions and "
                "look for concerns that keep coming back."
            ),
        ),
        (
            "map_focus_areas",
            "Map impactful focus areas",
            gettext_noop(
                "Look at topics where other places got results from community data use, then "
                "check that the same topics matter to residents here."
            ),
        ),
    ],
)

REFINE_TACTICS: tuple[Tactic, ...] = _tactics(
    Step.REFINE,
    [
        (
            "interviews",
            "Interview stakeholders individually",
            gettext_noop(
                "One-to-one conversations or short surveys with people who asked for data, work "
                "in the field, use the services or are most affected."
            ),
        ),
        (
            "scope_a_thon",
            "Host a scope-a-thon",
            gettext_noop(
                "A working session where nonprofits, researchers, civic technologists, staff and "
                "reporters scope concrete data opportunities together."
            ),
        ),
        (
            "data_users_experts",
            "Consult data users and experts",
            gettext_noop(
                "A small user-group meeting with people who already work with data locally, to "
                "judge which opportunities are urgent and feasible."
            ),
        ),
        (
            "consult_public",
            "Consult the public",
            gettext_noop(
                "Hands-on sessions open to everyone, such as data walks or data days, designed "
                "so that people with any level of experience can contribute."
            ),
        ),
        (
            "partner_workshops",
            "Workshop with partners",
            gettext_noop(
                "Trusted partners each consult their own networks and bring the needs they hear "
                "back to a shared workshop."
            ),
        ),
    ],
)

DESIGN_TACTICS: tuple[Tactic, ...] = _tactics(
    Step.DESIGN,
    [
        (
            "user_feedback",
            "Solicit user feedback",
            gettext_noop("Publish the draft plan, open a comment period and revise the plan in the open."),
        ),
        (
            "expert_focus_groups",
            "Hold expert focus groups",
            gettext_noop(
                "Ask experienced data users whether the roles, timeline and activities will "
                "lead to the outcome everyone wants."
            ),
        ),
        (
            "public_planning_workshops",
            "Host public planning workshops",
            gettext_noop(
                "A public session with simple exercises (card sorting, sticky notes, sketches) "
                "about how the city should proceed, followed by stated next steps."
            ),
        ),
    ],
)

IMPLEMENT_TACTICS: tuple[Tactic, ...] = _tactics(
    Step.IMPLEMENT,
    [
        (
            "low_tech_outreach",
            "Do low-tech outreach",
            gettext_noop(
                "Posters, flyers, signs or phone lines that bring the data to people who do not "
                "go looking for it online."
            ),
        ),
        (
            "help_guides",
            "Create data help guides and resources",
            gettext_noop(
                "Guides, topic pages and simple tools that explain what the data means and how "
                "to read it, where confusion is holding people back."
            ),
        ),
        (
            "intermediaries",
            "Invite intermediaries to improve data utility",
            gettext_noop(
                "Give local research groups and nonprofits the data they need and let them "
                "enrich, package and spread it for their audiences."
            ),
        ),
        (
            "civic_hackers",
            "Co-create with civic hackers",
            gettext_noop(
                "Build or improve a tool together with local technologists, sharing data and "
                "code, when the city can maintain the result afterwards."
            ),
        ),
        (
            "crowdsourced_quality",
            "Crowdsource data quality improvement",
            gettext_noop(
                "Ask residents and partners to check records and suggest corrections, online or "
                "at events, so the data reflects the street."
            ),
        ),
        (
            "data_stories",
            "Generate data stories",
            gettext_noop(
                "Collect residents' accounts and context that explain the numbers, and publish them next to the data."
            ),
        ),
        (
            "data_challenge",
            "Host a data challenge",
            gettext_noop(
                "Release data and invite solutions, technical or not, then carry out the winning idea with its authors."
            ),
        ),
    ],
)

TACTICS_BY_STEP: dict[Step, tuple[Tactic, ...]] = {
    Step.FIND: FIND_TACTICS,
    Step.REFINE: REFINE_TACTICS,
    Step.DESIGN: DESIGN_TACTICS,
    Step.IMPLEMENT: IMPLEMENT_TACTICS,
}

ALL_TACTICS: dict[str, Tactic] = {t.code: t for tactics in TACTICS_BY_STEP.values() for t in tactics}


def tactic(code: str) -> Tactic:
    """Return the tactic with ``code``; raise KeyError for an unknown code."""
    return ALL_TACTICS[code]


def next_step(step: Step) -> Step | None:
    """Return the step after ``step``, or None after Implement."""
    index = STEP_ORDER.index(step)
    return STEP_ORDER[index + 1] if index + 1 < len(STEP_ORDER) else None


def step_index(step: Step | str) -> int:
    """Return the 0-based position of a step in the method."""
    return STEP_ORDER.index(Step(step))


class AdoptionConstraint(StrEnum):
    """Limits the city must state early so partners know what it can adopt (Cambridge strategy 3)."""

    PRIVACY = "privacy"
    SECURITY = "security"
    LEGAL = "legal"
    TECHNICAL = "technical"
    OPERATIONAL = "operational"
