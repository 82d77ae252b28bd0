"""Demo community content (see `civicdata demo`): filled in as the community services land."""

from __future__ import annotations

import random
from typing import Any


def load(rng: random.Random, out: Any) -> None:
    """Load the demo stories, reuses, news, quality reports and discussions."""
    _load_quality_and_discussions(rng, out)
    _load_stories_reuses_news(rng, out)
    _load_challenges(out)


# --- quality reports and discussions (helper f) --------------------------------------------------

QUALITY_DEMO = [
    # (category, description, final state, answer)
    ("broken_link", "The CSV download answers “404 Not Found”.", "fixed", "The file moved; the link is corrected."),
    ("out_of_date", "The last rows are from last spring although the page says monthly.", "confirmed", ""),
    ("wrong_values", "Several totals are exactly twice the sum of their rows.", "received", ""),
    (
        "missing_values",
        "The ward column is empty for most rows after 2022.",
        "wont_fix",
        "Ward boundaries changed in 2022; the new column “district” replaces it.",
    ),
    ("format", "Dates switch from YYYY-MM-DD to MM/DD/YYYY halfway through.", "duplicate", ""),
]
DISCUSSION_DEMO = [
    (
        "Does this include private contractors?",
        "I am comparing with last year's report and the totals differ.",
        "Only city crews are included; contractor work is in the procurement data.",
        True,
    ),
    (
        "How often is the location field geocoded?",
        "Some points look like they sit on the city hall.",
        "Addresses that cannot be matched are placed at the department's office; we are adding a flag for them.",
        False,
    ),
]


def _load_quality_and_discussions(rng: random.Random, out: Any) -> None:
    """Quality reports in every state (one privacy concern handled) and discussions with official answers,
    on published demo datasets. Idempotent: does nothing when reports already exist."""
    from civicdata.accounts.models import Role, User
    from civicdata.catalog.models import Dataset
    from civicdata.community import services
    from civicdata.community.models import QualityReport

    if QualityReport.objects.exists():
        out.write("community: demo quality reports already present, skipped")
        return
    datasets = list(Dataset.objects.filter(is_published=True, withdrawn_at__isnull=True).order_by("pk")[:40])
    residents = list(User.objects.filter(email__startswith="resident").order_by("email")[:20])
    if not datasets or not residents:
        out.write("community: no published datasets or residents, skipped")
        return

    def steward(dataset: Any, *, minimum: str = Role.EDITOR) -> Any:
        from civicdata.community.services._notify import organization_people

        people = organization_people(dataset.publisher, minimum=minimum)
        return people[0] if people else User.objects.filter(is_staff=True).order_by("pk").first()

    made = 0
    first_by_dataset: dict[int, Any] = {}
    for index, (category, description, state, answer) in enumerate(QUALITY_DEMO):
        dataset = datasets[index % len(datasets)]
        if state == "duplicate":
            dataset = datasets[0]
        report = services.report_problem(
            dataset, by=residents[index % len(residents)], category=category, description=description
        )
        first_by_dataset.setdefault(dataset.pk, report)
        made += 1
        by = steward(dataset)
        if state in ("confirmed", "fixed"):
            services.confirm_report(report, by=by, note="Thank you, we are looking into it.")
        if state in ("fixed", "wont_fix"):
            services.close_report(report, by=by, outcome=state, note=answer)
        if state == "duplicate":
            original = first_by_dataset[dataset.pk]
            services.close_report(report, by=by, outcome="duplicate", duplicate_of=original)
    # A privacy concern, handled: confirmed by an administrator and fixed by masking the column.
    dataset = datasets[min(5, len(datasets) - 1)]
    concern = services.report_problem(
        dataset,
        by=residents[-1],
        category="privacy",
        description="The notes column shows people's home addresses.",
        column="notes",
    )
    admin = steward(dataset, minimum=Role.ADMIN)
    services.confirm_report(concern, by=admin, note="We are reviewing the column now.")
    services.close_report(
        concern, by=admin, outcome="fixed", note="The addresses are masked in every download and in the Data API."
    )
    made += 1
    for index, (title, body, answer, official) in enumerate(DISCUSSION_DEMO):
        dataset = datasets[(index * 3) % len(datasets)]
        discussion = services.start_discussion(dataset, by=residents[index + 2], title=title, body=body)
        services.reply(discussion, by=steward(dataset), body=answer, as_publisher=official)
        if official:
            services.set_discussion_status(discussion, by=residents[index + 2], status="resolved")
    out.write(f"community: {made} quality reports, {len(DISCUSSION_DEMO)} discussions")
    _load_stories_reuses_news(rng, out)


def _person(email: str) -> Any:
    from civicdata.accounts.models import User

    return User.objects.filter(email=email).first()


