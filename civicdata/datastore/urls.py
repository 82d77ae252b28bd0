"""Pages of the datastore app: table pages, charts, loading and the staff review pages."""

from django.urls import path

from . import views

app_name = "datastore"

urlpatterns = [
    path("data/<slug:dataset>/load/", views.load_page, name="load"),
    path("datastore/jobs/<int:pk>/", views.job_page, name="job"),
    path("data/<slug:dataset>/<slug:table>/", views.table_page, name="table"),
    path("data/<slug:dataset>/<slug:table>/chart.<str:ext>", views.chart_preview, name="chart_preview"),
    path("data/<slug:dataset>/<slug:table>/chart/<int:pk>.<str:ext>", views.chart_image, name="chart_image"),
    path("data/<slug:dataset>/<slug:table>/charts/", views.chart_save, name="chart_save"),
    path("data/<slug:dataset>/<slug:table>/charts/<int:pk>/delete/", views.chart_delete, name="chart_delete"),
    path("data/<slug:dataset>/<slug:table>/schema/", views.schema_page, name="schema"),
    path("data/<slug:dataset>/<slug:table>/quality/", views.quality_page, name="quality"),
    path("data/<slug:dataset>/<slug:table>/privacy/", views.pii_page, name="pii"),
    path("data/<slug:dataset>/<slug:table>/publish/", views.publish_page, name="publish"),
]
