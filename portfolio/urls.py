from django.contrib import admin
from django.urls import include, path

from portfolio.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("standards/", include("portfolio.standards.urls")),
    path("notifications/", include("portfolio.notify.urls")),
    path("", include("portfolio.coverage.urls")),
    path("settings/webhooks/", include("portfolio.webhooks.urls")),
    path("reviews/", include("portfolio.reviews.urls")),
    path("", include("portfolio.people.urls")),
    path("", include("portfolio.evidence.urls")),
    path("uploads/local/", include("portfolio.core.local_storage_urls")),
]
