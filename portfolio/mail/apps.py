from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "portfolio.mail"
    label = "mail"
    verbose_name = "Mail outbox"
