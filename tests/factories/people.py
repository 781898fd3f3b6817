"""People: users, organisations (provider, employer, assessment organisation), memberships, apprenticeships.

These rows have no lifecycle of their own that a test could get wrong, so they are written directly, with the
defaults the services give them (a provider's gateway policy aside: see ProviderFactory).
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from factory.django import DjangoModelFactory

from portfolio.people.models import Apprenticeship, Membership, Organisation, User
from tests.factories.standards import StandardFactory

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory[User]):
    """A user who signs in with PASSWORD (None: one who cannot sign in, as an invited person before accepting)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n + 1}@example.org")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        # create_user hashes the password (or marks it unusable) as the sign-up and invitation services do.
        email, password = kwargs.pop("email"), kwargs.pop("password")
        return model_class.objects.create_user(email, password, **kwargs)


class ProviderFactory(DjangoModelFactory[Organisation]):
    """A provider. Its gateway policy keeps the gates that need OTJ, practical-period and English and maths data
    off, as for a provider that existed before the gateway (gateway 0002), so a test about coverage reads "ready"
    as coverage and behaviours; `gateway_defaults=True` gives a new provider's policy instead: every gate on."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    kind = Organisation.Kind.PROVIDER
    name = factory.Sequence(lambda n: f"Provider {n + 1}")

    @factory.post_generation
    def gateway_defaults(obj: Organisation, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        from portfolio.gateway.models import GatewayPolicy

        if create and not extracted:
            GatewayPolicy.objects.create(
                provider=obj, otj_gate=False, practical_period_gate=False, english_maths_gate=False
            )


class EmployerFactory(DjangoModelFactory[Organisation]):
    """An employer's record at a provider (a new provider unless given)."""

    class Meta:
        model = Organisation

    kind = Organisation.Kind.EMPLOYER
    name = factory.Sequence(lambda n: f"Employer {n + 1}")
    provider = factory.SubFactory(ProviderFactory)


class AssessmentOrgFactory(EmployerFactory):
    """An assessment organisation's record at a provider."""

    kind = Organisation.Kind.ASSESSMENT_ORGANISATION
    name = factory.Sequence(lambda n: f"Assessment organisation {n + 1}")


class MembershipFactory(DjangoModelFactory[Membership]):
    """A role at an organisation (a line manager at a new employer by default)."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(EmployerFactory)
    role = Membership.Role.LINE_MANAGER


class ApprenticeshipFactory(DjangoModelFactory[Apprenticeship]):
    """An apprenticeship in learning; the option is the standard's first when it has options and none is given."""

    class Meta:
        model = Apprenticeship

    apprentice = factory.SubFactory(UserFactory)
    provider = factory.SubFactory(ProviderFactory)
    employer = factory.SubFactory(EmployerFactory, provider=factory.SelfAttribute("..provider"))
    standard = factory.SubFactory(StandardFactory)
    option = factory.LazyAttribute(lambda o: o.standard.options.order_by("position").first())
    start_date = datetime.date(2025, 9, 1)
    planned_end_date = datetime.date(2027, 8, 31)
    status = Apprenticeship.Status.IN_LEARNING
