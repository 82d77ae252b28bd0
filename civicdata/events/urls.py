"""Pages of the events app: the public list and event pages under /events/, calendar feeds, and the
organisers' planning workspace."""

from django.urls import path

from civicdata.events.views import checkin, feedback, printables, public, registration

app_name = "events"

urlpatterns = [
    path("events/<slug:slug>/", public.event_detail, name="detail"),
    path("events/<slug:slug>/event.ics", public.event_ics, name="event_ics"),
    path("events/<slug:slug>/register/", registration.register, name="register"),
    path("events/<slug:slug>/ticket/<str:code>/", registration.ticket, name="ticket"),
    path("events/<slug:slug>/ticket/<str:code>/<str:action>/", registration.ticket_action, name="ticket_action"),
    path("events/<slug:slug>/ticket/<str:code>/ticket.pdf", printables.ticket_pdf, name="ticket_pdf"),
    path("events/<slug:slug>/ticket/<str:code>/certificate.pdf", printables.certificate, name="certificate"),
    path("events/<slug:slug>/agenda/", registration.agenda, name="agenda"),
    path("events/<slug:slug>/agenda/<int:pk>/<str:action>/", registration.topic_action, name="topic_action"),
    path("events/<slug:slug>/survey/", registration.survey, name="survey"),
    path("events/<slug:slug>/registrants/", checkin.registrants, name="registrants"),
    path("events/<slug:slug>/registrants.csv", checkin.registrants_csv, name="registrants_csv"),
    path("events/<slug:slug>/door/", checkin.door, name="door"),
    path("events/<slug:slug>/door/walk-in/", checkin.walk_in, name="walk_in"),
    path("events/<slug:slug>/door/<int:pk>/check-in/", checkin.check_in, name="check_in"),
    path("events/<slug:slug>/check-in/<str:code>/", checkin.scan, name="scan"),
    path("events/<slug:slug>/feedback/", feedback.feedback, name="feedback"),
    path("events/<slug:slug>/results/", feedback.results, name="results"),
    path("events/<slug:slug>/survey/questions/", feedback.add_question, name="add_question"),
    path("events/<slug:slug>/survey/questions/<int:pk>/remove/", feedback.remove_question, name="remove_question"),
    path("events/<slug:slug>/poster.pdf", printables.poster, name="poster"),
    path("events/<slug:slug>/feedback-cards.pdf", printables.feedback_cards, name="feedback_cards"),
    path("events/<slug:slug>/certificates.pdf", printables.certificates, name="certificates"),
]
