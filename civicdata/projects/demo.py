"""Demo engagement projects: one in each step, a plan under public comment, a finished project with its
report and its second iteration, and a few data champions. Every write goes through the services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from civicdata.accounts.models import Organization, User
from civicdata.catalog.models import Dataset
from civicdata.projects import services
from civicdata.projects.models import Project, StepRecord

PROBLEMS = [
    ("No safe crossing near Alder Elementary", "Cars speed on Harbor Road at drop-off time."),
    ("Sidewalk ends on Mill Street", "Kids walk in the road for two blocks."),
    ("Crossing guard only in the morning", "Afternoons are the most dangerous."),
    ("Bus stop with no lighting", "The stop by the library is dark by 5pm in winter."),
    ("Where do crashes actually happen?", "Parents argue about the route because nobody has the numbers."),
    ("Bike lane blocked by deliveries", "Every weekday on Market Street."),
    ("Snow not cleared on school paths", "Paths stay icy for days after a storm."),
]


def _people() -> tuple[User, list[User]] | None:
    staff = User.objects.filter(email="coordinator@example.org").first()
    if staff is None:
        return None
    residents = list(User.objects.filter(email__startswith="resident").order_by("email"))
    return staff, residents


def _org(slug: str, fallback: Organization) -> Organization:
    return Organization.objects.filter(slug=slug).first() or fallback


def _datasets(n: int) -> list[Dataset]:
    return list(Dataset.objects.order_by("id")[:n])


def _backdate(project: Project, days_per_step: list[int]) -> None:
    """Spread step entry dates over the past so the programme view shows realistic durations.

    Demo-only: adjusts timestamps that services set to "now"; no domain rule depends on them.
    """
    now = timezone.now()
    records = list(StepRecord.objects.filter(project=project).order_by("entered_at", "id"))
    start = now - dt.timedelta(days=sum(days_per_step[: len(records)]) + 1)
    for record, days in zip(records, days_per_step, strict=False):
        left = start + dt.timedelta(days=days)
        StepRecord.objects.filter(pk=record.pk).update(
            entered_at=start, left_at=left if record.left_at is not None else None
        )
        start = left
    Project.objects.filter(pk=project.pk).update(created_at=now - dt.timedelta(days=sum(days_per_step) + 1))


def _record(project: Project, step: str, staff: User, **parts: str) -> None:
    services.update_step_record(project, step=step, by=staff, **parts)


def _find(project: Project, staff: User, rng: random.Random, residents: list[User]) -> None:
    services.add_evidence(
        project,
        kind="request_log",
        title="Requests for crash and injury data",
        request_count=63,
        source="Records requests 2024–2025",
        by=staff,
    )
    services.add_evidence(
        project,
        kind="shared_priority",
        title="Safe routes to school",
        city_goal="Vision Zero by 2030",
        community_priority="Children walking to school safely",
        by=staff,
    )
    services.add_evidence(
        project,
        kind="meeting_notes",
        title="Ward 3 neighbourhood meeting",
        summary="Parents raised speeding at three crossings; two asked where crashes are recorded.",
        by=staff,
    )
    services.add_evidence(
        project,
        kind="valuable_partner",
        title="Parent–teacher association grant",
        partner_name="Alder PTA",
        partnership="grant",
        by=staff,
    )
    # Unmet topics from the demand analytics (its demo loads first); a fixed one when there are none.
    if not services.import_demand_topics(project, limit=3, by=staff):
        services.add_evidence(
            project,
            kind="demand_topic",
            title="Traffic crashes",
            request_count=18,
            source="Data request queue",
            by=staff,
        )
    services.save_find_assessment(
        project,
        answers={
            "analyze_requests.records_system": True,
            "analyze_requests.portal_usage": True,
            "analyze_requests.request_form": True,
            "public_meetings.standing_meetings": True,
            "public_meetings.outreach_staff": True,
            "shared_priorities.strategic_priorities": True,
        },
        by=staff,
    )
    services.add_activity(
        project,
        step="find",
        tactic="public_meetings",
        kind="meeting",
        title="Ward 3 and Ward 5 meetings",
        participants=85,
        by=staff,
    )
    for title, body in PROBLEMS:
        author = rng.choice(residents)
        problem = services.post_problem(project, title=title, body=body, by=author)
        for voter in rng.sample(residents, rng.randint(2, min(14, len(residents)))):
            services.vote_for_problem(problem, by=voter)
        for _ in range(rng.randint(0, 3)):
            services.comment_on_problem(
                problem,
                body=rng.choice(["Same here.", "This is the worst at 3pm.", "We moved our route because of this."]),
                by=rng.choice(residents),
            )


def _refine(project: Project, staff: User) -> Any:
    """Stakeholders, activities and notes, then use cases and the worksheet; returns the use case to design."""
    seniors_network = _refine_stakeholders(project, staff)
    return _refine_use_cases(project, staff, seniors_network)


def _refine_stakeholders(project: Project, staff: User) -> Any:
    s1 = services.add_stakeholder(
        project,
        name="Alder Seniors Network",
        kind="organization",
        sector="nonprofit",
        description="Runs cooling-centre shuttles",
        consent_to_list=True,
        is_data_requester=True,
        by=staff,
    )
    services.add_stakeholder(
        project,
        name="Dr. Priya N.",
        kind="person",
        sector="academic",
        description="Studies urban heat",
        email="priya@example.org",
        consent_to_contact=True,
        by=staff,
    )
    services.add_stakeholder(
        project, name="Harbor Library", kind="organization", sector="library", consent_to_list=True, by=staff
    )
    activity = services.add_activity(
        project,
        step="refine",
        tactic="scope_a_thon",
        kind="event",
        title="Heat relief scope-a-thon",
        location="Harbor Library",
        participants=34,
        by=staff,
    )
    services.add_activity(
        project,
        step="refine",
        tactic="interviews",
        kind="interview",
        title="Ten interviews with shuttle drivers and nurses",
        participants=10,
        by=staff,
    )
    services.add_stakeholder_note(
        project,
        kind="interview",
        stakeholder=s1,
        activity=activity,
        summary="Shuttles need to know which blocks have no air conditioning",
        by=staff,
    )
    return s1


def _refine_use_cases(project: Project, staff: User, seniors_network: Any) -> Any:
    uc = services.add_use_case(
        project,
        title="Outreach workers find isolated older residents before a heat wave",
        summary="Combine cooling-centre locations, heat maps and building age.",
        requester_ids=[seniors_network.pk],
        by=staff,
    )
    persona = services.add_persona(uc, name="Marta, outreach worker", description="Visits 40 people a week.", by=staff)
    services.add_user_story(
        uc,
        persona=persona,
        as_a="an outreach worker",
        i_want="a map of the hottest blocks",
        so_that="I visit the people most at risk first",
        by=staff,
    )
    datasets = _datasets(1)
    services.add_data_need(
        uc, description="Cooling centre locations", dataset=datasets[0] if datasets else None, by=staff
    )
    services.add_data_need(uc, description="Buildings without central air (not released)", by=staff)
    uc2 = services.add_use_case(project, title="Residents check the nearest open cooling centre", by=staff)
    services.add_persona(uc2, name="Sam, 78, lives alone", by=staff)
    services.save_worksheet(
        project,
        answers={
            "focus_area": "heat relief for older residents",
            "data_supply": "cooling-centre locations, 311 heat complaints, building permits",
            "data_requesters": "senior-service nonprofits and the library",
            "past_activities": "Handed out as PDFs on request",
            "next_steps": "run a scope-a-thon with the seniors network and publish a first map",
            "potential_impacts": "fewer heat-related emergency visits",
        },
        tactic_codes=["scope_a_thon", "interviews"],
        by=staff,
    )
    return uc


def _design(project: Project, staff: User, rng: random.Random, residents: list[User], use_case: Any) -> None:
    services.select_use_case(project, use_case=use_case, by=staff)
    plan = services.save_plan(
        project,
        goal="Households with lead service lines know it and can book a free replacement.",
        activities="Publish the service-line inventory; door-knocking with the tenants' union; a lookup by address.",
        roles="Public Works publishes data; Alder Foundation trains canvassers; the library hosts help sessions.",
        timeline="Inventory in March, canvassing April–June, review in July.",
        housed_by="Public Works open data team",
        sustained_by="Alder Foundation under its existing grant",
        constraints={
            "privacy": "No owner names; addresses only at block level in bulk downloads.",
            "legal": "Replacement eligibility follows the state programme rules.",
        },
        note="First draft",
        by=staff,
    )
    services.save_plan(
        project,
        goal="Households with lead service lines know it and can book a free replacement within a month.",
        activities="Publish the service-line inventory; door-knocking with the tenants' union; "
        "a lookup by address in English and Spanish.",
        roles="Public Works publishes data; Alder Foundation trains canvassers; the library hosts help sessions.",
        timeline="Inventory in March, canvassing April–June, review in July.",
        housed_by="Public Works open data team",
        sustained_by="Alder Foundation under its existing grant",
        constraints={
            "privacy": "No owner names; addresses only at block level in bulk downloads.",
            "legal": "Replacement eligibility follows the state programme rules.",
            "technical": "The lookup runs on the city's existing map service.",
            "security": "No resident accounts are needed to look up an address.",
            "operational": "Two staff days a month after launch.",
        },
        note="Added Spanish lookup and a booking deadline after the expert focus group",
        by=staff,
    )
    now = timezone.now()
    services.open_comment_period(
        plan, opens_at=now - dt.timedelta(days=3), closes_at=now + dt.timedelta(days=11), by=staff
    )
    focus = services.add_activity(
        project,
        step="design",
        tactic="expert_focus_groups",
        kind="focus_group",
        title="Focus group with plumbers and tenant organisers",
        participants=9,
        by=staff,
    )
    fb = services.record_plan_feedback(
        plan,
        source="focus_group",
        activity=focus,
        section="activities",
        body="Many tenants read Spanish first.",
        by=staff,
    )
    services.dispose_feedback(fb, disposition="incorporated", reason="The lookup is now bilingual.", by=staff)
    fb2 = services.record_plan_feedback(
        plan, source="focus_group", activity=focus, body="Show owners' names so tenants can contact them.", by=staff
    )
    services.dispose_feedback(
        fb2,
        disposition="not_incorporated",
        reason="Owner names are personal data; the privacy constraint rules it out.",
        by=staff,
    )
    for text, section in [
        ("Please include a phone line for people without internet.", "activities"),
        ("Will renters be able to book, or only owners?", "goal"),
        ("The timeline looks short for canvassing.", "timeline"),
        ("Thank you for doing this.", ""),
    ]:
        services.comment_on_plan(plan, body=text, section=section, by=rng.choice(residents))


def _implement(project: Project, staff: User, complete: bool) -> None:
    datasets = _datasets(2)
    poster = services.add_intervention(
        project,
        tactic="low_tech_outreach",
        title="Know your rights: eviction filings near you",
        description="Posters in laundromats and bus shelters with a QR code to the eviction filings data.",
        data_url="https://data.example.org/evictions",
        datasets=datasets,
        by=staff,
    )
    services.record_users_reached(poster, users_reached=420, by=staff)
    services.add_artefact(poster, kind="poster", title="Laundromat poster (English/Spanish)", by=staff)
    partner = services.add_intervention(
        project,
        tactic="intermediaries",
        title="Weekly filings feed for the tenants' union",
        description="The union's hotline volunteers get the new filings every Monday.",
        by=staff,
    )
    services.record_users_reached(partner, users_reached=1150 if complete else 310, by=staff)
    m1 = services.add_outcome_metric(
        project,
        name="Tenants contacted before their hearing",
        unit="%",
        baseline=Decimal(8),
        target=Decimal(35),
        by=staff,
    )
    m2 = services.add_outcome_metric(
        project, name="Default judgments", unit="per month", baseline=Decimal(120), target=Decimal(90), by=staff
    )
    services.record_outcome(m1, actual=Decimal(41) if complete else Decimal(22), by=staff)
    if complete:
        services.record_outcome(m2, actual=Decimal(96), by=staff)
        services.write_report_summary(
            project,
            summary="Posters and the union's weekly feed reached about 1,500 tenants. Contact before hearings "
            "rose from 8% to 41%; default judgments fell, though not yet to the target.",
            by=staff,
        )


def _walk_to(project: Project, staff: User, step: str, reason: str) -> Project:
    while project.current_step != step:
        project = services.advance_step(project, by=staff, override_reason=reason)
    return project


def load(rng: random.Random, stdout: Any) -> None:
    """Create the demo projects; skipped with a note when the accounts demo is absent."""
    people = _people()
    if people is None:
        stdout.write("  projects: no demo accounts found, skipped")
        return
    staff, residents = people
    city = Organization.objects.get(slug="city")
    _project_in_find(city, staff, rng, residents)
    _project_in_refine(city, staff)
    _project_in_design(city, staff, rng, residents)
    _projects_in_implement(city, staff)
    _champions(city, staff)
    stdout.write(f"  {Project.objects.count()} engagement projects, one in each step, and 4 data champions")


def _project_in_find(city: Organization, staff: User, rng: random.Random, residents: list[User]) -> None:
    """A project in Find, with a lively problem inventory."""
    p1 = services.create_project(
        organization=_org("transportation", city),
        title="Safer walking routes to school",
        summary="Parents and schools want to know where crashes happen on the way to school.",
        by=staff,
    )
    _find(p1, staff, rng, residents)
    _record(
        p1,
        "find",
        staff,
        action="Read two years of records requests and joined ward meetings",
        engagement="Listening sessions and the online problem inventory",
        collaborators="Parents, PTAs, ward councils",
        result="",
    )
    _backdate(p1, [24])


def _project_in_refine(city: Organization, staff: User) -> None:
    """A project in Refine, with stakeholders, use cases and the worksheet."""
    p2 = services.create_project(
        organization=_org("health", city),
        title="Heat relief for older residents",
        summary="Helping outreach workers reach isolated older residents before heat waves.",
        by=staff,
    )
    e = services.add_evidence(p2, kind="meeting_notes", title="Seniors council: heat wave debrief", by=staff)
    services.choose_focus_area(
        p2,
        title="Heat relief for older residents",
        tactic="public_meetings",
        rationale="Raised at every seniors council meeting last summer.",
        evidence_ids=[e.pk],
        by=staff,
    )
    _record(
        p2,
        "find",
        staff,
        action="Attended seniors council",
        engagement="Listening",
        collaborators="Older residents",
        result="Focus area: heat relief for older residents",
    )
    p2 = services.advance_step(p2, by=staff)
    _refine(p2, staff)
    _backdate(p2, [30, 18])


def _project_in_design(city: Organization, staff: User, rng: random.Random, residents: list[User]) -> None:
    """A project in Design, with a plan under public comment."""
    p3 = services.create_project(
        organization=_org("public-works", city),
        title="Finding and replacing lead service lines",
        summary="Making the lead service-line inventory useful to the households it concerns.",
        by=staff,
    )
    e = services.add_evidence(p3, kind="request_log", title="Requests about lead pipes", request_count=41, by=staff)
    services.choose_focus_area(
        p3,
        title="Lead service lines",
        rationale="Second most requested topic.",
        evidence_ids=[e.pk],
        tactic="analyze_requests",
        by=staff,
    )
    _record(
        p3,
        "find",
        staff,
        action="Analysed requests",
        engagement="Request logs",
        collaborators="Requesters",
        result="Lead service lines",
    )
    p3 = services.advance_step(p3, by=staff)
    uc = services.add_use_case(p3, title="Tenants learn whether their building has a lead line", by=staff)
    persona = services.add_persona(uc, name="Ana, tenant with two small children", by=staff)
    services.add_user_story(
        uc,
        persona=persona,
        as_a="a tenant",
        i_want="to look up my address",
        so_that="I can ask for a free replacement",
        by=staff,
    )
    services.add_data_need(uc, description="Service-line material by address", by=staff)
    _record(
        p3,
        "refine",
        staff,
        action="Interviews",
        engagement="Conversations",
        collaborators="Tenants' union",
        result="One use case with strong partner support",
    )
    p3 = services.advance_step(p3, by=staff)
    _design(p3, staff, rng, residents, uc)
    _backdate(p3, [21, 28, 9])


def _projects_in_implement(city: Organization, staff: User) -> None:
    """One project in Implement and one completed with its report, then its second iteration."""
    for title, complete in (("Eviction filings for tenant groups", False), ("Eviction filings, year one", True)):
        p = services.create_project(
            organization=_org("housing", city),
            title=title,
            summary="Getting eviction filing data to the people who can help tenants in time.",
            by=staff,
        )
        e = services.add_evidence(
            p,
            kind="valuable_partner",
            title="Tenants' union contract",
            partner_name="Alder Tenants Union",
            partnership="contract",
            by=staff,
        )
        services.choose_focus_area(
            p,
            title="Evictions",
            rationale="A funded partner asked for the data.",
            evidence_ids=[e.pk],
            tactic="valuable_partners",
            by=staff,
        )
        reason = "Demo project: earlier steps were run on paper before civicdata existed."
        p = _walk_to(p, staff, "implement", reason)
        _implement(p, staff, complete)
        _record(
            p,
            "implement",
            staff,
            action="Posters and a weekly feed",
            engagement="Working with hotline volunteers",
            collaborators="Tenants, union volunteers",
            result="Tenants hear about filings in time to respond",
        )
        if complete:
            p = services.advance_step(p, by=staff)
            _backdate(p, [20, 25, 30, 60])
            services.start_next_iteration(p, title="Eviction filings, year two", by=staff)
        else:
            _backdate(p, [14, 21, 20, 12])


def _champions(city: Organization, staff: User) -> None:
    for name, level, org_slug, channels, listed in [
        ("Olivia Coordinator", "executive", "city", ["newsletter", "in_person"], True),
        ("Dev Patel", "internal", "transportation", ["chat", "code"], True),
        ("Rosa Martínez", "external", "housing", ["social", "in_person", "newsletter"], True),
        ("Kim Lee", "internal", "health", ["chat"], False),
    ]:
        org = _org(org_slug, city)
        services.save_champion(
            organization=org,
            name=name,
            level=level,
            channels=channels,
            listed_publicly=listed,
            public_contact=f"{org_slug}@example.org" if listed else "",
            project_ids=list(Project.objects.filter(organization=org).values_list("pk", flat=True)),
            by=staff,
        )
