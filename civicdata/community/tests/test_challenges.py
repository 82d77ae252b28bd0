"""Data challenges: framing, the timeline, entries, conflicts, blind judging, weighted rubric scores
normalised per judge, one public vote per account, results, the winner becoming a project intervention,
the pages and the API."""

from __future__ import annotations

import itertools
import threading
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from civicdata.accounts.tests import factories as af
from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog.tests.factories import make_dataset
from civicdata.community import services
from civicdata.community.challenge_results import compute_results
from civicdata.community.models import (
    ChallengePhase,
    ChallengeVote,
    ImplementationStatus,
    JudgeScore,
)
from civicdata.core.errors import ActionRefused, Conflict, InvalidInput
from civicdata.projects.tests import factories as pf

pytestmark = pytest.mark.django_db

_seq = itertools.count(1)


def make_user(email: str | None = None, **extra):
    """Accounts with addresses of their own (the projects factories count person1@… too)."""
    return af.make_user(email or f"challenger{next(_seq)}@example.org", **extra)


def _challenge(*, judges=(), blind=False, public_vote=True, project=None, datasets=()):
    staff = make_user(staff=True)
    project = project or pf.make_project()
    use_case = services_refine_use_case(project)
    challenge = services.create_challenge(
        services.ChallengeFields(
            organization=project.organization,
            title="Safer routes to school",
            summary="Find where children cross busy roads.",
            use_case=use_case,
            datasets=list(datasets),
            criteria=[("Usefulness", 3), ("Use of the data", 1)],
            judges=list(judges),
            blind_judging=blind,
            public_vote=public_vote,
        ),
        by=staff,
    )
    return challenge, staff


def services_refine_use_case(project):
    from civicdata.projects import services as project_services

    staff = project.organization.memberships.first().user
    pf.complete_find(project, staff)
    project = project_services.advance_step(project, by=staff)  # use cases belong to the Refine step
    return project_services.add_use_case(project, title="Parents plan safe routes", by=staff)


def _to(challenge, staff, phase):
    while challenge.phase != phase:
        challenge = services.advance_phase(challenge, by=staff, to=services.challenges.next_phase(challenge))
    return challenge


def _enter(challenge, title, team="Team"):
    return services.submit_entry(
        challenge,
        by=make_user(),
        team_name=team,
        title=title,
        description="A map.",
        links="https://example.com/a",
        licence="MIT",
    )


def test_a_challenge_must_be_framed_and_only_staff_run_one():
    project = pf.make_project()
    with pytest.raises(ActionRefused):
        services.create_challenge(
            services.ChallengeFields(organization=project.organization, title="x", summary="y", criteria=[("a", 1)]),
            by=make_user(),
        )
    with pytest.raises(InvalidInput) as refused:
        services.create_challenge(
            services.ChallengeFields(organization=project.organization, title="x", summary="y", criteria=[("a", 1)]),
            by=make_user(staff=True),
        )
    assert refused.value.details[0]["field"] == "use_case"


def test_entries_only_while_open_one_per_account_and_judges_cannot_enter():
    judge = make_user()
    challenge, staff = _challenge(judges=[judge])
    with pytest.raises(ActionRefused):
        _enter(challenge, "Too early")
    challenge = _to(challenge, staff, ChallengePhase.OPEN)
    resident = make_user()
    fields = {"team_name": "Walkers", "title": "Route map", "description": "A map.", "licence": "CC-BY-4.0"}
    first = services.submit_entry(challenge, by=resident, **fields)
    again = services.submit_entry(challenge, by=resident, **{**fields, "title": "Better map"})
    assert first.pk == again.pk
    assert again.title == "Better map"
    with pytest.raises(InvalidInput):
        services.submit_entry(challenge, by=make_user(), **{**fields, "links": "javascript:alert(1)"})
    with pytest.raises(ActionRefused):
        services.submit_entry(challenge, by=judge, **fields)


