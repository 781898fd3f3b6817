from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "portfolio.gateway"
    label = "gateway"
    verbose_name = "Gateway to completion"
