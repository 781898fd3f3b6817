from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "portfolio.coverage"
    label = "coverage"
