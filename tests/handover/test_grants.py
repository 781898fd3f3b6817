"""An assessment organisation sees a portfolio only when granted, and only while the grant lasts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.handover.selectors import (
    grant_list_for_assessment_user,
    grant_list_for_provider_user,
    granted_apprenticeship_get,
)
from portfolio.handover.services import grant_create, grant_revoke
from portfolio.people.models import Membership, Organisation
from portfolio.people.selectors import apprenticeship_list_for_user, organisation_list_for_user, user_roles
from portfolio.people.services.invitations import invitation_create
from portfolio.people.services.organisations import organisation_create
from tests.factories import MembershipFactory, World, build_world

pytestmark = pytest.mark.django_db


def _assessment_org(world: World, name: str = "Independent Assessment Ltd") -> Organisation:
    return organisation_create(
        actor=world.admin, kind=Organisation.Kind.ASSESSMENT_ORGANISATION, name=name, provider=world.provider
    )


def _end_point_assessor(organisation: Organisation) -> object:
    return MembershipFactory.create(organisation=organisation, role=Membership.Role.END_POINT_ASSESSOR).user


def test_an_assessment_organisation_sees_a_portfolio_only_while_its_grant_lasts() -> None:
    own, _ = build_world()
    ao = _assessment_org(own)
    epa = _end_point_assessor(ao)
    public_id = own.apprenticeship.public_id
    now = timezone.now()
    with pytest.raises(Http404):
        granted_apprenticeship_get(user=epa, public_id=public_id)  # nothing granted yet

    grant = grant_create(
        actor=own.assessor,
        apprenticeship=own.apprenticeship,
        organisation=ao,
        starts_at=now + timedelta(days=1),
        expires_at=now + timedelta(days=10),
    )
    with pytest.raises(Http404):
        granted_apprenticeship_get(user=epa, public_id=public_id, now=now)  # before it starts
    during = now + timedelta(days=2)
    assert granted_apprenticeship_get(user=epa, public_id=public_id, now=during) == own.apprenticeship
    assert list(grant_list_for_assessment_user(user=epa, now=during)) == [grant]
    with pytest.raises(Http404):
        granted_apprenticeship_get(user=epa, public_id=public_id, now=now + timedelta(days=10))  # expired

    current = grant_create(actor=own.admin, apprenticeship=own.apprenticeship, organisation=ao)
    assert granted_apprenticeship_get(user=epa, public_id=public_id) == own.apprenticeship
    assert current.expires_at - current.starts_at == timedelta(days=90)  # the default length
    grant_revoke(actor=own.admin, grant=current)
    with pytest.raises(Http404):
        granted_apprenticeship_get(user=epa, public_id=public_id)  # revoked
    actions = list(AuditEntry.objects.filter(action__startswith="handover.").values_list("action", flat=True))
    assert sorted(actions) == ["handover.grant", "handover.grant", "handover.revoke"]


def test_other_assessment_organisations_and_other_providers_see_nothing() -> None:
    own, other = build_world()
    ao = _assessment_org(own)
    another_ao = _assessment_org(own, "Another AO")
    other_providers_ao = _assessment_org(other, "Elsewhere AO")
    grant_create(actor=own.assessor, apprenticeship=own.apprenticeship, organisation=ao)
    for outsider in (_end_point_assessor(another_ao), _end_point_assessor(other_providers_ao), other.assessor):
        with pytest.raises(Http404):
            granted_apprenticeship_get(user=outsider, public_id=own.apprenticeship.public_id)
    with pytest.raises(Http404):
        granted_apprenticeship_get(user=_end_point_assessor(ao), public_id="not-a-uuid")
    # An end-point assessor is nobody anywhere else: no apprenticeship, no other organisation, no staff menu.
    epa = _end_point_assessor(ao)
    assert list(apprenticeship_list_for_user(user=epa)) == []
    assert list(organisation_list_for_user(user=epa)) == [ao]
    assert user_roles(user=epa) == frozenset({"assessment_organisation"})
    assert list(grant_list_for_provider_user(user=epa)) == []
    assert list(grant_list_for_provider_user(user=other.admin)) == []
    assert len(grant_list_for_provider_user(user=own.tutor)) == 1


def test_only_the_providers_admins_and_assessors_grant_and_only_to_its_own_assessment_organisations() -> None:
    own, other = build_world()
    ao = _assessment_org(own)
    for who in (own.tutor, own.iqa, own.line_manager, own.apprentice, other.admin, other.assessor):
        with pytest.raises(PermissionDenied):
            grant_create(actor=who, apprenticeship=own.apprenticeship, organisation=ao)
    with pytest.raises(ValidationError, match="assessment organisations"):
        grant_create(actor=own.admin, apprenticeship=own.apprenticeship, organisation=_assessment_org(other, "X"))
    with pytest.raises(ValidationError, match="assessment organisations"):
        grant_create(actor=own.admin, apprenticeship=own.apprenticeship, organisation=own.employer)
    now = timezone.now()
    with pytest.raises(ValidationError, match="end after it starts"):
        grant_create(actor=own.admin, apprenticeship=own.apprenticeship, organisation=ao, starts_at=now, expires_at=now)
    with pytest.raises(ValidationError, match="already have ended"):
        grant_create(
            actor=own.admin,
            apprenticeship=own.apprenticeship,
            organisation=ao,
            starts_at=now - timedelta(days=20),
            expires_at=now - timedelta(days=1),
        )
    grant = grant_create(actor=own.admin, apprenticeship=own.apprenticeship, organisation=ao)
    with pytest.raises(PermissionDenied):
        grant_revoke(actor=other.admin, grant=grant)


def test_assessment_organisation_people_are_invited_like_everyone_else() -> None:
    own, other = build_world()
    ao = _assessment_org(own)
    issued = invitation_create(
        actor=own.admin, email="epa@assess.example.org", role="end_point_assessor", organisation=ao
    )
    assert issued.invitation.organisation == ao
    with pytest.raises(ValidationError, match="is not a role"):
        invitation_create(actor=own.admin, email="x@assess.example.org", role="tutor", organisation=ao)
    with pytest.raises(PermissionDenied):
        invitation_create(actor=other.admin, email="y@assess.example.org", role="end_point_assessor", organisation=ao)
    with pytest.raises(PermissionDenied):
        organisation_create(
            actor=other.admin, kind=Organisation.Kind.ASSESSMENT_ORGANISATION, name="Z", provider=own.provider
        )
