"""Pages of the community app: stories, reuses, challenges, news, and the quality reports, discussions
and impact pages under each dataset and organisation."""

from django.urls import path

app_name = "community"

urlpatterns: list = []

# Data-quality reports, discussions and impact pages (helper f). They sit under the dataset page's
# address, so the site shell includes this module before the catalog's catch-all dataset pattern.
from civicdata.community.views import discussions, impact, quality  # noqa: E402

urlpatterns += [
    path("datasets/<slug:name>/quality/", quality.quality_list, name="quality_list"),
    path("datasets/<slug:name>/quality/new/", quality.quality_new, name="quality_new"),
    path("datasets/<slug:name>/quality/<int:pk>/", quality.quality_report, name="quality_report"),
    path("datasets/<slug:name>/quality/<int:pk>/answer/", quality.quality_answer, name="quality_answer"),
    path("datasets/<slug:name>/quality/<int:pk>/follow/", quality.quality_follow, name="quality_follow"),
    path("datasets/<slug:name>/quality/<int:pk>/withdraw/", quality.quality_withdraw, name="quality_withdraw"),
    path("organizations/<slug:slug>/quality/", quality.publisher_quality, name="publisher_quality"),
    path("datasets/<slug:name>/discussions/", discussions.discussion_list, name="discussion_list"),
    path("datasets/<slug:name>/discussions/new/", discussions.discussion_new, name="discussion_new"),
    path("datasets/<slug:name>/discussions/<int:pk>/", discussions.discussion_detail, name="discussion"),
    path("datasets/<slug:name>/discussions/<int:pk>/reply/", discussions.discussion_reply, name="discussion_reply"),
    path("datasets/<slug:name>/discussions/<int:pk>/status/", discussions.discussion_status, name="discussion_status"),
    path("datasets/<slug:name>/discussions/<int:pk>/follow/", discussions.discussion_follow, name="discussion_follow"),
    path(
        "datasets/<slug:name>/discussions/<int:pk>/posts/<int:post_pk>/flag/",
        discussions.post_flag,
        name="discussion_post_flag",
    ),
    path(
        "datasets/<slug:name>/discussions/<int:pk>/posts/<int:post_pk>/moderate/",
        discussions.post_moderate,
        name="discussion_post_moderate",
    ),
    path("datasets/<slug:name>/impact/", impact.dataset_impact_page, name="dataset_impact"),
    path("datasets/<slug:name>/impact.csv", impact.dataset_impact_csv, name="dataset_impact_csv"),
    path("organizations/<slug:slug>/impact/", impact.organization_impact_page, name="organization_impact"),
    path("organizations/<slug:slug>/impact.csv", impact.organization_impact_csv, name="organization_impact_csv"),
]
