"""Pages of the demand app, all under /requests/."""

from django.urls import path

from civicdata.demand.views import public, staff

app_name = "demand"

urlpatterns = [
    path("requests/", public.request_list, name="list"),
    path("requests/new/", public.request_new, name="new"),
    path("requests/<int:pk>/", public.request_detail, name="detail"),
    path("requests/<int:pk>/vote/", public.request_vote, name="vote"),
    path("requests/<int:pk>/follow/", public.request_follow, name="follow"),
    path("requests/<int:pk>/comment/", public.request_comment, name="comment"),
    path("requests/<int:pk>/report/", public.report, name="report"),
    path("requests/<int:pk>/status/", staff.triage_status, name="triage_status"),
    path("requests/<int:pk>/assign/", staff.triage_assign, name="triage_assign"),
    path("requests/<int:pk>/notes/", staff.triage_note, name="triage_note"),
    path("requests/<int:pk>/merge/", staff.triage_merge, name="triage_merge"),
    path("requests/priorities/", public.priorities, name="priorities"),
    path("requests/notifications/", public.notifications, name="notifications"),
    path("requests/feed.atom", public.feed, name="feed"),
    path("requests/requests.csv", public.requests_csv, name="csv"),
    path("requests/analytics/", staff.analytics_page, name="analytics"),
    path("requests/analytics/trend.svg", staff.analytics_trend_svg, name="analytics_trend"),
    path("requests/analytics/topics.csv", staff.analytics_csv, name="analytics_csv"),
    path(
        "requests/analytics/topics/<int:pk>/datasets/<int:dataset_id>/decision/",
        staff.analytics_match,
        name="analytics_match",
    ),
    path("requests/triage/", staff.triage, name="triage"),
    path("requests/metrics/", staff.metrics, name="metrics"),
    path("requests/moderation/", staff.moderation, name="moderation"),
    path("requests/imports/", staff.imports_list, name="imports"),
    path("requests/imports/<int:pk>/", staff.import_detail, name="import_detail"),
    path("requests/release-queue/", staff.release_queue, name="release_queue"),
    path("requests/comments/<int:pk>/", staff.comment_redirect, name="comment_link"),
]
