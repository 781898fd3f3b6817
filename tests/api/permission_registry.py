"""What every route answers to whom: the registry the permission matrix is generated from.

Each route (by URL name) declares, per HTTP method, one status per role, in this column order:

    anonymous apprentice_own apprentice_other employer_own employer_other tutor_own admin_own admin_other

"own" users belong to the world the URL's object lives in, "other" users to a second, separate world.
A route missing from here fails tests/api/test_permission_matrix.py, so a new endpoint cannot ship without
its expectations. Adding one is a few lines, e.g. for the standards catalogue:

    "api-standard-list": route(GET="401 200 200 200 200 200 200 200"),
    "api-standard-detail": route(lambda w: {"public_id": w.standard.public_id},
                                 GET="401 200 200 200 200 200 200 200"),

A method's value is the 8 statuses, or a (statuses, body) pair where body(own, other) gives the JSON sent.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from portfolio.evidence.models import Evidence
from portfolio.notify.services.notifications import notify_users
from portfolio.people.models import Membership
from portfolio.people.services.invitations import invitation_create
from tests.evidence.registry_fixtures import evidence_file_kwargs, evidence_kwargs, verified_file_kwargs
from tests.factories import EvidenceFactory, StatementFactory, World

ROLES = (
    "anonymous",
    "apprentice_own",
    "apprentice_other",
    "employer_own",
    "employer_other",
    "tutor_own",
    "admin_own",
    "admin_other",
)

# URL namespaces whose every view is guarded by someone else's code, tested on its own.
DELEGATED_NAMESPACES = {
    "admin": "Django admin: AdminSite.admin_view lets staff only; see tests/people/test_admin.py",
}

Body = Callable[[World, World], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    kwargs: Callable[[World], dict[str, Any]]
    methods: dict[str, tuple[str, Body | None]] = field(default_factory=dict)


def route(kwargs: Callable[[World], dict[str, Any]] | None = None, **methods: str | tuple[str, Body]) -> Route:
    normalised: dict[str, tuple[str, Body | None]] = {}
    for method, spec in methods.items():
        statuses, body = (spec, None) if isinstance(spec, str) else spec
        assert len(statuses.split()) == len(ROLES), f"{method}: give {len(ROLES)} statuses"
        normalised[method] = (statuses, body)
    return Route(kwargs=kwargs or (lambda w: {}), methods=normalised)


ALL_200 = "200 200 200 200 200 200 200 200"
SIGNED_IN_200 = "401 200 200 200 200 200 200 200"
ADMINS_ONLY = "401 403 403 403 403 403 200 404"
OWN_WORLD_SEES = "401 200 404 200 404 200 200 404"
OWN_WORLD_SEES_PAGE = "302 200 404 200 404 200 200 404"
ADMIN_PAGE = "302 403 403 403 403 403 200 200"
ADMIN_OBJECT_PAGE = "302 403 403 403 403 403 200 404"


def _pending_invitation(w: World) -> dict[str, Any]:
    issued = invitation_create(
        actor=w.admin, email="new.contact@example.org", role=Membership.Role.MENTOR, organisation=w.employer
    )
    return {"public_id": issued.invitation.public_id}


def _apprentice_notification(w: World) -> dict[str, Any]:
    [notification] = notify_users(recipients=[w.apprentice], kind="test", title="Look", link="/evidence/")
    return {"public_id": notification.public_id}


def _mentor_membership(w: World) -> dict[str, Any]:
    return {"public_id": Membership.objects.get(user=w.mentor).public_id}


def _webhook(w: World) -> Any:
    from portfolio.webhooks.services import webhook_endpoint_create

    return webhook_endpoint_create(actor=w.admin, provider=w.provider, url="https://example.org/hook").endpoint


def _webhook_kwargs(w: World) -> dict[str, Any]:
    return {"public_id": _webhook(w).public_id}


def _delivery_kwargs(w: World) -> dict[str, Any]:
    import uuid

    from portfolio.webhooks.models import WebhookDelivery

    delivery = WebhookDelivery.objects.create(
        endpoint=_webhook(w), event="readiness.ready", event_id=uuid.uuid4(), payload={"ready": True}
    )
    return {"public_id": delivery.public_id}


def _export_kwargs(w: World) -> dict[str, Any]:
    from django.utils import timezone

    from portfolio.exports.models import PortfolioExport

    export = PortfolioExport.objects.create(
        apprenticeship=w.apprenticeship,
        requested_by=w.admin,
        state=PortfolioExport.State.READY,
        object_key=f"exports/registry-{w.apprenticeship.pk}.zip",
        size=1,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    return {"public_id": export.public_id}


def _assessment_org(w: World) -> Any:
    from portfolio.people.services.organisations import organisation_create

    return organisation_create(actor=w.admin, kind="assessment_org", name="Registry AO", provider=w.provider)


def _grant_body(own: World, other: World) -> dict[str, Any]:
    return {"organisation": str(_assessment_org(own).public_id)}


def _grant_kwargs(w: World) -> dict[str, Any]:
    from portfolio.handover.services import grant_create

    grant = grant_create(actor=w.admin, apprenticeship=w.apprenticeship, organisation=_assessment_org(w))
    return {"public_id": grant.public_id}


def _standard_kwargs(w: World) -> dict[str, Any]:
    return {"reference": w.standard.reference, "version": w.standard.version}


def _apprenticeship_body(own: World, other: World) -> dict[str, Any]:
    return {
        "provider": str(own.provider.public_id),
        "employer": str(own.employer.public_id),
        "apprentice_email": "new.apprentice@example.org",
        "standard": str(own.standard.public_id),
        "option": str(own.standard.options.first().public_id),  # type: ignore[union-attr]
        "start_date": "2025-09-01",
        "planned_end_date": "2027-06-30",
    }


def _evidence_in(state: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {
        "public_id": EvidenceFactory.create(apprenticeship=w.apprenticeship, state=state, tags=("K1",)).public_id
    }


def _latest_version(own: World) -> int:
    # The version of the item the route's kwargs just made: each decision that led to its state made a new one.
    return Evidence.objects.filter(apprenticeship=own.apprenticeship).latest("pk").version


def _current_version(own: World, other: World) -> dict[str, Any]:
    return {"expected_version": _latest_version(own), "comment": "Checked."}


def _accept_k1(own: World, other: World) -> dict[str, Any]:
    return {"expected_version": _latest_version(own), "tags": [{"statement": "K1", "accepted": True}]}


def _bulk_confirm_own(own: World, other: World) -> dict[str, Any]:
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    return {"items": [{"evidence": str(evidence.public_id), "expected_version": evidence.version}]}


def _behaviour_b1(own: World, other: World) -> dict[str, Any]:
    StatementFactory.create(standard=own.standard, code="B1")
    return {"statements": ["B1"], "confirmed_on": "2025-10-01", "comment": "Seen every week."}


def _behaviour_confirmation(w: World) -> dict[str, Any]:
    from portfolio.reviews.services.behaviours import behaviour_confirm

    StatementFactory.create(standard=w.standard, code="B2")
    [confirmation] = behaviour_confirm(
        actor=w.mentor, apprenticeship=w.apprenticeship, statement_codes=["B2"],
        confirmed_on=datetime.date(2025, 10, 1), comment="Yes.",
    )  # fmt: skip
    return {"public_id": w.apprenticeship.public_id, "confirmation_id": confirmation.public_id}


def _manual_gate(w: World) -> Any:
    from portfolio.gateway.services.policy import manual_gate_create

    # A new name each time: the schema checks ask for this fixture more than once in one world.
    taken = w.provider.manual_gates.count()
    return manual_gate_create(actor=w.admin, provider=w.provider, name=f"Mandatory qualification achieved {taken + 1}")


def _tick_body(own: World, other: World) -> dict[str, Any]:
    return {"gate": str(_manual_gate(own).public_id), "note": "Certificate 4471 seen."}


def _tick_kwargs(w: World) -> dict[str, Any]:
    from portfolio.gateway.services.ticks import manual_gate_tick

    tick = manual_gate_tick(actor=w.tutor, apprenticeship=w.apprenticeship, gate=_manual_gate(w), note="Seen.")
    return {"public_id": w.apprenticeship.public_id, "tick_id": tick.public_id}


def _manual_gate_kwargs(w: World) -> dict[str, Any]:
    return {"public_id": w.provider.public_id, "gate_id": _manual_gate(w).public_id}


# Reviews: the decision's role is checked after the item is found, so "other" users get 404 and
# in-scope users of the wrong role 403. Provider admins do not take decisions (portfolio/reviews/roles.py).
ONLY_APPRENTICE_DECIDES = "401 200 404 403 404 403 403 404"
ONLY_EMPLOYER_DECIDES = "401 403 404 200 404 403 403 404"
ONLY_REVIEWER_DECIDES = "401 403 404 403 404 200 403 404"
SEES_THE_APPRENTICESHIP = "401 200 404 200 404 200 200 404"


def _evidence_body(own: World) -> dict[str, Any]:
    return {
        "apprenticeship": str(own.apprenticeship.public_id),
        "kind": "witness_testimony",
        "title": "Ran the get-in safely",
        "occurred_on": "2025-10-01",
    }


def _otj_entry(w: World) -> Any:
    """A pending entry of the own apprentice, on a day of its own: the schema checks ask every route for its
    objects in one world, so this runs more than once there and must not overlap its earlier entries."""
    from portfolio.otj.models import OtjActivity
    from portfolio.otj.services.activities import otj_activity_create

    day = datetime.date(2025, 10, 6) + datetime.timedelta(
        days=OtjActivity.objects.filter(apprenticeship=w.apprenticeship).count()
    )
    return otj_activity_create(
        actor=w.apprentice, apprenticeship=w.apprenticeship, date=day,
        start_time=datetime.time(9, 0), minutes=60, activity_type="taught_session", description="Workshop",
    )  # fmt: skip


def _otj_kwargs(w: World) -> dict[str, Any]:
    return {"public_id": _otj_entry(w).public_id}


def _otj_approved_kwargs(w: World) -> dict[str, Any]:
    from portfolio.otj.services.decisions import otj_activity_approve

    return {"public_id": otj_activity_approve(actor=w.assessor, activity=_otj_entry(w)).public_id}


def _otj_body(own: World, other: World) -> dict[str, Any]:
    return {"date": "2025-10-07", "start_time": "10:00", "minutes": 90, "activity_type": "shadowing",
            "description": "Shadowed the line producer."}  # fmt: skip


def _otj_bulk_own(own: World, other: World) -> dict[str, Any]:
    return {"items": [{"activity": str(_otj_entry(own).public_id)}]}


def _open_break_kwargs(w: World) -> dict[str, Any]:
    from portfolio.people.models import BreakInLearning
    from portfolio.people.services.breaks import break_in_learning_start

    if not BreakInLearning.objects.filter(apprenticeship=w.apprenticeship, ended_on__isnull=True).exists():
        break_in_learning_start(actor=w.admin, apprenticeship=w.apprenticeship, started_on=datetime.date(2026, 1, 5))
    return {"public_id": w.apprenticeship.public_id}


def _scheduled_review(w: World) -> Any:
    """The own apprenticeship's scheduled review, scheduled by its tutor unless one already is: the schema checks
    ask for it more than once in one world, and one review is scheduled at a time."""
    from django.utils import timezone

    from portfolio.progress.models import ProgressReview
    from portfolio.progress.services.scheduling import progress_review_schedule

    found = ProgressReview.objects.filter(apprenticeship=w.apprenticeship, state="scheduled").first()
    return found or progress_review_schedule(
        actor=w.tutor, apprenticeship=w.apprenticeship, scheduled_for=timezone.now() + datetime.timedelta(days=7),
        reviewer=w.tutor, employer_contact=w.line_manager,
    )  # fmt: skip


def _held_review(w: World) -> Any:
    """A review the tutor held today, waiting for its three signatures (a new one each time it is asked for)."""
    from django.utils import timezone

    from portfolio.progress.services.recording import progress_review_hold

    return progress_review_hold(actor=w.tutor, review=_scheduled_review(w), held_on=timezone.localdate())


def _signed_review_with_pdf(w: World) -> dict[str, Any]:
    from django.db.models import F

    from portfolio.progress.models import ProgressReview
    from portfolio.progress.services.signatures import progress_review_sign

    review = _held_review(w)
    for person in (w.apprentice, w.line_manager, w.tutor):
        progress_review_sign(actor=person, review=review)
    # The PDF is made by a task after commit (tests/progress cover it); here only its key is needed for the link.
    ProgressReview.objects.filter(pk=review.pk).update(
        pdf_key=f"progress-reviews/registry-{review.pk}.pdf", pdf_fingerprint=F("fingerprint")
    )
    return {"public_id": review.public_id}


def _agreed_interval_kwargs(w: World) -> dict[str, Any]:
    from portfolio.progress.services.intervals import agreed_interval_set

    agreed_interval_set(actor=w.admin, apprenticeship=w.apprenticeship, interval_months=6,
                        reason="Seasonal work: agreed with the line manager.")  # fmt: skip
    return {"public_id": w.apprenticeship.public_id}


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


_SCHEDULED_REVIEW = lambda w: {"public_id": _scheduled_review(w).public_id}  # noqa: E731
_HELD_REVIEW = lambda w: {"public_id": _held_review(w).public_id}  # noqa: E731
_OWN_APPRENTICESHIP = lambda w: {"public_id": w.apprenticeship.public_id}  # noqa: E731
ONLY_OTJ_STAFF_DECIDE = "401 403 404 403 404 200 200 404"
ONLY_THE_LOGGER = "401 200 404 403 404 403 403 404"

ROUTES: dict[str, Route] = {
    # Pages
    # Signed-in people land on their start page (a task list per role they hold).
    "home": route(GET=ALL_200),
    # Coverage pages: progress of one apprenticeship; the cohort, its heat map and the readiness feed.
    "my-progress-page": route(GET="302 302 302 200 200 200 200 200"),
    "progress-page": route(lambda w: {"public_id": w.apprenticeship.public_id}, GET="302 200 404 200 404 200 200 404"),
    "cohort-page": route(GET="302 403 403 200 200 200 200 200"),
    "cohort-heatmap-page": route(GET="302 403 403 200 200 200 200 200"),
    "readiness-feed-page": route(GET="302 200 200 200 200 200 200 200"),
    # The gateway page: whoever sees the apprenticeship; a POST without an action is a bad request. Its settings
    # and a manual gate's retirement: provider admins, each their own provider's.
    "gateway-page": route(
        lambda w: {"public_id": w.apprenticeship.public_id},
        GET="302 200 404 200 404 200 200 404",
        POST=("302 400 404 400 404 400 400 404", lambda own, other: {}),
    ),
    "gateway-settings-page": route(GET=ADMIN_PAGE, POST=(ADMIN_PAGE, lambda own, other: {})),
    "manual-gate-retire-page": route(
        lambda w: {"gate_id": _manual_gate(w).public_id},
        GET=ADMIN_OBJECT_PAGE,
        POST=("302 403 403 403 403 403 302 404", lambda own, other: {}),
    ),
    # Webhook settings: provider admins only (each sees their own provider's endpoints; tests/webhooks).
    "webhook-settings-page": route(
        GET="302 403 403 403 403 403 200 200", POST=("302 403 403 403 403 403 200 200", lambda own, other: {})
    ),
    # Statement suggestions: provider admins only, each choosing for their own providers (the form post, and
    # another provider's admin naming this provider, are tested in tests/suggestions/test_provider_setting.py).
    "suggestion-settings-page": route(GET=ADMIN_PAGE, POST=("302 403 403 403 403 403 400 400", lambda own, other: {})),
    "healthz": route(GET=ALL_200),
    "login": route(GET="200 302 302 302 302 302 302 302"),
    "logout": route(GET="405 405 405 405 405 405 405 405", POST="302 302 302 302 302 302 302 302"),
    "password_reset": route(GET=ALL_200),
    "password_reset_done": route(GET=ALL_200),
    "password_reset_confirm": route(lambda w: {"uidb64": "MQ", "token": "not-a-token"}, GET=ALL_200),
    "password_reset_complete": route(GET=ALL_200),
    "invitation-accept": route(lambda w: {"token": "forged"}, GET="400 400 400 400 400 400 400 400"),
    "apprenticeship-list-page": route(GET="302 200 200 200 200 200 200 200"),
    "apprenticeship-detail-page": route(
        lambda w: {"public_id": w.apprenticeship.public_id}, GET="302 200 404 200 404 200 200 404"
    ),
    # The provider admin's pages: 403 for anyone who administers no provider (checked before any lookup),
    # 404 for another provider's admin on an object page. A JSON body is not a form: the form comes back (200).
    "apprenticeship-create-page": route(GET=ADMIN_PAGE, POST=(ADMIN_PAGE, lambda own, other: {})),
    "apprenticeship-edit-page": route(
        lambda w: {"public_id": w.apprenticeship.public_id},
        GET=ADMIN_OBJECT_PAGE,
        POST=(ADMIN_OBJECT_PAGE, lambda own, other: {}),
    ),
    "membership-list-page": route(GET=ADMIN_PAGE),
    "membership-deactivate-page": route(
        _mentor_membership, GET=ADMIN_OBJECT_PAGE, POST=("302 403 403 403 403 403 302 404", lambda own, other: {})
    ),
    "invitation-list-page": route(GET=ADMIN_PAGE),
    "invitation-create-page": route(GET=ADMIN_PAGE, POST=(ADMIN_PAGE, lambda own, other: {})),
    "invitation-revoke-page": route(
        _pending_invitation, GET=ADMIN_OBJECT_PAGE, POST=("302 403 403 403 403 403 302 404", lambda own, other: {})
    ),
    # API: documentation and sign-in
    "api-schema": route(GET=ALL_200),
    "api-docs": route(GET=ALL_200),
    "api-auth-token": route(
        GET="405 405 405 405 405 405 405 405",
        POST=(
            "400 400 400 400 400 400 400 400",
            lambda own, other: {"email": "x@example.org", "password": "no"},
        ),
    ),
    "api-auth-token-revoke": route(POST="401 204 204 204 204 204 204 204"),
    "api-me": route(GET=SIGNED_IN_200, PATCH=(SIGNED_IN_200, lambda own, other: {"first_name": "Sam"})),
    # API: organisations
    "api-organisation-list": route(
        GET=SIGNED_IN_200,
        POST=(
            "401 403 403 403 403 403 201 400",
            lambda own, other: {
                "kind": "employer",
                "name": "New Co",
                "provider": str(own.provider.public_id),
            },
        ),
    ),
    "api-organisation-detail": route(
        lambda w: {"public_id": w.employer.public_id},
        GET="401 200 404 200 404 200 200 404",
        PATCH=("401 403 404 403 404 403 200 404", lambda own, other: {"name": "Renamed Ltd"}),
    ),
    # API: memberships (the target is the mentor's, at the own world's employer)
    "api-membership-list": route(GET=SIGNED_IN_200),
    "api-membership-detail": route(
        _mentor_membership,
        GET="401 404 404 200 404 200 200 404",
        PATCH=("401 404 404 403 404 403 200 404", lambda own, other: {"is_active": False}),
    ),
    # API: invitations (provider admins only)
    "api-invitation-list": route(
        GET="401 403 403 403 403 403 200 200",
        POST=(
            "401 403 403 403 403 403 201 400",
            lambda own, other: {
                "email": "someone@example.org",
                "role": "line_manager",
                "organisation": str(own.employer.public_id),
            },
        ),
    ),
    "api-invitation-detail": route(_pending_invitation, GET=ADMINS_ONLY),
    "api-invitation-revoke": route(_pending_invitation, POST=ADMINS_ONLY),
    "api-invitation-accept": route(
        GET="405 405 405 405 405 405 405 405",
        POST=(
            "400 400 400 400 400 400 400 400",
            lambda own, other: {"token": "forged", "password": "x" * 12},
        ),
    ),
    # Local-disk upload and download: authorised by a signed slot or link, never by the session (the
    # suite runs on S3, where these answer 404; tests/core/test_storage_presign.py covers the local disk).
    "local-upload": route(
        GET="405 405 405 405 405 405 405 405", POST=("404 404 404 404 404 404 404 404", lambda own, other: {})
    ),
    "local-download": route(GET="404 404 404 404 404 404 404 404"),
    # Notifications: everyone signed in has their own; nobody sees another's (tests/notify covers that).
    "notification-list": route(GET="302 200 200 200 200 200 200 200"),
    "notification-mark-read": route(GET="405 405 405 405 405 405 405 405", POST="302 302 302 302 302 302 302 302"),
    # Opening one marks it read and follows its link: the recipient's own only, anyone else's is a 404.
    "notification-open": route(_apprentice_notification, GET="302 302 404 404 404 404 404 404"),
    "api-notification-list": route(GET=SIGNED_IN_200),
    "api-notification-mark-read": route(POST="401 200 200 200 200 200 200 200"),
    # Standards catalogue: reference data every signed-in user may read; imports are for provider admins of
    # any provider (the catalogue is shared), so "admin_other" may import too.
    "standard-list": route(GET="302 200 200 200 200 200 200 200"),
    "standard-detail": route(_standard_kwargs, GET="302 200 200 200 200 200 200 200"),
    "standard-import": route(
        GET="302 403 403 403 403 403 200 200",
        POST=("302 403 403 403 403 403 400 400", lambda own, other: {}),
    ),
    "api-standard-list": route(GET=SIGNED_IN_200),
    "api-standard-detail": route(_standard_kwargs, GET=SIGNED_IN_200),
    # A JSON body is the wrong media type for an upload: admins get past the permission check to a 415.
    "api-standard-import": route(
        GET="401 403 403 403 403 403 405 405",
        POST=("401 403 403 403 403 403 415 415", lambda own, other: {}),
    ),
    # API: coverage and readiness. The cohort is for provider staff and employer contacts, each their own.
    "api-apprenticeship-coverage": route(
        lambda w: {"public_id": w.apprenticeship.public_id}, GET="401 200 404 200 404 200 200 404"
    ),
    "api-apprenticeship-readiness-events": route(
        lambda w: {"public_id": w.apprenticeship.public_id}, GET="401 200 404 200 404 200 200 404"
    ),
    "api-cohort": route(GET="401 403 403 200 200 200 200 200"),
    "api-readiness-event-list": route(GET=SIGNED_IN_200),
    # API: webhooks, for the admins of the provider that owns them
    "api-webhook-list": route(
        GET="401 403 403 403 403 403 200 200",
        POST=(
            "401 403 403 403 403 403 201 400",
            lambda own, other: {"provider": str(own.provider.public_id), "url": "https://example.org/hook"},
        ),
    ),
    "api-webhook-detail": route(
        _webhook_kwargs,
        GET=ADMINS_ONLY,
        PATCH=(ADMINS_ONLY, lambda own, other: {"description": "CRM"}),
        DELETE="401 403 403 403 403 403 204 404",
    ),
    "api-webhook-deliveries": route(_webhook_kwargs, GET=ADMINS_ONLY),
    "api-webhook-delivery-resend": route(_delivery_kwargs, POST="401 403 403 403 403 403 202 404"),
    # API: apprenticeships
    "api-apprenticeship-list": route(GET=SIGNED_IN_200, POST=("401 403 403 403 403 403 201 400", _apprenticeship_body)),
    "api-apprenticeship-detail": route(
        lambda w: {"public_id": w.apprenticeship.public_id},
        GET="401 200 404 200 404 200 200 404",
        PATCH=("401 403 404 403 404 403 200 404", lambda own, other: {"status": "break_in_learning"}),
    ),
    # API: reviews
    "api-evidence-submit": route(_evidence_in("draft"), POST=(ONLY_APPRENTICE_DECIDES, _current_version)),
    "api-evidence-confirm": route(_evidence_in("submitted"), POST=(ONLY_EMPLOYER_DECIDES, _current_version)),
    "api-evidence-accept": route(_evidence_in("confirmed"), POST=(ONLY_REVIEWER_DECIDES, _accept_k1)),
    "api-evidence-return": route(_evidence_in("submitted"), POST=("401 403 404 200 404 200 403 404", _current_version)),
    "api-evidence-withdraw": route(_evidence_in("submitted"), POST=(ONLY_APPRENTICE_DECIDES, _current_version)),
    "api-evidence-decisions": route(_evidence_in("submitted"), GET=SEES_THE_APPRENTICESHIP),
    "api-review-queue-confirmation": route(GET="401 403 403 200 200 403 403 403"),
    "api-review-bulk-confirm": route(POST=("401 403 403 200 200 403 403 403", _bulk_confirm_own)),
    "api-review-queue-acceptance": route(GET="401 403 403 403 403 200 403 403"),
    "api-review-queue-returned": route(GET="401 200 200 403 403 403 403 403"),
    "api-behaviour-list": route(
        lambda w: {"public_id": w.apprenticeship.public_id},
        GET=SEES_THE_APPRENTICESHIP,
        POST=("401 403 404 201 404 403 403 404", _behaviour_b1),
    ),
    "api-behaviour-withdraw": route(_behaviour_confirmation, POST="401 403 404 200 404 403 403 404"),
    "api-review-policy": route(
        lambda w: {"public_id": w.provider.public_id},
        GET="401 403 404 403 404 403 200 404",
        PATCH=("401 403 404 403 404 403 200 404", lambda own, other: {"require_employer_confirmation": False}),
    ),
    # API: the gateway. Anyone who sees the apprenticeship reads its checklist; signing, ticking and referring
    # check the role after the apprenticeship is found (another world's: 404). The world's apprentice is not ready,
    # so a signature or referral from the right role is refused as 409 `not_ready`.
    "api-gateway-status": route(lambda w: {"public_id": w.apprenticeship.public_id}, GET=SEES_THE_APPRENTICESHIP),
    "api-gateway-sign": route(
        lambda w: {"public_id": w.apprenticeship.public_id},
        POST=("401 403 404 409 404 403 403 404", lambda own, other: {"side": "employer"}),
    ),
    "api-gateway-tick": route(
        lambda w: {"public_id": w.apprenticeship.public_id}, POST=("401 403 404 403 404 201 201 404", _tick_body)
    ),
    "api-gateway-tick-withdraw": route(_tick_kwargs, POST="401 403 404 403 404 200 200 404"),
    "api-gateway-refer": route(
        lambda w: {"public_id": w.apprenticeship.public_id},
        POST=("401 403 404 403 404 409 409 404", lambda own, other: {"assessment_organisation": "Acme EPA"}),
    ),
    # The provider's gateway settings and manual gates: its admins only.
    "api-gateway-policy": route(
        lambda w: {"public_id": w.provider.public_id},
        GET="401 403 404 403 404 403 200 404",
        PATCH=("401 403 404 403 404 403 200 404", lambda own, other: {"otj_gate": False}),
    ),
    "api-manual-gate-list": route(
        lambda w: {"public_id": w.provider.public_id},
        GET="401 403 404 403 404 403 200 404",
        POST=("401 403 404 403 404 403 201 404", lambda own, other: {"name": "Mandatory qualification achieved"}),
    ),
    "api-manual-gate-detail": route(
        _manual_gate_kwargs, PATCH=("401 403 404 403 404 403 200 404", lambda own, other: {"name": "Renamed"})
    ),
    # Review pages
    "review-confirmation-page": route(GET="302 403 403 200 200 403 403 403"),
    "review-acceptance-page": route(GET="302 403 403 403 403 200 403 403"),
    "review-returned-page": route(GET="302 200 200 403 403 403 403 403"),
    "evidence-submit-page": route(
        _evidence_in("draft"), GET="302 405 405 405 405 405 405 405", POST="302 302 404 403 404 403 403 404"
    ),
    # Both reviewers open the review page (the employer contact to confirm or return); the apprentice and
    # the admin do not review.
    "review-evidence-page": route(_evidence_in("confirmed"), GET="302 403 404 200 404 200 403 404"),
    # A preview (or download) of a file: whoever may see the item, as for the download page.
    "review-file-preview-page": route(verified_file_kwargs, GET="302 302 404 302 404 302 302 404"),
    "behaviour-page": route(lambda w: {"public_id": w.apprenticeship.public_id}, GET="302 403 404 200 404 403 403 404"),
    # GET asks "withdraw it?"; only the POST from that page withdraws.
    "behaviour-withdraw-page": route(
        _behaviour_confirmation, GET="302 403 404 200 404 403 403 404", POST="302 403 404 302 404 403 403 404"
    ),
    # Evidence (an apprentice's draft in the own world). Employer contacts and provider staff may see it and
    # add witness testimony; only the author changes an item, and only the author or the apprentice tags it.
    "api-evidence-list": route(
        GET=SIGNED_IN_200,
        POST=("401 201 404 201 404 201 201 404", lambda own, other: _evidence_body(own)),
    ),
    "api-evidence-detail": route(
        evidence_kwargs,
        GET=OWN_WORLD_SEES,
        PATCH=("401 200 404 403 404 403 403 404", lambda own, other: {"title": "Renamed"}),
        DELETE="401 204 404 403 404 403 403 404",
    ),
    "api-evidence-file-list": route(
        evidence_kwargs,
        POST=(
            "401 201 404 403 404 403 403 404",
            lambda own, other: {"name": "a.pdf", "content_type": "application/pdf", "size": 10},
        ),
    ),
    "api-evidence-file-complete": route(evidence_file_kwargs, POST="401 200 404 403 404 403 403 404"),
    # Only the item's author removes a file; whoever may not see the item gets a 404.
    "api-evidence-file-detail": route(evidence_file_kwargs, DELETE="401 200 404 403 404 403 403 404"),
    "api-evidence-file-download": route(verified_file_kwargs, GET=OWN_WORLD_SEES),
    "api-evidence-tags": route(
        evidence_kwargs,
        GET=OWN_WORLD_SEES,
        PUT=("401 200 404 403 404 403 403 404", lambda own, other: {"statements": []}),
    ),
    "api-evidence-suggestions": route(evidence_kwargs, GET=OWN_WORLD_SEES),
    "evidence-list-page": route(GET="302 200 200 200 200 200 200 200"),
    "apprenticeship-evidence-page": route(lambda w: {"public_id": w.apprenticeship.public_id}, GET=OWN_WORLD_SEES_PAGE),
    # A JSON body is not a form: the page shows the form again with its errors (200).
    "evidence-create-page": route(
        lambda w: {"public_id": w.apprenticeship.public_id}, GET=OWN_WORLD_SEES_PAGE, POST=OWN_WORLD_SEES_PAGE
    ),
    "evidence-detail-page": route(evidence_kwargs, GET=OWN_WORLD_SEES_PAGE),
    "evidence-edit-page": route(
        evidence_kwargs, GET="302 200 404 403 404 403 403 404", POST="302 200 404 403 404 403 403 404"
    ),
    # GET asks for confirmation; POST deletes.
    "evidence-delete-page": route(
        evidence_kwargs, GET="302 200 404 403 404 403 403 404", POST="302 302 404 403 404 403 403 404"
    ),
    "evidence-file-remove-page": route(
        evidence_file_kwargs, GET="302 200 404 403 404 403 403 404", POST="302 302 404 403 404 403 403 404"
    ),
    "evidence-tags-page": route(
        evidence_kwargs, GET="302 200 404 403 404 403 403 404", POST="302 302 404 403 404 403 403 404"
    ),
    "evidence-file-download-page": route(verified_file_kwargs, GET="302 302 404 302 404 302 302 404"),
    # Off-the-job hours. Pages: the apprentice's own log (others answer 403 on /otj/, which is for apprentices);
    # a JSON body is not a form, so a POST by someone allowed shows the form's errors (400).
    "otj-mine-page": route(GET="302 302 302 403 403 403 403 403"),
    "otj-log-page": route(
        _OWN_APPRENTICESHIP, GET=OWN_WORLD_SEES_PAGE, POST=("302 400 404 403 404 400 400 404", lambda o, x: {})
    ),
    "otj-entry-page": route(
        _otj_kwargs, GET=OWN_WORLD_SEES_PAGE, POST=("302 403 404 403 404 400 400 404", lambda o, x: {})
    ),
    "otj-entry-edit-page": route(
        _otj_kwargs, GET="302 200 404 403 404 403 403 404", POST=("302 400 404 403 404 403 403 404", lambda o, x: {})
    ),
    "otj-entry-delete-page": route(
        _otj_kwargs, GET="302 200 404 403 404 403 403 404", POST=("302 302 404 403 404 403 403 404", lambda o, x: {})
    ),
    "otj-queue-page": route(
        GET="302 403 403 403 403 200 200 200", POST=("302 403 403 403 403 302 302 302", lambda o, x: {})
    ),
    "otj-minimums-page": route(GET=ADMIN_PAGE, POST=("302 403 403 403 403 403 302 302", lambda o, x: {})),
    "otj-minimums-import-page": route(GET=ADMIN_PAGE, POST=("302 403 403 403 403 403 400 400", lambda o, x: {})),
    "apprenticeship-breaks-page": route(
        _OWN_APPRENTICESHIP, GET=ADMIN_OBJECT_PAGE, POST=("302 403 403 403 403 403 400 404", lambda o, x: {})
    ),
    # API: entries are seen by whoever sees the apprenticeship; logged by the apprentice or provider staff; changed
    # by whoever logged them; decided by the provider's assessors, tutors and admins.
    "api-otj-list": route(
        _OWN_APPRENTICESHIP, GET=SEES_THE_APPRENTICESHIP, POST=("401 201 404 403 404 201 201 404", _otj_body)
    ),
    "api-otj-summary": route(_OWN_APPRENTICESHIP, GET=SEES_THE_APPRENTICESHIP),
    "api-otj-detail": route(
        _otj_kwargs,
        GET=SEES_THE_APPRENTICESHIP,
        PATCH=(ONLY_THE_LOGGER, lambda o, x: {"minutes": 30}),
        DELETE="401 204 404 403 404 403 403 404",
    ),
    "api-otj-approve": route(_otj_kwargs, POST=(ONLY_OTJ_STAFF_DECIDE, lambda o, x: {})),
    "api-otj-decline": route(_otj_kwargs, POST=(ONLY_OTJ_STAFF_DECIDE, lambda o, x: {"comment": "Normal work."})),
    "api-otj-reverse": route(
        _otj_approved_kwargs, POST=(ONLY_OTJ_STAFF_DECIDE, lambda o, x: {"comment": "Logged twice."})
    ),
    "api-otj-queue": route(GET="401 403 403 403 403 200 200 200"),
    "api-otj-bulk-approve": route(POST=("401 403 403 403 403 200 200 200", _otj_bulk_own)),
    "api-otj-minimums": route(
        lambda w: {"public_id": w.provider.public_id},
        GET="401 403 404 403 404 403 200 404",
        POST=(
            "401 403 404 403 404 403 200 404",
            lambda o, x: {"standard": str(o.standard.public_id), "minimum_hours": 278},
        ),
    ),
    "api-break-list": route(
        _OWN_APPRENTICESHIP,
        GET=SEES_THE_APPRENTICESHIP,
        POST=("401 403 404 403 404 403 201 404", lambda o, x: {"started_on": "2026-01-05"}),
    ),
    "api-break-end": route(
        _open_break_kwargs, POST=("401 403 404 403 404 403 200 404", lambda o, x: {"ended_on": "2026-01-31"})
    ),
    # Hand-over: provider staff of the apprenticeship manage access and exports; an assessment organisation's
    # pages answer 404 to everyone without a grant in force (tests/handover covers those who have one).
    "handover-page": route(
        lambda w: {"public_id": w.apprenticeship.public_id},
        GET="302 404 404 404 404 200 200 404",
        POST="302 404 404 404 404 400 400 404",
    ),
    "assessment-list-page": route(GET="302 404 404 404 404 404 404 404"),
    "assessment-portfolio-page": route(
        lambda w: {"public_id": w.apprenticeship.public_id},
        GET="302 404 404 404 404 404 404 404",
        POST="302 404 404 404 404 404 404 404",
    ),
    "assessment-file-download": route(
        lambda w: {"public_id": w.apprenticeship.public_id, "file_id": verified_file_kwargs(w)["file_id"]},
        GET="302 404 404 404 404 404 404 404",
    ),
    "verify-export-page": route(GET="302 404 404 404 404 200 200 200", POST="302 404 404 404 404 400 400 400"),
    "export-progress": route(_export_kwargs, GET="302 404 404 404 404 200 200 404"),
    "export-download": route(_export_kwargs, GET="302 404 404 404 404 302 302 404"),
    "api-grant-list": route(
        lambda w: {"public_id": w.apprenticeship.public_id},
        GET="401 404 404 404 404 200 200 404",
        POST=("401 404 404 404 404 403 201 404", _grant_body),
    ),
    "api-grant-revoke": route(_grant_kwargs, POST="401 404 404 404 404 403 200 404"),
    "api-assessment-portfolio-list": route(GET=SIGNED_IN_200),  # each sees only their own grants: none here
    "api-assessment-portfolio-detail": route(
        lambda w: {"public_id": w.apprenticeship.public_id}, GET="401 404 404 404 404 404 404 404"
    ),
    "api-export-create": route(
        lambda w: {"public_id": w.apprenticeship.public_id}, POST="401 404 404 404 404 202 202 404"
    ),
    "api-export-detail": route(_export_kwargs, GET="401 404 404 404 404 200 200 404"),
    "api-export-download": route(_export_kwargs, POST="401 404 404 404 404 200 200 404"),
    # Progress reviews. Pages: the staff's list; an apprenticeship's schedule (whoever sees it; staff schedule, and a
    # POST without an action is a bad request); a review (a POST without an action: 400); the review form (each
    # party and the reviewer; a provider admin neither holds nor signs); signing; the PDF; the admin's interval.
    "progress-review-list-page": route(GET="302 403 403 403 403 200 200 200"),
    "progress-review-schedule-page": route(
        _OWN_APPRENTICESHIP, GET=OWN_WORLD_SEES_PAGE, POST=("302 403 404 403 404 400 400 404", lambda o, x: {})
    ),
    "progress-review-page": route(
        _SCHEDULED_REVIEW, GET=OWN_WORLD_SEES_PAGE, POST=("302 400 404 400 404 400 400 404", lambda o, x: {})
    ),
    "progress-review-record-page": route(
        _HELD_REVIEW, GET="302 200 404 200 404 200 403 404", POST=("302 400 404 400 404 400 403 404", lambda o, x: {})
    ),
    "progress-review-sign-page": route(
        _HELD_REVIEW, GET=OWN_WORLD_SEES_PAGE, POST=("302 400 404 400 404 400 403 404", lambda o, x: {})
    ),
    "progress-review-pdf-page": route(_signed_review_with_pdf, GET="302 302 404 302 404 302 302 404"),
    "progress-review-settings-page": route(GET=ADMIN_PAGE, POST=("302 403 403 403 403 403 400 400", lambda o, x: {})),
    # API: whoever sees the apprenticeship reads its reviews; its provider's assessors, tutors and admins schedule,
    # reschedule and cancel; an assessor or tutor holds; each party (and the reviewer) changes the record and signs.
    "api-apprenticeship-progress-reviews": route(
        _OWN_APPRENTICESHIP,
        GET=SEES_THE_APPRENTICESHIP,
        POST=(
            "401 403 404 403 404 201 201 404",
            lambda o, x: {
                "scheduled_for": (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)).isoformat(),
                "reviewer": str(o.tutor.public_id),
            },
        ),
    ),
    "api-progress-review-interval": route(
        _agreed_interval_kwargs,
        GET=SEES_THE_APPRENTICESHIP,
        PUT=("401 403 404 403 404 200 200 404", lambda o, x: {"interval_months": 6, "reason": "Agreed: seasonal."}),
        DELETE="401 403 404 403 404 204 204 404",
    ),
    "api-progress-review-list": route(GET=SIGNED_IN_200),
    "api-progress-review-due": route(GET="401 403 403 403 403 200 200 200"),
    "api-progress-review-detail": route(
        _SCHEDULED_REVIEW,
        GET=SEES_THE_APPRENTICESHIP,
        PATCH=("401 403 404 403 404 200 200 404", lambda o, x: {"location": "Teams"}),
    ),
    "api-progress-review-hold": route(
        _SCHEDULED_REVIEW,
        POST=("401 403 404 403 404 200 403 404", lambda o, x: {"held_on": _today()}),
    ),
    "api-progress-review-record": route(_HELD_REVIEW, PATCH=("401 200 404 200 404 200 403 404", lambda o, x: {})),
    "api-progress-review-cancel": route(_SCHEDULED_REVIEW, POST=("401 403 404 403 404 200 200 404", lambda o, x: {})),
    "api-progress-review-sign": route(_HELD_REVIEW, POST=("401 201 404 201 404 201 403 404", lambda o, x: {})),
    "api-progress-review-pdf": route(_signed_review_with_pdf, POST="401 200 404 200 404 200 200 404"),
    "api-progress-review-policy": route(
        lambda w: {"public_id": w.provider.public_id},
        GET="401 403 404 403 404 403 200 404",
        PATCH=("401 403 404 403 404 403 200 404", lambda o, x: {"interval_months": 2}),
    ),
}
