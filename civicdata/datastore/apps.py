from django.apps import AppConfig


class DatastoreConfig(AppConfig):
    name = "civicdata.datastore"
    label = "datastore"
