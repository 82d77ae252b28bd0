"""Pages of the catalog app: search, dataset pages, staff editing, dashboard, harvests, the published
`data.json` listings, exports, the validator/merger tools and the CKAN-compatible API."""

from django.urls import path, re_path

from civicdata.catalog import ckan_api
from civicdata.catalog.tools.urls import urlpatterns as tool_patterns
from civicdata.catalog.views import crawls, exports, files, pdf_forms, protocols, public, staff

app_name = "catalog"

urlpatterns = [
    path("data.json", public.data_json, name="data_json"),
    path("oai", protocols.oai_pmh, name="oai"),
    path("csw", protocols.csw, name="csw"),
    path("catalog/inventory.json", public.inventory_json, name="inventory_json"),
    path("publishers/<slug:slug>/data.json", public.publisher_data_json, name="publisher_data_json"),
    path("publishers/<slug:slug>/dashboard/", staff.publisher_dashboard, name="dashboard"),
    path("publishers/<slug:slug>/needs-fixing/", staff.needs_fixing, name="needs_fixing"),
    path("datasets/", public.dataset_search, name="search"),
    path("datasets/new/", staff.dataset_create, name="dataset_create"),
    path("catalog/datasets/check-field/", staff.dataset_field_check, name="dataset_field_check"),
    path("catalog/datasets/<slug:name>/edit/", staff.dataset_edit, name="dataset_edit"),
    path("catalog/datasets/<slug:name>/release/", staff.dataset_release, name="dataset_release"),
    path("catalog/datasets/<slug:name>/history/", staff.dataset_history, name="dataset_history"),
    path("catalog/datasets/<slug:name>/notes/", staff.note_add, name="note_add"),
    path("catalog/datasets/<slug:name>/files/new/", files.file_upload, name="file_upload"),
    path("datasets/<slug:name>/files/<str:key>/<str:filename>", files.distribution_file, name="distribution_file"),
    path("catalog/distributions/<int:pk>/download/", public.distribution_download, name="download"),
    path("catalog/harvest/", staff.harvest_sources, name="harvest_sources"),
    path("catalog/tools/crawl/", crawls.crawl_list, name="crawls"),
    path("catalog/tools/crawl/<int:pk>/", crawls.crawl_detail, name="crawl"),
    path("catalog/tools/crawl/<int:pk>/findings/<int:finding_pk>/draft/", crawls.crawl_draft, name="crawl_draft"),
    path("catalog/tools/forms/", pdf_forms.pdf_form_list, name="pdf_forms"),
    path("catalog/tools/forms/<int:pk>/", pdf_forms.pdf_form_detail, name="pdf_form"),
    path("catalog/tools/forms/<int:pk>/fill/", pdf_forms.pdf_form_fill, name="pdf_form_fill"),
    path("catalog/harvest/import/", staff.harvest_import, name="harvest_import"),
    path("catalog/harvest/runs/<int:pk>/", staff.harvest_run, name="harvest_run"),
    path("catalog/harvest/runs/<int:pk>/import/", staff.harvest_import_confirm, name="harvest_import_confirm"),
    path("catalog/harvest/<slug:slug>/", staff.harvest_source, name="harvest_source"),
    path("api/3", ckan_api.version, name="ckan_version"),
    path("api/3/", ckan_api.version),
    path("api/3/action/<str:action>", ckan_api.dispatch, name="ckan_action"),
    # CKAN answers without the version too, and the ckanapi client uses that form.
    path("api/action/<str:action>", ckan_api.dispatch, name="ckan_action_unversioned"),
    # Identifiers may contain slashes (many are URLs), so the dataset page takes the rest of the path.
    re_path(r"^datasets/(?P<key>.+)/$", public.dataset_detail, name="dataset"),
]

urlpatterns += [
    path("catalog/export.csv", exports.export_csv, name="export_csv"),
    path("catalog/export.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("catalog/catalog.jsonld", exports.export_jsonld, name="export_jsonld"),
    path("catalog/catalog.ttl", exports.export_turtle, name="export_turtle"),
]
# The validator and merger pages (catalog/tools/urls.py).
urlpatterns += tool_patterns
