from django.urls import path

from portfolio.reviews import views

urlpatterns = [
    path("confirmation/", views.confirmation_queue, name="review-confirmation-page"),
    path("acceptance/", views.acceptance_queue, name="review-acceptance-page"),
    path("returned/", views.returned_list, name="review-returned-page"),
    path("evidence/<uuid:public_id>/", views.evidence_review, name="review-evidence-page"),
    path(
        "evidence/<uuid:public_id>/files/<uuid:file_id>/preview/",
        views.evidence_file_preview,
        name="review-file-preview-page",
    ),
    path("evidence/<uuid:public_id>/submit/", views.evidence_submit_page, name="evidence-submit-page"),
    path("apprenticeships/<uuid:public_id>/behaviours/", views.behaviours, name="behaviour-page"),
    path(
        "apprenticeships/<uuid:public_id>/behaviours/<uuid:confirmation_id>/withdraw/",
        views.behaviour_withdraw,
        name="behaviour-withdraw-page",
    ),
]
