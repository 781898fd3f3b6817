from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower


def normalise_email(email: str) -> str:
    # The whole address is lower-cased, not only the domain as Django does: people type their address
    # in any case, and two accounts differing by case would be two people to the permission checks.
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalise_email(username or ""))

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=normalise_email(email), **extra)
        # No password yet (an invited person) means an unusable one: nobody can sign in as them.
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person. They sign in with their email address.

    The username field is dropped rather than kept equal to the email: two copies of one identifier drift
    apart (an email change that forgets the username), and nothing here needs a handle separate from the
    address invitations and password resets are sent to.
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    @property
    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name, self.email)


def display_name(first_name: str, last_name: str, email: str) -> str:
    """How a person is named on a page: their full name, else their email address. For rows read as plain
    values; a `User` has it as `display_name`."""
    return f"{first_name} {last_name}".strip() or email
