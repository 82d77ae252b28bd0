"""Pages of the community app: stories, reuses, challenges, news, and the quality reports, discussions
and impact pages under each dataset and organisation."""

from django.urls import path

app_name = "community"

urlpatterns: list = []

from .views import news, reuses, stories  # noqa: E402

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
