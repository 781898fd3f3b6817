from django.urls import path

from portfolio.evidence import views

urlpatterns = [
    path("evidence/", views.evidence_list, name="evidence-list-page"),
    path("apprenticeships/<uuid:public_id>/evidence/", views.evidence_list, name="apprenticeship-evidence-page"),
    path("apprenticeships/<uuid:public_id>/evidence/new/", views.evidence_new, name="evidence-create-page"),
    path("evidence/<uuid:public_id>/", views.evidence_detail, name="evidence-detail-page"),
    path("evidence/<uuid:public_id>/edit/", views.evidence_edit, name="evidence-edit-page"),
    path("evidence/<uuid:public_id>/delete/", views.evidence_delete, name="evidence-delete-page"),
    path("evidence/<uuid:public_id>/tags/", views.evidence_tags, name="evidence-tags-page"),
    path(
        "evidence/<uuid:public_id>/files/<uuid:file_id>/remove/",
        views.evidence_file_remove_page,
        name="evidence-file-remove-page",
    ),
    path(
        "evidence/<uuid:public_id>/files/<uuid:file_id>/download/",
        views.evidence_file_download,
        name="evidence-file-download-page",
    ),
]