def _demo_tables() -> dict[str, Any]:
    """The datastore demo's published tables, by dataset identifier (empty when it did not load)."""
    from civicdata.datastore.models import DataTable, TableStatus

    tables = DataTable.objects.select_related("dataset").filter(
        dataset__identifier__in=["demo-crime-incidents-2021", "demo-building-permits"], status=TableStatus.PUBLISHED
    )
    return {table.dataset.identifier: table for table in tables}


def _load_stories_reuses_news(rng: random.Random, out: Any) -> None:
    """Stories with live embeds (published, waiting for review, a draft), reuses in every moderation
    state, and release announcements (published and draft)."""
    from civicdata.community import services
    from civicdata.community.models import Story
    from civicdata.datastore.models import Chart

    if Story.objects.filter(slug="where-incidents-were-reported-in-2021").exists():
        return
    staff, journalist, hacker = (
        _person("staff@example.org"),
        _person("journalist@example.org"),
        _person("hacker@example.org"),
    )
    resident, resident2 = _person("resident@example.org"), _person("resident02@example.org")
    if not all((staff, journalist, hacker, resident, resident2)):
        out.write("  community: demo people missing, stories and reuses skipped")
        return
    tables = _demo_tables()
    crime, permits = tables.get("demo-crime-incidents-2021"), tables.get("demo-building-permits")
    if crime is None or permits is None:
        out.write("  community: demo tables missing, stories and reuses skipped")
        return
    by_district = Chart.objects.filter(table=crime, title="Incidents by district").first()
    chart_line = f"/data/{crime.dataset.name}/{crime.name}/chart/{by_district.pk}.svg" if by_district else ""
    story = services.create_story(
        author=journalist,
        title="Where incidents were reported in 2021",
        summary="Two districts account for a large share of the reports; the chart updates with the data.",
        body=(
            "Police incident reports are public. Counting them by district shows where officers were called most.\n\n"
            f"```embed\n{chart_line}\n```\n\n"
            "## The latest shootings in the sample\n\n"
            f"```embed\n/api/data/{crime.dataset.name}/{crime.name}?shooting=1&sort=-occurred_on_date&limit=5\n```\n\n"
            "These rows are read from the Data API each time this page opens, so a corrected record shows here too.\n"
        ),
        datasets=[crime.dataset],
        submit=True,
    )
    services.publish_story(story, by=staff)
    permits_story = services.create_story(
        author=staff,
        title="What Nashville builds",
        summary="Building permits by type, drawn from the live permit table.",
        body=(
            "Most permits are for homes. The chart below counts permits by type.\n\n"
            f"```embed\n/data/{permits.dataset.name}/{permits.name}/chart.svg?chart_type=bar"
            "&x=permit_type_description&title=Permits+by+type\n```\n"
        ),
        datasets=[permits.dataset],
        submit=True,
    )
    pending = services.create_story(
        author=resident,
        title="Incidents near my street",
        summary="A resident's look at one district (waiting for review).",
        body=(
            "I looked at district B2.\n\n"
            f"```embed\n/api/data/{crime.dataset.name}/{crime.name}?district=B2&limit=10\n```\n"
        ),
        datasets=[crime.dataset],
        submit=True,
    )
    services.create_story(
        author=resident2, title="A draft about permits", body="Notes for later.", datasets=[permits.dataset]
    )

    app = services.create_reuse(
        submitter=hacker,
        title="Port Alder Safety Map",
        kind="application",
        description="A phone-friendly map of reported incidents, built by Code for Port Alder on the Data API.",
        url="https://codeforportalder.example.org/safety-map",
        datasets=[crime.dataset],
        submit=True,
    )
    services.publish_reuse(app, by=staff)
    services.set_featured(app, by=staff, featured=True)
    article = services.create_reuse(
        submitter=journalist,
        title="Permits surge in the east end",
        kind="article",
        description="A news article on where new housing is being permitted.",
        url="https://alderledger.example.org/permits-surge",
        datasets=[permits.dataset],
        submit=True,
    )
    services.publish_reuse(article, by=staff)
    services.create_reuse(
        submitter=resident,
        title="Incident counts notebook",
        kind="research",
        description="A notebook that counts incidents per week (waiting for review).",
        url="https://notebooks.example.org/incidents",
        datasets=[crime.dataset],
        submit=True,
    )
    declined = services.create_reuse(
        submitter=resident2,
        title="Crime data mirror",
        kind="other",
        description="A copy of the table.",
        url="https://mirror.example.net/crime",
        datasets=[crime.dataset],
        submit=True,
    )
    services.decline_reuse(
        declined, by=staff, reason="A copy of the data is not a reuse; link to what you built with it."
    )
    services.create_reuse(
        submitter=hacker,
        title="Python client for the Data API",
        kind="api_client",
        description="Draft: a small library wrapping the Data API.",
        url="https://pypi.example.org/project/portalder-data",
    )

    services.create_announcement(
        by=staff,
        title="Crime incident reports for 2021 are in the Data API",
        body=(
            f"[[{crime.dataset.key}]] can now be filtered, charted and downloaded in the Data API. "
            f"Building permits are there too: [[{permits.dataset.key}]].\n"
        ),
        publish=True,
    )
    services.create_announcement(
        by=staff, title="Coming soon: 2022 incident reports", body=f"An update of [[{crime.dataset.key}]] is planned."
    )
    out.write(
        f"  community: 3 stories with live embeds ({pending.get_state_display().lower()} included, "
        f"{permits_story.slug}), 5 reuses in every state, 2 announcements"
    )


