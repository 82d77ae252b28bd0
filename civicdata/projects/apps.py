from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "civicdata.projects"
    label = "projects"
