from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.mail.models import OutgoingMail
from portfolio.people.models import Invitation, Membership, SignInFailure, User
from portfolio.people.services.invitations import InvitationInvalid, invitation_accept, invitation_create
from tests.factories import PASSWORD, UserFactory, make_world

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-long-password-42"


def _invite(world: Any, email: str = "new.tutor@example.org", role: str = "tutor") -> Any:
    return invitation_create(actor=world.admin, email=email, role=role, organisation=world.provider)


def test_accepting_sets_the_password_and_grants_the_membership(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)  # the outbox's task runs here, into Django's outbox
    world = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        issued = _invite(world)
    assert len(mail.outbox) == 1
    assert issued.url in mail.outbox[0].body
    assert not User.objects.get(email="new.tutor@example.org").has_usable_password()

    user = invitation_accept(token=issued.token, password=NEW_PASSWORD)

    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.filter(user=user, organisation=world.provider, role="tutor", is_active=True).exists()
    assert Invitation.objects.get(pk=issued.invitation.pk).accepted_at is not None


def test_only_a_hash_of_the_secret_is_stored() -> None:
    issued = _invite(make_world())
    stored = Invitation.objects.get(pk=issued.invitation.pk).token_hash
    assert len(stored) == 64
    assert stored not in issued.token


def test_an_expired_invitation_is_refused(settings: Any) -> None:
    settings.INVITATION_EXPIRY_DAYS = 7
    issued = _invite(make_world())
    assert issued.invitation.expires_at - issued.invitation.created_at == timedelta(days=7)
    Invitation.objects.filter(pk=issued.invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvitationInvalid, match="expired"):
        invitation_accept(token=issued.token, password=NEW_PASSWORD)
    assert not User.objects.get(email="new.tutor@example.org").has_usable_password()


def test_an_invitation_works_once() -> None:
    issued = _invite(make_world())
    invitation_accept(token=issued.token, password=NEW_PASSWORD)
    with pytest.raises(InvitationInvalid, match="already been used"):
        invitation_accept(token=issued.token, password="someone-elses-password-9")
    assert User.objects.get(email="new.tutor@example.org").check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        # secret changed, old signature (its first character replaced by another: one in 64 secrets starts with x)
        lambda t: ("y" if t[0] == "x" else "x") + t.split(":")[0][1:] + ":" + t.split(":")[1],
        lambda t: t.split(":")[0],  # signature removed
    ],
    ids=["signature", "secret", "unsigned"],
)
def test_a_tampered_token_is_refused(tamper: Any) -> None:
    issued = _invite(make_world())
    with pytest.raises(InvitationInvalid, match="not valid"):
        invitation_accept(token=tamper(issued.token), password=NEW_PASSWORD)
    assert Invitation.objects.get(pk=issued.invitation.pk).accepted_at is None


def test_inviting_an_existing_user_links_the_account_instead_of_duplicating_it() -> None:
    world = make_world()
    existing = UserFactory.create(email="Known.Person@Example.org")
    issued = _invite(world, email="known.person@example.org")
    assert User.objects.filter(email__iexact="known.person@example.org").count() == 1
    assert issued.invitation.user == existing

    with pytest.raises(ValidationError, match="current password"):
        invitation_accept(token=issued.token, password="not-their-password")
    user = invitation_accept(token=issued.token, password=PASSWORD)

    assert user == existing
    assert user.check_password(PASSWORD)  # unchanged
    assert Membership.objects.filter(user=existing, organisation=world.provider, role="tutor").exists()


def test_a_new_invitation_replaces_the_pending_one() -> None:
    world = make_world()
    first = _invite(world)
    second = _invite(world)
    with pytest.raises(InvitationInvalid, match="replaced"):
        invitation_accept(token=first.token, password=NEW_PASSWORD)
    invitation_accept(token=second.token, password=NEW_PASSWORD)


def test_a_weak_password_is_refused_and_the_link_still_works() -> None:
    issued = _invite(make_world())
    with pytest.raises(ValidationError):
        invitation_accept(token=issued.token, password="short")
    invitation_accept(token=issued.token, password=NEW_PASSWORD)