# --- data challenges (helper d) ---------------------------------------------------------------------


def _load_challenges(out: Any) -> None:
    """A finished challenge (judged, voted, winner being implemented as a project intervention) and an
    open one taking entries, framed by the projects demo's use case and problem inventory."""
    from civicdata.community import services
    from civicdata.community.models import Challenge, ChallengePhase
    from civicdata.core.errors import ActionRefused, Conflict, InvalidInput
    from civicdata.projects.models import Problem, UseCase

    if Challenge.objects.exists():
        return
    staff, journalist = _person("staff@example.org"), _person("journalist@example.org")
    hacker, resident, resident2 = (
        _person("hacker@example.org"),
        _person("resident@example.org"),
        _person("resident02@example.org"),
    )
    use_case = UseCase.objects.select_related("project").filter(project__current_step="implement").first()
    problem = Problem.objects.select_related("project").filter(status="visible").order_by("-vote_count").first()
    if not all((staff, journalist, hacker, resident, resident2)) or use_case is None or problem is None:
        out.write("  community: demo people or projects missing, challenges skipped")
        return
    datasets = [t.dataset for t in _demo_tables().values()]
    rubric = [("Usefulness to residents", 3), ("Use of the data", 2), ("Feasibility", 1)]

    done = services.create_challenge(
        services.ChallengeFields(
            organization=use_case.project.organization,
            title=f"Data challenge: {use_case.title}"[:200],
            summary="Build something that helps with this use case, using the city's open data.",
            use_case=use_case,
            datasets=datasets,
            criteria=rubric,
            judges=[staff, journalist],
            blind_judging=True,
        ),
        by=staff,
    )
    done = services.advance_phase(done, by=staff, to=ChallengePhase.OPEN)
    entries = [
        services.submit_entry(
            done,
            by=person,
            team_name=team,
            title=title,
            description=text,
            links=link,
            licence="MIT",
        )
        for person, team, title, text, link in (
            (
                hacker,
                "Code for the City",
                "Neighbourhood alert map",
                "A map with alerts by text message.",
                "https://example.org/alerts",
            ),
            (resident, "Block captains", "Printed weekly sheet", "A one-page sheet for the laundromats.", ""),
        )
    ]
    done = services.advance_phase(done, by=staff, to=ChallengePhase.JUDGING)
    criteria = list(done.criteria.all())
    for judge, marks in ((staff, (9, 5)), (journalist, (7, 6))):
        for entry, mark in zip(entries, marks, strict=True):
            services.score_entry(entry, by=judge, scores={c.pk: mark for c in criteria})
    done = services.advance_phase(done, by=staff, to=ChallengePhase.VOTING)
    services.cast_vote(done, entries[0], by=resident2)
    services.cast_vote(done, entries[1], by=hacker)
    done = services.advance_phase(done, by=staff, to=ChallengePhase.RESULTS)
    done = services.choose_winner(done, entries[0], by=staff)
    try:
        done = services.make_intervention(done, by=staff)
    except (ActionRefused, Conflict, InvalidInput) as exc:
        out.write(f"  community: the winning entry is not an intervention ({exc})")
    done = services.advance_phase(done, by=staff, to=ChallengePhase.IMPLEMENTATION)
    services.record_implementation(
        done, by=staff, status="in_progress", note="The map is being tested with two neighbourhood groups."
    )

    open_challenge = services.create_challenge(
        services.ChallengeFields(
            organization=problem.project.organization,
            title=f"Data challenge: {problem.title}"[:200],
            summary="Residents raised this problem. Show us how the data could help solve it.",
            problem=problem,
            datasets=datasets,
            criteria=rubric,
            judges=[journalist],
        ),
        by=staff,
    )
    open_challenge = services.advance_phase(open_challenge, by=staff, to=ChallengePhase.OPEN)
    services.submit_entry(
        open_challenge,
        by=hacker,
        team_name="Code for the City",
        title="Crossing risk map",
        description="Crash records near each school crossing.",
        licence="CC-BY-4.0",
    )
    out.write("  community: 2 data challenges (one finished and being implemented, one open)")
