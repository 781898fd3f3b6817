from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "portfolio.people"
    label = "people"
    verbose_name = "People and apprenticeships"
