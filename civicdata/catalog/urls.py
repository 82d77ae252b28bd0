"""Pages of the catalog app: search, dataset pages, staff editing, dashboard, harvests, the published
`data.json` listings, exports, the validator/merger tools and the CKAN-compatible API."""

import importlib.util

from django.urls import path, re_path

from civicdata.catalog import ckan_api, views, views_staff

app_name = "catalog"

urlpatterns = [
    path("data.json", views.data_json, name="data_json"),
    path("catalog/inventory.json", views.inventory_json, name="inventory_json"),
    path("publishers/<slug:slug>/data.json", views.publisher_data_json, name="publisher_data_json"),
    path("publishers/<slug:slug>/dashboard/", views_staff.publisher_dashboard, name="dashboard"),
    path("datasets/", views.dataset_search, name="search"),
    path("datasets/new/", views_staff.dataset_create, name="dataset_create"),
    path("catalog/datasets/<slug:name>/edit/", views_staff.dataset_edit, name="dataset_edit"),
    path("catalog/datasets/<slug:name>/release/", views_staff.dataset_release, name="dataset_release"),
    path("catalog/datasets/<slug:name>/history/", views_staff.dataset_history, name="dataset_history"),
    path("catalog/datasets/<slug:name>/notes/", views_staff.note_add, name="note_add"),
    path("catalog/distributions/<int:pk>/download/", views.distribution_download, name="download"),
    path("catalog/harvest/", views_staff.harvest_sources, name="harvest_sources"),
    path("catalog/harvest/runs/<int:pk>/", views_staff.harvest_run, name="harvest_run"),
    path("catalog/harvest/<slug:slug>/", views_staff.harvest_source, name="harvest_source"),
    path("api/3/action/<str:action>", ckan_api.dispatch, name="ckan_action"),
    # CKAN answers without the version too, and the ckanapi client uses that form.
    path("api/action/<str:action>", ckan_api.dispatch, name="ckan_action_unversioned"),
    # Identifiers may contain slashes (many are URLs), so the dataset page takes the rest of the path.
    re_path(r"^datasets/(?P<key>.+)/$", views.dataset_detail, name="dataset"),
]

# The validator and merger pages (urls_tools.py) and the exports (views_exports.py, which needs the
# CSV/XLSX/RDF writers of exports.py) are mounted when those modules exist.
if importlib.util.find_spec("civicdata.catalog.urls_tools") is not None:
    from civicdata.catalog.urls_tools import urlpatterns as tool_patterns

    urlpatterns += tool_patterns

if importlib.util.find_spec("civicdata.catalog.exports") is not None:
    from civicdata.catalog import views_exports

    urlpatterns += [
        path("catalog/export.csv", views_exports.export_csv, name="export_csv"),
        path("catalog/export.xlsx", views_exports.export_xlsx, name="export_xlsx"),
        path("catalog/catalog.jsonld", views_exports.export_jsonld, name="export_jsonld"),
        path("catalog/catalog.ttl", views_exports.export_turtle, name="export_turtle"),
    ]
