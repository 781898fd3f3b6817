from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "portfolio.handover"
    label = "handover"
    default_auto_field = "django.db.models.BigAutoField"
