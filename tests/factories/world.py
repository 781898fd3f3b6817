"""Worlds: a provider with its staff, an employer with its contacts, and an apprenticeship, made of the factories.

`build_world()` makes two complete, separate worlds for the permission tests: "own" is world 1, "other" is
world 2, sharing only the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portfolio.people.models import Apprenticeship, Membership, Organisation, User
from portfolio.standards.models import Standard
from tests.factories.people import (
    ApprenticeshipFactory,
    EmployerFactory,
    MembershipFactory,
    ProviderFactory,
)
from tests.factories.standards import StandardFactory, make_route_standard


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
    provider = ProviderFactory.create()
    employer = EmployerFactory.create(provider=provider)
    standard = standard or StandardFactory.create(options=("Route A", "Route B"))

    def member(organisation: Organisation, role: str) -> User:
        return MembershipFactory.create(organisation=organisation, role=role).user

    staff = {role: member(provider, role) for role in ("provider_admin", "tutor", "assessor", "iqa")}
    contacts = {role: member(employer, role) for role in ("line_manager", "mentor")}
    apprenticeship = ApprenticeshipFactory.create(provider=provider, employer=employer, standard=standard)
    return World(
        provider=provider,
        employer=employer,
        admin=staff[Membership.Role.PROVIDER_ADMIN],
        tutor=staff[Membership.Role.TUTOR],
        assessor=staff[Membership.Role.ASSESSOR],
        iqa=staff[Membership.Role.IQA],
        line_manager=contacts[Membership.Role.LINE_MANAGER],
        mentor=contacts[Membership.Role.MENTOR],
        apprentice=apprenticeship.apprentice,
        apprenticeship=apprenticeship,
        standard=standard,
    )


def build_world() -> tuple[World, World]:
    """Two separate worlds sharing only the catalogue."""
    standard = StandardFactory.create(options=("Route A", "Route B"))
    return make_world(standard=standard), make_world(standard=standard)


def make_route_world() -> World:
    """A world whose apprentice follows make_route_standard(), on the option that is not LPM."""
    standard = make_route_standard()
    world = make_world(standard=standard)
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(option=standard.options.order_by("position")[1])
    world.apprenticeship.refresh_from_db()
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
