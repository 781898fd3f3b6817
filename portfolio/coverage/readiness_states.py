"""The readiness lifecycle: one table of states, what moves an apprenticeship between them, and how each
change is announced. Read by the engine (which works the state out), the gateway services (which sign and
refer), the notifications, the pages and the API.

    not ready ──(every gate that is on passes)──> ready for gateway
    ready for gateway ──(the employer contact and a provider assessor or tutor have both signed)──> gateway signed
    gateway signed ──(provider staff record the referral)──> with the assessment organisation
    any state ──(a gate that is on fails)──> not ready, and every live signature and referral is invalidated

The engine is the only writer of the state: a signature or a referral is a row the engine reads in its next pass
(the gateway services run that pass in their own transaction), so each change of state is recorded once, under
the summary row's lock, however many times a recompute runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class ReadinessState(models.TextChoices):
    NOT_READY = "not_ready", "Not ready for gateway"
    READY = "ready", "Ready for gateway"
    SIGNED = "gateway_signed", "Gateway signed"
    WITH_ASSESSMENT_ORGANISATION = "with_assessment_organisation", "With the assessment organisation"


@dataclass(frozen=True)
class StateRule:
    kind: str  # the event's type, in webhooks and notifications
    ready: bool  # today's `ready`: every gate that is on passes
    title: str  # "{name} is ready for gateway ({standard})"
    own_title: str  # the apprentice's own wording
    body: str  # what it means, one sentence
    # Causes recorded on an event into this state that are not gates (the gates that changed are added).
    causes: tuple[str, ...] = ()


STATES: dict[str, StateRule] = {
    ReadinessState.NOT_READY: StateRule(
        kind="readiness.not_ready",
        ready=False,
        title="{name} is no longer ready for gateway ({standard})",
        own_title="You are no longer ready for gateway ({standard})",
        body="What stands now: {blocking}",
    ),
    ReadinessState.READY: StateRule(
        kind="readiness.ready",
        ready=True,
        title="{name} is ready for gateway ({standard})",
        own_title="You are ready for gateway ({standard})",
        body="Every gateway requirement is met: {covered} of {mapped} statements covered. The employer and the "
        "provider can now sign the gateway declaration.",
    ),
    ReadinessState.SIGNED: StateRule(
        kind="readiness.gateway_signed",
        ready=True,
        title="{name}'s gateway is signed ({standard})",
        own_title="Your gateway is signed ({standard})",
        body="The employer and the training provider have both signed the gateway declaration.",
        causes=("signatures",),
    ),
    ReadinessState.WITH_ASSESSMENT_ORGANISATION: StateRule(
        kind="readiness.with_assessment_organisation",
        ready=True,
        title="{name} is with the assessment organisation ({standard})",
        own_title="Your portfolio is with the assessment organisation ({standard})",
        body="The training provider has referred the apprentice to the assessment organisation.",
        causes=("referral",),
    ),
}

ORDER = list(STATES)  # the order a person moves through them


def state_rule(state: str) -> StateRule:
    return STATES[state]


def state_label(state: str) -> str:
    return str(ReadinessState(state).label)
