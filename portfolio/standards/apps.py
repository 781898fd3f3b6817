from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "portfolio.standards"
    label = "standards"
    verbose_name = "Standards catalogue"
