from django.urls import path

from portfolio.progress import record_views, staff_views, views

urlpatterns = [
    path("progress-reviews/", staff_views.review_list_page, name="progress-review-list-page"),
    path(
        "progress-reviews/apprenticeships/<uuid:public_id>/", views.schedule_page, name="progress-review-schedule-page"
    ),
    path("progress-reviews/<uuid:public_id>/", views.review_page, name="progress-review-page"),
    path("progress-reviews/<uuid:public_id>/record/", record_views.record_page, name="progress-review-record-page"),
    path("progress-reviews/<uuid:public_id>/sign/", views.sign_page, name="progress-review-sign-page"),
    path("progress-reviews/<uuid:public_id>/pdf/", views.pdf_page, name="progress-review-pdf-page"),
    path("settings/progress-reviews/", staff_views.settings_page, name="progress-review-settings-page"),
]
