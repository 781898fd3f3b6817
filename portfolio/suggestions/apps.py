from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "portfolio.suggestions"
    label = "suggestions"
