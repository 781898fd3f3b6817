from django.urls import path

from portfolio.gateway import views

urlpatterns = [
    path("gateway/<uuid:public_id>/", views.gateway_page, name="gateway-page"),
    path("settings/gateway/", views.gateway_settings_page, name="gateway-settings-page"),
    path(
        "settings/gateway/gates/<uuid:gate_id>/retire/", views.manual_gate_retire_page, name="manual-gate-retire-page"
    ),
]
