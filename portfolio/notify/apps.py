from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "portfolio.notify"
    label = "notify"
