"""Pages of the datastore app: table pages, charts, loading and the staff review pages."""

from django.urls import path

from .views import live, tables, tools

app_name = "datastore"

urlpatterns = [
    path("catalog/tools/pdf-tables/", tools.pdf_upload, name="pdf_upload"),
    path("catalog/tools/pdf-tables/review/", tools.pdf_review, name="pdf_review"),
    path("catalog/tools/gis/", tools.gis_upload, name="gis_upload"),
    path("data/<slug:dataset>/load/", tables.load_page, name="load"),
    path("data/<slug:dataset>/load/database/", live.live_connect, name="live_connect"),
    path("catalog/tools/live-tables/", live.live_tables, name="live_tables"),
    path("catalog/tools/live-tables/<int:pk>/refresh/", live.live_refresh, name="live_refresh"),
    path("catalog/tools/live-tables/<int:pk>/schedule/", live.live_change, name="live_change"),
    path("catalog/tools/live-tables/<int:pk>/stop/", live.live_delete, name="live_delete"),
    path("datastore/jobs/<int:pk>/", tables.job_page, name="job"),
    path("data/<slug:dataset>/<slug:table>/", tables.table_page, name="table"),
    path("data/<slug:dataset>/<slug:table>/chart.<str:ext>", tables.chart_preview, name="chart_preview"),
    path("data/<slug:dataset>/<slug:table>/chart/<int:pk>.<str:ext>", tables.chart_image, name="chart_image"),
    path("data/<slug:dataset>/<slug:table>/charts/", tables.chart_save, name="chart_save"),
    path("data/<slug:dataset>/<slug:table>/charts/<int:pk>/delete/", tables.chart_delete, name="chart_delete"),
    path("data/<slug:dataset>/<slug:table>/map-layer/", tools.map_layer_schedule, name="map_layer_schedule"),
    path("data/<slug:dataset>/<slug:table>/map-layer/refresh/", tools.map_layer_refresh, name="map_layer_refresh"),
    path("data/<slug:dataset>/<slug:table>/schema/", tables.schema_page, name="schema"),
    path("data/<slug:dataset>/<slug:table>/quality/", tables.quality_page, name="quality"),
    path("data/<slug:dataset>/<slug:table>/privacy/", tables.pii_page, name="pii"),
    path("data/<slug:dataset>/<slug:table>/publish/", tables.publish_page, name="publish"),
]