def test_scores_are_weighted_normalised_per_judge_and_conflicts_and_closed_phases_are_refused():
    strict, generous, conflicted = make_user(), make_user(), make_user()
    challenge, staff = _challenge(judges=[strict, generous, conflicted])
    challenge = _to(challenge, staff, ChallengePhase.OPEN)
    a, b = _enter(challenge, "A"), _enter(challenge, "B")
    challenge = _to(challenge, staff, ChallengePhase.JUDGING)
    a.refresh_from_db()
    b.refresh_from_db()
    useful, data = list(challenge.criteria.all())
    # The strict judge prefers A a little; the generous one prefers B a lot, but on a squeezed scale.
    services.score_entry(a, by=strict, scores={useful.pk: 3, data.pk: 3})
    services.score_entry(b, by=strict, scores={useful.pk: 1, data.pk: 1})
    services.score_entry(a, by=generous, scores={useful.pk: 9, data.pk: 0})
    services.score_entry(b, by=generous, scores={useful.pk: 10, data.pk: 10})
    services.declare_conflict(a, by=conflicted, reason="I know the team")
    with pytest.raises(ActionRefused):
        services.score_entry(a, by=conflicted, scores={useful.pk: 10, data.pk: 10})
    with pytest.raises(InvalidInput):
        services.score_entry(b, by=conflicted, scores={useful.pk: 11, data.pk: 1})
    with pytest.raises(ActionRefused):
        services.score_entry(a, by=make_user(), scores={useful.pk: 1, data.pk: 1})

    results = {r.entry.title: r for r in compute_results(challenge)}
    # weighted totals: strict A 3, B 1; generous A (27+0)/4=6.75, B 10
    assert results["A"].weighted_total == pytest.approx((3 + 6.75) / 2, abs=0.01)
    assert results["B"].weighted_total == pytest.approx((1 + 10) / 2, abs=0.01)
    assert results["A"].criteria[0][1] == pytest.approx(6.0)  # mean usefulness of A
    # each judge's z-scores are ±1, so both entries even out at 0 and the raw total breaks the tie
    assert results["A"].normalised == pytest.approx(0.0)
    assert results["B"].normalised == pytest.approx(0.0)
    assert [r.entry.title for r in compute_results(challenge)] == ["B", "A"]

    challenge = _to(challenge, staff, ChallengePhase.VOTING)
    with pytest.raises(ActionRefused):
        services.score_entry(b, by=strict, scores={useful.pk: 10, data.pk: 10})
    assert JudgeScore.objects.filter(judge__user=strict, entry=b, value=1).count() == 2


def test_one_vote_per_account_and_never_for_ones_own_entry():
    challenge, staff = _challenge(judges=[make_user()])
    challenge = _to(challenge, staff, ChallengePhase.OPEN)
    a = _enter(challenge, "A")
    b = _enter(challenge, "B")
    voter = make_user()
    with pytest.raises(ActionRefused):
        services.cast_vote(challenge, a, by=voter)  # not the vote yet
    challenge = _to(challenge, staff, ChallengePhase.VOTING)
    services.cast_vote(challenge, a, by=voter)
    with pytest.raises(Conflict):
        services.cast_vote(challenge, b, by=voter)
    with pytest.raises(ActionRefused):
        services.cast_vote(challenge, a, by=a.submitter)
    assert ChallengeVote.objects.filter(challenge=challenge).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_votes_at_once_count_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the unique constraint is proven by the test above")
    challenge, staff = _challenge(judges=[make_user()])
    challenge = _to(challenge, staff, ChallengePhase.OPEN)
    a = _enter(challenge, "A")
    challenge = _to(challenge, staff, ChallengePhase.VOTING)
    voter = make_user()
    outcomes = []

    def vote():
        try:
            services.cast_vote(challenge, a, by=voter)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert ChallengeVote.objects.filter(voter=voter).count() == 1


