"""Pages of the demand app, all under /requests/."""

from django.urls import path

from civicdata.demand import views, views_staff

app_name = "demand"

urlpatterns = [
    path("requests/", views.request_list, name="list"),
    path("requests/new/", views.request_new, name="new"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("requests/<int:pk>/vote/", views.request_vote, name="vote"),
    path("requests/<int:pk>/follow/", views.request_follow, name="follow"),
    path("requests/<int:pk>/comment/", views.request_comment, name="comment"),
    path("requests/<int:pk>/report/", views.report, name="report"),
    path("requests/<int:pk>/status/", views_staff.triage_status, name="triage_status"),
    path("requests/<int:pk>/assign/", views_staff.triage_assign, name="triage_assign"),
    path("requests/<int:pk>/notes/", views_staff.triage_note, name="triage_note"),
    path("requests/<int:pk>/merge/", views_staff.triage_merge, name="triage_merge"),
    path("requests/priorities/", views.priorities, name="priorities"),
    path("requests/notifications/", views.notifications, name="notifications"),
    path("requests/feed.atom", views.feed, name="feed"),
    path("requests/requests.csv", views.requests_csv, name="csv"),
    path("requests/analytics/", views_staff.analytics_page, name="analytics"),
    path("requests/analytics/trend.svg", views_staff.analytics_trend_svg, name="analytics_trend"),
    path("requests/analytics/topics.csv", views_staff.analytics_csv, name="analytics_csv"),
    path("requests/triage/", views_staff.triage, name="triage"),
    path("requests/metrics/", views_staff.metrics, name="metrics"),
    path("requests/moderation/", views_staff.moderation, name="moderation"),
    path("requests/imports/", views_staff.imports_list, name="imports"),
    path("requests/imports/<int:pk>/", views_staff.import_detail, name="import_detail"),
    path("requests/release-queue/", views_staff.release_queue, name="release_queue"),
    path("requests/comments/<int:pk>/", views_staff.comment_redirect, name="comment_link"),
]
