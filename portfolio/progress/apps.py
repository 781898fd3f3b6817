from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "portfolio.progress"
    label = "progress"
    verbose_name = "Progress reviews"
