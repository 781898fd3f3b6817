from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from portfolio.audit.services import audit_record
from portfolio.people.models import User


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    first_name: str | None = None,
    last_name: str | None = None,
) -> User:
    changes = {}
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not None and value != getattr(user, field):
            changes[field] = [getattr(user, field), value]
            setattr(user, field, value)
    if changes:
        user.save(update_fields=list(changes))
        audit_record(actor=user, action="user.update", target=user, changes=changes)
    return user


@transaction.atomic
def auth_token_issue(*, user: User) -> Token:
    """The user's API token: the existing one, or a new one (recorded in the audit log)."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(actor=user, action="auth.token_issue", target=user)
    return token


@transaction.atomic
def auth_token_revoke(*, user: User) -> None:
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=user, action="auth.token_revoke", target=user)
