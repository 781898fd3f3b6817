from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api.standards import views as standards

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("standards/", standards.StandardListView.as_view(), name="api-standard-list"),
    path(
        "standards/<str:reference>/<str:version>/",
        standards.StandardDetailView.as_view(),
        name="api-standard-detail",
    ),
]
