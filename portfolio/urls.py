from django.contrib import admin
from django.urls import include, path

from api import errors as api_errors
from portfolio.core import views as core_views

# Under /api/ errors answer in the API's JSON error shape; pages keep Django's HTML error pages.
handler400 = api_errors.handler400
handler403 = api_errors.handler403
handler404 = api_errors.handler404
handler500 = api_errors.handler500

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("standards/", include("portfolio.standards.urls")),
    path("notifications/", include("portfolio.notify.urls")),
    path("", include("portfolio.coverage.urls")),
    path("settings/webhooks/", include("portfolio.webhooks.urls")),
    path("", include("portfolio.gateway.urls")),
    path("settings/suggestions/", include("portfolio.suggestions.urls")),
    path("reviews/", include("portfolio.reviews.urls")),
    path("otj/", include("portfolio.otj.urls")),
    path("", include("portfolio.people.urls")),
    path("", include("portfolio.evidence.urls")),
    path("", include("portfolio.handover.urls")),
    path("", include("portfolio.progress.urls")),
    path("uploads/local/", include("portfolio.core.local_storage_urls")),
]
