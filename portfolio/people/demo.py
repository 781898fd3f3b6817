"""Demo data for `make run`: one provider with its staff, two employers, six apprentices on three standards.

Idempotent: people are found by email, organisations by name, apprenticeships by apprentice and standard;
a second run creates nothing. Everything goes through the services, so the demo has an audit trail too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from portfolio.people.models import Apprenticeship, Membership, Organisation, User
from portfolio.people.services.apprenticeships import apprenticeship_create
from portfolio.people.services.memberships import membership_grant
from portfolio.people.services.organisations import organisation_create
from portfolio.standards.models import Standard

DEMO_STANDARDS = (("ST1483", "2.0"), ("ST0792", "2.0"), ("ST1297", "2.0"))
DOMAIN = "demo.example.org"


class DemoCatalogueMissing(Exception):
    pass


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str


def _standards() -> list[Standard]:
    found = []
    for reference, version in DEMO_STANDARDS:
        standard = Standard.objects.filter(reference=reference, version=version).first()
        if standard is None:
            raise DemoCatalogueMissing(
                f"Standard {reference} v{version} is not in the catalogue: run manage.py import_standards first."
            )
        found.append(standard)
    return found


def _person(email: str, first: str, last: str, password: str, **extra: bool) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, first_name=first, last_name=last, **extra)
    return user


def _organisation(*, actor: User, kind: str, name: str, provider: Organisation | None = None) -> Organisation:
    existing = Organisation.objects.filter(kind=kind, name=name).first()
    return existing or organisation_create(actor=actor, kind=kind, name=name, provider=provider)


@transaction.atomic
def demo_load(*, password: str) -> list[DemoLogin]:
    standards = _standards()
    site_admin = _person(f"site.admin@{DOMAIN}", "Sam", "Site", password, is_staff=True, is_superuser=True)
    provider = _organisation(actor=site_admin, kind="provider", name="Northern Screen Skills (demo)")
    staff = {}
    for role, first in (("provider_admin", "Priya"), ("tutor", "Tom"), ("assessor", "Asha"), ("iqa", "Ian")):
        person = _person(f"{role.replace('_', '.')}@{DOMAIN}", first, Membership.Role(role).label, password)
        membership_grant(actor=site_admin, user=person, organisation=provider, role=role)
        staff[role] = person
    employers = []
    for index, name in enumerate(("Riverside Studios Ltd (demo)", "Harbour Productions (demo)"), start=1):
        employer = _organisation(actor=staff["provider_admin"], kind="employer", name=name, provider=provider)
        manager = _person(f"line.manager{index}@{DOMAIN}", "Lena", f"Manager {index}", password)
        mentor = _person(f"mentor{index}@{DOMAIN}", "Mo", f"Mentor {index}", password)
        membership_grant(actor=site_admin, user=manager, organisation=employer, role="line_manager")
        membership_grant(actor=site_admin, user=mentor, organisation=employer, role="mentor")
        employers.append((employer, manager, mentor))
    # An assessment organisation the provider hands portfolios over to (see portfolio/handover/demo.py).
    assessment_org = _organisation(
        actor=staff["provider_admin"],
        kind="assessment_org",
        name="Screen Assessment Services (demo)",
        provider=provider,
    )
    end_point_assessor = _person(f"end.point.assessor@{DOMAIN}", "Eve", "Assessor", password)
    membership_grant(actor=site_admin, user=end_point_assessor, organisation=assessment_org, role="end_point_assessor")
    for number in range(1, 7):
        standard = standards[(number - 1) % len(standards)]
        options = list(standard.options.all())
        option = options[(number - 1) // len(standards) % len(options)] if options else None
        employer, manager, mentor = employers[(number - 1) % len(employers)]
        apprentice = _person(f"apprentice{number}@{DOMAIN}", "Alex", f"Apprentice {number}", password)
        if Apprenticeship.objects.filter(apprentice=apprentice, standard=standard).exists():
            continue
        apprenticeship_create(
            actor=staff["provider_admin"],
            provider=provider,
            employer=employer,
            apprentice_email=apprentice.email,
            standard=standard,
            option=option,
            start_date=datetime.date(2025, 9, 1),
            planned_end_date=datetime.date(2027, 8, 31),
            tutor=staff["tutor"],
            assessor=staff["assessor"],
            line_manager=manager,
            mentor=mentor,
        )
    return [
        DemoLogin("site administrator (Django admin)", site_admin.email),
        *(DemoLogin(Membership.Role(role).label.lower(), person.email) for role, person in staff.items()),
        DemoLogin("line manager", f"line.manager1@{DOMAIN}"),
        DemoLogin("workplace mentor", f"mentor1@{DOMAIN}"),
        DemoLogin("apprentice", f"apprentice1@{DOMAIN}"),
        DemoLogin("end-point assessor (AO)", end_point_assessor.email),
    ]
