"""Review decisions, behaviour confirmations and the providers' policies, each made by its service.

`evidence_bring_to` takes an item through the lifecycle (portfolio/evidence/lifecycle.py) to the state a test
asks for, one real decision after another: submit (evidence_submit), the employer's confirmation
(evidence_confirm), the provider's acceptance (evidence_accept), a return (evidence_return) or a withdrawal
(evidence_withdraw). The provider's review policy decides which steps there are, as it does for people, so an
item can only be left in a state the lifecycle reaches; asking for any other raises. EvidenceFactory.create(state=...)
calls it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import factory
from factory.django import DjangoModelFactory

from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence
from portfolio.evidence.roles import submitter_role
from portfolio.gateway.models import GatewayPolicy
from portfolio.people.models import Apprenticeship, Membership, Organisation, User
from portfolio.reviews.models import BehaviourConfirmation, ReviewPolicy
from portfolio.reviews.services.accept import TagVerdict, evidence_accept
from portfolio.reviews.services.behaviours import behaviour_confirm
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.policy import review_policy_get_or_create, review_policy_update
from portfolio.reviews.services.returns import evidence_return
from portfolio.reviews.services.submit import evidence_submit
from portfolio.reviews.services.withdraw import evidence_withdraw
from tests.factories.people import ApprenticeshipFactory, MembershipFactory, ProviderFactory
from tests.factories.standards import StatementFactory

State = lifecycle.State
RETURN_COMMENT = "Add a photo of the finished work."
DECLINE_COMMENT = "This does not show the statement."


def _member(organisation_id: int, roles: Iterable[str], make_role: str) -> User:
    """An active member of the organisation in one of `roles` (the first by role name, then the oldest), or a new
    one in `make_role` when it has none."""
    found = (
        Membership.objects.filter(organisation_id=organisation_id, role__in=list(roles), is_active=True)
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    if found is not None:
        return found.user
    return MembershipFactory.create(organisation=Organisation.objects.get(pk=organisation_id), role=make_role).user


def employer_reviewer(apprenticeship: Apprenticeship) -> User:
    """A line manager (else a mentor) of the apprenticeship's employer: who confirms and returns its evidence."""
    return _member(apprenticeship.employer_id, Membership.EMPLOYER_ROLES, Membership.Role.LINE_MANAGER)


def provider_reviewer(apprenticeship: Apprenticeship) -> User:
    """An assessor (else a tutor) of the apprenticeship's provider: who accepts and returns its evidence."""
    roles = (Membership.Role.ASSESSOR, Membership.Role.TUTOR)
    return _member(apprenticeship.provider_id, roles, Membership.Role.ASSESSOR)


def provider_admin(provider: Organisation) -> User:
    return _member(provider.pk, (Membership.Role.PROVIDER_ADMIN,), Membership.Role.PROVIDER_ADMIN)


def _submitter(evidence: Evidence) -> User:
    author = evidence.author
    if submitter_role(user=author, evidence=evidence) is not None:
        return author  # the apprentice, or the author of a witness testimony or observation record
    return evidence.apprenticeship.apprentice


