"""Reads of the gateway, scoped through the people selectors: what a checklist, a start page or the API shows."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from portfolio.core.compiled import InNamed
from portfolio.coverage.gates import gates_checklist
from portfolio.coverage.models import CoverageSummary
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.coverage.selectors import cohort_list_for_user, coverage_summary_for
from portfolio.gateway.models import AssessmentReferral, GatewayPolicy, GatewaySignature, ManualGate, ManualGateTick
from portfolio.gateway.roles import STAFF_ROLES, sides_for, staff_role
from portfolio.people.models import Apprenticeship, Membership, Organisation
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES


def gateway_policy_for(*, provider: Organisation) -> GatewayPolicy:
    """The provider's settings; an unsaved row with the defaults when it has never changed them."""
    return GatewayPolicy.objects.filter(provider=provider).first() or GatewayPolicy(provider=provider)


def manual_gate_list(*, provider: Organisation, include_retired: bool = False) -> QuerySet[ManualGate]:
    gates = ManualGate.objects.filter(provider=provider)
    return gates if include_retired else gates.filter(is_active=True)


def manual_gate_get_for_admin(*, provider_ids: Any, public_id: uuid.UUID | str) -> ManualGate:
    try:
        return ManualGate.objects.select_related("provider").get(provider_id__in=provider_ids, public_id=public_id)
    except (ManualGate.DoesNotExist, ValueError) as exc:
        raise Http404("Not found.") from exc


def manual_tick_get(*, apprenticeship: Apprenticeship, public_id: uuid.UUID | str) -> ManualGateTick:
    """A tick of an apprenticeship the caller has already been allowed to see."""
    try:
        return ManualGateTick.objects.select_related("gate").get(apprenticeship=apprenticeship, public_id=public_id)
    except (ManualGateTick.DoesNotExist, ValueError) as exc:
        raise Http404("Not found.") from exc


@dataclass
class ManualRow:
    gate: ManualGate
    tick: ManualGateTick | None


@dataclass
class GatewayStatus:
    apprenticeship: Apprenticeship
    summary: CoverageSummary | None
    stale: bool
    checklist: list[dict[str, Any]]
    manual: list[ManualRow]
    signatures: dict[str, GatewaySignature]  # live, by side
    referral: AssessmentReferral | None
    history: list[Any] = field(default_factory=list)  # invalidated signatures and referrals, newest first
    can_sign: list[str] = field(default_factory=list)  # sides the viewer may sign now
    can_tick: bool = False
    can_refer: bool = False

    @property
    def state(self) -> str:
        return self.summary.state if self.summary else ReadinessState.NOT_READY

    @property
    def state_label(self) -> str:
        return str(ReadinessState(self.state).label)


def gateway_status_for(*, apprenticeship: Apprenticeship, user: Any) -> GatewayStatus:
    """The checklist, manual ticks, signatures and referral of an apprenticeship the user may see (the caller
    found it through the scoped selector), and what this user may do there now."""
    summary, stale = coverage_summary_for(apprenticeship=apprenticeship)
    live_ticks = {
        tick.gate_id: tick
        for tick in ManualGateTick.objects.filter(apprenticeship=apprenticeship, withdrawn_at__isnull=True)
        .select_related("ticked_by")
    }  # fmt: skip
    gates = manual_gate_list(provider=apprenticeship.provider)
    signatures = list(
        GatewaySignature.objects.filter(apprenticeship=apprenticeship)
        .select_related("signed_by")
        .order_by("-signed_at")
    )
    referrals = list(
        AssessmentReferral.objects.filter(apprenticeship=apprenticeship)
        .select_related("referred_by")
        .order_by("-referred_at")
    )
    live = {s.side: s for s in signatures if s.invalidated_at is None}
    referral = next((r for r in referrals if r.invalidated_at is None), None)
    ended: list[Any] = [row for row in signatures if row.invalidated_at is not None]
    ended += [row for row in referrals if row.invalidated_at is not None]
    history = sorted(
        ended,
        key=lambda row: row.invalidated_at,
        reverse=True,
    )
    status = GatewayStatus(
        apprenticeship=apprenticeship,
        summary=summary,
        stale=stale,
        checklist=gates_checklist(summary.gates) if summary else [],
        manual=[ManualRow(gate=gate, tick=live_ticks.get(gate.pk)) for gate in gates],
        signatures=live,
        referral=referral,
        history=history,
    )
    if status.state == ReadinessState.READY:
        status.can_sign = [side for side in sides_for(user=user, apprenticeship=apprenticeship) if side not in live]
    is_staff = staff_role(user=user, apprenticeship=apprenticeship) is not None
    status.can_tick = is_staff
    status.can_refer = is_staff and status.state == ReadinessState.SIGNED
    return status


