from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import handover
from api.coverage import views as coverage
from api.evidence import files as evidence_files
from api.evidence import items as evidence
from api.evidence import tags as evidence_tags
from api.gateway import views as gateway
from api.notify import views as notifications
from api.otj import views as otj
from api.people import apprenticeships, auth, breaks, invitations, memberships, organisations
from api.progress import views as progress
from api.reviews import behaviours as review_behaviours
from api.reviews import decisions as review_decisions
from api.reviews import policy as review_policy
from api.reviews import queues as review_queues
from api.standards import imports as standard_imports
from api.standards import views as standards
from api.suggestions import views as suggestions
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
    path("apprenticeships/<uuid:public_id>/breaks/", breaks.BreakListView.as_view(), name="api-break-list"),
    path("apprenticeships/<uuid:public_id>/breaks/end/", breaks.BreakEndView.as_view(), name="api-break-end"),
    path("notifications/", notifications.NotificationListView.as_view(), name="api-notification-list"),
    path("notifications/read/", notifications.NotificationMarkReadView.as_view(), name="api-notification-mark-read"),
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
    # The gateway to completion: per apprenticeship, and the provider's settings
    path("apprenticeships/<uuid:public_id>/gateway/", gateway.GatewayStatusView.as_view(), name="api-gateway-status"),
    path(
        "apprenticeships/<uuid:public_id>/gateway/signatures/",
        gateway.GatewaySignView.as_view(),
        name="api-gateway-sign",
    ),
    path("apprenticeships/<uuid:public_id>/gateway/ticks/", gateway.GatewayTickView.as_view(), name="api-gateway-tick"),
    path(
        "apprenticeships/<uuid:public_id>/gateway/ticks/<uuid:tick_id>/withdraw/",
        gateway.GatewayTickWithdrawView.as_view(),
        name="api-gateway-tick-withdraw",
    ),
    path(
        "apprenticeships/<uuid:public_id>/gateway/referral/",
        gateway.GatewayReferralView.as_view(),
        name="api-gateway-refer",
    ),
    path(
        "organisations/<uuid:public_id>/gateway-policy/",
        gateway.GatewayPolicyView.as_view(),
        name="api-gateway-policy",
    ),
    path(
        "organisations/<uuid:public_id>/manual-gates/",
        gateway.ManualGateListView.as_view(),
        name="api-manual-gate-list",
    ),
    path(
        "organisations/<uuid:public_id>/manual-gates/<uuid:gate_id>/",
        gateway.ManualGateDetailView.as_view(),
        name="api-manual-gate-detail",
    ),
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
    # Reviews: decisions on evidence, queues, behaviours, the provider's policy
    path("evidence/<uuid:public_id>/submit/", review_decisions.SubmitView.as_view(), name="api-evidence-submit"),
    path("evidence/<uuid:public_id>/confirm/", review_decisions.ConfirmView.as_view(), name="api-evidence-confirm"),
    path("evidence/<uuid:public_id>/accept/", review_decisions.AcceptView.as_view(), name="api-evidence-accept"),
    path("evidence/<uuid:public_id>/return/", review_decisions.ReturnView.as_view(), name="api-evidence-return"),
    path("evidence/<uuid:public_id>/withdraw/", review_decisions.WithdrawView.as_view(), name="api-evidence-withdraw"),
    path(
        "evidence/<uuid:public_id>/decisions/",
        review_decisions.DecisionListView.as_view(),
        name="api-evidence-decisions",
    ),
    path(
        "reviews/queue/confirmation/",
        review_queues.ConfirmationQueueView.as_view(),
        name="api-review-queue-confirmation",
    ),
    path(
        "reviews/queue/confirmation/bulk-confirm/",
        review_queues.BulkConfirmView.as_view(),
        name="api-review-bulk-confirm",
    ),
    path("reviews/queue/acceptance/", review_queues.AcceptanceQueueView.as_view(), name="api-review-queue-acceptance"),
    path("reviews/queue/returned/", review_queues.ReturnedQueueView.as_view(), name="api-review-queue-returned"),
    path(
        "apprenticeships/<uuid:public_id>/behaviours/",
        review_behaviours.BehaviourListView.as_view(),
        name="api-behaviour-list",
    ),
    path(
        "apprenticeships/<uuid:public_id>/behaviours/<uuid:confirmation_id>/withdraw/",
        review_behaviours.BehaviourWithdrawView.as_view(),
        name="api-behaviour-withdraw",
    ),
    path(
        "organisations/<uuid:public_id>/review-policy/",
        review_policy.ReviewPolicyView.as_view(),
        name="api-review-policy",
    ),
    # Off-the-job hours
    path("apprenticeships/<uuid:public_id>/otj/", otj.OtjActivityListView.as_view(), name="api-otj-list"),
    path("apprenticeships/<uuid:public_id>/otj/summary/", otj.OtjSummaryView.as_view(), name="api-otj-summary"),
    path("otj/queue/", otj.OtjQueueView.as_view(), name="api-otj-queue"),
    path("otj/queue/bulk-approve/", otj.OtjBulkApproveView.as_view(), name="api-otj-bulk-approve"),
    path("otj/<uuid:public_id>/", otj.OtjActivityDetailView.as_view(), name="api-otj-detail"),
    path("otj/<uuid:public_id>/approve/", otj.OtjApproveView.as_view(), name="api-otj-approve"),
    path("otj/<uuid:public_id>/decline/", otj.OtjDeclineView.as_view(), name="api-otj-decline"),
    path("otj/<uuid:public_id>/reverse/", otj.OtjReverseView.as_view(), name="api-otj-reverse"),
    path(
        "organisations/<uuid:public_id>/otj-minimums/",
        otj.OtjMinimumListView.as_view(),
        name="api-otj-minimums",
    ),
    path("evidence/", evidence.EvidenceListView.as_view(), name="api-evidence-list"),
    path("evidence/<uuid:public_id>/", evidence.EvidenceDetailView.as_view(), name="api-evidence-detail"),
    path(
        "evidence/<uuid:public_id>/files/",
        evidence_files.EvidenceFileListView.as_view(),
        name="api-evidence-file-list",
    ),
    path(
        "evidence/<uuid:public_id>/files/<uuid:file_id>/",
        evidence_files.EvidenceFileDetailView.as_view(),
        name="api-evidence-file-detail",
    ),
    path(
        "evidence/<uuid:public_id>/files/<uuid:file_id>/complete/",
        evidence_files.EvidenceFileCompleteView.as_view(),
        name="api-evidence-file-complete",
    ),
    path(
        "evidence/<uuid:public_id>/files/<uuid:file_id>/download/",
        evidence_files.EvidenceFileDownloadView.as_view(),
        name="api-evidence-file-download",
    ),
    path("evidence/<uuid:public_id>/tags/", evidence_tags.EvidenceTagsView.as_view(), name="api-evidence-tags"),
    path("apprenticeships/<uuid:public_id>/grants/", handover.GrantListView.as_view(), name="api-grant-list"),
    path("grants/<uuid:public_id>/revoke/", handover.GrantRevokeView.as_view(), name="api-grant-revoke"),
    path("assessment/portfolios/", handover.PortfolioListView.as_view(), name="api-assessment-portfolio-list"),
    path(
        "assessment/portfolios/<uuid:public_id>/",
        handover.PortfolioDetailView.as_view(),
        name="api-assessment-portfolio-detail",
    ),
    path("apprenticeships/<uuid:public_id>/exports/", handover.ExportCreateView.as_view(), name="api-export-create"),
    path("exports/<uuid:public_id>/", handover.ExportDetailView.as_view(), name="api-export-detail"),
    path("exports/<uuid:public_id>/download/", handover.ExportDownloadView.as_view(), name="api-export-download"),
    # Progress reviews: an apprenticeship's schedule, each review, the lists and the intervals
    path(
        "apprenticeships/<uuid:public_id>/progress-reviews/",
        progress.ApprenticeshipReviewsView.as_view(),
        name="api-apprenticeship-progress-reviews",
    ),
    path(
        "apprenticeships/<uuid:public_id>/progress-review-interval/",
        progress.IntervalView.as_view(),
        name="api-progress-review-interval",
    ),
    path("progress-reviews/", progress.ReviewListView.as_view(), name="api-progress-review-list"),
    path("progress-reviews/due/", progress.ReviewDueListView.as_view(), name="api-progress-review-due"),
    path("progress-reviews/<uuid:public_id>/", progress.ReviewDetailView.as_view(), name="api-progress-review-detail"),
    path("progress-reviews/<uuid:public_id>/hold/", progress.ReviewHoldView.as_view(), name="api-progress-review-hold"),
    path(
        "progress-reviews/<uuid:public_id>/record/",
        progress.ReviewRecordView.as_view(),
        name="api-progress-review-record",
    ),
    path(
        "progress-reviews/<uuid:public_id>/cancel/",
        progress.ReviewCancelView.as_view(),
        name="api-progress-review-cancel",
    ),
    path(
        "progress-reviews/<uuid:public_id>/signatures/",
        progress.ReviewSignView.as_view(),
        name="api-progress-review-sign",
    ),
    path("progress-reviews/<uuid:public_id>/pdf/", progress.ReviewPdfView.as_view(), name="api-progress-review-pdf"),
    path(
        "organisations/<uuid:public_id>/progress-review-policy/",
        progress.PolicyView.as_view(),
        name="api-progress-review-policy",
    ),
    path(
        "evidence/<uuid:public_id>/suggestions/",
        suggestions.EvidenceSuggestionsView.as_view(),
        name="api-evidence-suggestions",
    ),
]
