from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api.coverage import views as coverage
from api.people import apprenticeships, auth, invitations, memberships, organisations
from api.standards import imports as standard_imports
from api.standards import views as standards
from api.webhooks import views as webhooks

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token/", auth.TokenView.as_view(), name="api-auth-token"),
    path("auth/token/revoke/", auth.TokenRevokeView.as_view(), name="api-auth-token-revoke"),
    path("me/", auth.MeView.as_view(), name="api-me"),
    path("organisations/", organisations.OrganisationListView.as_view(), name="api-organisation-list"),
    path(
        "organisations/<uuid:public_id>/",
        organisations.OrganisationDetailView.as_view(),
        name="api-organisation-detail",
    ),
    path("memberships/", memberships.MembershipListView.as_view(), name="api-membership-list"),
    path(
        "memberships/<uuid:public_id>/",
        memberships.MembershipDetailView.as_view(),
        name="api-membership-detail",
    ),
    path("invitations/", invitations.InvitationListView.as_view(), name="api-invitation-list"),
    path("invitations/accept/", invitations.InvitationAcceptView.as_view(), name="api-invitation-accept"),
    path(
        "invitations/<uuid:public_id>/",
        invitations.InvitationDetailView.as_view(),
        name="api-invitation-detail",
    ),
    path(
        "invitations/<uuid:public_id>/revoke/",
        invitations.InvitationRevokeView.as_view(),
        name="api-invitation-revoke",
    ),
    path("apprenticeships/", apprenticeships.ApprenticeshipListView.as_view(), name="api-apprenticeship-list"),
    path(
        "apprenticeships/<uuid:public_id>/",
        apprenticeships.ApprenticeshipDetailView.as_view(),
        name="api-apprenticeship-detail",
    ),
    path(
        "apprenticeships/<uuid:public_id>/coverage/",
        coverage.ApprenticeshipCoverageView.as_view(),
        name="api-apprenticeship-coverage",
    ),
    path(
        "apprenticeships/<uuid:public_id>/readiness-events/",
        coverage.ApprenticeshipReadinessEventsView.as_view(),
        name="api-apprenticeship-readiness-events",
    ),
    path("cohort/", coverage.CohortView.as_view(), name="api-cohort"),
    path("readiness-events/", coverage.ReadinessEventListView.as_view(), name="api-readiness-event-list"),
    path("webhooks/", webhooks.WebhookListView.as_view(), name="api-webhook-list"),
    path("webhooks/<uuid:public_id>/", webhooks.WebhookDetailView.as_view(), name="api-webhook-detail"),
    path(
        "webhooks/<uuid:public_id>/deliveries/",
        webhooks.WebhookDeliveryListView.as_view(),
        name="api-webhook-deliveries",
    ),
    path(
        "webhooks/deliveries/<uuid:public_id>/resend/",
        webhooks.WebhookDeliveryResendView.as_view(),
        name="api-webhook-delivery-resend",
    ),
    path("standards/", standards.StandardListView.as_view(), name="api-standard-list"),
    path("standards/imports/", standard_imports.StandardImportView.as_view(), name="api-standard-import"),
    path(
        "standards/<str:reference>/<str:version>/",
        standards.StandardDetailView.as_view(),
        name="api-standard-detail",
    ),
]
