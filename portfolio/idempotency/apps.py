from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "portfolio.idempotency"
    label = "idempotency"
    verbose_name = "Idempotency keys"