def evidence_bring_to(
    evidence: Evidence,
    state: str,
    *,
    declined: Iterable[str] = (),
    by: User | None = None,
    comment: str = "",
) -> Evidence:
    """Take a draft to `state` by the decisions that lead there under its provider's policy. `declined`: statement
    codes the provider declines when it accepts (the others are accepted; at least one must be). `by`: who takes
    the last decision (a return, a confirmation or an acceptance), instead of the first reviewer of that part."""
    target = State(state)
    evidence.refresh_from_db()
    if target == State(evidence.state):
        return evidence
    if evidence.state != State.DRAFT:
        raise ValueError(f"evidence_bring_to starts from a draft, not from {evidence.state}")
    apprenticeship = evidence.apprenticeship
    steps = review_policy_get_or_create(provider_id=apprenticeship.provider_id).steps
    declined = set(declined)

    def version() -> int:
        evidence.refresh_from_db()
        return evidence.version

    evidence_submit(actor=_submitter(evidence), evidence=evidence, expected_version=version())
    evidence.refresh_from_db()
    for _ in range(len(State)):
        current = State(evidence.state)
        if current == target:
            return evidence
        waiting = lifecycle.waits_for(current, steps)
        if target == State.WITHDRAWN:
            evidence_withdraw(actor=apprenticeship.apprentice, evidence=evidence, expected_version=version())
        elif target == State.RETURNED:
            # Whoever the item waits for returns it; the provider may also take back what it accepted.
            part = employer_reviewer if waiting == lifecycle.Role.EMPLOYER else provider_reviewer
            reviewer = by or part(apprenticeship)
            evidence_return(
                actor=reviewer, evidence=evidence, expected_version=version(), comment=comment or RETURN_COMMENT
            )
        elif waiting == lifecycle.Role.EMPLOYER and target in (State.CONFIRMED, State.ACCEPTED):
            reviewer = by if by is not None and target == State.CONFIRMED else employer_reviewer(apprenticeship)
            evidence_confirm(actor=reviewer, evidence=evidence, expected_version=version(), comment=comment)
        elif waiting == lifecycle.Role.PROVIDER and target == State.ACCEPTED:
            codes = evidence.tags.values_list("statement__code", flat=True)
            verdicts = [TagVerdict(code, code not in declined, DECLINE_COMMENT * (code in declined)) for code in codes]
            evidence_accept(
                actor=by or provider_reviewer(apprenticeship),
                evidence=evidence,
                expected_version=version(),
                tags=verdicts,
                comment=comment,
            )
        else:
            break
        evidence.refresh_from_db()
    raise ValueError(
        f"“{evidence.title}” cannot be left {target.value}: under its provider's policy ({steps.label}) the "
        f"decisions towards it stop at {evidence.state}."
    )


class BehaviourConfirmationFactory(DjangoModelFactory[BehaviourConfirmation]):
    """A behaviour confirmed by an employer contact through behaviour_confirm (the statement is the standard's
    behaviour of that code, made if the standard lacks it)."""

    class Meta:
        model = BehaviourConfirmation

    class Params:
        code = factory.Sequence(lambda n: f"B{n + 1}")

    apprenticeship = factory.SubFactory(ApprenticeshipFactory)
    statement = factory.LazyAttribute(
        lambda o: StatementFactory.create(standard=o.apprenticeship.standard, code=o.code)
    )
    confirmed_by = factory.LazyAttribute(lambda o: employer_reviewer(o.apprenticeship))
    confirmed_on = datetime.date(2026, 1, 5)
    comment = "Seen at work, every week."

    @classmethod
    def _create(cls, model_class: type[BehaviourConfirmation], *args: Any, **kwargs: Any) -> BehaviourConfirmation:
        [confirmation] = behaviour_confirm(
            actor=kwargs["confirmed_by"],
            apprenticeship=kwargs["apprenticeship"],
            statement_codes=[kwargs["statement"].code],
            confirmed_on=kwargs["confirmed_on"],
            comment=kwargs["comment"],
        )
        return confirmation


class ReviewPolicyFactory(DjangoModelFactory[ReviewPolicy]):
    """A provider's review policy as its admin sets it (review_policy_update: coverage is marked dirty when N
    changes)."""

    class Meta:
        model = ReviewPolicy

    provider = factory.SubFactory(ProviderFactory)

    @classmethod
    def _create(cls, model_class: type[ReviewPolicy], *args: Any, **kwargs: Any) -> ReviewPolicy:
        provider = kwargs.pop("provider")
        return review_policy_update(actor=provider_admin(provider), provider=provider, **kwargs)


class GatewayPolicyFactory(DjangoModelFactory[GatewayPolicy]):
    """A provider's gateway policy as its admin sets it (gateway_policy_update marks the provider dirty)."""

    class Meta:
        model = GatewayPolicy

    provider = factory.SubFactory(ProviderFactory, gateway_defaults=True)

    @classmethod
    def _create(cls, model_class: type[GatewayPolicy], *args: Any, **kwargs: Any) -> GatewayPolicy:
        from portfolio.gateway.services.policy import gateway_policy_update

        provider = kwargs.pop("provider")
        return gateway_policy_update(actor=provider_admin(provider), provider=provider, **kwargs)