def test_the_winner_becomes_an_intervention_when_the_project_is_at_implement():
    org = pf.make_org()
    editor = pf.make_staff(org)
    project = pf.make_project(org, editor)
    pf.complete_find(project, editor)
    from civicdata.projects import services as project_services

    project = project_services.advance_step(project, by=editor)
    use_case = pf.complete_refine(project, editor)
    project = project_services.advance_step(project, by=editor)
    pf.complete_design(project, editor, use_case)
    project = project_services.advance_step(project, by=editor)
    judge = make_user()
    staff = make_user(staff=True)
    challenge = services.create_challenge(
        services.ChallengeFields(
            organization=org, title="Routes", summary="s", use_case=use_case, criteria=[("c", 1)], judges=[judge]
        ),
        by=staff,
    )
    challenge = _to(challenge, staff, ChallengePhase.OPEN)
    entry = _enter(challenge, "Route map", team="Walkers")
    challenge = _to(challenge, staff, ChallengePhase.JUDGING)
    services.score_entry(entry, by=judge, scores={challenge.criteria.get().pk: 8})
    challenge = _to(challenge, staff, ChallengePhase.RESULTS)
    with pytest.raises(ActionRefused):
        services.advance_phase(challenge, by=staff, to=ChallengePhase.IMPLEMENTATION)  # no winner yet
    challenge = services.choose_winner(challenge, entry, by=staff)
    challenge = services.make_intervention(challenge, by=staff)
    assert challenge.intervention.tactic == "data_challenge"
    assert challenge.intervention.project_id == project.pk
    assert challenge.implementation_status == ImplementationStatus.IN_PROGRESS
    challenge = _to(challenge, staff, ChallengePhase.IMPLEMENTATION)
    challenge = services.record_implementation(challenge, by=staff, status="done", note="Maps in every school.")
    assert challenge.implementation_status == ImplementationStatus.DONE


def _judged_challenge(*, blind=False):
    judge = make_user()
    challenge, staff = _challenge(judges=[judge], blind=blind)
    challenge = _to(challenge, staff, ChallengePhase.OPEN)
    entry = _enter(challenge, "Route map", team="The Walkers")
    challenge = _to(challenge, staff, ChallengePhase.JUDGING)
    return challenge, staff, judge, entry


def test_blind_judging_hides_team_names_from_judges_and_the_public_until_results(client):
    challenge, staff, judge, entry = _judged_challenge(blind=True)
    client.force_login(judge)
    page = client.get(reverse("community:challenge_judging", args=[challenge.slug])).content.decode()
    assert "Route map" in page
    assert "The Walkers" not in page
    useful, data = list(challenge.criteria.all())
    response = client.post(
        reverse("community:challenge_score", args=[challenge.slug, entry.pk]),
        {f"criterion-{useful.pk}": "7", f"criterion-{data.pk}": "5"},
    )
    assert response.status_code == 302
    assert JudgeScore.objects.filter(entry=entry).count() == 2
    challenge = _to(challenge, staff, ChallengePhase.VOTING)
    public = Client().get(challenge.get_absolute_url()).content.decode()
    assert "Route map" in public
    assert "The Walkers" not in public
    api = Client().get(f"/api/challenges/{challenge.slug}").json()
    assert api["entries"][0]["team"] is None
    challenge = _to(challenge, staff, ChallengePhase.RESULTS)
    assert "The Walkers" in Client().get(challenge.get_absolute_url()).content.decode()


