from django.urls import path

from portfolio.webhooks import views

urlpatterns = [path("", views.webhook_settings_page, name="webhook-settings-page")]
