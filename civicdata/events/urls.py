"""Pages of the events app: the public list and event pages under /events/, calendar feeds, and the
organisers' planning workspace."""

from django.urls import path

from civicdata.events.views import public

app_name = "events"

urlpatterns = [
    path("events/<slug:slug>/", public.event_detail, name="detail"),
    path("events/<slug:slug>/event.ics", public.event_ics, name="event_ics"),
]
