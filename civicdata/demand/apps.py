from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "civicdata.demand"
    label = "demand"
