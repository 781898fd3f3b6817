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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from portfolio.people.models import Membership
from portfolio.people.services.invitations import invitation_create
from tests.factories import World

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


def _pending_invitation(w: World) -> dict[str, Any]:
    issued = invitation_create(
        actor=w.admin, email="new.contact@example.org", role=Membership.Role.MENTOR, organisation=w.employer
    )
    return {"public_id": issued.invitation.public_id}


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


ROUTES: dict[str, Route] = {
    # Pages
    "home": route(GET=ALL_200),
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
}
