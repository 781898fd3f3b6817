from django.urls import path

from portfolio.suggestions import views

urlpatterns = [path("", views.suggestion_settings_page, name="suggestion-settings-page")]