def test_only_an_admin_of_that_provider_can_invite() -> None:
    own, other = make_world(), make_world()
    with pytest.raises(PermissionDenied):
        invitation_create(actor=own.tutor, email="x@example.org", role="tutor", organisation=own.provider)
    with pytest.raises(PermissionDenied):
        invitation_create(actor=other.admin, email="x@example.org", role="tutor", organisation=own.provider)


def test_the_role_must_fit_the_organisation() -> None:
    world = make_world()
    with pytest.raises(ValidationError, match="not a role at an employer"):
        invitation_create(actor=world.admin, email="x@example.org", role="tutor", organisation=world.employer)


def test_create_and_accept_write_audit_entries() -> None:
    issued = _invite(make_world())
    invitation_accept(token=issued.token, password=NEW_PASSWORD)
    actions = list(
        AuditEntry.objects.filter(target_public_id=issued.invitation.public_id).values_list("action", flat=True)
    )
    assert sorted(actions) == ["invitation.accept", "invitation.create"]
    assert AuditEntry.objects.filter(action="membership.grant", actor__email="new.tutor@example.org").exists()
    assert issued.token not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_the_accept_page_sets_the_password_and_signs_in(client: Client) -> None:
    issued = _invite(make_world())
    url = reverse("invitation-accept", kwargs={"token": issued.token})
    page = client.get(url)
    assert page.status_code == 200
    assert b'<label for="id_password">Password</label>' in page.content

    response = client.post(url, {"password": NEW_PASSWORD, "first_name": "Nia"})

    assert response.status_code == 302
    assert client.get(reverse("api-me")).json()["email"] == "new.tutor@example.org"
    assert client.get(url).status_code == 400  # used


def test_the_accept_endpoint_reports_a_bad_token_in_the_error_shape(client: Client) -> None:
    response = client.post(
        reverse("api-invitation-accept"),
        {"token": "forged:token", "password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "not valid" in body["details"]["token"][0]


def test_the_link_in_the_email_starts_from_site_url_not_the_requests_host(client: Client, settings: Any) -> None:
    settings.SITE_URL = "https://portfolio.example.org/"
    world = make_world()
    client.force_login(world.admin)
    response = client.post(
        "/api/invitations/",
        {"email": "new.tutor@example.org", "role": "tutor", "organisation": str(world.provider.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = OutgoingMail.objects.get(kind="invitation", to="new.tutor@example.org").body
    assert "https://portfolio.example.org/accounts/invitations/" in body
    assert "testserver" not in body


def test_a_wrong_password_on_the_accept_page_counts_against_the_clients_address(client: Client) -> None:
    world = make_world()
    UserFactory.create(email="known.person@example.org")
    issued = _invite(world, email="known.person@example.org")
    url = reverse("invitation-accept", kwargs={"token": issued.token})

    response = client.post(url, {"password": "not-their-password"}, REMOTE_ADDR="198.51.100.61")

    assert response.status_code == 200
    assert b"current password" in response.content
    assert list(SignInFailure.objects.values_list("email", "ip")) == [("known.person@example.org", "198.51.100.61")]


def _invite_then_fail(world: Any) -> None:
    """Invite inside a transaction that then fails, raising what was owed and sent before the failure."""
    with transaction.atomic():
        _invite(world)
        owed = OutgoingMail.objects.filter(kind="invitation", to="new.tutor@example.org", sent_at=None).count()
        raise RuntimeError(owed, len(mail.outbox))


@pytest.mark.usefixtures("mail_in_process")
def test_the_invitation_and_its_owed_mail_commit_or_roll_back_together(django_capture_on_commit_callbacks: Any) -> None:
    world = make_world()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError) as failed:
        _invite_then_fail(world)
    assert failed.value.args == (1, 0)  # owed in the outbox inside the invitation's transaction, not sent from it
    assert not Invitation.objects.filter(email="new.tutor@example.org").exists()
    assert not OutgoingMail.objects.exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        _invite(world)
    assert len(mail.outbox) == 1
    assert OutgoingMail.objects.get(kind="invitation").sent_at is not None
