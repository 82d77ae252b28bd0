"""Check-in at the door, walk-ins, agenda votes, the survey, feedback and the aggregates organisers see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdata.core.errors import ActionRefused, Conflict, InvalidInput
from civicdata.events import aggregates, charts, services
from civicdata.events.models import Feedback, FeedbackSource, RegistrationStatus, TopicVote
from civicdata.events.tests.attendee_factories import make_organiser, make_user, register_guest
from civicdata.events.tests.factories import make_event

pytestmark = pytest.mark.django_db


def _past_event(**fields):
    start = timezone.now() - dt.timedelta(hours=1)
    return make_event(starts_at=start, ends_at=start + dt.timedelta(hours=3), **fields)


def test_check_in_is_one_update_and_idempotent(django_assert_max_num_queries):
    event = make_event(capacity=5)
    organiser = make_organiser(event.organization)
    person = register_guest(event)
    assert services.check_in(person, by=organiser) is True
    assert services.check_in(person, by=organiser) is False
    person.refresh_from_db()
    assert person.checked_in_at is not None


def test_only_organisers_check_in_and_partners_count():
    event = make_event()
    person = register_guest(event)
    with pytest.raises(ActionRefused):
        services.check_in(person, by=make_user())
    partner = make_event().organization
    event.partners.add(partner)
    assert services.check_in(person, by=make_organiser(partner)) is True


def test_waiting_people_cannot_be_checked_in_but_walk_ins_can_when_full():
    event = make_event(capacity=1)
    organiser = make_organiser(event.organization)
    register_guest(event)
    waiting = register_guest(event)
    with pytest.raises(Conflict):
        services.check_in(waiting, by=organiser)
    walk_in = services.register_walk_in(event, by=organiser, name="  Lê   Văn  Tám ")
    assert (walk_in.name, walk_in.walk_in, walk_in.status) == ("Lê Văn Tám", True, RegistrationStatus.REGISTERED)
    assert walk_in.checked_in_at is not None
    # The walk-in takes no seat: the waiting person is still next, and no offer appeared.
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITLISTED
    with pytest.raises(InvalidInput):
        services.register_walk_in(event, by=organiser, name="  ")


def test_one_vote_per_person_and_topic():
    event = make_event()
    alice, bob = register_guest(event), register_guest(event)
    topic = services.propose_topic(event, registration=alice, title="Eviction data")
    assert topic.vote_count == 1
    assert services.vote_for_topic(topic, registration=alice) is False
    assert services.vote_for_topic(topic, registration=bob) is True
    assert services.vote_for_topic(topic, registration=bob) is False
    topic.refresh_from_db()
    assert topic.vote_count == 2 == TopicVote.objects.filter(topic=topic).count()
    services.cancel_registration(bob)
    bob.refresh_from_db()
    with pytest.raises(ActionRefused):
        services.vote_for_topic(topic, registration=bob)
    with pytest.raises(ActionRefused):
        services.vote_for_topic(topic, registration=None)
    organiser = make_organiser(event.organization)
    with pytest.raises(ActionRefused):
        services.choose_topic(topic, by=make_user())
    assert services.choose_topic(topic, by=organiser).chosen is True


def test_survey_answers_are_cleaned_and_summarised():
    event = make_event()
    organiser = make_organiser(event.organization)
    rating = services.add_survey_question(event, by=organiser, prompt="How well do you know the data?", kind="rating")
    choice = services.add_survey_question(event, by=organiser, prompt="Track", kind="choice", choices="Maps\nBudgets")
    with pytest.raises(InvalidInput):
        services.add_survey_question(event, by=organiser, prompt="One", kind="choice", choices="Only")
    person = register_guest(event)
    services.answer_survey(event, registration=person, raw={str(rating.pk): "9", str(choice.pk): "Maps"})
    services.answer_survey(event, registration=person, raw={str(rating.pk): "4", str(choice.pk): "Nope"})
    results = dict(aggregates.survey(event))
    assert dict(results[rating].rows)["4 / 5"] == 1
    assert dict(results[choice].rows) == {"Maps": 0, "Budgets": 0}


def test_feedback_once_per_registrant_by_link_and_from_paper():
    event = _past_event()
    organiser = make_organiser(event.organization)
    person = register_guest(event)
    services.give_feedback(event, registration=person, rating="5", useful="The maps", come_again="yes")
    with pytest.raises(Conflict):
        services.give_feedback(event, registration=person, rating=4)
    with pytest.raises(ActionRefused):
        services.give_feedback(event, registration=None, rating=4)
    services.give_feedback(event, registration=None, rating=3, by_link=True)
    with pytest.raises(InvalidInput):
        services.give_feedback(event, registration=None, rating=6, by_link=True)
    with pytest.raises(ActionRefused):
        services.transcribe_card(event, by=make_user(), rating=2)
    services.transcribe_card(event, by=organiser, rating=2, improve="More chairs", come_again="no")
    summary = aggregates.feedback(event)
    assert (summary.count, summary.paper, summary.average) == (3, 1, 3.3)
    assert Feedback.objects.get(source=FeedbackSource.PAPER).entered_by == organiser
    assert dict(summary.come_again.rows) == {"Yes": 1, "No": 1}


def test_feedback_waits_for_the_event():
    event = make_event()
    with pytest.raises(ActionRefused, match="opens"):
        services.give_feedback(event, registration=register_guest(event), rating=5)


def test_no_demographic_group_under_five_is_shown():
    event = make_event()
    for _ in range(6):
        register_guest(event, demographics={"role": "journalist", "affiliation": "Alder Ledger"})
    for _ in range(2):
        register_guest(event, demographics={"role": "student", "affiliation": "Alder Ledger"})
    role, _sector, affiliation, _first = aggregates.demographics(event)
    assert role.rows == [("Journalist", 6)]
    assert role.hidden == 2
    assert affiliation.rows == [("alder ledger", 8)]
    assert all(count >= aggregates.SMALLEST_GROUP for bars in aggregates.demographics(event) for _l, count in bars.rows)


def test_fewer_than_five_answers_show_nothing():
    event = make_event()
    for _ in range(4):
        register_guest(event, demographics={"role": "journalist"})
    assert aggregates.demographics(event) == []


def test_chart_labels_are_escaped():
    svg = charts.bar_chart(aggregates.Bars("<b>t</b>", [("<script>x</script>", 3)]))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
