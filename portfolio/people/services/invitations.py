"""Invitations by email: a single-use, expiring, signed link where the person sets a password.

The link carries a random secret, signed with the SECRET_KEY (a tampered link is refused before any
lookup); the database keeps only its sha256, plus the expiry and the time it was used.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.mail.services import mail_enqueue
from portfolio.people.models import Apprenticeship, Invitation, Organisation, User
from portfolio.people.models.users import normalise_email
from portfolio.people.selectors import user_is_admin_of
from portfolio.people.services.memberships import membership_grant, membership_role_check

_SIGNER_SALT = "portfolio.people.invitation"


class InvitationInvalid(Exception):
    """The link cannot be used. The message says why and what to do."""


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # only ever in the email (and returned to tests); never stored, never in the API
    url: str


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def user_get_or_create_for_invitation(*, email: str, first_name: str = "", last_name: str = "") -> User:
    """The account for an email address: the existing one (so re-inviting links, never duplicates), or a
    new one without a usable password until the invitation is accepted."""
    email = normalise_email(email)
    user = User.objects.filter(email=email).first()
    if user is None:
        return User.objects.create_user(email, None, first_name=first_name, last_name=last_name)
    if not user.is_active:
        raise ValidationError({"email": "This account is deactivated; a site administrator can restore it."})
    return user


@transaction.atomic
def invitation_create(
    *,
    actor: Any,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    apprenticeship: Apprenticeship | None = None,
    first_name: str = "",
    last_name: str = "",
) -> IssuedInvitation:
    if role == Invitation.APPRENTICE:
        if apprenticeship is None or organisation is not None:
            raise ValidationError({"apprenticeship": "An apprentice is invited to an apprenticeship."})
        provider = apprenticeship.provider
        user = apprenticeship.apprentice
        if normalise_email(email) != user.email:
            raise ValidationError({"email": "An apprentice is invited at the address on their apprenticeship."})
    else:
        if organisation is None or apprenticeship is not None:
            raise ValidationError({"organisation": "A staff or employer contact is invited to an organisation."})
        membership_role_check(organisation=organisation, role=role)
        provider = organisation if organisation.is_provider else organisation.provider  # type: ignore[assignment]
        user = user_get_or_create_for_invitation(email=email, first_name=first_name, last_name=last_name)
    if not user_is_admin_of(user=actor, provider=provider):
        raise PermissionDenied("Only an admin of the provider can send invitations.")

    now = timezone.now()
    # A fresh invitation replaces any still-pending one for the same access, so only the latest link works.
    Invitation.objects.filter(
        user=user,
        role=role,
        organisation=organisation,
        apprenticeship=apprenticeship,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=user.email,
        user=user,
        role=role,
        organisation=organisation,
        apprenticeship=apprenticeship,
        provider=provider,
        token_hash=_hash(raw),
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_EXPIRY_DAYS),
    )
    token = signing.Signer(salt=_SIGNER_SALT).sign(raw)
    # Links in emails start from the configured site address, never from the Host header of the request
    # that happened to create them (a forged header would otherwise put another site's address in the mail).
    url = settings.SITE_URL.rstrip("/") + reverse("invitation-accept", kwargs={"token": token})
    audit_record(
        actor=actor,
        action="invitation.create",
        target=invitation,
        changes={
            "email": user.email,
            "role": role,
            "organisation": str(organisation.public_id) if organisation else None,
            "apprenticeship": str(apprenticeship.public_id) if apprenticeship else None,
            "expires_at": invitation.expires_at,
            "existing_account": user.has_usable_password(),
        },
    )
    # Owed in the outbox in this transaction, so the invitation and its mail exist together and an SMTP failure
    # only delays the mail. The body is rendered now and stored because the link's secret exists only here:
    # the database keeps its hash, which cannot rebuild the link. The row blanks the body once it is sent.
    mail_enqueue(
        to=invitation.email,
        subject="You are invited to the apprentice portfolio",
        body=_email_body(invitation, url),
        kind="invitation",
        contains_secret=True,
    )
    return IssuedInvitation(invitation=invitation, token=token, url=url)


def invitation_peek(*, token: str) -> Invitation:
    """The invitation a link points at, if it can still be accepted; else InvitationInvalid."""
    return _usable(_lookup(token, for_update=False))


def invitation_accept(
    *,
    token: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    ip: str | None = None,
) -> User:
    """Accept: a new account sets its password; an existing account proves it is theirs with its password.
    `ip` is the client address, for the sign-in lockout by address."""
    invitation = invitation_peek(token=token)
    if invitation.user.has_usable_password():
        # Checked through authenticate() and outside the transaction below: a wrong guess counts towards the
        # same lockout as the sign-in page, and that count is not rolled back with the refused acceptance.
        try:
            checked = authenticate(None, username=invitation.user.email, password=password, ip=ip)
        except PermissionDenied as exc:
            raise ValidationError({"password": "Too many failed attempts; try again later."}) from exc
        if checked is None:
            raise ValidationError({"password": "You already have an account: enter its current password to accept."})
    return _accept(token=token, password=password, first_name=first_name, last_name=last_name)


@transaction.atomic
def _accept(*, token: str, password: str, first_name: str, last_name: str) -> User:
    # Row locked, then checked again: two clicks on one link cannot both succeed.
    invitation = _usable(_lookup(token, for_update=True))
    user = User.objects.select_for_update().get(pk=invitation.user_id)
    existing_account = user.has_usable_password()
    if not existing_account:
        validate_password(password, user)
        user.set_password(password)
        user.first_name = first_name or user.first_name
        user.last_name = last_name or user.last_name
        user.save()
    if invitation.organisation is not None:
        membership_grant(actor=user, user=user, organisation=invitation.organisation, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        actor=user,
        action="invitation.accept",
        target=invitation,
        changes={"role": invitation.role, "existing_account": existing_account},
    )
    return user


@transaction.atomic
def invitation_revoke(*, actor: Any, invitation: Invitation) -> Invitation:
    if not user_is_admin_of(user=actor, provider=invitation.provider):
        raise PermissionDenied("Only an admin of the provider can revoke its invitations.")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError({"invitation": "This invitation was already accepted; deactivate the membership."})
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="invitation.revoke", target=invitation)
    return invitation


def _lookup(token: str, *, for_update: bool) -> Invitation:
    try:
        raw = signing.Signer(salt=_SIGNER_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise InvitationInvalid(
            "This invitation link is not valid. Copy the whole link from the email, or ask for a new one."
        ) from exc
    queryset = Invitation.objects.select_related("organisation", "apprenticeship", "provider", "user")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token_hash=_hash(raw)).first()
    if invitation is None:
        raise InvitationInvalid("This invitation link is not valid. Ask the person who invited you for a new one.")
    return invitation


def _usable(invitation: Invitation) -> Invitation:
    if invitation.accepted_at is not None:
        raise InvitationInvalid("This invitation has already been used. Sign in, or reset your password.")
    if invitation.revoked_at is not None:
        raise InvitationInvalid("This invitation was withdrawn or replaced by a newer one. Use the latest email.")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("This invitation has expired. Ask the person who invited you to send a new one.")
    return invitation


def _email_body(invitation: Invitation, url: str) -> str:
    what = (
        f"your apprenticeship with {invitation.provider}"
        if invitation.apprenticeship_id
        else f"{invitation.organisation} as {invitation.get_role_display().lower()}"
    )
    expires = timezone.localtime(invitation.expires_at).strftime("%d %B %Y %H:%M")
    return (
        f"You have been invited to join {what}.\n\n"
        f"Open this link to accept and set your password (it works once, until {expires}):\n{url}\n\n"
        "If you already have an account, the link asks for your current password instead.\n"
        "If you did not expect this email you can ignore it."
    )
