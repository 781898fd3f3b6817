from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "portfolio.webhooks"
    label = "webhooks"
