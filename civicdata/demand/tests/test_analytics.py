"""Topics over all demand, unmet topics for projects, metrics, release queue, chart and CSV."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from civicdata.demand import analytics, services
from civicdata.demand.tests.factories import make_public_dataset, make_request, make_user

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


def _demand():
    staff = make_user(staff=True)
    services.import_log_file(by=staff, kind="foia", source="Clerk", filename="log.csv", data=LOG.encode())
    make_request(by=staff, title="Bike lane counts downtown", description="bike lane counts per hour")
    return staff


def test_topics_cover_all_demand_and_unmet_topics_are_listed():
    """Topics sum to all demand; topics without a matching public dataset are unmet."""
    _demand()
    make_public_dataset(
        "Restaurant health inspection results",
        description="Restaurant inspection scores and reports, one row per visit.",
    )
    snapshot = services.compute_topics()
    topics = list(snapshot.topics.all())
    assert sum(t.volume for t in topics) == snapshot.item_count == 55
    restaurant = next(t for t in topics if "restaurant" in t.label)
    assert restaurant.matching_datasets
    assert not restaurant.is_unmet
    unmet = services.list_unmet_topics()
    assert unmet
    assert all(isinstance(t, services.UnmetTopic) for t in unmet)
    assert "restaurant" not in " ".join(t.label for t in unmet)
    assert sum(restaurant.by_month.values()) == restaurant.volume


def test_trend_chart_is_server_side_svg_and_csv_exports():
    """The trend chart is an SVG image; the topics CSV has one line per topic."""
    _demand()
    snapshot = services.compute_topics()
    svg = Client().get(reverse("demand:analytics_trend"))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.lstrip().startswith(b"<svg")
    body = b"".join(Client().get(reverse("demand:analytics_csv")).streaming_content).decode()
    assert len(body.strip().splitlines()) == snapshot.k + 1
    page = Client().get(reverse("demand:analytics"))
    assert page.status_code == 200
    assert b"trend.svg" in page.content


def test_release_queue_ranks_requests_with_reasons_and_weights_apply():
    """Planned requests are ranked with reasons; new weights and ratings change the order."""
    staff = make_user(staff=True)
    popular, quiet = make_request(by=staff, title="Popular"), make_request(by=staff, title="Quiet")
    for _ in range(5):
        services.vote(popular, by=make_user())
    for req in (popular, quiet):
        services.change_status(req, by=staff, to_status="planned", target_date=dt.date(2031, 1, 1))
    queue = analytics.release_queue()
    assert [e.target.pk for e in queue] == [popular.pk, quiet.pk]
    assert queue[0].reasons[0].startswith("Most demanded")
    services.rate_candidate(by=staff, request=popular, mission=0, effort=3, privacy_risk=3, security_risk=3)
    services.rate_candidate(by=staff, request=quiet, mission=3, effort=0, privacy_risk=0, security_risk=0)
    services.save_priority_weights(by=staff, demand=1, mission=10, effort=10, privacy=10, security=10)
    queue = analytics.release_queue()
    assert [e.target.pk for e in queue] == [quiet.pk, popular.pk]
    assert queue[1].ranked.needs_review


def test_weights_are_for_site_staff_only():
    """A resident cannot change the weights."""
    from civicdata.core.errors import ActionRefused

    with pytest.raises(ActionRefused):
        services.save_priority_weights(by=make_user(), demand=1, mission=1, effort=1, privacy=1, security=1)


def test_publisher_metrics_share_fulfilled_and_reasons():
    """Share fulfilled counts published among closed; declines are grouped by reason."""
    from civicdata.demand.tests.factories import make_organization

    staff = make_user(staff=True)
    department = make_organization(name="Parks")
    one, two = make_request(by=staff, publisher=department), make_request(by=staff, publisher=department)
    services.change_status(one, by=staff, to_status="published", datasets=[make_public_dataset()])
    services.change_status(two, by=staff, to_status="declined", decline_reason="not_held")
    [row] = [m for m in analytics.publisher_metrics() if m.publisher == department]
    assert row.share_fulfilled == 0.5
    assert row.median_days_to_fulfil is not None
    assert list(row.declined_by_reason.values()) == [1]


def test_votes_are_dated_demand_items_and_merges_do_not_double_count():
    """Each vote is a demand item on its day; unvoting removes one; a merged duplicate's votes count once."""
    from civicdata.demand.models import DemandItem, DemandKind

    staff = make_user(staff=True)
    keep, dup = make_request(by=staff, title="Bike lanes"), make_request(by=staff, title="Bike lanes please")
    both, other = make_user(), make_user()
    for req in (keep, dup):
        services.vote(req, by=both)
    services.vote(dup, by=other)
    services.unvote(dup, by=other)
    services.vote(dup, by=other)
    assert DemandItem.objects.filter(kind=DemandKind.VOTE).count() == 3
    services.merge_requests(dup, into=keep, by=staff)
    assert DemandItem.objects.filter(kind=DemandKind.VOTE, request=keep).count() == 2
    snapshot = services.compute_topics()
    # keep: 1 request + 2 votes; the merged duplicate's request and votes are left out.
    assert snapshot.item_count == 3
