"""Small factories for tests: plain functions with sensible defaults, every row made the way the app makes it.

Catalogue rows (Standard, Option) are created directly here: the people tests do not need the importer.
`build_world()` makes two complete, separate worlds (provider, employer, staff, contacts, apprentice) for the
permission tests: "own" is world 1, "other" is world 2.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from portfolio.people.models import Apprenticeship, Membership, Organisation, User
from portfolio.standards.models import Option, Standard

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def make_standard(
    *, reference: str | None = None, version: str = "2.0", options: list[str] | tuple[str, ...] = ()
) -> Standard:
    now = timezone.now()
    standard = Standard.objects.create(
        reference=reference or f"ST{9000 + next(_seq)}",
        version=version,
        title="Test standard",
        level=3,
        source_digest="0" * 64,
        imported_at=now,
        updated_at=now,
    )
    for position, title in enumerate(options, start=1):
        Option.objects.create(standard=standard, title=title, code=title[:3].upper(), position=position)
    return standard


def make_user(*, email: str | None = None, password: str | None = PASSWORD, **extra: object) -> User:
    return User.objects.create_user(email or f"person{next(_seq)}@example.org", password, **extra)


def make_provider(*, name: str | None = None, gateway_defaults: bool = False) -> Organisation:
    """A provider. Its gateway policy keeps the gates that need OTJ, practical-period and English and maths data
    off, as for a provider that existed before the gateway (gateway 0002), so a test about coverage reads "ready"
    as coverage and behaviours; `gateway_defaults` gives a new provider's policy instead: every gate on."""
    from portfolio.gateway.models import GatewayPolicy

    provider = Organisation.objects.create(kind="provider", name=name or f"Provider {next(_seq)}")
    if not gateway_defaults:
        GatewayPolicy.objects.create(
            provider=provider, otj_gate=False, practical_period_gate=False, english_maths_gate=False
        )
    return provider


def make_employer(*, provider: Organisation, name: str | None = None) -> Organisation:
    return Organisation.objects.create(kind="employer", name=name or f"Employer {next(_seq)}", provider=provider)


def make_member(*, organisation: Organisation, role: str, user: User | None = None) -> User:
    user = user or make_user()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_apprenticeship(
    *,
    provider: Organisation,
    employer: Organisation,
    apprentice: User | None = None,
    standard: Standard | None = None,
    option: Option | None = None,
    status: str = Apprenticeship.Status.IN_LEARNING,
) -> Apprenticeship:
    standard = standard or make_standard()
    if option is None and standard.options.exists():
        option = standard.options.first()
    return Apprenticeship.objects.create(
        apprentice=apprentice or make_user(),
        provider=provider,
        employer=employer,
        standard=standard,
        option=option,
        start_date=datetime.date(2025, 9, 1),
        planned_end_date=datetime.date(2027, 8, 31),
        status=status,
    )


@dataclass
class World:
    provider: Organisation
    employer: Organisation
    admin: User
    tutor: User
    assessor: User
    iqa: User
    line_manager: User
    mentor: User
    apprentice: User
    apprenticeship: Apprenticeship
    standard: Standard


def make_world(*, standard: Standard | None = None) -> World:
    """One provider with its four staff roles, one employer with its two contacts, one apprenticeship."""
    provider = make_provider()
    employer = make_employer(provider=provider)
    standard = standard or make_standard(options=("Route A", "Route B"))
    world = World(
        provider=provider,
        employer=employer,
        admin=make_member(organisation=provider, role=Membership.Role.PROVIDER_ADMIN),
        tutor=make_member(organisation=provider, role=Membership.Role.TUTOR),
        assessor=make_member(organisation=provider, role=Membership.Role.ASSESSOR),
        iqa=make_member(organisation=provider, role=Membership.Role.IQA),
        line_manager=make_member(organisation=employer, role=Membership.Role.LINE_MANAGER),
        mentor=make_member(organisation=employer, role=Membership.Role.MENTOR),
        apprentice=make_user(),
        apprenticeship=None,  # type: ignore[arg-type]
        standard=standard,
    )
    world.apprenticeship = make_apprenticeship(
        provider=provider, employer=employer, apprentice=world.apprentice, standard=standard
    )
    return world


def apprenticeship_create_body(world: World, email: str = "sam.new@example.org", **changes: Any) -> dict[str, Any]:
    """The JSON body of `POST /api/apprenticeships/` for a new apprentice in this world."""
    option = world.standard.options.order_by("pk").first()
    return {
        "provider": str(world.provider.public_id),
        "employer": str(world.employer.public_id),
        "apprentice_email": email,
        "standard": str(world.standard.public_id),
        "option": str(option.public_id) if option else None,
        "start_date": "2025-09-01",
        "planned_end_date": "2027-06-30",
        **changes,
    }


def build_world() -> tuple[World, World]:
    """Two separate worlds sharing only the catalogue."""
    standard = make_standard(options=("Route A", "Route B"))
    return make_world(standard=standard), make_world(standard=standard)
