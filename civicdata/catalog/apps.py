from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "civicdata.catalog"
    label = "catalog"