def test_staff_create_a_challenge_through_the_page_and_bad_input_keeps_what_was_typed(client):
    project = pf.make_project()
    use_case = services_refine_use_case(project)
    dataset = make_dataset(make_organization())
    judge = make_user("judge@example.org")
    client.force_login(make_user(staff=True))
    data = {
        "title": "Cleaner parks",
        "summary": "Where is litter worst?",
        "organization": project.organization.pk,
        "use_case": use_case.pk,
        "datasets": dataset.name,
        "criteria": "Impact | 3\nNo weight here | x",
        "judges": "judge@example.org",
        "public_vote": "on",
    }
    bad = client.post(reverse("community:challenge_new"), data)
    assert bad.status_code == 400
    assert "Cleaner parks" in bad.content.decode()
    assert "a weight from 1 to 100" in bad.content.decode()
    data["criteria"] = "Impact | 3\nCost | 1"
    response = client.post(reverse("community:challenge_new"), data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Cleaner parks" in page
    assert dataset.title in page
    assert "Impact" in page
    assert Client().get(reverse("community:challenge_new")).status_code in (302, 401, 403)
    resident = Client()
    resident.force_login(make_user())
    assert resident.get(reverse("community:challenge_new")).status_code == 403
    from civicdata.community.models import Challenge

    assert list(Challenge.objects.get(title="Cleaner parks").judges.values_list("user", flat=True)) == [judge.pk]


def test_api_lists_challenges_takes_entries_and_votes_and_hides_judges(client):
    judge = make_user()
    challenge, staff = _challenge(judges=[judge])
    challenge = _to(challenge, staff, ChallengePhase.OPEN)
    listing = client.get("/api/challenges/").json()
    assert [c["slug"] for c in listing] == [challenge.slug]
    assert client.get(f"/api/challenges/{challenge.slug}").json()["entries"] is None
    payload = {"team_name": "Walkers", "title": "Route map", "description": "A map.", "licence": "MIT"}
    assert (
        client.post(f"/api/challenges/{challenge.slug}/entries", payload, content_type="application/json").status_code
        == 401
    )
    api = Client()
    api.force_login(make_user())
    created = api.post(f"/api/challenges/{challenge.slug}/entries", payload, content_type="application/json")
    assert created.status_code == 201
    entry_id = created.json()["id"]
    other = _enter(challenge, "Other")
    challenge = _to(challenge, staff, ChallengePhase.JUDGING)
    criteria = list(challenge.criteria.all())
    from civicdata.community.models import ChallengeEntry

    services.score_entry(ChallengeEntry.objects.get(pk=entry_id), by=judge, scores={c.pk: 8 for c in criteria})
    services.score_entry(other, by=judge, scores={c.pk: 2 for c in criteria})
    assert client.get(f"/api/challenges/{challenge.slug}/results").status_code == 404
    challenge = _to(challenge, staff, ChallengePhase.VOTING)
    voter = Client()
    voter.force_login(make_user())
    assert (
        voter.post(
            f"/api/challenges/{challenge.slug}/votes", {"entry": entry_id}, content_type="application/json"
        ).status_code
        == 201
    )
    assert (
        voter.post(
            f"/api/challenges/{challenge.slug}/votes", {"entry": other.pk}, content_type="application/json"
        ).status_code
        == 409
    )
    challenge = _to(challenge, staff, ChallengePhase.RESULTS)
    results = client.get(f"/api/challenges/{challenge.slug}/results").json()
    assert [r["entry"] for r in results] == [entry_id, other.pk]
    assert results[0]["votes"] == 1
    assert results[0]["judge_totals"] is None
    assert results[0]["criteria"] == {"Usefulness": 8.0, "Use of the data": 8.0}
    body = client.get(f"/api/challenges/{challenge.slug}/results").content.decode()
    assert judge.email not in body
    csv = b"".join(client.get(reverse("community:challenge_results_csv", args=[challenge.slug])).streaming_content)
    assert b"Route map" in csv
    assert judge.email.encode() not in csv


def test_the_demo_loads_a_finished_challenge_being_implemented_and_an_open_one():
    from civicdata.community import demo
    from civicdata.community.models import Challenge
    from civicdata.projects import services as project_services

    for email in ("resident@example.org", "resident02@example.org", "hacker@example.org", "journalist@example.org"):
        af.make_user(email)
    af.make_user("staff@example.org", staff=True)
    org = pf.make_org()
    editor = pf.make_staff(org)
    project = pf.make_project(org, editor)
    pf.complete_find(project, editor)
    project = project_services.advance_step(project, by=editor)
    use_case = pf.complete_refine(project, editor)
    project = project_services.advance_step(project, by=editor)
    pf.complete_design(project, editor, use_case)
    project_services.advance_step(project, by=editor)
    inventory = pf.make_project(org, editor, title="Cleaner parks")
    project_services.post_problem(inventory, title="Litter after weekends", by=af.make_user("parks@example.org"))

    lines = []
    demo._load_challenges(SimpleNamespace(write=lines.append))
    finished = Challenge.objects.get(phase=ChallengePhase.IMPLEMENTATION)
    assert finished.winner.title == "Neighbourhood alert map"
    assert finished.intervention is not None
    assert finished.implementation_status == ImplementationStatus.IN_PROGRESS
    assert Challenge.objects.get(phase=ChallengePhase.OPEN).entries.count() == 1
    demo._load_challenges(SimpleNamespace(write=lines.append))  # loading twice adds nothing
    assert Challenge.objects.count() == 2


def test_challenge_fields_are_frozen_and_editing_through_the_page_updates_the_challenge(client):
    import dataclasses

    from civicdata.community.models import Challenge

    fields = services.ChallengeFields(organization=None, title="t", summary="s", criteria=[("a", 1)], judges=[])
    assert fields.criteria == (("a", 1),)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fields.title = "changed"  # type: ignore[misc]
    dataset = make_dataset(make_organization())
    challenge, staff = _challenge()
    client.force_login(staff)
    data = {
        "title": "Safer routes, second round",
        "summary": "Now with crossings.",
        "organization": challenge.organization_id,
        "use_case": challenge.use_case_id,
        "datasets": dataset.name,
        "criteria": "Usefulness | 3\nUse of the data | 1",
        "judges": "",
    }
    response = client.post(reverse("community:challenge_edit", kwargs={"slug": challenge.slug}), data)
    assert response.status_code == 302
    challenge = Challenge.objects.get(pk=challenge.pk)
    assert challenge.title == "Safer routes, second round"
    assert list(challenge.datasets.values_list("name", flat=True)) == [dataset.name]
    assert challenge.public_vote is False  # an unticked box is saved as such
    judge = make_user()
    challenge = services.update_challenge(
        challenge,
        dataclasses.replace(
            services.ChallengeFields(
                organization=challenge.organization,
                title=challenge.title,
                summary=challenge.summary,
                use_case=challenge.use_case,
                criteria=[("Usefulness", 3), ("Use of the data", 1)],
            ),
            judges=[judge],
        ),
        by=staff,
    )
    challenge = _to(challenge, staff, ChallengePhase.OPEN)
    _enter(challenge, "Crossing map")
    challenge = _to(challenge, staff, ChallengePhase.JUDGING)
    locked = services.ChallengeFields(
        organization=challenge.organization,
        title=challenge.title,
        summary=challenge.summary,
        use_case=challenge.use_case,
        criteria=[("Only this", 1)],
    )
    with pytest.raises(InvalidInput) as refused:
        services.update_challenge(challenge, locked, by=staff)
    assert refused.value.code == "rubric_locked"


def test_every_challenge_downloads_as_csv_without_naming_anyone_taking_part(client):
    from civicdata.community.models import Challenge

    dataset = make_dataset(make_organization())
    judge = make_user("judge.private@example.org")
    challenge, staff = _challenge(judges=[judge], datasets=[dataset])
    formula = services.create_challenge(
        services.ChallengeFields(
            organization=challenge.organization,
            title="=HYPERLINK(evil) challenge",
            summary="@SUM(1+1)",
            use_case=challenge.use_case,
            criteria=[("c", 1)],
        ),
        by=staff,
    )
    challenge = _to(challenge, staff, ChallengePhase.OPEN)
    services.submit_entry(
        challenge,
        by=make_user("entrant.private@example.org"),
        team_name="The Private Family",
        title="Route map",
        description="A map.",
        licence="MIT",
    )
    listing = client.get(reverse("community:challenges")).content.decode()
    assert reverse("community:challenge_csv") in listing
    response = client.get(reverse("community:challenge_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.splitlines()
    assert lines[0].startswith("slug,title,summary,organization,phase,project,")
    assert len(lines) == 1 + Challenge.objects.count()
    row = next(line for line in lines if line.startswith(challenge.slug + ","))
    assert dataset.name in row
    assert "Usefulness | 3; Use of the data | 1" in row
    assert ",open," in row
    assert ",1,0,," in row  # one entry, no vote, no winner yet
    assert "'=HYPERLINK(evil) challenge,'@SUM(1+1)" in body
    assert formula.slug in body
    for private in ("judge.private", "entrant.private", "The Private Family", "Route map"):
        assert private not in body


def test_api_list_counts_entries_without_a_query_per_challenge(client, django_assert_num_queries):
    """The list's entry counts come with the challenges: adding challenges adds no query."""
    first, staff = _challenge()
    first = _to(first, staff, ChallengePhase.OPEN)
    _enter(first, "Walkers")
    _enter(first, "Riders")
    client.get("/api/challenges/")  # warm per-process memos (content types, settings)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        listing = client.get("/api/challenges/").json()
    assert [c["entry_count"] for c in listing] == [2]
    for _ in range(3):
        _challenge()
    with django_assert_num_queries(len(one)):
        listing = client.get("/api/challenges/").json()
    assert sorted(c["entry_count"] for c in listing) == [0, 0, 0, 2]
