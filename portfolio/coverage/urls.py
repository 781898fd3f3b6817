from django.urls import path

from portfolio.coverage import views

urlpatterns = [
    path("progress/", views.my_progress, name="my-progress-page"),
    path("progress/<uuid:public_id>/", views.progress_page, name="progress-page"),
    path("cohort/", views.cohort_page, name="cohort-page"),
    path("cohort/heatmap/", views.heatmap_page, name="cohort-heatmap-page"),
    path("readiness/", views.readiness_feed_page, name="readiness-feed-page"),
]