def gateway_to_sign_at(*, provider_ids: Iterable[int], employer_ids: Iterable[int]) -> QuerySet[Apprenticeship]:
    """`gateway_to_sign_for_user` for a caller that read the user's organisations already (the providers and the
    employers where they hold a reviewer role: people.selectors.user_held_organisations), with no rows joined: the
    caller keeps it within the user's scope (a provider or employer of theirs) and selects what it shows."""
    providers, employers = sorted(set(provider_ids)), sorted(set(employer_ids))
    condition = Q(pk__in=[])
    if providers:
        condition |= Q(provider_id__in=providers) & Q(_lacking(GatewaySignature.Side.PROVIDER))
    if employers:
        condition |= Q(employer_id__in=employers) & Q(_lacking(GatewaySignature.Side.EMPLOYER))
    # The state written into the statement (`InNamed`): a prepared read's generic plan reads the summaries' partial
    # index of the gateway's states.
    return (
        Apprenticeship.objects.filter(InNamed(F("coverage_summary__state"), [ReadinessState.READY]))
        .filter(condition)
        .order_by("coverage_summary__ready_since", "pk")
    )


def gateway_to_refer_at(*, provider_ids: Iterable[int]) -> QuerySet[Apprenticeship]:
    """`gateway_to_refer_for_user` for a caller that read the providers where the user is staff (STAFF_ROLES)
    already, with no rows joined."""
    return Apprenticeship.objects.filter(
        InNamed(F("coverage_summary__state"), [ReadinessState.SIGNED]), provider_id__in=sorted(set(provider_ids))
    ).order_by("coverage_summary__ready_since", "pk")


def _organisations(user: Any, roles: Any) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(user=user, is_active=True, role__in=roles).values("organisation_id")


def _lacking(side: str) -> Any:
    return ~Exists(
        GatewaySignature.objects.filter(apprenticeship_id=OuterRef("pk"), side=side, invalidated_at__isnull=True)
    )


def gateway_to_sign_for_user(*, user: Any) -> QuerySet[Apprenticeship]:
    """Apprenticeships ready for gateway whose declaration waits for this person's side: an employer contact's
    apprentices lacking the employer's signature, an assessor's or tutor's lacking the provider's."""
    employer_ids = _organisations(user, EMPLOYER_REVIEWER_ROLES)
    provider_ids = _organisations(user, PROVIDER_REVIEWER_ROLES)
    ready = cohort_list_for_user(user=user).filter(coverage_summary__state=ReadinessState.READY)
    employer_side = ready.filter(employer_id__in=employer_ids).filter(_lacking(GatewaySignature.Side.EMPLOYER))
    provider_side = ready.filter(provider_id__in=provider_ids).filter(_lacking(GatewaySignature.Side.PROVIDER))
    return (employer_side | provider_side).order_by("coverage_summary__ready_since", "pk")


def gateway_to_refer_for_user(*, user: Any) -> QuerySet[Apprenticeship]:
    """Signed gateways at the user's provider, not yet with the assessment organisation."""
    return (
        cohort_list_for_user(user=user)
        .filter(provider_id__in=_organisations(user, STAFF_ROLES), coverage_summary__state=ReadinessState.SIGNED)
        .order_by("coverage_summary__ready_since", "pk")
    )
