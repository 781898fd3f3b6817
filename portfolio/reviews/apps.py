from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "portfolio.reviews"
    label = "reviews"
