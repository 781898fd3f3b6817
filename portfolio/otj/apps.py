from django.apps import AppConfig


class OtjConfig(AppConfig):
    name = "portfolio.otj"
    label = "otj"
    verbose_name = "Off-the-job training"
