"""Staff confirm or reject the datasets suggested for a demand topic, and the decision survives every
recomputation of the topics (same or overlapping term signature)."""

import pytest
from django.test import Client
from django.urls import reverse

from civicdata.accounts.tests.factories import make_member
from civicdata.catalog.models import Dataset
from civicdata.core.errors import ActionRefused, Conflict, InvalidInput
from civicdata.core.models import AuditEntry
from civicdata.demand import matching, services
from civicdata.demand.models import MatchDecision, MatchVerdict
from civicdata.demand.services.matches import find_decision
from civicdata.demand.tests.factories import make_public_dataset, make_user

pytestmark = pytest.mark.django_db

LOG = "Subject,Date\n" + "".join(
    f"{text},2021-0{month}-1{day}\n"
    for month in range(1, 4)
    for day in range(3)
    for text in (
        "Restaurant inspection reports",
        "Restaurant health inspection scores",
        "Tree planting data",
        "Street tree inventory",
        "Bike lane counts",
        "Bicycle lane usage counts",
    )
)


def _setup():
    """Demand with a restaurant-inspection topic and one public dataset that answers it."""
    staff = make_user(staff=True)
    services.import_log_file(by=staff, kind="foia", source="Clerk", filename="log.csv", data=LOG.encode())
    dataset = make_public_dataset(
        "Restaurant health inspection results",
        description="Restaurant inspection scores and reports, one row per visit.",
    )
    services.compute_topics()
    return staff, dataset


def _restaurant_topic():
    from civicdata.demand import analytics

    return next(t for t in analytics.latest_snapshot().topics.all() if "restaurant" in t.label)


def _ids(entries):
    return [entry["id"] for entry in entries]


def test_rejected_match_stays_out_after_recompute():
    """A rejected dataset no longer counts, is listed as rejected with who decided, and a recompute
    neither counts it nor suggests it again."""
    staff, dataset = _setup()
    topic = _restaurant_topic()
    assert _ids(topic.matching_datasets) == [dataset.pk]
    assert not topic.is_unmet

    services.reject_match(by=staff, topic=topic, dataset_id=dataset.pk, note="Scores, not reports")
    topic.refresh_from_db()
    assert topic.is_unmet
    assert _ids(topic.rejected_datasets) == [dataset.pk]
    assert topic.rejected_datasets[0]["decided_by"] == str(staff)
    assert AuditEntry.objects.filter(action="demand.reject_match", actor=staff).count() == 1

    services.compute_topics()
    again = _restaurant_topic()
    assert again.pk != topic.pk
    assert dataset.pk not in _ids(again.matching_datasets)
    assert again.is_unmet
    assert _ids(again.rejected_datasets) == [dataset.pk]
    assert again.rejected_datasets[0]["decision"] == MatchVerdict.REJECTED


def test_confirmed_match_stays_met_below_threshold():
    """After the dataset's text changes so that it no longer scores, a confirmed match still counts."""
    staff, dataset = _setup()
    topic = _restaurant_topic()
    services.confirm_match(by=staff, topic=topic, dataset_id=dataset.pk)
    topic.refresh_from_db()
    assert topic.matching_datasets[0]["decision"] == MatchVerdict.CONFIRMED

    Dataset.objects.filter(pk=dataset.pk).update(title="Food safety visits", description="One row per visit.")
    services.compute_topics()
    again = _restaurant_topic()
    entry = next(e for e in again.matching_datasets if e["id"] == dataset.pk)
    assert entry["score"] < matching.MATCH_THRESHOLD
    assert entry["decision"] == MatchVerdict.CONFIRMED
    assert not again.is_unmet

    # Without the decision the same dataset would not count.
    MatchDecision.objects.all().delete()
    services.compute_topics()
    assert _restaurant_topic().is_unmet


def test_decision_is_inherited_by_an_overlapping_signature_only():
    """A decision made on a topic whose terms overlap the new topic's enough applies; one whose terms
    barely overlap does not."""
    staff, dataset = _setup()
    terms = _restaurant_topic().top_terms
    signature = matching.signature(terms)
    parts = signature.split("|")
    assert len(parts) >= 6
    close = "|".join(sorted([*parts[1:], "menu"]))  # one term of eight replaced
    far = "|".join(sorted([*parts[:2], "menu", "kitchen", "permit", "license", "grease", "trap"]))
    assert matching.jaccard(signature, close) >= matching.INHERIT_JACCARD > matching.jaccard(signature, far)

    MatchDecision.objects.create(dataset=dataset, signature=far, verdict=MatchVerdict.REJECTED, decided_by=staff)
    services.compute_topics()
    assert _ids(_restaurant_topic().matching_datasets) == [dataset.pk]

    MatchDecision.objects.create(dataset=dataset, signature=close, verdict=MatchVerdict.REJECTED, decided_by=staff)
    services.compute_topics()
    topic = _restaurant_topic()
    assert topic.is_unmet
    assert _ids(topic.rejected_datasets) == [dataset.pk]


