from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "portfolio.evidence"
    label = "evidence"
