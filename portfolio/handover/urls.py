from django.urls import path

from portfolio.handover import views

urlpatterns = [
    path("handover/<uuid:public_id>/", views.handover_page, name="handover-page"),
    path("assessment/", views.assessment_list_page, name="assessment-list-page"),
    path("assessment/verify/", views.verify_export_page, name="verify-export-page"),
    path("assessment/<uuid:public_id>/", views.assessment_portfolio_page, name="assessment-portfolio-page"),
    path(
        "assessment/<uuid:public_id>/files/<uuid:file_id>/download/",
        views.assessment_file_download,
        name="assessment-file-download",
    ),
    path("exports/<uuid:public_id>/", views.export_progress, name="export-progress"),
    path("exports/<uuid:public_id>/download/", views.export_download, name="export-download"),
]