def test_find_decision_prefers_the_closest_signature():
    """Of several decisions the one on the most similar signature wins; none below the cut."""
    a = MatchDecision(signature="a|b|c|d", verdict=MatchVerdict.CONFIRMED)
    b = MatchDecision(signature="a|b|c|e", verdict=MatchVerdict.REJECTED)
    assert find_decision("a|b|c|d", [b, a]) is a
    assert find_decision("a|b|c|e", [a, b]) is b
    assert find_decision("x|y|z", [a, b]) is None


def test_who_may_decide():
    """Residents and editors of another publisher are refused; editors of the dataset's publisher may."""
    _staff, dataset = _setup()
    topic = _restaurant_topic()
    with pytest.raises(ActionRefused):
        services.reject_match(by=make_user(), topic=topic, dataset_id=dataset.pk)
    other = make_member(make_public_dataset("Unrelated").publisher)
    with pytest.raises(ActionRefused):
        services.reject_match(by=other, topic=topic, dataset_id=dataset.pk)
    editor = make_member(dataset.publisher)
    services.reject_match(by=editor, topic=topic, dataset_id=dataset.pk)
    assert MatchDecision.objects.get().decided_by == editor


def test_stale_topic_and_unsuggested_dataset_are_refused():
    """Deciding on a topic of an older analysis, or on a dataset the topic does not list, is refused."""
    staff, dataset = _setup()
    topic = _restaurant_topic()
    unrelated = make_public_dataset("Bus stop benches")
    with pytest.raises(InvalidInput):
        services.confirm_match(by=staff, topic=topic, dataset_id=unrelated.pk)
    services.compute_topics()
    with pytest.raises(Conflict):
        services.confirm_match(by=staff, topic=topic, dataset_id=dataset.pk)
    assert not MatchDecision.objects.exists()


def test_page_buttons_post_and_show_the_decision():
    """Staff see Confirm/Reject buttons, a POST records the decision and the page says who made it;
    residents get no buttons and are refused; anonymous people are sent to sign in."""
    staff, dataset = _setup()
    topic = _restaurant_topic()
    url = reverse("demand:analytics_match", args=[topic.pk, dataset.pk])

    resident = Client()
    resident.force_login(make_user())
    assert url.encode() not in resident.get(reverse("demand:analytics")).content
    assert resident.post(url, {"decision": "reject"}).status_code == 403
    assert Client().post(url, {"decision": "reject"}).status_code == 302
    assert not MatchDecision.objects.exists()

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    page = client.get(reverse("demand:analytics"))
    assert url.encode() in page.content
    assert client.post(url, {"decision": "confirm"}).status_code == 403  # no CSRF token
    token = page.cookies["csrftoken"].value
    response = client.post(url, {"decision": "confirm", "csrfmiddlewaretoken": token}, follow=True)
    assert response.status_code == 200
    assert MatchDecision.objects.get().verdict == MatchVerdict.CONFIRMED
    body = response.content.decode()
    assert "Match confirmed" in body
    assert f"by {staff}" in body
    assert client.get(url).status_code == 405


def test_api_confirm_and_reject():
    """The API takes the same decisions with the same permission, and topics show them."""
    staff, dataset = _setup()
    topics = Client().get("/api/demand/topics").json()
    topic = next(t for t in topics if "restaurant" in t["label"])
    assert topic["rejected_datasets"] is None  # not staff
    base = f"/api/demand/topics/{topic['id']}/datasets/{dataset.pk}"

    assert Client().post(f"{base}/reject").status_code == 401
    resident = Client()
    resident.force_login(make_user())
    assert resident.post(f"{base}/reject").status_code == 403

    client = Client()
    client.force_login(staff)
    rejected = client.post(f"{base}/reject", {"note": "Not about restaurants"}, content_type="application/json")
    assert rejected.status_code == 200, rejected.content
    data = rejected.json()
    assert (data["decision"], data["note"], data["unmet"]) == ("rejected", "Not about restaurants", True)
    assert data["signature"] == matching.signature(_restaurant_topic().top_terms).split("|")

    confirmed = client.post(f"{base}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["decision"], confirmed.json()["unmet"]) == ("confirmed", False)
    assert MatchDecision.objects.count() == 1

    seen = next(t for t in client.get("/api/demand/topics").json() if t["id"] == topic["id"])
    assert seen["matching_datasets"][0]["decided_by"] == str(staff)
    public = next(t for t in Client().get("/api/demand/topics").json() if t["id"] == topic["id"])
    assert public["matching_datasets"][0]["decision"] == "confirmed"
    assert "decided_by" not in public["matching_datasets"][0]

    assert client.post(f"/api/demand/topics/{topic['id']}/datasets/999999/confirm").status_code == 400
