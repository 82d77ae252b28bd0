"""Pages of the events app: the public list and event pages under /events/, calendar feeds, and the
organisers' planning workspace."""

from django.urls import path

from civicdata.events.views import checkin, feedback, printables, public, registration, workspace

app_name = "events"

urlpatterns = [
    # --- public list, feeds, series, reports (d) ---
    path("events/", public.event_list, name="list"),
    path("events/feed.ics", public.feed_all, name="feed"),
    path("organizations/<slug:slug>/events.ics", public.feed_organization, name="organization_feed"),
    path("events/series/<slug:slug>/", public.series_detail, name="series"),
    path("events/series/<slug:slug>/feed.ics", public.feed_series, name="series_feed"),
    # --- organisers (d) ---
    path("events/new/", workspace.event_create, name="create"),
    path("events/new-series/", workspace.series_create, name="series_create"),
    path("events/mine/", workspace.my_events, name="mine"),
    path("events/<slug:slug>/edit/", workspace.event_edit, name="edit"),
    path("events/<slug:slug>/plan/", workspace.workspace, name="workspace"),
    path("events/<slug:slug>/plan/publish/", workspace.event_publish, name="publish"),
    path("events/<slug:slug>/plan/cancel/", workspace.event_cancel, name="cancel"),
    path("events/<slug:slug>/plan/held/", workspace.event_complete, name="complete"),
    path("events/<slug:slug>/plan/capability/", workspace.save_capability, name="capability"),
    path("events/<slug:slug>/plan/partners/", workspace.add_partner, name="partner_add"),
    path("events/<slug:slug>/plan/partners/<int:pk>/remove/", workspace.remove_partner, name="partner_remove"),
    path("events/<slug:slug>/plan/roles/", workspace.save_role, name="role_add"),
    path("events/<slug:slug>/plan/roles/<int:pk>/", workspace.save_role, name="role_edit"),
    path("events/<slug:slug>/plan/roles/<int:pk>/remove/", workspace.remove_role, name="role_remove"),
    path("events/<slug:slug>/plan/tasks/", workspace.add_task, name="task_add"),
    path("events/<slug:slug>/plan/tasks/<int:pk>/done/", workspace.task_done, name="task_done"),
    path("events/<slug:slug>/plan/goals/", workspace.save_goal, name="goal_add"),
    path("events/<slug:slug>/plan/goals/<int:pk>/", workspace.save_goal, name="goal_edit"),
    path("events/<slug:slug>/plan/goals/<int:pk>/actual/", workspace.goal_actual, name="goal_actual"),
    path("events/<slug:slug>/plan/goals/<int:pk>/remove/", workspace.remove_goal, name="goal_remove"),
    path("events/<slug:slug>/plan/tracking/", workspace.save_tracking, name="tracking"),
    path("events/<slug:slug>/plan/tracking/counts/", workspace.set_tracking_count, name="tracking_count"),
    path("events/<slug:slug>/plan/tracking.csv", workspace.tracking_csv, name="tracking_csv"),
    path("events/<slug:slug>/plan/lessons/", workspace.save_lessons, name="lessons"),
    path("events/<slug:slug>/plan/report/", workspace.save_report, name="report_save"),
    path("events/<slug:slug>/plan/commitments/", workspace.add_commitment, name="commitment_add"),
    path("events/<slug:slug>/plan/commitments/<int:pk>/done/", workspace.commitment_done, name="commitment_done"),
    path("events/<slug:slug>/plan/outcomes/", workspace.link_outcome, name="outcome_add"),
    path("events/<slug:slug>/plan/outcomes/<int:pk>/remove/", workspace.unlink_outcome, name="outcome_remove"),
    path("events/<slug:slug>/report/", public.event_report, name="report"),
    path("events/<slug:slug>/report.pdf", public.event_report_pdf, name="report_pdf"),
    # --- event page ---
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
