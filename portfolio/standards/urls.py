from django.urls import path

from portfolio.standards import views

urlpatterns = [
    path("", views.standard_list_page, name="standard-list"),
    path("import/", views.standard_import_page, name="standard-import"),
    path("<str:reference>/<str:version>/", views.standard_detail_page, name="standard-detail"),
]
