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

# Stories, reuses and announcements (helper g).
from civicdata.community.views import news, reuses, stories  # noqa: E402

urlpatterns += [
    path("stories/", stories.story_list, name="stories"),
    path("stories/new/", stories.story_edit, name="story_new"),
    path("stories/mine/", stories.my_stories, name="story_mine"),
    path("stories/review/", stories.story_review, name="story_review"),
    path("stories/feed.atom", stories.story_feed, name="story_feed"),
    path("stories/stories.csv", stories.story_csv, name="story_csv"),
    path("stories/<slug:slug>/", stories.story_detail, name="story"),
    path("stories/<slug:slug>/edit/", stories.story_edit, name="story_edit"),
    path("stories/<slug:slug>/moderate/", stories.story_moderate, name="story_moderate"),
    path("reuses/", reuses.reuse_list, name="reuses"),
    path("reuses/new/", reuses.reuse_edit, name="reuse_new"),
    path("reuses/mine/", reuses.my_reuses, name="reuse_mine"),
    path("reuses/review/", reuses.reuse_review, name="reuse_review"),
    path("reuses/reuses.csv", reuses.reuse_csv, name="reuse_csv"),
    path("reuses/<int:pk>/", reuses.reuse_detail, name="reuse"),
    path("reuses/<int:pk>/edit/", reuses.reuse_edit, name="reuse_edit"),
    path("reuses/<int:pk>/image.jpg", reuses.reuse_image, name="reuse_image"),
    path("reuses/<int:pk>/moderate/", reuses.reuse_moderate, name="reuse_moderate"),
    path("news/", news.news_list, name="news"),
    path("news/new/", news.news_edit, name="news_new"),
    path("news/feed.atom", news.news_feed, name="news_feed"),
    path("news/<slug:slug>/", news.news_detail, name="announcement"),
    path("news/<slug:slug>/edit/", news.news_edit, name="news_edit"),
    path("news/<slug:slug>/publish/", news.news_publish, name="news_publish"),
]

# Data challenges (helper d).
from civicdata.community.views import challenges  # noqa: E402

urlpatterns += [
    path("challenges/", challenges.challenge_list, name="challenges"),
    path("challenges/new/", challenges.challenge_edit, name="challenge_new"),
    path("challenges/challenges.csv", challenges.challenge_csv, name="challenge_csv"),
    path("challenges/<slug:slug>/", challenges.challenge_detail, name="challenge"),
    path("challenges/<slug:slug>/edit/", challenges.challenge_edit, name="challenge_edit"),
    path("challenges/<slug:slug>/phase/", challenges.challenge_phase, name="challenge_phase"),
    path("challenges/<slug:slug>/enter/", challenges.entry_edit, name="challenge_enter"),
    path("challenges/<slug:slug>/judging/", challenges.judging, name="challenge_judging"),
    path("challenges/<slug:slug>/entries/<int:pk>/score/", challenges.entry_score, name="challenge_score"),
    path("challenges/<slug:slug>/entries/<int:pk>/conflict/", challenges.entry_conflict, name="challenge_conflict"),
    path("challenges/<slug:slug>/vote/", challenges.challenge_vote, name="challenge_vote"),
    path("challenges/<slug:slug>/winner/", challenges.challenge_winner, name="challenge_winner"),
    path("challenges/<slug:slug>/results.csv", challenges.results_csv, name="challenge_results_csv"),
]
